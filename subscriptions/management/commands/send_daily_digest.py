from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from subscriptions import digest
from subscriptions.models import DigestDelivery


class Command(BaseCommand):
    help = (
        "Queue a day's newsletter digest for every confirmed subscriber who has not had it (with "
        "--weekly, the weekly issue to weekly subscribers): one job per batch, sent by the worker. "
        "Safe to run twice or at the same time as the worker: nobody gets an issue twice, and the "
        "batches of a run that stopped part-way are queued again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="The issue's date, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--weekly",
            action="store_true",
            help="Send the weekly issue (the seven days' news) instead; only on NEWSLETTER_WEEKLY_DAY.",
        )
        parser.add_argument("--batch-size", type=int, help="Messages per job (and mail connection).")

    def handle(self, *args, day=None, weekly=False, batch_size=None, **options):
        try:
            day = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must look like 2026-11-28, not {day!r}.") from None
        kind = digest.Kind.WEEKLY if weekly else digest.Kind.DAILY
        if weekly and not digest.is_weekly_day(day):
            raise CommandError(
                f"The weekly issue goes out on {settings.NEWSLETTER_WEEKLY_DAY.capitalize()}s; "
                f"{day} is a {day:%A}. Give a --date on a {settings.NEWSLETTER_WEEKLY_DAY.capitalize()}."
            )
        name = f"weekly digest of {day}" if weekly else f"digest of {day}"

        if batch_size is not None and batch_size < 1:
            raise CommandError(f"--batch-size must be a positive number of messages, not {batch_size}.")
        run = digest.send_digest(day, kind=kind, batch_size=batch_size)
        if run is None:
            self.stdout.write(f"The {name} has already gone to every subscriber; nothing sent.")
            return
        issue = run.issue
        left = digest.unconfirmed_count(issue)
        self.stdout.write(
            self.style.SUCCESS(
                f"{name[0].upper()}{name[1:]}: {len(issue.article_ids)} articles; "
                f"{run.recipients_added} recipients added; so far "
                f"{run.sent} sent, {run.skipped} with nothing to send, {run.failed} failed"
                + (f", {left} left unconfirmed by an earlier interrupted run" if left else "")
                + "."
            )
        )
        if run.errors:
            self.stdout.write(
                self.style.WARNING(
                    f"A batch stopped part-way ({run.errors.strip()}); its job is retried with "
                    "back-off, or run the command again."
                )
            )
        waiting = DigestDelivery.objects.filter(issue=issue, state=DigestDelivery.State.PENDING).count()
        if waiting:
            self.stdout.write(f"{waiting} still waiting, queued for the worker.")
