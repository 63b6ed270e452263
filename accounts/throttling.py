"""Who a login attempt is for, and how many attempts a connection and an address may make.

Two layers protect the sign-in forms (the reader login, the admin login, the second-step code
pages). django-axes locks an (address, IP) pair after repeated failures, with a cool-off
(settings.AXES_*). In front of it, LoginThrottleMiddleware counts every attempt per client IP
and per submitted address before the view runs, so a flood of guesses is refused without a
single password being hashed: hashing is deliberately slow, and an attacker who could make us
hash at will could exhaust the servers' CPU.
"""

import logging
import math
from functools import cache

from allauth.account.internal.stagekit import unstash_login
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from newsroom.lib import ratelimit
from newsroom.lib.client_ip import client_ip

logger = logging.getLogger(__name__)

_WINDOW_SECONDS = 60

# The forms that check a password, by URL name.
_PASSWORD_PAGES = ("account_login", "admin:login", "account_reauthenticate")
# The forms that check a second-factor code (an authenticator's or a recovery code).
_CODE_PAGES = ("mfa_authenticate", "mfa_reauthenticate")


def login_identifier(request, credentials):
    """The address a login attempt was for, lower-cased (settings.AXES_USERNAME_CALLABLE).

    Our login form passes it to authenticate() as `email`, the admin's as `username`; when a
    lockout page is built there are no credentials, only the posted form. Lower-casing means
    retyping the address in another letter case does not buy an attacker fresh attempts.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None and hasattr(request, "POST"):
        value = request.POST.get("login") or request.POST.get("username")
    return (value or "").strip().lower()


@cache
def _guarded_paths():
    return {
        **{reverse(name): "password" for name in _PASSWORD_PAGES},
        **{reverse(name): "code" for name in _CODE_PAGES},
    }


def _code_account(request):
    """Whose second step this is: the signed-in person re-confirming, or the person halfway
    through signing in. allauth keeps the half-finished login in the session (an internal
    API of the pinned allauth version); without one the code page refuses the post anyway."""
    if request.user.is_authenticated:
        return str(request.user.pk)
    pending = unstash_login(request, peek=True)
    if pending is not None and pending.user is not None:
        return str(pending.user.pk)
    return ""


def attempt_refused(request):
    """Count this attempt; the Verdict of the first limit it passes, or None if within all."""
    kind = _guarded_paths()[request.path_info]
    checks = [("login-ip", client_ip(request), settings.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE)]
    if kind == "password":
        address = request.user.email if request.user.is_authenticated else login_identifier(request, None)
        if address:
            checks.append(("login-address", address, settings.LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE))
    else:
        account = _code_account(request)
        if account:
            checks.append(("login-code", account, settings.LOGIN_CODE_ATTEMPTS_PER_ACCOUNT_PER_MINUTE))
    refused = None
    # Every counter takes the hit, even after one has refused: stopping early would let an
    # attacker spend the per-address allowance while the per-IP one is exhausted, or back.
    for scope, identity, limit in checks:
        verdict = ratelimit.hit(scope, identity, limit=limit, period=_WINDOW_SECONDS)
        if not verdict.allowed and refused is None:
            refused = verdict
    return refused


class LoginThrottleMiddleware:
    """Refuse sign-in posts over the per-IP and per-address limits before any view runs.

    After AuthenticationMiddleware (to know who is re-confirming) and allauth's middleware;
    before axes' (whose lockout page is for failures, not for floods).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info in _guarded_paths():
            refused = attempt_refused(request)
            if refused is not None:
                logger.warning(
                    "sign-in attempt refused: over the limit (%s attempts this minute) from %s at %s",
                    refused.count,
                    client_ip(request),
                    request.path_info,
                )
                return too_many_attempts(request, refused.retry_after)
        return self.get_response(request)


def too_many_attempts(request, retry_after):
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(request, "accounts/too_many_attempts.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
