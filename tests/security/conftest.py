"""Fixtures for the hostile-input tests: hypothesis profiles, rate limits reset between
examples, and snapshots of what a form may store.

The profile comes from HYPOTHESIS_PROFILE: `newsroom` (the default, 100 examples a form, what
the suite runs) or `fuzz` (1,000 a form, what `make fuzz` runs).
"""

import os
import re

import pytest
from hypothesis import HealthCheck, settings

# Examples touch the database, so their time varies with the machine's load: no deadline.
# The function-scoped fixtures (the test's transaction, its personas) are shared by every
# example on purpose; each example snapshots and compares what it may change.
_COMMON = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    "derandomize": False,
    "print_blob": True,
}
settings.register_profile("newsroom", max_examples=100, **_COMMON)
settings.register_profile("fuzz", max_examples=1000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "newsroom"))


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, jobs_run_at_once):
    """Mail is sent as soon as it is queued, so a test sees in the outbox what a form sent."""
    settings.MANAGERS = ["Moderation desk <desk@example.org>"]
    settings.COMMENTS_MODERATION_EMAILS = settings.MANAGERS
    return settings


# The example counts, one line a fuzz test, at the end of the run (`make fuzz` shows them).

_counts = {}


# First, and returning nothing: the hook stops at the first result, which pytest's own gives.
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item, call):
    statistics = getattr(item, "hypothesis_statistics", None)
    if call.when == "call" and statistics:
        # Examples run in the reuse and generate phases; shrinking only retries failures.
        phases = re.findall(r"during (\w+) phase.*?(\d+) passing, (\d+) failing", statistics, re.S)
        run = sum(int(passing) + int(failing) for name, passing, failing in phases if name != "shrink")
        _counts[item.nodeid] = run


def pytest_terminal_summary(terminalreporter):
    if not _counts:
        return
    profile = os.environ.get("HYPOTHESIS_PROFILE", "newsroom")
    terminalreporter.section(f"fuzz examples per test (hypothesis profile {profile})")
    for nodeid, count in sorted(_counts.items()):
        terminalreporter.write_line(f"{count:6d}  {nodeid}")
    terminalreporter.write_line(f"{sum(_counts.values()):6d}  in all, over {len(_counts)} fuzz tests")
