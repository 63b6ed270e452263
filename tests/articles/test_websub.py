"""WebSub: the feeds name the hub, and the hub hears when what they list changes, from a real
HTTP hub on 127.0.0.1 that records each ping."""

import logging
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs
from xml.etree import ElementTree

import pytest
import time_machine
from django.utils import timezone

from articles import purging, services
from articles.tasks import announce_due_scheduled_changes
from newsroom.lib import websub
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.jobs import jobs, run_worker_until_idle

SITE = "https://ledger.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"


class Hub:
    """A WebSub hub that records the pings it is sent and answers with `status`."""

    def __init__(self):
        self.pings = []
        self.status = 202
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                hub.pings.append(parse_qs(self.rfile.read(length).decode()))
                self.send_response(hub.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hub"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def feeds_pinged(self):
        assert all(ping["hub.mode"] == ["publish"] for ping in self.pings), self.pings
        return [url.removeprefix(SITE) for ping in self.pings for url in ping["hub.url"]]


@pytest.fixture
def hub(settings):
    running = Hub()
    settings.WEBSUB_HUB_URL = running.url
    settings.SITE_URL = SITE
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


@pytest.fixture
def closed_port_hub(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.WEBSUB_HUB_URL = f"http://127.0.0.1:{port}/hub"
    settings.SITE_URL = SITE
    return settings.WEBSUB_HUB_URL


@pytest.fixture
def committed(settings, django_capture_on_commit_callbacks, jobs_run_at_once):
    """Run an action and its after-commit work, with tasks run at once."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def draft_on_every_listing():
    return ArticleFactory(
        status="draft",
        publish_at=None,
        section=SectionFactory(slug="transport"),
        authors=[AuthorFactory(slug="tess-reporter")],
        tags=["buses"],
    )


EVERY_FEED = [
    "/feed/", "/feed/atom/", "/transport/feed/", "/transport/feed/atom/",
    "/authors/tess-reporter/feed/", "/authors/tess-reporter/feed/atom/",
    "/tags/buses/feed/", "/tags/buses/feed/atom/",
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/feed/", "/transport/feed/"])
def test_rss_feeds_name_the_hub_and_their_own_address(client, hub, url):
    SectionFactory(slug="transport")
    channel = ElementTree.fromstring(client.get(url).content).find("channel")  # noqa: S314 - ours
    links = {link.get("rel"): link.get("href") for link in channel.iterfind(f"{ATOM}link")}
    assert links == {"self": SITE + url, "hub": hub.url}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/feed/atom/", "/transport/feed/atom/"])
def test_atom_feeds_name_the_hub_and_their_own_address(client, hub, url):
    SectionFactory(slug="transport")
    feed = ElementTree.fromstring(client.get(url).content)  # noqa: S314 - ours
    links = {link.get("rel"): link.get("href") for link in feed.iterfind(f"{ATOM}link")}
    assert links["self"] == SITE + url
    assert links["hub"] == hub.url


@pytest.mark.django_db
def test_without_a_hub_the_feeds_name_none(client, settings):
    settings.WEBSUB_HUB_URL = ""
    assert b'rel="hub"' not in client.get("/feed/").content
    assert b'rel="hub"' not in client.get("/feed/atom/").content


@pytest.mark.django_db
def test_publishing_pings_the_hub_for_each_feed_that_lists_the_article(hub, committed):
    article = draft_on_every_listing()
    committed(lambda: services.publish_article(article=article, by=None))
    assert hub.feeds_pinged() == EVERY_FEED
    assert len(hub.pings) == 1


@pytest.mark.django_db
def test_editing_a_published_article_pings_and_editing_a_draft_does_not(hub, committed):
    draft = draft_on_every_listing()
    committed(lambda: services.submit_for_review(article=draft, by=None))
    assert hub.pings == []
    committed(lambda: services.publish_article(article=draft, by=None))
    hub.pings.clear()
    committed(lambda: services.add_correction(article=draft, text="The route number was 12.", by=None))
    assert hub.feeds_pinged() == EVERY_FEED


@pytest.mark.django_db
def test_withdrawing_pings_so_the_feeds_drop_the_article(hub, committed):
    article = ArticleFactory(section=SectionFactory(slug="transport"))
    committed(lambda: services.withdraw_article(article=article, by=None))
    assert hub.feeds_pinged()[:4] == ["/feed/", "/feed/atom/", "/transport/feed/", "/transport/feed/atom/"]


@pytest.mark.django_db
def test_a_scheduled_article_pings_the_hub_when_its_time_comes(hub, committed):
    publish_at = timezone.now() + timedelta(minutes=30)
    ArticleFactory(publish_at=publish_at, section=SectionFactory(slug="weather"))
    committed(announce_due_scheduled_changes)
    assert hub.pings == []
    with time_machine.travel(publish_at + timedelta(seconds=20)):
        committed(announce_due_scheduled_changes)
    assert {"/feed/", "/weather/feed/"} <= set(hub.feeds_pinged())


@pytest.mark.django_db
def test_without_a_hub_nothing_is_computed_or_queued(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.WEBSUB_HUB_URL = ""
    asked = []
    monkeypatch.setattr(purging, "article_feed_urls", lambda article: asked.append(article) or ["/feed/"])
    article = draft_on_every_listing()
    with django_capture_on_commit_callbacks() as callbacks:
        services.publish_article(article=article, by=None)
    assert asked == []
    assert not any("websub" in getattr(callback, "__module__", "") for callback in callbacks)


@pytest.mark.django_db
def test_a_hub_that_is_down_costs_one_warning_and_never_the_save(closed_port_hub, committed, caplog):
    article = draft_on_every_listing()
    with caplog.at_level(logging.WARNING, logger="newsroom.lib.websub"):
        committed(lambda: services.publish_article(article=article, by=None))
    article.refresh_from_db()
    assert article.is_published
    warnings = [record for record in caplog.records if record.name == "newsroom.lib.websub"]
    assert len(warnings) == 1
    assert "could not be reached" in warnings[0].getMessage()
    assert closed_port_hub in warnings[0].getMessage()


@pytest.mark.django_db
def test_a_hub_that_refuses_the_ping_says_what_it_answered(hub):
    hub.status = 503
    with pytest.raises(websub.HubUnavailable, match="the hub answered 503"):
        websub.ping(hub.url, [SITE + "/feed/"])


@pytest.mark.django_db(transaction=True)
def test_a_ping_to_a_hub_that_is_down_is_retried_later(closed_port_hub, settings):
    before = timezone.now()
    websub.ping_hub.defer(feed_urls=[SITE + "/feed/"])

    run_worker_until_idle()

    job = jobs("newsroom.lib.websub.ping_hub").get()
    assert (job.status, job.attempts) == ("todo", 1)  # waiting for its second attempt
    assert job.scheduled_at >= before + timedelta(seconds=settings.TASK_RETRY_BASE_SECONDS)
