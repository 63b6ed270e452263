"""The two purgers against real servers: the HTTP purge API form posts the right body to a
small local server, and through real nginx a purged page is fresh on the next request."""

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.services import withdraw_article
from newsroom.lib.purge import HttpApiPurger, PurgeFailed
from tests.articles.editorial_helpers import edit_in_admin
from tests.factories import ArticleFactory
from tests.scale_out.processes import app_environment, gunicorn, http_get, nginx_in_front_of


class PurgeApi(BaseHTTPRequestHandler):
    """Records each POST; answers with the status the test chose."""

    received: list
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(
            {"path": self.path, "headers": dict(self.headers), "body": json.loads(body)}
        )
        self.send_response(self.server.status)
        self.end_headers()
        self.wfile.write(b'{"success": true}')

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def purge_api(status=200):
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeApi)
    server.received, server.status = [], status
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def api_purger(settings, jobs_run_at_once):
    settings.CDN_PURGER = "newsroom.lib.purge.HttpApiPurger"
    settings.CDN_PURGE_TOKEN = "purge-token-for-tests"
    settings.CDN_PURGE_BATCH_SIZE = 2
    settings.SITE_URL = "https://news.example.org"
    return settings


def test_the_http_purge_api_form_posts_the_url_list_with_the_token_in_batches(api_purger):
    urls = [f"https://news.example.org/page-{n}/" for n in range(5)]

    with purge_api() as api:
        api_purger.CDN_PURGE_ENDPOINTS = [f"http://127.0.0.1:{api.server_port}/zones/news/purge_cache"]
        HttpApiPurger().purge(urls)

    assert [request["body"] for request in api.received] == [
        {"files": urls[0:2]},
        {"files": urls[2:4]},
        {"files": urls[4:5]},
    ]
    assert {request["path"] for request in api.received} == {"/zones/news/purge_cache"}
    assert {request["headers"]["Authorization"] for request in api.received} == {
        "Bearer purge-token-for-tests"
    }
    assert {request["headers"]["Content-Type"] for request in api.received} == {"application/json"}


def test_a_refused_purge_fails_so_the_task_is_retried(api_purger):
    with purge_api(status=503) as api:
        api_purger.CDN_PURGE_ENDPOINTS = [f"http://127.0.0.1:{api.server_port}/purge"]
        with pytest.raises(PurgeFailed, match="HTTP 503"):
            HttpApiPurger().purge(["https://news.example.org/"])


@pytest.mark.django_db
def test_an_article_edit_posts_its_urls_to_the_purge_api_after_commit(
    api_purger, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline="Harbour wall repaired")
    api_purger.CDN_PURGE_BATCH_SIZE = 100

    with purge_api() as api:
        api_purger.CDN_PURGE_ENDPOINTS = [f"http://127.0.0.1:{api.server_port}/purge"]
        with django_capture_on_commit_callbacks(execute=False) as pending:
            edit_in_admin(editor, article, headline="Harbour wall repaired at last")
            assert api.received == []  # nothing leaves before the commit
        for callback in pending:
            callback()

    [request] = api.received
    assert "https://news.example.org" + article.get_absolute_url() in request["body"]["files"]
    assert "https://news.example.org/" in request["body"]["files"]


# Real nginx --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_through_nginx_a_purged_page_is_fresh_on_the_next_request_and_gone_once_withdrawn(
    settings, editor, shared_cache, key_prefix, jobs_run_at_once
):
    token = "a-long-random-purge-token-for-this-test"
    article = ArticleFactory(headline="Swimming pool reopens")
    url = article.get_absolute_url()
    env = app_environment(cache_url=shared_cache, key_prefix=key_prefix, PAGE_CACHE_ENABLED="true")

    with (
        gunicorn(env, name="app-behind-nginx") as app,
        nginx_in_front_of(app.port, purge_token=token) as nginx,
    ):
        settings.CDN_PURGER = "newsroom.lib.purge.NginxPurger"
        settings.CDN_PURGE_ENDPOINTS = [f"http://127.0.0.1:{nginx.purge_port}"]
        settings.CDN_PURGE_TOKEN = token
        settings.SITE_URL = "http://127.0.0.1"
        _, first, _ = http_get(nginx.port, url)
        _, second, before = http_get(nginx.port, url)
        forged_status, _, _ = http_get(nginx.purge_port, url, headers={"X-Newsroom-Purge-Token": "guess"})

        # Each commits: the purge task runs at once and refreshes nginx's copy.
        edit_in_admin(editor, article, headline="Swimming pool reopens with longer hours")
        _, after_headers, after = http_get(nginx.port, url)

        withdraw_article(article=article, by=editor)
        withdrawn_status, _, _ = http_get(nginx.port, url)

    assert first["x-proxy-cache"] == "MISS"
    assert second["x-proxy-cache"] == "HIT"
    assert "Swimming pool reopens" in before
    assert forged_status == 403
    # Still answered from nginx's cache, with the new text.
    assert after_headers["x-proxy-cache"] == "HIT"
    assert "Swimming pool reopens with longer hours" in after
    assert withdrawn_status == 404
