"""The read replica (newsroom/db_routers.py) against a real streaming standby of the test
cluster: anonymous reads are served from the standby, writes go to the primary, and a reader
who has just written reads from the primary until the read-your-writes window has passed.

Which server answered is read from each connection's own query log, and the `replica`
connection is checked to be a standby (pg_is_in_recovery()) by the fixture."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connections, router
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from articles.models import Article
from newsroom.db_routers import COOKIE_NAME
from tests.factories import ArticleFactory, UserFactory
from tests.scale.conftest import wait_for_replica

pytestmark = [
    pytest.mark.scale,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]
WRITES = ("INSERT", "UPDATE", "DELETE")


class QueriesOnEachServer:
    """Captures the SQL sent to the primary and to the replica during the block."""

    def __enter__(self):
        self.primary = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections["replica"])
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc_info):
        self.replica.__exit__(*exc_info)
        self.primary.__exit__(*exc_info)

    @staticmethod
    def touching(captured, table):
        return [query["sql"] for query in captured.captured_queries if f'"{table}"' in query["sql"]]


def wait_until_replicated(model, pk):
    table = connections["replica"].ops.quote_name(model._meta.db_table)
    wait_for_replica(f"SELECT 1 FROM {table} WHERE id = %s", [pk])  # noqa: S608 - a model table name


def first_visit(client, url):
    """A first page view fills the caches the measured one reads from (the navigation, the
    site's furniture). A page view writes nothing, so it leaves no read-your-writes cookie."""
    client.get(url)
    assert COOKIE_NAME not in client.cookies


def test_the_replica_is_a_streaming_standby_that_receives_the_primarys_writes(replica):
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is False
    article = ArticleFactory(headline="Harbour tolls frozen for a year")

    wait_until_replicated(Article, article.pk)

    assert Article.objects.using("replica").get(pk=article.pk).headline == "Harbour tolls frozen for a year"


@pytest.fixture
def pages_built_from_the_database(settings):
    """The measured request reads the article's rows instead of the copy the first visit kept
    under the cache generations (newsroom/lib/fragments.py)."""
    settings.FRAGMENT_CACHE_ENABLED = False


@pytest.mark.usefixtures("pages_built_from_the_database")
def test_an_anonymous_reader_is_served_from_the_replica(replica, client):
    article = ArticleFactory(headline="Ferry timetable restored after strike")
    wait_until_replicated(Article, article.pk)
    first_visit(client, article.get_absolute_url())

    with QueriesOnEachServer() as queries:
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "Ferry timetable restored after strike" in response.content.decode()
    assert queries.touching(queries.replica, Article._meta.db_table)
    assert not queries.touching(queries.primary, Article._meta.db_table)
    assert COOKIE_NAME not in response.cookies


def test_a_reader_who_just_wrote_reads_from_the_primary_until_the_window_passes(replica, client, settings):
    settings.DATABASE_READ_YOUR_WRITES_SECONDS = 2
    reader = UserFactory(email="rowan@example.org", display_name="Rowan")
    client.force_login(reader)
    # The row as it is now, not only its first version: a session is checked against the
    # account's password hash, and a replica still holding an older hash signs the reader out.
    current = "SELECT 1 FROM accounts_user WHERE id = %s AND password = %s"
    wait_for_replica(current, [reader.pk, reader.password])

    with QueriesOnEachServer() as queries:
        saved = client.post("/accounts/", {"display_name": "Rowan Harbour", "bio": "Lives by the quay."})
    assert saved.status_code == 302
    assert not [sql for sql in queries.replica.captured_queries if sql["sql"].startswith(WRITES)]
    assert any(sql["sql"].startswith("UPDATE") for sql in queries.primary.captured_queries)
    assert COOKIE_NAME in saved.cookies

    # Straight after the write: the account page shows the new name, read from the primary.
    with QueriesOnEachServer() as queries:
        page = client.get("/accounts/")
    assert "Rowan Harbour" in page.content.decode()
    assert queries.touching(queries.primary, User._meta.db_table)
    assert queries.replica.captured_queries == []

    # Once the window has passed, the same reader reads from the replica again.
    wait_for_replica(
        "SELECT 1 FROM accounts_user WHERE id = %s AND display_name = %s", [reader.pk, "Rowan Harbour"]
    )
    # The clock moved past the window, rather than a test that waits it out.
    with time_machine.travel(timezone.now() + timedelta(seconds=3)), QueriesOnEachServer() as queries:
        page = client.get("/accounts/")
    assert "Rowan Harbour" in page.content.decode()
    assert queries.touching(queries.replica, User._meta.db_table)
    assert not queries.touching(queries.primary, User._meta.db_table)


@pytest.mark.usefixtures("pages_built_from_the_database")
def test_a_forged_read_your_writes_cookie_is_ignored(replica, client):
    article = ArticleFactory()
    wait_until_replicated(Article, article.pk)
    first_visit(client, article.get_absolute_url())
    client.cookies[COOKIE_NAME] = "1"

    with QueriesOnEachServer() as queries:
        client.get(article.get_absolute_url())

    assert queries.touching(queries.replica, Article._meta.db_table)
    assert not queries.touching(queries.primary, Article._meta.db_table)


def test_writes_and_migrations_never_go_to_the_replica(replica):
    assert router.db_for_write(Article) == "default"
    assert router.db_for_write(User) == "default"
    assert not router.allow_migrate("replica", "articles", model_name="article")
    assert router.allow_migrate("default", "articles", model_name="article")

    with QueriesOnEachServer() as queries:
        article = ArticleFactory(headline="Written on the primary")
        Article.objects.filter(pk=article.pk).update(standfirst="Changed on the primary too.")

    assert not [sql for sql in queries.replica.captured_queries if sql["sql"].startswith(WRITES)]
    assert Article.objects.using("default").get(pk=article.pk).standfirst == "Changed on the primary too."
