"""A task for the many-workers test: each run appends its number and its worker's process id
to a file, so the test can count how often every task ran and who ran it. Workers started by
the tests import it through tests/worker_settings.py."""

import os
import time

from procrastinate.contrib.django import app


@app.task
def record_run(number, log_path):
    # Long enough that one worker cannot drain the queue before the other has started.
    time.sleep(0.01)
    # One short write with O_APPEND: lines from two processes never interleave.
    with open(log_path, "a") as log:
        log.write(f"{number} {os.getpid()}\n")
