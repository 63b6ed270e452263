"""A broken feed is logged with its reason and costs the other sources nothing."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from syndication.models import SourceImport


def redirect_chain(server, *, hops):
    """/hop-0 → /hop-1 → ... → /hop-<hops>; returns the first address."""
    for number in range(hops):
        server.add(f"/hop-{number}", redirect_to=server.url(f"/hop-{number + 1}"))
    return server.url("/hop-0")


BROKEN_CASES = {
    "timeout": lambda server: server.feed("/slow.xml", "rss.xml", delay=3),
    "not found": lambda server: server.url("/gone.xml"),
    "server error": lambda server: server.add("/error.xml", status=500, body=b"Internal error"),
    "html page": lambda server: server.feed("/page", "page.html", content_type="text/html; charset=utf-8"),
    "html page sent as xml": lambda server: server.feed("/page.xml", "page.html", content_type="text/xml"),
    "malformed xml": lambda server: server.feed("/malformed.xml", "malformed.xml"),
    "oversized": lambda server: server.add("/huge.xml", body=b"<rss>" + b" " * 200_000 + b"</rss>"),
    "oversized without a length": lambda server: server.add(
        "/endless.xml", body=b"<rss>" + b" " * 200_000 + b"</rss>", send_length=False
    ),
    "redirect loop": lambda server: (
        server.add("/loop-a", redirect_to=server.url("/loop-b")),
        server.add("/loop-b", redirect_to=server.url("/loop-a")),
    )[0],
    "too many redirects": lambda server: redirect_chain(server, hops=6),
    "nothing listening": lambda server: "http://127.0.0.1:9/feed.xml",
}


def expected_error(case, server):
    return {
        "timeout": "The server did not answer within 1 second.",
        "not found": f"The server answered 404 Not Found for {server.url('/gone.xml')}.",
        "server error": f"The server answered 500 Internal Server Error for {server.url('/error.xml')}.",
        "html page": "The address returned a web page (HTML), not an RSS or Atom feed.",
        "html page sent as xml": "The address returned a web page (HTML), not an RSS or Atom feed.",
        "malformed xml": "The feed is not well-formed XML: mismatched tag at line 11, column 6.",
        "oversized": "The response is 195.3\xa0KB; the largest accepted is 97.7\xa0KB.",
        "oversized without a length": (
            "The response is larger than 97.7\xa0KB, the largest accepted; stopped reading."
        ),
        "redirect loop": (
            f"The address redirects in a loop ({server.url('/loop-a')} → {server.url('/loop-b')} → "
            f"{server.url('/loop-a')})."
        ),
        "too many redirects": f"The address redirected more than 3 times; gave up at {server.url('/hop-4')}.",
        "nothing listening": "127.0.0.1 refused the connection.",
    }[case]


@pytest.mark.parametrize("case", BROKEN_CASES)
@pytest.mark.django_db
def test_a_broken_feed_is_logged_with_its_reason_and_the_other_sources_are_still_imported(
    case, feed_server, make_source, settings
):
    settings.SYNDICATION_FETCH_TIMEOUT_SECONDS = 1
    settings.SYNDICATION_MAX_FEED_BYTES = 100_000
    settings.SYNDICATION_MAX_REDIRECTS = 3
    # Alphabetical order: the broken source is imported first, the healthy ones after it.
    broken = make_source(BROKEN_CASES[case](feed_server), name="A broken partner")
    healthy = make_source(feed_server.feed("/rss.xml", "rss.xml"), name="B healthy partner")
    also_healthy = make_source(feed_server.feed("/atom.xml", "atom.xml"), name="C healthy partner")
    out = io.StringIO()

    call_command("import_feeds", stdout=out)

    log = SourceImport.objects.get(source=broken)
    assert log.status == SourceImport.Status.FAILED
    assert log.error == expected_error(case, feed_server)
    assert not Article.objects.filter(source=broken).exists()
    assert Article.objects.filter(source=healthy).count() == 2
    assert Article.objects.filter(source=also_healthy).count() == 1
    output = out.getvalue()
    assert f"A broken partner: failed: {log.error}" in output
    assert (
        "3 source(s): 3 items fetched, 3 new, 0 updated, 0 unchanged, 0 skipped, 0 failed; 1 feed(s) failed."
        in output
    )
