from django.core.management.base import BaseCommand
from django.utils import timezone

from newsroom.lib.periodic import ensure_scheduled, registered_periodic_tasks


class Command(BaseCommand):
    help = (
        "Make sure every periodic task has exactly one pending run: start the ones that have "
        "none now, leave the others alone. Safe to run twice and from several machines."
    )

    def handle(self, *args, **options):
        periodic_tasks = registered_periodic_tasks()
        started = 0
        for periodic in periodic_tasks:
            when, enqueued = ensure_scheduled(periodic.task)
            started += enqueued
            local = timezone.localtime(when).strftime("%d %b %Y %H:%M:%S")
            if enqueued:
                self.stdout.write(f"{periodic.name}: first run queued for {local}.")
            else:
                self.stdout.write(f"{periodic.name}: already queued for {local}; left as it is.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(periodic_tasks)} periodic task(s), {started} newly queued, "
                f"{len(periodic_tasks) - started} already queued."
            )
        )
