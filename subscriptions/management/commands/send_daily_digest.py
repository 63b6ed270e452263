from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from subscriptions import digest
from subscriptions.models import DigestDelivery


class Command(BaseCommand):
    help = (
        "Send a day's newsletter digest to every confirmed subscriber who has not had it. Safe to "
        "run twice or at the same time as the worker: nobody gets an issue twice, and a run that "
        "stopped part-way is resumed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="The issue's date, YYYY-MM-DD (default: today).")
        parser.add_argument("--batch-size", type=int, help="Messages per mail connection.")

    def handle(self, *args, day=None, batch_size=None, **options):
        try:
            day = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must look like 2026-11-28, not {day!r}.") from None

        def progress(run):
            self.stdout.write(f"  sent {run.sent}, skipped {run.skipped}, failed {run.failed}")

        try:
            run = digest.send_digest(day, batch_size=batch_size, progress=progress)
        except digest.DigestInterrupted as error:
            raise CommandError(
                f"The digest stopped part-way ({error}); run the command again to resume."
            ) from None
        if run is None:
            self.stdout.write(f"The digest of {day} has already gone to every subscriber; nothing sent.")
            return
        issue = run.issue
        left = digest.unconfirmed_count(issue)
        self.stdout.write(
            self.style.SUCCESS(
                f"Digest of {day}: {len(issue.article_ids)} articles; "
                f"{run.recipients_added} recipients added, "
                f"{run.sent} sent, {run.skipped} with nothing to send, {run.failed} failed"
                + (f", {left} left unconfirmed by an earlier interrupted run" if left else "")
                + "."
            )
        )
        waiting = DigestDelivery.objects.filter(issue=issue, state=DigestDelivery.State.PENDING).count()
        if waiting:
            self.stdout.write(f"{waiting} still waiting (another run is sending them).")
