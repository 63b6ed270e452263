"""Fixtures for the read-replica tests: a real streaming standby of the test cluster, which
`make test-scale` starts (`make replica`) and names in DATABASE_REPLICA_URL."""

import time

import pytest
from django.db import connections


@pytest.fixture
def replica(settings):
    """The `replica` connection, reads routed to it, and the standby checked to be one."""
    if "replica" not in connections:
        pytest.fail(
            "No read replica is configured: run `make test-scale`, or `make replica` and set the "
            "DATABASE_REPLICA_URL it prints."
        )
    settings.DATABASE_REPLICA_READS = True
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0], "the replica alias does not point at a standby server"
    return connections["replica"]


def wait_for_replica(query, params=(), timeout=15):
    """Wait until `query` returns a row on the standby: replication is asynchronous."""
    deadline = time.monotonic() + timeout
    while True:
        with connections["replica"].cursor() as cursor:
            cursor.execute(query, params)
            if cursor.fetchone():
                return
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not receive the row within {timeout} s: {query} {params}")
        time.sleep(0.05)
