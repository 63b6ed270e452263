"""Every limit, log and record that needs the client's address takes it from the one function,
newsroom.lib.client_ip.client_ip: reading the socket's address or X-Forwarded-For anywhere else
is how a limiter ends up counting the proxy, or a forged header, instead of the client."""

import re
from pathlib import Path

from allauth.account.adapter import get_adapter
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
THE_ONE_PLACE = ROOT / "newsroom" / "lib" / "client_ip.py"
OUTSIDE_THE_APP = {"tests", "bench", "var", "node_modules"}
# The socket's address in request.META, or the forwarded-for header by either of its names.
READS_AN_ADDRESS = re.compile(r"""REMOTE_ADDR|HTTP_X_FORWARDED_FOR|["'](?i:x-forwarded-for)["']""")


def project_sources():
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in OUTSIDE_THE_APP or parts[0].startswith("."):
            continue
        yield path


def test_only_the_client_ip_function_reads_the_socket_address_or_forwarded_for():
    readers = [
        str(path.relative_to(ROOT))
        for path in project_sources()
        if path != THE_ONE_PLACE and READS_AN_ADDRESS.search(path.read_text())
    ]

    assert readers == []
    assert "REMOTE_ADDR" in THE_ONE_PLACE.read_text()


def test_the_libraries_with_limits_of_their_own_are_given_the_same_function():
    from accounts.adapter import AccountAdapter

    assert settings.AXES_CLIENT_IP_CALLABLE == "newsroom.lib.client_ip.client_ip"
    # allauth's rate limits (and its MFA's) ask the account adapter.
    assert isinstance(get_adapter(), AccountAdapter)
    assert "get_client_ip" in vars(AccountAdapter)
