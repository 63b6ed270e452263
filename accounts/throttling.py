"""Who a login attempt is for, and how many attempts a connection and an address may make.

Two layers protect the sign-in forms (the reader login, the admin login, the second-step code
pages). django-axes locks an (address, IP) pair after repeated failures, with a cool-off
(settings.AXES_*). In front of it, LoginThrottleMiddleware counts every attempt before the view
runs, so a flood of guesses is answered without a single password being hashed: hashing is
deliberately slow, and an attacker who could make us hash at will could exhaust the servers'
CPU.

A connection over its own limit is refused. An address over its limit is never refused, only
slowed: whoever tries it has no way to show they are its owner, so a refusal there would let
any stranger lock the owner out by guessing from elsewhere. Instead each further attempt for
that address waits a few seconds (a signed, single-use wait proof that the page sends back by
itself), which costs a real reader one short pause and costs a flood its speed.
"""

import hashlib
import logging
import math
import secrets
import time
from functools import cache

from allauth.account.internal.stagekit import unstash_login
from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from newsroom.lib import ratelimit
from newsroom.lib.client_ip import client_ip, client_network

logger = logging.getLogger(__name__)

_WINDOW_SECONDS = 60

# The forms that check a password, by URL name, with the field that names the account (none
# when re-confirming: the account is the signed-in person's).
_PASSWORD_PAGES = {"account_login": "login", "admin:login": "username", "account_reauthenticate": None}
# The forms that check a second-factor code (an authenticator's or a recovery code).
_CODE_PAGES = ("mfa_authenticate", "mfa_reauthenticate")

# The hidden field that carries a wait proof back with the sign-in form.
WAIT_PROOF_FIELD = "wait_proof"
_WAIT_PROOF_SALT = "accounts.throttling.wait-proof"
# How long after its wait a proof may still be used: enough for a reader without JavaScript
# to come back to the tab and press the button, short enough that proofs cannot be hoarded.
_WAIT_PROOF_LIFETIME_SECONDS = 5 * 60


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


def _ip_refused(request):
    """Count this attempt against the connection; the Verdict if it is over its limit.

    An IPv6 client is counted by its /64: with the address limit only slowing, the per-IP
    limit and axes are what cap guessing, and a client must not escape them by rotating
    through its own network.
    """
    verdict = ratelimit.hit(
        "login-ip",
        client_network(request),
        limit=settings.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE,
        period=_WINDOW_SECONDS,
    )
    return None if verdict.allowed else verdict


def _code_refused(request):
    """Count a second-step attempt against its account; the Verdict if over the limit.

    Unlike the address limit this one refuses: only someone who has already given the
    account's password reaches the code page, so no stranger can spend it, and a six-digit
    code needs the hard limit against guessing.
    """
    account = _code_account(request)
    if not account:
        return None
    verdict = ratelimit.hit(
        "login-code",
        account,
        limit=settings.LOGIN_CODE_ATTEMPTS_PER_ACCOUNT_PER_MINUTE,
        period=_WINDOW_SECONDS,
    )
    return None if verdict.allowed else verdict


@cache
def _address_fields():
    return {reverse(name): field for name, field in _PASSWORD_PAGES.items()}


def _attempted_address(request):
    """The address this attempt will be checked against, read from the one field the page's
    form reads: a decoy in another field must not move the count to some other address."""
    if request.user.is_authenticated:
        return request.user.email.strip().lower()
    field = _address_fields()[request.path_info]
    return (request.POST.get(field) or "").strip().lower() if field else ""


def _address_busy(address):
    """Count this attempt against the address; whether it is over its limit this minute."""
    verdict = ratelimit.hit(
        "login-address", address, limit=settings.LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE, period=_WINDOW_SECONDS
    )
    return not verdict.allowed


def _address_digest(address):
    # The proof travels through the page, so it names the address only by a hash.
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def issue_wait_proof(address):
    """A signed proof for one attempt at `address`, usable once its wait is over."""
    ready_at = int(time.time()) + settings.LOGIN_BUSY_ADDRESS_WAIT_SECONDS
    payload = {"address": _address_digest(address), "ready_at": ready_at, "nonce": secrets.token_urlsafe(16)}
    return signing.dumps(payload, salt=_WAIT_PROOF_SALT)


def wait_proof_accepted(proof, address):
    """Whether `proof` was issued for `address`, its wait is over, and it was not used before.

    Using it spends it, so each attempt at a busy address costs its own wait.
    """
    if not proof:
        return False
    max_age = settings.LOGIN_BUSY_ADDRESS_WAIT_SECONDS + _WAIT_PROOF_LIFETIME_SECONDS
    try:
        payload = signing.loads(proof, salt=_WAIT_PROOF_SALT, max_age=max_age)
    except signing.BadSignature:  # forged, altered or expired
        return False
    if not isinstance(payload, dict) or payload.get("address") != _address_digest(address):
        return False
    if time.time() < payload.get("ready_at", math.inf):
        return False
    # add() writes only if the key is new: the first use wins, any replay finds it taken. Kept
    # with the rate-limit counters, which are never evicted (an evicted mark would let a proof
    # be used again). If they cannot be written the reader is asked to wait again.
    try:
        return ratelimit.counters.add(f"login-wait-proof-used:{payload['nonce']}", True, timeout=max_age)
    except Exception:
        logger.error("a sign-in wait proof could not be marked used: the counters cache is unavailable")
        return False


def _has_waited(request, address):
    return wait_proof_accepted(request.POST.get(WAIT_PROOF_FIELD), address)


class LoginThrottleMiddleware:
    """Refuse sign-in posts over the per-IP limit, and slow those for a busy address, before
    any view runs.

    After AuthenticationMiddleware (to know who is re-confirming) and allauth's middleware;
    before axes' (whose lockout page is for failures, not for floods).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info in _guarded_paths():
            response = self.check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request):
        kind = _guarded_paths()[request.path_info]
        # The connection first, and nothing more is counted once it is over its limit: an
        # attacker's refused attempts must not use up the budget of the address they target.
        refused = _ip_refused(request)
        if refused is None and kind == "code":
            refused = _code_refused(request)
        if refused is not None:
            logger.warning(
                "sign-in attempt refused: over the limit (%s attempts this minute) from %s at %s",
                refused.count,
                client_ip(request),
                request.path_info,
            )
            return too_many_attempts(request, refused.retry_after)
        if kind == "password":
            address = _attempted_address(request)
            if address and _address_busy(address) and not _has_waited(request, address):
                logger.info(
                    "sign-in attempt asked to wait: many attempts for its address this minute, from %s at %s",
                    client_ip(request),
                    request.path_info,
                )
                return please_wait(request, address)
        return None


def too_many_attempts(request, retry_after):
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(request, "accounts/too_many_attempts.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def please_wait(request, address):
    """The page that sends the attempt again, with a wait proof, once the wait is over.

    It carries the posted fields back (the address, "remember me", where to go next), but never
    a password: a password written into a page can be read back from it (the browser's history
    and memory, a screen reader's buffer, an extension), so the reader types it again.
    """
    fields, password_fields = [], []
    for name, values in request.POST.lists():
        if name in ("csrfmiddlewaretoken", WAIT_PROOF_FIELD):
            continue
        if "password" in name:
            password_fields.append(name)
            continue
        fields.extend((name, value) for value in values)
    context = {
        "action": request.get_full_path(),
        "fields": fields,
        "password_fields": password_fields,
        "proof_field": WAIT_PROOF_FIELD,
        "proof": issue_wait_proof(address),
        "seconds": settings.LOGIN_BUSY_ADDRESS_WAIT_SECONDS,
    }
    response = render(request, "accounts/wait_to_sign_in.html", context)
    add_never_cache_headers(response)
    return response
