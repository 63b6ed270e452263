"""Fetching partner feeds and their images without trusting the partner's server.

A feed address is typed into the admin and a feed names image addresses of its own choosing,
so every request is treated as hostile: http and https only; the host name resolved by us and
refused when any of its addresses is private, loopback, link-local, multicast or reserved
(unless SYNDICATION_ALLOW_PRIVATE_ADDRESSES); the connection made to the very address we
checked, so a second DNS answer cannot point it inside our network; redirects followed by hand,
each hop checked the same way, at most SYNDICATION_MAX_REDIRECTS of them; one time budget for
the whole fetch; and the body read in pieces and abandoned once it passes the size limit.

Only the standard library is used: http.client lets us choose the address we connect to.
"""

import http.client
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from newsroom.lib.numbers import parse_id

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
CHUNK_BYTES = 64 * 1024


class FetchError(Exception):
    """A fetch that failed or was refused; the message says why, in words for the import log."""


@dataclass(frozen=True)
class FetchedResponse:
    url: str  # after redirects
    status: int
    content: bytes
    content_type: str
    etag: str
    last_modified: str

    @property
    def not_modified(self):
        return self.status == 304


def fetch(url, *, max_bytes, accept="*/*", etag="", last_modified=""):
    """GET `url` carefully and return its body, or raise FetchError saying what went wrong.

    With `etag` or `last_modified` the request is conditional; a 304 answer comes back as a
    response whose `not_modified` is true and whose content is empty.
    """
    timeout = settings.SYNDICATION_FETCH_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    headers = {
        "User-Agent": f"{settings.SITE_NAME} feed importer (+{settings.SITE_URL})",
        "Accept": accept,
        # We do not decompress: a compressed body would also dodge the size limit.
        "Accept-Encoding": "identity",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    visited = []
    current = url
    for _hop in range(settings.SYNDICATION_MAX_REDIRECTS + 1):
        visited.append(current)
        target = _Target.parse(current)
        address = _checked_address(target.host, target.port)
        status, reason, response_headers, body = _request(target, address, headers, max_bytes, deadline)
        if status in REDIRECT_STATUSES:
            location = response_headers.get("location", "").strip()
            if not location:
                raise FetchError(f"The server answered {status} {reason} without saying where to.")
            following = urljoin(current, location).split("#", 1)[0]
            if following in visited:
                raise FetchError(f"The address redirects in a loop ({' → '.join([*visited, following])}).")
            current = following
            continue
        if status == 304:
            return FetchedResponse(current, status, b"", "", etag, last_modified)
        if status != 200:
            raise FetchError(f"The server answered {status} {reason} for {current}.")
        return FetchedResponse(
            url=current,
            status=status,
            content=body,
            content_type=response_headers.get("content-type", ""),
            etag=response_headers.get("etag", ""),
            last_modified=response_headers.get("last-modified", ""),
        )
    raise FetchError(
        f"The address redirected more than {settings.SYNDICATION_MAX_REDIRECTS} times; gave up at {current}."
    )


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str

    @classmethod
    def parse(cls, url):
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise FetchError(f"{url} is not a valid address.") from None
        scheme = parts.scheme.lower()
        if scheme not in {"http", "https"}:
            raise FetchError(f"Only http and https addresses are fetched, not {url}.")
        if not parts.hostname:
            raise FetchError(f"{url} has no host name.")
        path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
        if parts.query:
            path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
        return cls(scheme, parts.hostname, port or (443 if scheme == "https" else 80), path)


def refusal_reason(address):
    """Why we do not connect to `address` (an IP address string), or "" when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for label, flagged in (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-public", not ip.is_global),
    ):
        if flagged:
            return label
    return ""


def _checked_address(host, port):
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"The host name {host} could not be resolved.") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchError(f"The host name {host} has no address.")
    if not settings.SYNDICATION_ALLOW_PRIVATE_ADDRESSES:
        # Every address, not only the first: a name with one public and one private address
        # would otherwise be a way in.
        for address in addresses:
            reason = refusal_reason(address)
            if reason:
                raise FetchError(f"Refused to fetch from {host}: {address} is a {reason} address.")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address we checked, whatever the host name resolves to by now."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.checked_address = address

    def connect(self):
        self.sock = socket.create_connection((self.checked_address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with TLS verified against the host name (not the address)."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.checked_address = address

    def connect(self):
        sock = socket.create_connection((self.checked_address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _remaining(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _request(target, address, headers, max_bytes, deadline):
    """One request, no redirects followed: (status, reason, lower-cased headers, body)."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    seconds = settings.SYNDICATION_FETCH_TIMEOUT_SECONDS
    too_slow = f"The server did not answer within {seconds:g} second{'' if seconds == 1 else 's'}."
    try:
        connection = connection_class(target.host, target.port, address=address, timeout=_remaining(deadline))
    except TimeoutError:
        raise FetchError(too_slow) from None
    try:
        connection.request("GET", target.path, headers=headers)
        response = connection.getresponse()
        response_headers = {name.lower(): value for name, value in response.getheaders()}
        if response.status != 200:
            return response.status, response.reason, response_headers, b""
        # A partner's header: "²" passes isdigit() and then fails int().
        declared = parse_id(response_headers.get("content-length", ""))
        if declared is not None and declared > max_bytes:
            raise FetchError(
                f"The response is {filesizeformat(declared)}; "
                f"the largest accepted is {filesizeformat(max_bytes)}."
            )
        body = bytearray()
        while True:
            # read1 returns what one receive brings, so a server trickling bytes meets the
            # deadline here instead of holding us for a socket timeout per byte.
            _remaining(deadline)
            chunk = response.read1(CHUNK_BYTES)
            if not chunk:
                break
            body += chunk
            if len(body) > max_bytes:
                raise FetchError(
                    f"The response is larger than {filesizeformat(max_bytes)}, the largest accepted; "
                    "stopped reading."
                )
        return response.status, response.reason, response_headers, bytes(body)
    except TimeoutError:
        raise FetchError(too_slow) from None
    except ConnectionRefusedError:
        raise FetchError(f"{target.host} refused the connection.") from None
    except http.client.HTTPException as error:
        raise FetchError(f"The server's answer was not valid HTTP ({type(error).__name__}).") from None
    except OSError as error:
        raise FetchError(f"Could not fetch from {target.host}: {error.strerror or error}.") from None
    finally:
        connection.close()
