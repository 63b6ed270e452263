"""The client's IP address, as rate limits and logs must see it.

X-Forwarded-For is written by whoever sends the request, so only the entries added by our own
proxies can be trusted. TRUSTED_PROXY_COUNT says how many proxies stand in front of the app
(0: none, use the socket's address); the address those proxies saw is then the one that many
places from the right of the header.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < hops:
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


# An IPv6 subscriber is usually given a whole /64, so a limit counting single IPv6 addresses
# would let one client rotate through 2^64 fresh counts. allauth's limits count the same way.
IPV6_NETWORK_PREFIX = 64


def network_of(address):
    """What a per-client limit counts an address as: an IPv4 address itself (also when written
    as IPv4-mapped IPv6), an IPv6 address by its /64."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if parsed.version == 6 and parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_NETWORK_PREFIX}", strict=False))
    return str(parsed)


def client_network(request):
    """What a per-client limit counts this request's client as (network_of its address)."""
    return network_of(client_ip(request))
