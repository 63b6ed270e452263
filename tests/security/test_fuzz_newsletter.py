"""Generated and hostile submissions to the newsletter's sign-up, unsubscribe and preferences
links, and to the form that asks for a fresh preferences link."""

from urllib.parse import quote

import pytest
from django.core import signing
from hypothesis import given
from hypothesis import strategies as st

from subscriptions import newsletter
from subscriptions.models import NewsletterSubscriber
from tests.factories import SectionFactory
from tests.security.hostile import Example, assert_no_server_error, emails, field, flatten, form, nasty_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(db):
    return [SectionFactory(slug="politics", name="Politics"), SectionFactory(slug="science", name="Science")]


@given(data=st.data())
def test_newsletter_sign_up_survives_any_submission(client, sections, data):
    section_ids = st.sampled_from([str(section.pk) for section in sections])
    post = data.draw(
        form(
            email=field(st.builds(lambda n: f"news{n}@example.org", st.integers(0, 10**6)), emails),
            sections=field(section_ids, st.one_of(nasty_text, st.sampled_from(["0", "-1", "9" * 30]))),
            frequency=field(st.sampled_from(["daily", "weekly"])),
        )
    )
    with Example(NewsletterSubscriber, NewsletterSubscriber.sections.through) as example:
        response = example.request(client.post, "/newsletter/", post)
        assert_no_server_error(response)
        if response.status_code != 302:
            example.assert_unchanged(response)
            return
        email = flatten(post["email"]).strip()
        subscriber = NewsletterSubscriber.objects.get(email__iexact=email)
        assert subscriber.state == NewsletterSubscriber.State.PENDING


@given(
    token=st.one_of(
        nasty_text,
        # Forged: any value signed with a key that is not ours.
        st.builds(
            lambda value: signing.dumps(value, key="not-our-secret-key", salt=newsletter.UNSUBSCRIBE_SALT),
            st.one_of(st.integers(-(2**70), 2**70), st.text(max_size=20), st.none(), st.lists(st.integers())),
        ),
        st.builds(lambda n: signing.dumps(n, salt=newsletter.UNSUBSCRIBE_SALT) + "x" * n, st.integers(1, 5)),
        st.builds(lambda value: signing.dumps(value), st.integers(0, 100)),
    ),
    method=st.sampled_from(["get", "post"]),
)
def test_unsubscribe_links_survive_any_token(client, sections, token, method):
    subscriber = NewsletterSubscriber.objects.get_or_create(
        email="listed@example.org", defaults={"state": NewsletterSubscriber.State.CONFIRMED}
    )[0]
    with Example(NewsletterSubscriber) as example:
        response = example.request(
            getattr(client, method),
            f"/newsletter/unsubscribe/{quote(token, safe='')}/",
            {"List-Unsubscribe": "One-Click"},
        )
        assert_no_server_error(response)
        if response.status_code != 200 or method == "get":
            example.assert_unchanged(response)
        subscriber.refresh_from_db()
        NewsletterSubscriber.objects.filter(pk=subscriber.pk).update(
            state=NewsletterSubscriber.State.CONFIRMED
        )


@given(
    token=st.one_of(
        nasty_text,
        st.builds(
            lambda value: signing.dumps(value, key="not-our-secret-key", salt=newsletter.PREFERENCES_SALT),
            st.one_of(st.integers(-(2**70), 2**70), st.text(max_size=20), st.none()),
        ),
        # Ours, but for a row that does not exist or of a type no row has.
        st.builds(
            lambda value: signing.dumps(value, salt=newsletter.PREFERENCES_SALT),
            st.one_of(st.integers(-(2**70), 2**70), st.text(max_size=20), st.none(), st.lists(st.integers())),
        ),
        st.builds(lambda n: signing.dumps(n, salt=newsletter.UNSUBSCRIBE_SALT), st.integers(0, 100)),
    ),
    post=form(
        action=field(st.sampled_from(["save", "unsubscribe"])),
        frequency=field(st.sampled_from(["daily", "weekly"])),
        sections=field(st.just("1")),
    ),
)
def test_preferences_links_survive_any_token_and_change_nothing_without_a_genuine_one(
    client, sections, token, post
):
    subscriber = NewsletterSubscriber.objects.get_or_create(
        email="listed@example.org", defaults={"state": NewsletterSubscriber.State.CONFIRMED}
    )[0]
    if token == newsletter.preferences_token(subscriber.pk):
        return
    with Example(NewsletterSubscriber, NewsletterSubscriber.sections.through) as example:
        path = f"/newsletter/preferences/{quote(token, safe='')}/"
        for response in (example.request(client.get, path), example.request(client.post, path, post)):
            assert_no_server_error(response)
            example.assert_unchanged(response)


@given(post=form(email=field(st.builds(lambda n: f"news{n}@example.org", st.integers(0, 10**6)), emails)))
def test_asking_for_a_preferences_link_survives_any_submission(client, sections, post):
    NewsletterSubscriber.objects.get_or_create(
        email="listed@example.org", defaults={"state": NewsletterSubscriber.State.CONFIRMED}
    )
    with Example(NewsletterSubscriber, NewsletterSubscriber.sections.through) as example:
        response = example.request(client.post, "/newsletter/preferences/", post)
        assert_no_server_error(response)
        # Nothing about the list changes, whatever was asked, and an unknown address gets no mail.
        assert example.unchanged()
        if response.status_code != 302:
            example.assert_unchanged(response)
        else:
            assert response["Location"] == "/newsletter/preferences/check-your-email/"
