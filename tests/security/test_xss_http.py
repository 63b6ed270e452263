"""The XSS corpus through every surface, checked over HTTP for every payload: the page that
shows it holds no element or attribute a payload could have injected (tests/security/dom.py).
The browser tests load the same pages in Chromium."""

from datetime import timedelta
from urllib.parse import urlencode
from xml.sax.saxutils import escape as xml_escape

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from articles.models import Article
from newsroom.lib.sanitize import clean_body_html
from subscriptions import gifts
from subscriptions.models import GiftLink, Plan, Subscription
from tests.factories import UserFactory
from tests.security.dom import injected
from tests.security.payloads import XSS_PAYLOADS
from tests.security.xss_site import articles_with_payloads, discussion_with_payloads, publish
from tests.syndication.conftest import FeedServer

pytestmark = pytest.mark.django_db


def test_the_corpus_has_at_least_300_distinct_payloads():
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS) >= 300


def test_the_checker_sees_an_injected_handler_and_passes_a_clean_page():
    # The checker must be able to fail: a raw payload in a page is caught, a clean page is not.
    assert injected('<img src=x onerror="window.__xss=1">') != []
    assert injected("<p>" + "&lt;script&gt;" + "</p>") == []


def test_the_sanitiser_leaves_nothing_that_can_run_in_any_payload():
    for number, payload in enumerate(XSS_PAYLOADS):
        assert injected(clean_body_html(payload)) == [], f"payload {number}: {payload!r}"


def test_comments_and_commenters_names_are_shown_inert(client, settings):
    settings.COMMENTS_THREADS_PER_PAGE = len(XSS_PAYLOADS) + 1
    article = discussion_with_payloads()
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert injected(html) == []
    # Every comment is on the page, escaped, not dropped.
    assert html.count('id="comment-') >= len(XSS_PAYLOADS)


def test_headlines_standfirsts_bodies_and_author_names_are_shown_inert(client):
    articles = articles_with_payloads()
    for number, article in enumerate(articles):
        for address in (article.get_absolute_url(), f"/subscriptions/article/{article.pk}/read/"):
            response = client.get(address)
            assert response.status_code == 200, address
            assert injected(response.content.decode()) == [], f"payload {number} on {address}"
    # Listings and the author pages show headlines, standfirsts and names.
    for address in ["/hostile/", "/", "/feed/", "/hostile/feed/atom/"] + [
        f"/authors/hostile-author-{number}/" for number in range(0, len(articles), 7)
    ]:
        response = client.get(address)
        assert response.status_code == 200, address
        assert injected(response.content.decode()) == [], address


def test_search_shows_every_payload_query_inert(client):
    articles_with_payloads(XSS_PAYLOADS[:40])
    for number, payload in enumerate(XSS_PAYLOADS):
        response = client.get("/search/?" + urlencode({"q": payload}))
        assert response.status_code == 200, f"payload {number}"
        assert injected(response.content.decode()) == [], f"payload {number}: {payload!r}"


@pytest.fixture
def feed_server():
    server = FeedServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def hostile_feed(payloads):
    items = "".join(
        f"<item><title>{xml_escape(payload)}</title><guid>hostile-{number}</guid>"
        f"<link>https://partner.example/{number}</link>"
        f"<author>x@example.org ({xml_escape(payload[:60])})</author>"
        f"<category>{xml_escape(payload[:40])}</category>"
        f"<description>{xml_escape(payload)}</description>"
        f"<pubDate>Tue, 03 Mar 2026 09:30:00 GMT</pubDate></item>"
        for number, payload in enumerate(payloads)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Partner</title>{items}</channel></rss>'


def import_hostile_feed(feed_server, settings):
    from tests.factories import SectionFactory, SourceFactory

    settings.SYNDICATION_ALLOW_PRIVATE_ADDRESSES = True
    url = feed_server.add("/hostile.rss", body=hostile_feed(XSS_PAYLOADS).encode())
    source = SourceFactory(feed_url=url, import_active=True, default_section=SectionFactory(slug="partners"))
    call_command("import_feeds", stdout=open("/dev/null", "w"))  # noqa: SIM115
    imported = Article.objects.filter(source=source)
    publish(imported)
    return imported


def test_feed_imports_carry_no_payload_onto_the_site(client, feed_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    imported = import_hostile_feed(feed_server, settings)
    # Items whose title is nothing but markup have no headline left and are refused (and logged).
    assert imported.count() >= len(XSS_PAYLOADS) // 2
    for article in imported:
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert injected(response.content.decode()) == [], f"imported {article.syndication_guid}"


def test_gift_pages_and_gift_emails_show_every_payload_inert(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SHARE_RECIPIENTS_PER_IP_PER_HOUR = 1000
    plan = Plan.objects.create(name="Website", slug="website", price="8.00", unlocks=Plan.Unlocks.WEBSITE)
    articles = articles_with_payloads(XSS_PAYLOADS[:40])
    Article.objects.filter(pk__in=[article.pk for article in articles]).update(is_premium=True)
    for number, article in enumerate(articles):
        article.refresh_from_db()
        sender = UserFactory(display_name=f"{XSS_PAYLOADS[number][:55]} {number}")
        Subscription.objects.create(user=sender, plan=plan, ends_at=article.publish_at + timedelta(days=60))
        gift, _ = gifts.give_article(sender=sender, article=article)
        client.force_login(sender)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"/subscriptions/gifts/{gift.pk}/email/",
                {"recipient": f"friend{number}@example.net", "note": XSS_PAYLOADS[number]},
            )
        pages = {
            "gift page": Client().get(f"/gift/{gift.token}/"),
            "sender's page": client.get(f"/subscriptions/gifts/{gift.pk}/"),
            "account page": client.get("/accounts/"),
        }
        GiftLink.objects.filter(pk=gift.pk).update(revoked_at=article.publish_at + timedelta(minutes=1))
        pages["stopped link"] = Client().get(f"/gift/{gift.token}/")
        for name, response in pages.items():
            assert response.status_code in (200, 410), f"payload {number} on the {name}"
            assert injected(response.content.decode()) == [], f"payload {number} on the {name}"
        [message] = mail.outbox
        assert injected(message.alternatives[0][0]) == [], f"payload {number} in the gift email"
        mail.outbox = []
