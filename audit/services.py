"""Writing the audit log. Every audited action calls record(), inside the transaction of the
change it describes, so a change that rolls back leaves no entry and a committed one always
has its entry.

    record(AuditEntry.Action.PUBLISHED, article, actor=by)
    record(AuditEntry.Action.CORRECTED, article, actor=by, detail={"correction": text})

The client IP comes from the request being served (newsroom.lib.client_ip, so only trusted
proxies' X-Forwarded-For counts). Services are called without the request, so it is read from
django-simple-history's HistoryRequestMiddleware, which already keeps the current request for
revisions; outside a request (commands, tasks) there is no IP.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from simple_history.models import HistoricalRecords

from audit.models import AuditEntry
from newsroom.lib.client_ip import client_ip

Action = AuditEntry.Action


class _Batch:
    def __init__(self, description):
        self.description = description
        self.recorded = 0


_current_batch = ContextVar("audit_batch", default=None)


@contextmanager
def batch(description):
    """Mark the entries recorded inside as parts of one bulk operation, named in their detail
    ("via"); yields the batch, whose `recorded` says how many entries were written."""
    current = _Batch(description)
    token = _current_batch.set(current)
    try:
        yield current
    finally:
        _current_batch.reset(token)


def current_request():
    return getattr(HistoricalRecords.context, "request", None)


def current_client_ip():
    """The client IP of the request being served; None outside a request (commands, tasks)."""
    request = current_request()
    return (client_ip(request) or None) if request is not None else None


# record()'s default actor: whoever is signed in to the request being served. Passing
# actor=None says "an automatic process" even inside a request.
FROM_REQUEST = object()


def record(
    action, obj=None, *, actor=FROM_REQUEST, detail=None, object_type="", object_id="", object_repr=""
):
    """Append one entry. `obj` is the model instance acted on; for an object that no longer
    exists (or was never a model row) give object_type, object_id and object_repr instead."""
    request = current_request()
    if actor is FROM_REQUEST:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    detail = {key: value for key, value in (detail or {}).items() if value not in (None, "", [])}
    current = _current_batch.get()
    if current is not None:
        detail.setdefault("via", current.description)
        current.recorded += 1
    entry = AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_name=actor.email if actor is not None else "",
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(object_repr)[:200],
        ip_address=current_client_ip(),
        detail=detail,
    )
    return entry
