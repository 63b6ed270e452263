"""Django's admin writes a LogEntry for every single-object add, change and delete; each one
is copied into the audit log with the client IP, which LogEntry does not keep."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION

from audit.models import AuditEntry
from audit.services import record

_ACTIONS = {
    ADDITION: AuditEntry.Action.ADDED,
    CHANGE: AuditEntry.Action.CHANGED,
    DELETION: AuditEntry.Action.DELETED,
}


def bridge_admin_log_entry(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    content_type = instance.content_type
    record(
        _ACTIONS[instance.action_flag],
        actor=instance.user,
        object_type=f"{content_type.app_label}.{content_type.model}" if content_type else "unknown",
        object_id=instance.object_id or "",
        object_repr=instance.object_repr,
        detail={"change": instance.get_change_message()},
    )
