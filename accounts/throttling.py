"""How django-axes recognises whose login failed (settings.AXES_USERNAME_CALLABLE)."""


def login_identifier(request, credentials):
    """The address a login attempt was for, lower-cased.

    Our login form passes it to authenticate() as `email`, the admin's as `username`; when a
    lockout page is built there are no credentials, only the posted form. Lower-casing means
    retyping the address in another letter case does not buy an attacker fresh attempts.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None and hasattr(request, "POST"):
        value = request.POST.get("login") or request.POST.get("username")
    return (value or "").strip().lower()
