"""How feeds are fetched: only public http(s) addresses, conditional requests, redirects."""

import io
import socket
import ssl
import subprocess
import threading
from http.server import ThreadingHTTPServer

import pytest
from django.core.management import call_command

from articles.models import Article
from syndication import fetcher
from syndication.models import SourceImport


def run_import():
    out = io.StringIO()
    call_command("import_feeds", stdout=out)
    return out.getvalue()


class FakeDNS:
    def __init__(self):
        self.answers = {}
        self.lookups = []


@pytest.fixture
def partner_dns(monkeypatch):
    """Resolve chosen host names to chosen addresses, as a partner's DNS server would."""
    dns = FakeDNS()
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        dns.lookups.append(host)
        if host in dns.answers:
            return [
                (
                    socket.AF_INET6 if ":" in address else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (address, port),
                )
                for address in dns.answers[host]
            ]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return dns


@pytest.mark.django_db
def test_a_feed_on_a_loopback_address_is_refused_unless_private_addresses_are_allowed(
    feed_server, make_source, settings
):
    settings.SYNDICATION_ALLOW_PRIVATE_ADDRESSES = False
    source = make_source(feed_server.feed("/rss.xml", "rss.xml"))

    output = run_import()

    log = SourceImport.objects.get(source=source)
    assert log.status == SourceImport.Status.FAILED
    assert log.error == "Refused to fetch from 127.0.0.1: 127.0.0.1 is a loopback address."
    assert f"{source.name}: failed: Refused to fetch from 127.0.0.1" in output
    assert feed_server.requests == []
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_host_name_that_resolves_to_a_private_address_is_refused(
    feed_server, make_source, settings, partner_dns
):
    settings.SYNDICATION_ALLOW_PRIVATE_ADDRESSES = False
    # One public and one private address: the private one is enough to refuse.
    partner_dns.answers["partner.example"] = ["93.184.216.34", "10.20.30.40"]
    source = make_source("http://partner.example/feed.xml")

    run_import()

    assert SourceImport.objects.get(source=source).error == (
        "Refused to fetch from partner.example: 10.20.30.40 is a private address."
    )


@pytest.mark.django_db
def test_the_connection_goes_to_the_address_that_was_checked(feed_server, make_source, partner_dns):
    partner_dns.answers["partner.example"] = ["127.0.0.1"]
    port = feed_server.httpd.server_address[1]
    feed_server.feed("/rss.xml", "rss.xml")
    source = make_source(f"http://partner.example:{port}/rss.xml")

    run_import()

    assert Article.objects.filter(source=source).count() == 2
    # Resolved once, by us; http.client was handed the address and never looked the name up
    # again (a second answer is how DNS rebinding gets in).
    assert partner_dns.lookups.count("partner.example") == 1
    assert feed_server.requests_to("/rss.xml")[0]["Host"] == f"partner.example:{port}"


@pytest.mark.django_db
def test_every_redirect_is_checked_before_it_is_followed(feed_server, make_source, settings, monkeypatch):
    settings.SYNDICATION_ALLOW_PRIVATE_ADDRESSES = False
    port = feed_server.httpd.server_address[1]
    # A policy that lets our server's own address through but not 127.0.0.2, where the
    # partner's redirect points.
    monkeypatch.setattr(
        fetcher, "refusal_reason", lambda address: "loopback" if address == "127.0.0.2" else ""
    )
    feed_server.add("/moved.xml", redirect_to=f"http://127.0.0.2:{port}/rss.xml")
    source = make_source(feed_server.url("/moved.xml"))

    run_import()

    assert SourceImport.objects.get(source=source).error == (
        "Refused to fetch from 127.0.0.2: 127.0.0.2 is a loopback address."
    )


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to refuse, not one we bind
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("93.184.216.34", ""),
        ("2606:2800:220:1:248:1893:25c8:1946", ""),
    ],
)
def test_addresses_inside_a_network_are_named_and_public_ones_pass(address, reason):
    assert fetcher.refusal_reason(address) == reason


@pytest.mark.django_db
def test_only_http_and_https_addresses_are_fetched(make_source):
    source = make_source("ftp://127.0.0.1/feed.xml")

    run_import()

    assert SourceImport.objects.get(source=source).error == (
        "Only http and https addresses are fetched, not ftp://127.0.0.1/feed.xml."
    )


@pytest.mark.django_db
def test_an_unchanged_feed_answers_not_modified_to_a_conditional_request(feed_server, make_source):
    url = feed_server.feed(
        "/rss.xml", "rss.xml", etag='"rss-v1"', last_modified="Tue, 03 Mar 2026 10:00:00 GMT"
    )
    source = make_source(url)
    run_import()

    output = run_import()

    first, second = feed_server.requests_to("/rss.xml")
    assert "If-None-Match" not in first
    assert second["If-None-Match"] == '"rss-v1"'
    assert second["If-Modified-Since"] == "Tue, 03 Mar 2026 10:00:00 GMT"
    log = SourceImport.objects.filter(source=source).latest("started_at")
    assert log.status == SourceImport.Status.NOT_MODIFIED
    assert f"{source.name}: not modified since the last fetch" in output
    assert Article.objects.filter(source=source).count() == 2


@pytest.mark.django_db
def test_a_new_feed_address_is_fetched_without_the_old_addresss_validators(feed_server, make_source):
    source = make_source(feed_server.feed("/rss.xml", "rss.xml", etag='"shared-etag"'))
    run_import()
    source.feed_url = feed_server.feed("/atom.xml", "atom.xml", etag='"shared-etag"')
    source.save()

    run_import()

    assert "If-None-Match" not in feed_server.requests_to("/atom.xml")[0]
    assert Article.objects.filter(source=source).count() == 3


@pytest.mark.django_db
def test_a_feed_that_moved_is_followed_to_its_new_address(feed_server, make_source):
    feed_server.add("/old-feed", redirect_to="/rss.xml")
    feed_server.feed("/rss.xml", "rss.xml")
    source = make_source(feed_server.url("/old-feed"))

    run_import()

    assert Article.objects.filter(source=source).count() == 2


@pytest.fixture
def tls_feed_server(feed_server, tmp_path):
    """The feed server's routes behind TLS, with a certificate for 127.0.0.1 that no one trusts
    until a test says so (returns the server and the certificate's path)."""
    certificate, key = tmp_path / "partner.pem", tmp_path / "partner.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), feed_server.httpd.RequestHandlerClass)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}", certificate
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_a_feed_over_https_is_fetched_when_its_certificate_is_trusted(
    tls_feed_server, feed_server, make_source, monkeypatch
):
    base_url, certificate = tls_feed_server
    feed_server.feed("/rss.xml", "rss.xml")
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    source = make_source(f"{base_url}/rss.xml")

    run_import()

    assert Article.objects.filter(source=source).count() == 2


@pytest.mark.django_db
def test_a_feed_over_https_with_an_untrusted_certificate_is_refused(
    tls_feed_server, feed_server, make_source
):
    base_url, _ = tls_feed_server
    feed_server.feed("/rss.xml", "rss.xml")
    source = make_source(f"{base_url}/rss.xml")

    run_import()

    error = SourceImport.objects.get(source=source).error
    assert error.startswith("Could not fetch from 127.0.0.1: ")
    assert "certificate verify failed" in error
    assert not Article.objects.filter(source=source).exists()
