"""A flood of sign-in attempts at one address slows sign-ins for it, but no stranger can lock
its owner out: the attacker's own connection is refused, and the owner, from anywhere else,
gets in with the right password after at most a short wait.

Attempts refused by the per-IP limit do not count against the address, and an address over
its own limit answers with a "one moment" page whose signed, single-use wait proof lets the
attempt through once the wait is over."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.accounts.conftest import PASSWORD, comparable, make_verified_reader, sign_in
from tests.accounts.hashing import counting_hashes
from tests.accounts.two_factor import STEP, totp, turn_on_authenticator
from tests.newsroom.test_security_headers import inline_code

pytestmark = pytest.mark.django_db

OWNER_ELSEWHERE = {"REMOTE_ADDR": "198.51.100.20"}
WAIT_HEADING = "One moment, then we will sign you in"
ADMIN_PASSWORD = "correct-horse-battery-staple"
CODE_PAGE = "/accounts/2fa/authenticate/"


@pytest.fixture
def clock():
    # Early in a minute, so a test's attempts and waits all fall in one counting window.
    now = timezone.now().replace(second=1, microsecond=0)
    with time_machine.travel(now, tick=True) as traveller:
        yield traveller


@pytest.fixture
def tight_limits(settings):
    settings.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = 3
    settings.LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE = 3
    return settings


def from_ip(address):
    return {"REMOTE_ADDR": address}


class WaitForm(HTMLParser):
    """The form of the "one moment" page: where it posts and its hidden fields."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "data-wait-seconds" in attrs:
            self.action = attrs["action"]
        elif tag == "input" and self.action is not None and attrs.get("type") == "hidden":
            self.fields.append((attrs["name"], attrs.get("value", "")))


def wait_form(response, password=PASSWORD):
    """The wait page's form as its reader sends it: the fields it carries, and the password
    typed in again (the page never holds it)."""
    page = response.content.decode()
    parser = WaitForm()
    parser.feed(page)
    assert parser.action is not None, "not the wait page"
    assert 'type="password"' in page
    fields = {name: value for name, value in parser.fields if name != "csrfmiddlewaretoken"}
    assert "password" not in fields
    return parser.action, {**fields, "password": password}


def is_wait_page(response):
    return response.status_code == 200 and WAIT_HEADING in response.content.decode()


def continue_after_wait(client, response, clock, password=PASSWORD, **extra):
    """What the page does: wait the seconds it says, then send the form back."""
    action, fields = wait_form(response, password)
    clock.shift(settings.LOGIN_BUSY_ADDRESS_WAIT_SECONDS + 1)
    return client.post(action, fields, **extra)


def attempt(client, clock, email, password=PASSWORD, **extra):
    """A sign-in as a browser makes it: through the "one moment" page if one comes."""
    response = sign_in(client, email, password=password, **extra)
    if is_wait_page(response):
        response = continue_after_wait(client, response, clock, password, **extra)
    return response


# The attacker's flood: (guesses from each IP, number of IPs). One IP with the probe's twelve
# guesses and with far more; a handful of IPs; many IPs with one guess each.
FLOODS = [(12, 1), (40, 1), (8, 5), (1, 30)]


@pytest.mark.parametrize(("guesses", "ips"), FLOODS)
def test_no_flood_of_wrong_passwords_stops_the_owner_signing_in_from_elsewhere(
    client, verified_reader, clock, guesses, ips
):
    for ip in range(ips):
        for guess in range(guesses):
            sign_in(client, "ada@example.org", password=f"guess-{guess}", **from_ip(f"203.0.113.{ip + 1}"))

    response = attempt(client, clock, "ada@example.org", **OWNER_ELSEWHERE)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert client.session["_auth_user_id"] == str(verified_reader.pk)


@pytest.mark.parametrize(("guesses", "ips"), [(12, 1), (40, 1), (8, 5)])
def test_after_the_flood_the_attackers_own_connection_is_refused(
    client, verified_reader, clock, guesses, ips
):
    for ip in range(ips):
        for guess in range(guesses):
            sign_in(client, "ada@example.org", password=f"guess-{guess}", **from_ip(f"203.0.113.{ip + 1}"))

    # Even with the right password, after any wait: the lockout or the per-IP limit holds.
    response = attempt(client, clock, "ada@example.org", **from_ip("203.0.113.1"))

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("spelling", ["ada@example.org", "ADA@example.org", " Ada@Example.org "])
def test_attempts_refused_by_the_per_ip_limit_do_not_use_up_the_address(
    client, verified_reader, tight_limits, clock, spelling
):
    attacker = from_ip("203.0.113.66")
    for number in range(3):
        sign_in(client, f"someone{number}@example.org", password="guess", **attacker)
    refused = [sign_in(client, spelling, password=f"guess-{n}", **attacker) for n in range(20)]

    with counting_hashes() as hashes:
        response = sign_in(client, "ada@example.org", **OWNER_ELSEWHERE)

    assert {r.status_code for r in refused} == {429}
    # No wait page at all: the address has seen none of the attacker's refused attempts.
    assert response["Location"] == "/accounts/"
    assert len(hashes) == 1


def test_the_flood_still_slows_the_address_without_hashing_and_the_wait_is_real(
    client, verified_reader, tight_limits, clock
):
    for ip in range(4):
        sign_in(client, "ada@example.org", password="guess", **from_ip(f"203.0.113.{ip + 1}"))

    with counting_hashes() as hashes:
        slowed = sign_in(client, "ada@example.org", **OWNER_ELSEWHERE)
        action, fields = wait_form(slowed)
        too_soon = client.post(action, fields, **OWNER_ELSEWHERE)
        assert hashes == []

    assert is_wait_page(slowed)
    assert "_auth_user_id" not in client.session
    assert "no-store" in slowed["Cache-Control"]
    assert f"each attempt waits {settings.LOGIN_BUSY_ADDRESS_WAIT_SECONDS} seconds" in slowed.content.decode()
    assert is_wait_page(too_soon)
    assert "_auth_user_id" not in client.session

    clock.shift(settings.LOGIN_BUSY_ADDRESS_WAIT_SECONDS + 1)
    assert client.post(action, fields, **OWNER_ELSEWHERE)["Location"] == "/accounts/"


def test_a_wait_proof_works_once(client, verified_reader, tight_limits, clock):
    for ip in range(4):
        sign_in(client, "ada@example.org", password="guess", **from_ip(f"203.0.113.{ip + 1}"))
    action, fields = wait_form(sign_in(client, "ada@example.org", **OWNER_ELSEWHERE))
    clock.shift(settings.LOGIN_BUSY_ADDRESS_WAIT_SECONDS + 1)

    assert client.post(action, fields, **OWNER_ELSEWHERE)["Location"] == "/accounts/"
    client.post("/accounts/logout/")
    replayed = client.post(action, fields, **OWNER_ELSEWHERE)

    assert is_wait_page(replayed)
    assert "_auth_user_id" not in client.session


def flood_and_get_proof(client, email):
    """Make `email` busy with guesses from four IPs; the wait proof the next attempt is given."""
    for ip in range(4):
        sign_in(client, email, password="guess", **from_ip(f"203.0.113.{ip + 1}"))
    _, fields = wait_form(sign_in(client, email, password="guess", **from_ip("192.0.2.1")))
    return fields["wait_proof"]


def altered(proof):
    return proof[:-2] + ("BB" if proof.endswith("AA") else "AA")


@pytest.mark.parametrize("spoiled", ["altered", "empty", "made-up", "for another address", "expired"])
def test_a_proof_that_is_not_genuine_for_this_address_is_not_accepted(
    client, verified_reader, tight_limits, clock, spoiled
):
    make_verified_reader(email="bea@example.org", display_name="Bea")
    proof = flood_and_get_proof(client, "ada@example.org")
    if spoiled == "altered":
        proof = altered(proof)
    elif spoiled == "empty":
        proof = ""
    elif spoiled == "made-up":
        proof = "not-a-proof"
    elif spoiled == "for another address":
        # Bea's address is busy too; a proof waited for on hers does not open Ada's.
        proof = flood_and_get_proof(client, "bea@example.org")
    elif spoiled == "expired":
        clock.shift(timedelta(minutes=30))
        flood_and_get_proof(client, "ada@example.org")  # busy again in this new minute
    clock.shift(settings.LOGIN_BUSY_ADDRESS_WAIT_SECONDS + 1)

    with counting_hashes() as hashes:
        response = client.post(
            "/accounts/login/", {"login": "ada@example.org", "password": PASSWORD, "wait_proof": proof}
        )

    assert is_wait_page(response)
    assert hashes == []
    assert "_auth_user_id" not in client.session


def test_the_wait_page_works_without_javascript_and_has_no_inline_script(
    client, verified_reader, tight_limits, clock
):
    for ip in range(4):
        sign_in(client, "ada@example.org", password="guess", **from_ip(f"203.0.113.{ip + 1}"))

    slowed = client.post(
        "/accounts/login/?next=/accounts/email/",
        {"login": "ada@example.org", "password": PASSWORD, "remember": "on"},
        **OWNER_ELSEWHERE,
    )

    page = slowed.content.decode()
    action, fields = wait_form(slowed)
    # The password the reader sent is not written back into the page.
    assert PASSWORD not in page
    assert re.search(r'<input type="password" id="wait-password" name="password" [^>]*required>', page)
    assert action == "/accounts/login/?next=/accounts/email/"
    assert fields["login"] == "ada@example.org"
    assert fields["remember"] == "on"
    assert re.search(r'<button type="submit"[^>]*>Continue signing in</button>', page)
    assert re.search(r'<script src="/static/accounts/wait-to-sign-in\.[0-9a-f]+\.js" defer>', page)
    assert inline_code(slowed) == []
    clock.shift(settings.LOGIN_BUSY_ADDRESS_WAIT_SECONDS + 1)
    assert client.post(action, fields, **OWNER_ELSEWHERE)["Location"] == "/accounts/email/"


def test_busy_real_and_unknown_addresses_get_the_same_wait_page(client, verified_reader, tight_limits, clock):
    for ip in range(4):
        sign_in(client, "ada@example.org", password="guess", **from_ip(f"203.0.113.{ip + 1}"))
        sign_in(client, "nobody@example.org", password="guess", **from_ip(f"203.0.113.{ip + 1}"))

    real = sign_in(client, "ada@example.org", password="guess", **from_ip("198.51.100.3"))
    unknown = sign_in(client, "nobody@example.org", password="guess", **from_ip("198.51.100.4"))

    def without_echoed_values(response):
        return re.sub(r'type="hidden" name="(login|wait_proof)" value="[^"]*"', "", comparable(response))

    assert is_wait_page(real)
    assert without_echoed_values(real) == without_echoed_values(unknown)


def test_the_admin_login_of_a_flooded_address_slows_but_lets_its_owner_in(
    client, editor, tight_limits, clock
):
    for ip in range(6):
        client.post(
            "/admin/login/?next=/admin/",
            {"username": "editor@example.org", "password": f"guess-{ip}"},
            **from_ip(f"203.0.113.{ip + 1}"),
        )

    slowed = client.post(
        "/admin/login/?next=/admin/",
        {"username": "Editor@example.org", "password": ADMIN_PASSWORD},
        **OWNER_ELSEWHERE,
    )
    assert is_wait_page(slowed)
    response = continue_after_wait(client, slowed, clock, password=ADMIN_PASSWORD, **OWNER_ELSEWHERE)

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("path", "field", "decoy_field"),
    [("/admin/login/", "username", "login"), ("/accounts/login/", "login", "username")],
)
def test_a_decoy_field_does_not_move_the_count_off_the_address_being_checked(
    client, editor, tight_limits, clock, path, field, decoy_field
):
    for ip in range(4):
        guess = {field: "editor@example.org", decoy_field: "decoy@example.org", "password": "guess"}
        client.post(path, guess, **from_ip(f"203.0.113.{ip + 1}"))

    slowed = client.post(path, {field: "editor@example.org", "password": ADMIN_PASSWORD}, **OWNER_ELSEWHERE)

    assert is_wait_page(slowed)


def test_reconfirming_the_password_of_a_flooded_address_slows_but_works(
    client, verified_reader, tight_limits, clock
):
    client.force_login(verified_reader)
    for ip in range(4):
        sign_in(Client(), "ada@example.org", password="guess", **from_ip(f"203.0.113.{ip + 1}"))

    slowed = client.post(
        "/accounts/reauthenticate/?next=/accounts/", {"password": PASSWORD}, **OWNER_ELSEWHERE
    )
    assert is_wait_page(slowed)
    response = continue_after_wait(client, slowed, clock, **OWNER_ELSEWHERE)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/"


def test_a_busy_address_does_not_slow_anyone_else(client, verified_reader, tight_limits, clock):
    make_verified_reader(email="bea@example.org", display_name="Bea")
    for ip in range(6):
        sign_in(client, "ada@example.org", password="guess", **from_ip(f"203.0.113.{ip + 1}"))

    assert sign_in(client, "bea@example.org", **OWNER_ELSEWHERE)["Location"] == "/accounts/"


def test_code_guesses_refused_by_the_per_ip_limit_do_not_use_up_the_accounts_code_budget(
    client, clock, settings
):
    # Only someone who has the password reaches the code page, so the per-account code limit
    # still refuses; but a connection already over its own limit must not spend it.
    settings.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = 3
    owner = make_verified_reader(email="desk@example.org", display_name="Dana Desk", is_staff=True)
    sign_in(client, owner.email, **OWNER_ELSEWHERE)
    secret, _ = turn_on_authenticator(client, PASSWORD)
    client.post("/accounts/logout/", **OWNER_ELSEWHERE)
    clock.shift(STEP)  # a code is accepted once per step; the next one is fresh
    attacker, at = Client(), from_ip("203.0.113.66")
    assert sign_in(attacker, owner.email, **at)["Location"] == CODE_PAGE
    for number in range(2):
        sign_in(attacker, f"someone{number}@example.org", password="guess", **at)

    refused = [attacker.post(CODE_PAGE, {"code": f"{n:06d}"}, **at) for n in range(10)]
    assert sign_in(client, owner.email, **OWNER_ELSEWHERE)["Location"] == CODE_PAGE
    response = client.post(CODE_PAGE, {"code": totp(secret)}, **OWNER_ELSEWHERE)

    assert {r.status_code for r in refused} == {429}
    assert response["Location"] == "/accounts/"
    assert client.session["_auth_user_id"] == str(owner.pk)
