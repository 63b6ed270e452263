"""PostgreSQL advisory locks, named by a namespace and parts ("store-event", event_id).

Every advisory lock of ours is taken here, so one name always means one key, whichever kind
of lock takes it:

- lock_until_commit: for "check, then create" steps that two requests may run at the same
  moment (the same emailed button pressed twice, a retried webhook). The second waits for the
  first to commit and then sees what it stored. The lock names a thing, not a row, so it works
  before the row exists.
- try_lock: for work longer than one transaction that a second run should skip rather than
  wait for (a partner feed being imported). Held by the connection until the block ends; if
  the process dies, PostgreSQL drops it with the connection.
"""

import hashlib
from contextlib import contextmanager

from django.db import connection


def lock_key(namespace, *parts):
    """The signed 64-bit key PostgreSQL's advisory locks take: the first eight bytes of a hash
    of the name, so names never need a registry of numbers."""
    name = "\x1f".join([namespace, *map(str, parts)]).encode()
    return int.from_bytes(hashlib.blake2b(name, digest_size=8).digest(), "big", signed=True)


def lock_until_commit(namespace, *parts):
    """Wait for, then hold, the lock named by `namespace` and `parts`. Call inside atomic()."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(namespace, *parts)])


@contextmanager
def try_lock(namespace, *parts):
    """Take the lock named by `namespace` and `parts` if nobody holds it, without waiting, for
    the length of the block; yields whether it was taken. Not for inside a transaction that
    may outlive the block: the lock is the connection's, not the transaction's."""
    key = lock_key(namespace, *parts)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
