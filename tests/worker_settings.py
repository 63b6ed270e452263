"""Settings for a worker that a test runs as a child process: the project's own, plus the
test's tasks (tests/scale_out/tasks.py) and, when the test names one, its mail backend."""

import os

from newsroom.settings import *  # noqa: F403
from newsroom.settings import MAILERS

PROCRASTINATE_IMPORT_PATHS = ["tests.scale_out.tasks"]

if os.environ.get("TEST_MAIL_BACKEND"):
    MAILERS = {**MAILERS, "default": {"BACKEND": os.environ["TEST_MAIL_BACKEND"]}}
