"""Helpers for the share and enquiry tests: a published article, a reader whose address is
confirmed, form data a person would send, and the real task worker."""

import time

import pytest
from django.core.cache import cache

from enquiries.checks import form_stamp
from tests.factories import ArticleFactory, SectionFactory, UserFactory

PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The limits count in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def article(db):
    section = SectionFactory(name="Politics", slug="politics", editorial_email="politics-desk@example.org")
    return ArticleFactory(
        headline="Council approves the new housing plan",
        standfirst="Five hundred homes will be built on the old depot site.",
        body="<p>The BODY-TEXT-MARKER of the article, for readers of the page only.</p>",
        section=section,
    )


def make_verified_reader(email="ada@example.org", display_name="Ada Reader"):
    return UserFactory(email=email, display_name=display_name, password=PASSWORD, verified=True)


@pytest.fixture
def verified_reader(db):
    return make_verified_reader()


def shown_a_minute_ago(form):
    """What the page of `form` ("share" or "enquiry") carried, as if opened a minute ago."""
    return form_stamp(form, at=time.time() - 60)


def share_data(**overrides):
    data = {
        "sender_name": "Sam Sender",
        "sender_email": "sam@example.org",
        "recipients": "one@example.net",
        "website": "",
        "started": shown_a_minute_ago("share"),
    }
    data.update(overrides)
    return data


def enquiry_data(**overrides):
    data = {
        "name": "Erin Enquirer",
        "email": "erin@example.org",
        "phone": "",
        "message": "When will the council publish the full plan?",
        "website": "",
        "started": shown_a_minute_ago("enquiry"),
    }
    data.update(overrides)
    return data


def email_url(article):
    return f"/enquiries/email/{article.pk}/"


def html_body(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")
