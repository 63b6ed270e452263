from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Log in with an email address in any letter case.

    ModelBackend already looks the user up through the manager's get_by_natural_key, which
    matches the address case-insensitively; this class names that choice in settings and
    accepts `email=` as well as `username=` (the admin login form sends `username`).
    """

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(request, username=username or email, password=password, **kwargs)
