from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from django.contrib import admin
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from audit import signals
        from audit.admin import audit_bulk_actions

        post_save.connect(signals.bridge_admin_log_entry, sender=LogEntry, dispatch_uid="audit-admin-log")
        # The admin's ready() (first in INSTALLED_APPS) has run autodiscover by now, so every
        # ModelAdmin is registered and each one's actions can be wrapped.
        audit_bulk_actions(admin.site)
