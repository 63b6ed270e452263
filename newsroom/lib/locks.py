"""PostgreSQL advisory locks held until the end of the current transaction.

For "check, then create" steps that two requests may run at the same moment (the same emailed
button pressed twice, a retried webhook): the second waits for the first to commit and then
sees what it stored. The lock names a thing, not a row, so it works before the row exists.
"""

import hashlib

from django.db import connection


def lock_until_commit(namespace, *parts):
    """Wait for, then hold, the lock named by `namespace` and `parts`. Call inside atomic()."""
    name = "\x1f".join([namespace, *map(str, parts)]).encode()
    # pg_advisory_xact_lock takes a signed 64-bit key: the first eight bytes of a hash of the name.
    key = int.from_bytes(hashlib.blake2b(name, digest_size=8).digest(), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
