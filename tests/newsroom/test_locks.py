"""Advisory locks (newsroom/lib/locks.py): a lock one connection holds is refused to another
until it is let go, and both kinds of lock agree on what a name means."""

import threading

import pytest
from django.db import connection, transaction

from newsroom.lib.locks import lock_until_commit, try_lock

pytestmark = pytest.mark.django_db(transaction=True)


def try_from_another_connection(namespace, *parts):
    """Whether a second connection, in a thread of its own, can take the lock right now."""
    taken = []

    def attempt():
        try:
            with try_lock(namespace, *parts) as acquired:
                taken.append(acquired)
        finally:
            connection.close()

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join(10)
    return taken[0]


def test_a_second_connection_cannot_take_a_lock_the_first_holds():
    with try_lock("feed-source", 7) as acquired:
        assert acquired
        assert try_from_another_connection("feed-source", 7) is False
        # Another name (another source) is free.
        assert try_from_another_connection("feed-source", 8) is True

    assert try_from_another_connection("feed-source", 7) is True


def test_a_lock_held_until_commit_is_the_same_lock_and_ends_with_the_transaction():
    with transaction.atomic():
        lock_until_commit("store-event", "evt_1")
        assert try_from_another_connection("store-event", "evt_1") is False

    assert try_from_another_connection("store-event", "evt_1") is True
