"""Journeys that start from a cached page: commenting (the form and its CSRF token come from the
uncached fragment), the signed-in bar (a private fragment too) and premium articles (the shared
copy only ever holds the teaser)."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from playwright.sync_api import expect

from comments.models import Comment, CommentPolicy
from tests.browser.accessibility import assert_accessible
from tests.conftest import save_screenshot
from tests.factories import DEFAULT_PASSWORD, ArticleFactory, UserFactory, singleton_row
from tests.subscriptions.conftest import PREMIUM_BODY, SUBSCRIBER_ONLY, subscribe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

LEAKY_TEMPLATES = Path(__file__).parent / "templates"


class FormFields(HTMLParser):
    """The name and value of every input in a piece of HTML, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "textarea") and attrs.get("name") and attrs.get("type") != "checkbox":
            self.fields[attrs["name"]] = attrs.get("value") or ""


def form_fields(html):
    parser = FormFields()
    parser.feed(html)
    return parser.fields


@pytest.fixture
def commenting_open(db):
    policy = singleton_row(CommentPolicy)
    policy.hold_first_comments = 0
    policy.save()
    return policy


def test_a_reader_comments_from_a_cached_article_page(
    story, reader, commenting_open, django_capture_on_commit_callbacks
):
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    Client().get(story.get_absolute_url())  # another reader fills the cache
    browser = Client(enforce_csrf_checks=True)

    page = browser.get(story.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    html = page.content.decode()
    assert "csrfmiddlewaretoken" not in html
    fragment_url = re.search(r'data-form-url="([^"]+)"', html).group(1)

    browser.force_login(reader)
    fragment = browser.get(fragment_url)
    assert "private" in fragment["Cache-Control"]
    fields = form_fields(fragment.content.decode())
    assert fields["csrfmiddlewaretoken"]
    action = re.search(
        r'<form class="comment-form" method="post" action="([^"]+)"', fragment.content.decode()
    )
    fields.update(comment="The harbour wall needs a second look.", honeypot="")
    with django_capture_on_commit_callbacks(execute=True):
        posted = browser.post(action.group(1), fields)

    assert posted.status_code == 302, posted.content.decode()[:2000]
    assert Comment.objects.get().comment == "The harbour wall needs a second look."
    # The shared page shows the new comment to the next anonymous reader.
    next_reader = Client().get(story.get_absolute_url())
    assert next_reader["X-Page-Cache"] == "miss"
    assert "The harbour wall needs a second look." in next_reader.content.decode()


def test_posting_without_the_fragments_token_is_refused(story, reader, commenting_open):
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)

    response = browser.post(f"/comments/article/{story.pk}/post/", {"comment": "Forged."})

    assert response.status_code == 403
    assert not Comment.objects.exists()


def as_a_shared_cache_serves_it(page, url, cached):
    """Answer the browser's request for `url` with the shared copy another reader left in the
    cache, as a CDN or proxy that keeps public pages would, even for a signed-in reader (our
    own cache and nginx render afresh for a session cookie, so this is the harder case)."""
    headers = {name: value for name, value in cached.items() if name.lower() != "content-length"}
    page.route(
        lambda address: address.split("?")[0].endswith(url),
        lambda route: route.fulfill(status=200, headers=headers, body=cached.content),
    )


def bar(page):
    return page.locator(".masthead__links")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_signed_in_reader_on_a_cached_page_sees_their_bar_comments_and_signs_out(page, story):
    page.set_default_timeout(60_000)  # other suites share the machine
    policy = singleton_row(CommentPolicy)
    policy.hold_first_comments = 0
    policy.save()
    reader = UserFactory(email="rita@example.org", display_name="Rita Reader", verified=True)
    url = story.get_absolute_url()
    Client().get(url)  # an anonymous reader fills the cache
    cached = Client().get(url)
    assert cached["X-Page-Cache"] == "hit"
    assert b"Rita Reader" not in cached.content

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(reader.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/")

    # The shared copy, with "Sign in" in its bytes, becomes this reader's bar after load.
    as_a_shared_cache_serves_it(page, url, cached)
    page.goto(url)
    expect(bar(page).get_by_text("Rita Reader")).to_be_visible()
    expect(bar(page).get_by_role("link", name="Your account")).to_have_attribute("href", "/accounts/")
    expect(bar(page).get_by_role("button", name="Sign out")).to_be_visible()
    expect(bar(page).get_by_role("link", name="Sign in")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    save_screenshot(page, "account-bar-signed-in")
    assert_accessible(page, "cached article, signed in")

    # The comment form came from its own private fragment: posting from the cached page works.
    page.get_by_label("Your comment").fill("Posted from the shared copy of the page.")
    page.unroute_all()
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(lambda address: urlsplit(address).path == url)
    posted = page.locator(".comment__text").get_by_text("Posted from the shared copy of the page.")
    expect(posted).to_be_visible()
    assert Comment.objects.get().user == reader

    bar(page).get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda address: urlsplit(address).path == "/")
    page.wait_for_load_state("networkidle")
    expect(bar(page).get_by_role("link", name="Sign in")).to_be_visible()
    expect(bar(page).get_by_text("Rita Reader")).to_have_count(0)
    save_screenshot(page, "account-bar-signed-out")


@pytest.fixture
def premium_story(story):
    return ArticleFactory(
        headline="Pension fund gap hidden for two years",
        slug="pension-fund-gap",
        body=PREMIUM_BODY,
        is_premium=True,
        section=story.section,
    )


@pytest.fixture
def leaky_article_page(settings):
    """An article page broken so that it shows premium bodies in full to everyone."""
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [LEAKY_TEMPLATES, *engine["DIRS"]]
    settings.TEMPLATES = [engine]


def subscriber_text_in(html):
    return any(paragraph in html for paragraph in SUBSCRIBER_ONLY)


def test_the_cached_premium_page_holds_only_the_teaser_even_after_a_subscriber_reads(
    premium_story, subscriber, settings
):
    from subscriptions.models import Plan

    subscribe(
        subscriber,
        Plan.objects.create(
            name="Website", slug="web", price="8.00", currency="gbp", unlocks=Plan.Unlocks.WEBSITE
        ),
    )
    anonymous = Client()
    first = anonymous.get(premium_story.get_absolute_url())
    signed_in = Client()
    signed_in.force_login(subscriber)
    signed_in.get(premium_story.get_absolute_url())
    private = signed_in.get(f"/subscriptions/article/{premium_story.pk}/full-text/")
    second = anonymous.get(premium_story.get_absolute_url())

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert "public" in second["Cache-Control"]
    assert not subscriber_text_in(first.content.decode())
    assert not subscriber_text_in(second.content.decode())
    assert subscriber_text_in(private.content.decode())
    assert "no-store" in private["Cache-Control"]


@pytest.mark.usefixtures("leaky_article_page")
def test_a_page_that_would_show_premium_text_to_anyone_is_never_stored(premium_story, caplog):
    first = Client().get(premium_story.get_absolute_url())
    second = Client().get(premium_story.get_absolute_url())

    assert subscriber_text_in(first.content.decode())
    assert "X-Page-Cache" not in second
    assert "public" not in second["Cache-Control"]
    assert "no-store" in second["Cache-Control"]
    assert "Premium full text on an anonymous page" in caplog.text
