"""`manage.py task_worker`: django-tasks-db's db_worker, kept alive through database outages.

db_worker exits on the first database error it meets while looking for work (a PostgreSQL
restart or fail-over), and nothing restarts it: queued mail then waits until someone notices.
This command runs the same worker with the same options and, when the database goes away,
waits with a growing pause and starts looking again. Stopping it (SIGINT, SIGTERM) still ends
it at once, after the task in hand.
"""

import contextlib
import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

logger = logging.getLogger(__name__)

LONGEST_PAUSE_SECONDS = 30


class Command(DBWorkerCommand):
    help = "Run the background task worker (db_worker's options), surviving database restarts."

    def handle(self, *args, **options):
        pause = 1
        while True:
            try:
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as error:
                logger.warning(
                    "task worker: the database is unavailable (%s); trying again in %s s", error, pause
                )
                with contextlib.suppress(OperationalError, InterfaceError):  # gone with the server
                    connections.close_all()
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
