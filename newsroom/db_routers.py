"""Reads from the read replica, writes to the primary, and a reader's own writes read back.

Switched on by DATABASE_REPLICA_URL (newsroom/settings.py adds the `replica` alias, this router
and the middleware below). Without it there is one database and none of this runs.

Replication is asynchronous, so a reader who has just written would not always find the write
on the replica. Three rules keep a reader's own writes in view:

- within a request, once anything has been written, later reads go to the primary;
- inside a transaction on the primary, reads go to the primary (they must see its writes);
- after a request that wrote (a POST that saved a comment, a profile, a subscription...), the
  reader's browser carries a short-lived signed cookie, and for
  DATABASE_READ_YOUR_WRITES_SECONDS every request with it reads from the primary.

Some apps are always read from the primary: sessions (a sign-in must be seen on the very next
request), the task queue and login lockouts (both are counted and claimed, never just shown).
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
COOKIE_NAME = "rw_primary"
COOKIE_SALT = "newsroom.db_routers.read-your-writes"
PRIMARY_ONLY_APPS = {"sessions", "procrastinate", "axes"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Per request (and per thread: gunicorn's threads each run their own context).
_read_primary = ContextVar("read_primary", default=False)
_wrote = ContextVar("wrote", default=False)


def reads_from_primary():
    """True when this request's reads must go to the primary."""
    return _read_primary.get() or _wrote.get()


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if not settings.DATABASE_REPLICA_READS:
            return PRIMARY
        if model._meta.app_label in PRIMARY_ONLY_APPS or reads_from_primary():
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: objects from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def window_seconds():
    return settings.DATABASE_READ_YOUR_WRITES_SECONDS


class ReadYourWritesMiddleware:
    """Sends a reader who wrote recently to the primary, through a short-lived signed cookie.

    Sits before the page cache so that the cookie it sets is never part of a stored page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        recent = request.get_signed_cookie(
            COOKIE_NAME, default=None, salt=COOKIE_SALT, max_age=window_seconds()
        )
        read_token = _read_primary.set(recent is not None)
        wrote_token = _wrote.set(False)
        try:
            response = self.get_response(request)
            wrote = _wrote.get()
        finally:
            _read_primary.reset(read_token)
            _wrote.reset(wrote_token)
        if wrote and request.method in UNSAFE_METHODS:
            response.set_signed_cookie(
                COOKIE_NAME,
                "1",
                salt=COOKIE_SALT,
                max_age=window_seconds(),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
