"""Two-step sign-in with an authenticator app (allauth's MFA): turning it on and off from the
account pages, the code asked for after the password, recovery codes, and the admin's rule."""

import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core import mail

from tests.accounts.conftest import PASSWORD, make_verified_reader, sign_in
from tests.accounts.two_factor import (
    STEP,
    secret_on_page,
    setup_page,
    start_of_a_step,
    totp,
    turn_on_authenticator,
)
from tests.newsroom.test_security_headers import inline_code

pytestmark = pytest.mark.django_db

CODE_PAGE = "/accounts/2fa/authenticate/"


@pytest.fixture
def clock():
    with time_machine.travel(start_of_a_step(), tick=True) as traveller:
        yield traveller


@pytest.fixture
def staff_member(db):
    return make_verified_reader(email="desk@example.org", display_name="Dana Desk", is_staff=True)


def signed_in_with_authenticator(client, user):
    """Signed in, with the app turned on; returns the secret and the recovery codes."""
    sign_in(client, user.email)
    return turn_on_authenticator(client, PASSWORD)


def test_the_setup_page_shows_the_secret_a_qr_code_and_the_otpauth_address(client, staff_member):
    sign_in(client, staff_member.email)

    response = setup_page(client, PASSWORD)

    page = response.content.decode()
    secret = secret_on_page(response)
    assert len(secret) >= 32
    assert re.search(r'<img class="totp-qr" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', page)
    assert 'alt="QR code for adding your' in page
    assert f"otpauth://totp/desk%40example.org?secret={secret}&amp;issuer=The%20Civic%20Ledger" in page
    # Drawn on the server as an image, so the strict CSP has nothing inline to block.
    assert inline_code(response) == []


def test_turning_it_on_with_a_wrong_code_fails_and_stores_nothing(client, staff_member, clock):
    sign_in(client, staff_member.email)
    secret = secret_on_page(setup_page(client, PASSWORD))
    wrong = f"{(int(totp(secret)) + 1) % 1_000_000:06d}"

    response = client.post("/accounts/2fa/totp/activate/", {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=staff_member).exists()
    # The same secret is offered again, so the app the person has just set up still fits.
    assert secret_on_page(response) == secret


def test_turning_it_on_with_the_right_code_gives_ten_recovery_codes_and_tells_the_owner(
    client, staff_member, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _, codes = signed_in_with_authenticator(client, staff_member)

    kinds = set(Authenticator.objects.filter(user=staff_member).values_list("type", flat=True))
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert len(codes) == 10
    assert len(set(codes)) == 10
    [notice] = mail.outbox
    assert notice.to == ["desk@example.org"]
    assert notice.subject == "[The Civic Ledger] Authenticator App Activated"
    assert "The Civic Ledger" in notice.body
    assert "On." in client.get("/accounts/2fa/").content.decode()


def test_after_the_password_the_sign_in_asks_for_the_code_and_signs_in_only_with_it(
    client, staff_member, clock
):
    secret, _ = signed_in_with_authenticator(client, staff_member)
    client.post("/accounts/logout/")
    clock.shift(STEP)

    after_password = sign_in(client, staff_member.email)

    assert after_password["Location"] == CODE_PAGE
    assert "_auth_user_id" not in client.session
    prompt = client.get(CODE_PAGE).content.decode()
    assert "Enter the code from your authenticator app" in prompt
    assert 'autocomplete="one-time-code"' in prompt
    signed_in = client.post(CODE_PAGE, {"code": totp(secret)})
    assert signed_in["Location"] == "/accounts/"
    assert client.session["_auth_user_id"] == str(staff_member.pk)


def test_a_wrong_code_is_refused_and_guessing_on_is_throttled(client, staff_member, clock, settings):
    settings.LOGIN_CODE_ATTEMPTS_PER_ACCOUNT_PER_MINUTE = 3
    secret, _ = signed_in_with_authenticator(client, staff_member)
    client.post("/accounts/logout/")
    clock.shift(STEP)
    sign_in(client, staff_member.email)
    wrong = f"{(int(totp(secret)) + 1) % 1_000_000:06d}"

    refused = [client.post(CODE_PAGE, {"code": wrong}) for _ in range(3)]
    throttled = client.post(CODE_PAGE, {"code": totp(secret)})

    assert [response.status_code for response in refused] == [200, 200, 200]
    assert "Incorrect code." in refused[0].content.decode()
    assert throttled.status_code == 429
    assert "Too many attempts, try again in 1 minute" in throttled.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once_and_only_once(client, staff_member, clock):
    _, codes = signed_in_with_authenticator(client, staff_member)
    client.post("/accounts/logout/")

    sign_in(client, staff_member.email)
    first = client.post(CODE_PAGE, {"code": codes[0]})
    assert first["Location"] == "/accounts/"
    client.post("/accounts/logout/")

    sign_in(client, staff_member.email)
    again = client.post(CODE_PAGE, {"code": codes[0]})
    assert again.status_code == 200
    assert "Incorrect code." in again.content.decode()
    assert "_auth_user_id" not in client.session
    assert "8 of your 10 recovery codes are unused" in _after_signing_in_with(client, codes[1])


def _after_signing_in_with(client, code):
    client.post(CODE_PAGE, {"code": code})
    return client.get("/accounts/2fa/").content.decode()


def test_turning_it_off_takes_a_current_code(client, staff_member, clock):
    secret, _ = signed_in_with_authenticator(client, staff_member)
    clock.shift(STEP)

    form = client.get("/accounts/2fa/totp/deactivate/")
    assert form.status_code == 200
    assert "is not a current code" not in form.content.decode()
    missing = client.post("/accounts/2fa/totp/deactivate/", {"code": ""})
    wrong = client.post(
        "/accounts/2fa/totp/deactivate/", {"code": "000000" if totp(secret) != "000000" else "111111"}
    )
    assert missing.status_code == wrong.status_code == 200
    assert "is not a current code from your authenticator app" in wrong.content.decode()
    assert Authenticator.objects.filter(user=staff_member, type=Authenticator.Type.TOTP).exists()

    done = client.post("/accounts/2fa/totp/deactivate/", {"code": totp(secret)})

    assert done["Location"] == "/accounts/2fa/"
    assert not Authenticator.objects.filter(user=staff_member).exists()
    client.post("/accounts/logout/")
    assert sign_in(client, staff_member.email)["Location"] == "/accounts/"


def test_readers_may_turn_it_on_too_and_the_account_page_links_to_it(client, verified_reader, clock):
    sign_in(client, verified_reader.email)
    assert 'href="/accounts/2fa/"' in client.get("/accounts/").content.decode()

    turn_on_authenticator(client, PASSWORD)

    assert Authenticator.objects.filter(user=verified_reader, type=Authenticator.Type.TOTP).exists()


# The admin ---------------------------------------------------------------------------------


def admin_login(client, email, password=PASSWORD):
    return client.post("/admin/login/?next=/admin/", {"username": email, "password": password})


def test_the_admin_login_asks_staff_who_use_an_app_for_the_code(client, staff_member, clock):
    secret, _ = signed_in_with_authenticator(client, staff_member)
    client.post("/accounts/logout/")
    clock.shift(STEP)

    after_password = admin_login(client, "DESK@example.org")

    assert after_password["Location"] == CODE_PAGE
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    signed_in = client.post(CODE_PAGE, {"code": totp(secret)})
    assert signed_in["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_with_the_setting_on_the_admin_refuses_a_session_without_a_second_step(
    client, staff_member, settings
):
    settings.ADMIN_REQUIRE_2FA = True
    client.force_login(staff_member)

    refused = client.get("/admin/")
    assert refused.status_code == 302
    to_setup = client.get(refused["Location"])

    assert to_setup["Location"] == "/accounts/2fa/totp/activate/?next=%2Fadmin%2F"
    assert client.get("/admin/articles/article/").status_code == 302


def test_with_the_setting_on_staff_with_an_app_are_asked_for_a_code_then_let_in(
    client, staff_member, settings, clock
):
    secret, _ = signed_in_with_authenticator(client, staff_member)
    settings.ADMIN_REQUIRE_2FA = True
    clock.shift(STEP)

    to_code = client.get(client.get("/admin/")["Location"])
    assert to_code["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2F"
    wrong = client.post(to_code["Location"], {"code": "not-a-code"})
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302

    verified = client.post(to_code["Location"], {"code": totp(secret)})

    assert verified["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_with_the_setting_on_a_sign_in_with_the_code_goes_straight_into_the_admin(
    client, staff_member, settings, clock
):
    secret, _ = signed_in_with_authenticator(client, staff_member)
    client.post("/accounts/logout/")
    settings.ADMIN_REQUIRE_2FA = True
    clock.shift(STEP)

    admin_login(client, staff_member.email)
    client.post(CODE_PAGE, {"code": totp(secret)})

    assert client.get("/admin/").status_code == 200


def test_with_the_setting_off_staff_without_an_app_use_the_admin_as_before(client, staff_member):
    assert admin_login(client, staff_member.email)["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_shows_who_has_an_authenticator_and_removes_one_but_never_its_secret(
    client, staff_member, superuser, clock
):
    secret, codes = signed_in_with_authenticator(client, staff_member)
    app = Authenticator.objects.get(user=staff_member, type=Authenticator.Type.TOTP)
    client.force_login(superuser)

    listing = client.get("/admin/mfa/authenticator/").content.decode()
    page = client.get(f"/admin/mfa/authenticator/{app.pk}/change/").content.decode()
    recovery = Authenticator.objects.get(user=staff_member, type=Authenticator.Type.RECOVERY_CODES)
    recovery_page = client.get(f"/admin/mfa/authenticator/{recovery.pk}/change/").content.decode()

    # Whoever reads the seed or a recovery code can sign in as Dana: staff see neither.
    assert len(codes) == 10
    assert "desk@example.org" in listing
    assert "desk@example.org" in page
    for html in (listing, page, recovery_page):
        assert secret not in html
        assert not any(code in html for code in codes)
    assert client.get("/admin/mfa/authenticator/add/").status_code == 403

    # A lost phone: removing the app lets its owner sign in with the password and set up anew.
    client.post(f"/admin/mfa/authenticator/{app.pk}/delete/", {"post": "yes"})

    assert not Authenticator.objects.filter(pk=app.pk).exists()
