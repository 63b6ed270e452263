from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscriptions and newsletter"

    def ready(self):
        from accounts import exports, panels
        from accounts.signals import account_deleting
        from articles import jsonld
        from subscriptions.access import paywall_jsonld
        from subscriptions.accounts import (
            export_newsletter,
            export_subscriptions,
            forget_reader,
            gifts_panel,
            newsletter_panel,
            subscriptions_panel,
        )

        panels.register(subscriptions_panel)
        panels.register(gifts_panel)
        panels.register(newsletter_panel)
        exports.register("subscriptions", export_subscriptions)
        exports.register("newsletter", export_newsletter)
        account_deleting.connect(forget_reader, dispatch_uid="subscriptions.forget_reader")
        jsonld.register(paywall_jsonld)

        from allauth.account.signals import email_confirmed

        from subscriptions.checkout import claim_on_email_confirmed

        email_confirmed.connect(claim_on_email_confirmed, dispatch_uid="subscriptions.claim-on-confirmed")
