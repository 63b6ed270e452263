from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscriptions and newsletter"

    def ready(self):
        from accounts.signals import account_deleting
        from subscriptions.accounts import forget_reader

        account_deleting.connect(forget_reader, dispatch_uid="subscriptions.forget_reader")
