"""Every parameter that says where to go next refuses to send a reader off the site: absolute
addresses elsewhere, scheme-relative and backslash tricks, script URLs and their encodings all
end at a safe page of ours."""

from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.roles import MODERATOR
from comments.models import Comment
from tests.factories import DEFAULT_PASSWORD, ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE_NEXT = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "////evil.example/",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    " //evil.example",
    "\t//evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "%5C%5Cevil.example",
    "https:evil.example",
    "https:/evil.example",
    "http://testserver@evil.example/",
    "http://evil.example\\@testserver/",
    "https://evil.example%2F@testserver/",
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript%3Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "http://evil.example:80@testserver",
    "//evil.example%00.testserver",
    "/\u3002evil.example",
    "//evil\u3002example",
    "https://testserver.evil.example/",
]


def assert_stays_on_site(response, payload):
    """Where a browser would go: it drops tabs and line breaks and reads backslashes as
    slashes, then resolves the address against the page it is on."""
    assert response.status_code in (301, 302, 303), f"{payload!r}: expected a redirect"
    location = response["Location"]
    as_browser_reads_it = "".join(ch for ch in location if ch not in "\t\n\r").strip().replace("\\", "/")
    target = urlsplit(urljoin("http://testserver/accounts/login/", as_browser_reads_it))
    assert target.scheme in ("http", "https"), f"{payload!r} led to {location!r}"
    assert target.hostname == "testserver", f"{payload!r} led off the site: {location!r}"


def assert_stays_on_site_from_the_address(response, payload):
    """The same, for `next` in the address, where a NUL is refused (400) before any view reads
    it (newsroom/middleware.py): the reader goes nowhere."""
    if "%00" in payload:
        assert response.status_code == 400, f"{payload!r}: a NUL in the address was not refused"
        return
    assert_stays_on_site(response, payload)


@pytest.fixture
def member(db):
    user = UserFactory(email="member@example.org", display_name="Mia Member", verified=True)
    return user


@pytest.mark.parametrize("payload", HOSTILE_NEXT)
def test_signing_in_never_follows_next_off_the_site(client, member, payload):
    response = client.post(
        "/accounts/login/", {"login": member.email, "password": DEFAULT_PASSWORD, "next": payload}
    )
    assert_stays_on_site(response, payload)


@pytest.mark.parametrize("payload", HOSTILE_NEXT)
def test_signing_in_with_next_in_the_address_never_leaves_the_site(client, member, payload):
    response = client.post(
        "/accounts/login/?" + f"next={payload}", {"login": member.email, "password": DEFAULT_PASSWORD}
    )
    assert_stays_on_site_from_the_address(response, payload)


@pytest.mark.parametrize("payload", HOSTILE_NEXT)
def test_signing_out_never_follows_next_off_the_site(client, member, payload):
    client.force_login(member)
    response = client.post("/accounts/logout/", {"next": payload})
    assert_stays_on_site(response, payload)


@pytest.mark.parametrize("payload", HOSTILE_NEXT)
def test_signing_up_never_follows_next_off_the_site(client, payload):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
            "next": payload,
        },
    )
    assert_stays_on_site(response, payload)


@pytest.mark.parametrize("payload", HOSTILE_NEXT)
def test_an_already_signed_in_reader_opening_the_login_page_stays_on_site(client, member, payload):
    client.force_login(member)
    response = client.get("/accounts/login/", {"next": payload})
    if response.status_code == 200:
        assert 'href="' + payload not in response.content.decode()
    else:
        assert_stays_on_site(response, payload)


@pytest.mark.parametrize("payload", HOSTILE_NEXT)
def test_setting_a_first_password_never_follows_next_off_the_site(client, payload):
    user = UserFactory(email="nopass@example.org")
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    new = "an-entirely-new-passphrase-77"
    response = client.post("/accounts/password/set/", {"password1": new, "password2": new, "next": payload})
    assert_stays_on_site(response, payload)


@pytest.mark.parametrize("payload", HOSTILE_NEXT)
def test_the_admin_login_never_follows_next_off_the_site(client, payload):
    UserFactory(email="chief@example.org", is_staff=True, is_superuser=True)
    response = client.post(
        "/admin/login/?" + f"next={payload}",
        {"username": "chief@example.org", "password": DEFAULT_PASSWORD, "next": payload},
    )
    assert_stays_on_site_from_the_address(response, payload)


@pytest.mark.parametrize("payload", HOSTILE_NEXT)
def test_the_moderation_queue_never_follows_next_off_the_site(client, payload):
    moderator = UserFactory(email="moderator@example.org", roles=[MODERATOR])
    article = ArticleFactory()
    comment = Comment(
        article=article, content_object=article, site_id=1, user=UserFactory(), user_name="Someone",
        comment="A comment.", published_at=timezone.now(),
    )  # fmt: skip
    comment.save()
    client.force_login(moderator)
    response = client.post(
        "/comments/moderation/decide/", {"single": f"review:{comment.pk}", "next": payload}
    )
    assert_stays_on_site(response, payload)


@pytest.mark.parametrize("payload", HOSTILE_NEXT[:8])
def test_pages_that_need_a_login_send_back_only_to_themselves(client, payload):
    for page in ("/accounts/", "/newsletter/manage/", "/accounts/delete/"):
        response = client.get(page, {"next": payload})
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.path == "/accounts/login/"
        back = parse_qs(location.query)["next"][0]
        assert back.startswith(page), f"the login page would return to {back!r}"
