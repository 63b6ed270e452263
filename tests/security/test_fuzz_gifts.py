"""Generated and hostile input to gift links: made-up tokens on the gift page and its opened
beacon, and submissions to the form that emails a link. No address is a server error, none
echoes the token back, and a refused submission changes nothing and sends nothing."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from subscriptions import gifts
from subscriptions.models import GiftLink, Plan, Subscription
from tests.factories import ArticleFactory, UserFactory
from tests.security.hostile import Example, assert_no_server_error, emails, field, form, nasty_text, prose

pytestmark = pytest.mark.django_db

PREMIUM_BODY = "<p>Opening.</p><p>Second.</p><p>SUBSCRIBER-ONLY-MARKER in the third paragraph.</p>"


@pytest.fixture
def gift(db):
    sender = UserFactory(email="giver@example.org", display_name="Gail Giver")
    plan = Plan.objects.create(name="Website", slug="website", price="8.00", unlocks=Plan.Unlocks.WEBSITE)
    Subscription.objects.create(user=sender, plan=plan, ends_at=timezone.now() + timedelta(days=30))
    link, _ = gifts.give_article(sender=sender, article=ArticleFactory(body=PREMIUM_BODY, is_premium=True))
    return link


@given(token=nasty_text, method=st.sampled_from(["get", "head", "post"]))
def test_made_up_gift_links_are_plain_not_found_pages(gift, token, method):
    path = f"/gift/{quote(token, safe='')}/" + ("opened/" if method == "post" else "")
    with Example(GiftLink) as example:
        response = example.request(getattr(Client(), method), path)
        assert_no_server_error(response)
        # A NUL anywhere in an address is refused site-wide (400) before any view runs.
        assert response.status_code in ((400,) if "\x00" in token else (204, 404))
        example.assert_unchanged(response)
        if method == "get" and response.status_code != 400:
            html = response.content.decode()
            assert "SUBSCRIBER-ONLY-MARKER" not in html
            if len(token) >= 12:  # shorter ones ("-1", "a") are in any page by chance
                assert quote(token, safe="") not in html


@given(post=form(recipient=field(st.just("friend@example.net"), emails), note=field(prose)))
def test_emailing_a_gift_link_survives_any_submission(client, gift, post):
    client.force_login(gift.sender)
    with Example(GiftLink) as example:
        response = example.request(client.post, f"/subscriptions/gifts/{gift.pk}/email/", post)
        assert_no_server_error(response)
        if response.status_code != 302:
            example.assert_unchanged(response)
            return
        [message] = mail.outbox
        assert f"/gift/{gift.token}/" in message.body
        assert "SUBSCRIBER-ONLY-MARKER" not in message.body
        assert "<script" not in message.alternatives[0][0].lower()
