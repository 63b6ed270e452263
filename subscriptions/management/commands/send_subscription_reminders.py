from django.conf import settings
from django.core.management.base import BaseCommand

from subscriptions.services import send_due_reminders


class Command(BaseCommand):
    help = (
        "Email subscribers whose subscription ends within SUBSCRIPTIONS_REMINDER_DAYS. Safe to run "
        "twice: each subscription term is reminded once."
    )

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(
            self.style.SUCCESS(
                f"{sent} reminder{'s' if sent != 1 else ''} sent "
                f"(subscriptions ending within {settings.SUBSCRIPTIONS_REMINDER_DAYS} days)."
            )
        )
