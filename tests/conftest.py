"""Shared fixtures: personas, builders and a headless Chromium for browser journeys."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from accounts.roles import CHIEF_EDITOR, EDITOR, MODERATOR, WRITER
from tests import emptying
from tests.factories import AuthorFactory, UserFactory

SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the networking flags Chromium tries Google's hosts at start-up; the machine has no
# network beyond loopback and the tests must make no third-party request anyway.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config):
    # Hashing with PBKDF2 costs ~100 ms a password; the suite creates hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test's client loads the middleware afresh, and WhiteNoise then lists and stats every
    # collected static file (~70 ms, about a tenth of the suite). Looking a file up when it is
    # asked for gives the same answers, headers included (tests/performance/test_serving.py).
    settings.WHITENOISE_AUTOREFRESH = True
    # With DATABASE_REPLICA_URL set (make test-scale), the suite still reads from the primary:
    # tests write inside transactions the replica never sees. The replica tests in tests/scale/
    # switch replica reads back on for themselves.
    settings.DATABASE_REPLICA_READS = False
    # A transactional test empties only the tables it wrote to (tests/emptying.py says why).
    emptying.install()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: generation numbers only move on commit, and most
    tests roll back, so a page cached by one test could otherwise be served in the next; and
    the rate-limit counters (ours and allauth's) start from zero. Said once, here: no module
    needs its own."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# Personas: one of each kind of person the site serves, defined once.


@pytest.fixture
def reader(db):
    return UserFactory(email="reader@example.org", display_name="Rita Reader")


@pytest.fixture
def subscriber(db):
    # Becomes a paying subscriber once the subscriptions app gives it a plan.
    return UserFactory(email="subscriber@example.org", display_name="Sam Subscriber")


@pytest.fixture
def writer(db):
    user = UserFactory(email="writer@example.org", display_name="Wendy Writer", roles=[WRITER])
    AuthorFactory(name="Wendy Writer", slug="wendy-writer", user=user)
    return user


@pytest.fixture
def other_writer(db):
    return UserFactory(email="writer2@example.org", display_name="Will Writer", roles=[WRITER])


@pytest.fixture
def editor(db):
    return UserFactory(email="editor@example.org", display_name="Eddie Editor", roles=[EDITOR])


@pytest.fixture
def chief_editor(db):
    return UserFactory(email="chief.editor@example.org", display_name="Cleo Chief", roles=[CHIEF_EDITOR])


@pytest.fixture
def moderator(db):
    return UserFactory(email="moderator@example.org", display_name="Mo Moderator", roles=[MODERATOR])


@pytest.fixture
def superuser(db):
    return UserFactory(email="chief@example.org", is_staff=True, is_superuser=True)


# Browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, serving static files from STATIC_ROOT.

    Its default handler looks files up with the finders, which know nothing of the hashed
    names that the manifest storage puts in our pages; serving the collected files is also
    what production does. `make test` runs collectstatic first.
    """
    from django.test.testcases import LiveServerThread, _StaticFilesHandler
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("127.0.0.1", start=False)
    server.thread = LiveServerThread("127.0.0.1", static_handler=_StaticFilesHandler, connections_override={})
    server.thread.daemon = True
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def allowed_origins():
    """Loopback origins a test runs beside the live server (the fake store of tests/store.py),
    which its pages may visit. Empty unless a fixture adds one; only 127.0.0.1 is accepted."""
    return []


@pytest.fixture
def page(browser, live_server, allowed_origins):
    """A fresh browser tab whose relative URLs resolve against the live server.

    Any request to a host other than the live server (or a loopback origin the test added to
    `allowed_origins`) fails the test: pages must not load third-party assets.
    """
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    foreign_requests = []
    context.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, *allowed_origins, "data:", "about:"))
            else foreign_requests.append(request.url)
        ),
    )
    tab = context.new_page()
    # Generous: on a two-core CI machine a page render can queue behind the other test process
    # and PostgreSQL for seconds. A wait that times out is a failure either way.
    tab.set_default_timeout(20_000)
    yield tab
    context.close()
    assert all(origin.startswith("http://127.0.0.1:") for origin in allowed_origins)
    assert foreign_requests == [], f"pages requested third-party URLs: {foreign_requests}"


def save_screenshot(tab, name):
    """Keep a full-page screenshot under var/screenshots/ (ignored by git) for a human to judge."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)


# Background jobs --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def empty_job_queue(request, django_db_blocker):
    """Procrastinate's tables are not Django's to flush, so the flush after a transactional
    test would leave its jobs for the next one to run: empty them."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        from django.db import connection

        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers,"
                " procrastinate_workers RESTART IDENTITY CASCADE"
            )


@pytest.fixture
def jobs_run_at_once(monkeypatch):
    """Deferred jobs run at once instead of waiting for a worker (tests/jobs.py: run_at_once).
    Tests of the queue itself (retries, locks, schedules, a killed worker) use the real worker."""
    from procrastinate.manager import JobManager

    from tests.jobs import run_at_once

    monkeypatch.setattr(JobManager, "batch_defer_jobs", run_at_once)


@pytest.fixture
def real_job_queue(monkeypatch):
    """Undoes jobs_run_at_once where a conftest turned it on for every test: deferred jobs wait
    in the real queue for the worker."""
    from procrastinate.manager import JobManager

    from tests.jobs import defer_into_the_queue

    monkeypatch.setattr(JobManager, "batch_defer_jobs", defer_into_the_queue)
