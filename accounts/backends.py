from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Log in with an email address in any letter case.

    ModelBackend already looks the user up through the manager's get_by_natural_key, which
    matches the address case-insensitively; this class names that choice in settings and
    accepts `email=` as well as `username=` (the admin login form sends `username`).
    """

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(request, username=username or email, password=password, **kwargs)


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS.

    Every login form passes the request, which axes needs to know the IP address. A call without
    one comes from code (Django's test client's login(), a management command): there is no
    person at a form to throttle, and axes would raise instead of letting the check pass.
    """

    def authenticate(self, request, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
