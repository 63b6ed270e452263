from django.core.management.base import BaseCommand

from newsroom.lib.taskrecovery import requeue_interrupted_tasks


class Command(BaseCommand):
    help = (
        "Put back in the queue the tasks that a killed task worker of this machine left "
        "running, so their work is finished. Run it before starting a worker; safe to repeat."
    )

    def handle(self, *args, **options):
        requeued, left = requeue_interrupted_tasks()
        self.stdout.write(
            self.style.SUCCESS(
                f"{requeued} interrupted task(s) queued again; "
                f"{left} running task(s) belong to live workers or to other machines and were left alone."
            )
        )
