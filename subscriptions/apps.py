from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscriptions and newsletter"

    def ready(self):
        from accounts.signals import account_deleting
        from subscriptions.accounts import forget_reader

        account_deleting.connect(forget_reader, dispatch_uid="subscriptions.forget_reader")

        from allauth.account.signals import email_confirmed

        from subscriptions.checkout import claim_on_email_confirmed

        email_confirmed.connect(claim_on_email_confirmed, dispatch_uid="subscriptions.claim-on-confirmed")
