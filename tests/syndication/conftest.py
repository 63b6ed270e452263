"""A partner's web server on 127.0.0.1, serving the fixture feeds in tests/syndication/feeds/.

Each test declares the routes it needs (a feed, a redirect, a slow or broken answer) and can
read back the requests the server received, to check conditional headers or that a refused
address was never contacted.
"""

import contextlib
import io
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from tests.factories import SectionFactory, SourceFactory

FEEDS = Path(__file__).parent / "feeds"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = RSS
    etag: str = ""
    last_modified: str = ""
    delay: float = 0
    redirect_to: str = ""
    send_length: bool = True
    headers: dict = field(default_factory=dict)


class FeedServer:
    def __init__(self):
        self.routes = {}
        self.requests = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        # Slow handlers may still be asleep when the test ends; do not wait for them.
        self.httpd.block_on_close = False
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path):
        return self.base_url + path

    def add(self, path, **options):
        self.routes[path] = Route(**options)
        return self.url(path)

    def feed(self, path, fixture, **options):
        """Serve a fixture file, with {{server}} replaced by this server's address."""
        body = (FEEDS / fixture).read_text().replace("{{server}}", self.base_url).encode()
        options.setdefault("content_type", ATOM if "atom" in fixture else RSS)
        return self.add(path, body=body, **options)

    def image(self, path, size=(2400, 1200), image_format="PNG", mode="RGBA"):
        picture = Image.new(mode, size, (200, 30, 30, 255) if mode == "RGBA" else (200, 30, 30))
        buffer = io.BytesIO()
        picture.save(buffer, image_format)
        return self.add(path, body=buffer.getvalue(), content_type=f"image/{image_format.lower()}")

    def requests_to(self, path):
        return [headers for requested, headers in self.requests if requested == path]

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", route.redirect_to)
                    self.end_headers()
                    return
                unchanged_etag = route.etag and self.headers.get("If-None-Match") == route.etag
                unchanged_date = route.last_modified and (
                    self.headers.get("If-Modified-Since") == route.last_modified
                )
                if unchanged_etag or unchanged_date:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.send_length:
                    self.send_header("Content-Length", str(len(route.body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                # The importer may hang up early, as it should past the size limit.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def feed_server():
    server = FeedServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture(autouse=True)
def syndication_settings(settings, tmp_path):
    settings.SYNDICATION_ALLOW_PRIVATE_ADDRESSES = True
    settings.SYNDICATION_FETCH_TIMEOUT_SECONDS = 2
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world_news(db):
    return SectionFactory(name="World", slug="world")


@pytest.fixture
def make_source(world_news):
    """A partner source importing `url`, as drafts unless told otherwise."""

    def make(url, **fields):
        fields.setdefault("import_active", True)
        fields.setdefault("default_section", world_news)
        return SourceFactory(feed_url=url, **fields)

    return make
