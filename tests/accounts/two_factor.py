"""Helpers for the two-factor tests: an authenticator app's codes, computed here from the
secret (RFC 6238, as a phone would), and a staff member who has turned the app on."""

import base64
import hashlib
import hmac
import re
import struct
import time

from django.utils import timezone

STEP = 30


def totp(secret, *, at=None):
    """The six-digit code an authenticator app shows for `secret` at `at` (default: now)."""
    moment = at if at is not None else time.time()
    counter = int(moment) // STEP
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def start_of_a_step():
    """A moment one second into the next 30-second step, for time_machine.travel(tick=True):
    a code computed then stays the current one for the rest of the test."""
    now = int(timezone.now().timestamp())
    return now - now % STEP + STEP + 1


def secret_on_page(response):
    return re.search(r'id="totp-secret">([A-Z2-7]+)<', response.content.decode()).group(1)


def setup_page(client, password):
    """The setup page; changing how one signs in first asks for the password again."""
    response = client.get("/accounts/2fa/totp/activate/")
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        client.post(response["Location"], {"password": password})
        response = client.get("/accounts/2fa/totp/activate/")
    return response


def turn_on_authenticator(client, password):
    """Through the account pages, as the signed-in person would: returns the secret and the
    recovery codes shown afterwards."""
    secret = secret_on_page(setup_page(client, password))
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)}, follow=True)
    codes = re.findall(r"<li><code>([0-9A-Za-z-]+)</code></li>", response.content.decode())
    return secret, codes
