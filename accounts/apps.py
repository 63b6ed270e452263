from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from accounts.roles import sync_roles

        # After every migrate and test-database flush, so permissions created by any app's
        # migrations are in place first.
        post_migrate.connect(sync_roles, dispatch_uid="accounts-sync-roles")
