"""Bulk loading of generated articles for benchmarks (`seed_demo --articles N`).

Rows go in with PostgreSQL's COPY through psycopg 3, in batches that each commit an article
together with its bylines and tags, so an interrupted load leaves only whole articles behind.
The ORM's save() is bypassed: these rows get no revision history and send no signals, and
their bodies are generated already in the form the sanitiser would keep.

A large load sets the secondary indexes of the three tables aside and rebuilds them at the
end: building a GIN index once is far cheaper than updating it row by row. Their definitions
are written to a file first and restored in a `finally`, and a later load restores any that a
killed run left behind.
"""

import itertools
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, Section, Source, TaggedArticle
from authors.models import Author
from demo.synthetic import (
    ArticleWriter,
    all_tag_names,
    long_tail_tag_names,
    slug_words,
    synthetic_author,
)
from newsroom import changes

BATCH_SIZE = 10_000
# Set the indexes aside only when the load is big, in rows and relative to what is there:
# rebuilding the indexes of a large table costs more than updating them for a few rows.
SET_ASIDE_MIN_ROWS = 20_000
SET_ASIDE_MIN_SHARE = 0.25
LOADED_TABLES = [Article._meta.db_table, ArticleAuthor._meta.db_table, TaggedArticle._meta.db_table]
YEARS_OF_ARCHIVE = 4

# Share of each state among generated articles; the rest are published in the past.
DRAFT_SHARE, REVIEW_SHARE, WITHDRAWN_SHARE, SCHEDULED_SHARE = 0.03, 0.02, 0.01, 0.005
PREMIUM_SHARE, SYNDICATED_SHARE = 0.15, 0.03
# News carries most of the volume, as on a real site.
SECTION_WEIGHTS = {"news": 6, "opinion": 2, "analysis": 2}
# Beside its topic's tags, an article carries 0, 1 or 2 from the long tail (people, places,
# inquiries), drawn by rank so that a few are common and most are rare.
TAIL_TAGS_PER_ARTICLE, TAIL_TAGS_WEIGHTS = (0, 1, 2), (40, 45, 15)
TAIL_TAGS_PER_ARTICLES = 100  # one tail tag in the vocabulary per this many articles loaded
TAIL_TAGS_MIN = 50


@dataclass
class LoadSummary:
    articles: int = 0
    bylines: int = 0
    tag_links: int = 0
    authors_created: int = 0
    tags_created: int = 0
    seconds: float = 0.0
    indexes_rebuilt: int = 0
    index_seconds: float = 0.0


def _copy_text(value):
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _copy(cursor, table, columns, rows):
    """COPY rows (tuples of already-formatted text values) into `table`."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    with cursor.copy(sql) as copy:
        chunk = []
        for row in rows:
            chunk.append("\t".join(row))
            if len(chunk) >= 2000:
                copy.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            copy.write("\n".join(chunk) + "\n")


def _check_deferred_constraints(cursor):
    """Run the foreign-key checks that PostgreSQL defers to commit now. CREATE INDEX refuses
    to run while any are pending, which happens when the load runs inside an outer transaction."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to how Django declares them


# Indexes --------------------------------------------------------------------------------------


def _set_aside_file():
    return Path(settings.VAR_DIR) / f"set-aside-indexes-{connection.settings_dict['NAME']}.sql"


def secondary_indexes(tables):
    """(name, definition) of the indexes of `tables` that are neither a primary key nor unique:
    the ones a load may drop and rebuild without risking a duplicate slipping in."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index_class.relname, pg_get_indexdef(ix.indexrelid)
            FROM pg_index ix
            JOIN pg_class table_class ON table_class.oid = ix.indrelid
            JOIN pg_class index_class ON index_class.oid = ix.indexrelid
            JOIN pg_namespace ns ON ns.oid = table_class.relnamespace
            WHERE ns.nspname = current_schema() AND table_class.relname = ANY(%s)
              AND NOT ix.indisprimary AND NOT ix.indisunique
            ORDER BY index_class.relname
            """,
            [tables],
        )
        return cursor.fetchall()


def restore_indexes(out=None):
    """Rebuild indexes a previous load set aside; returns how many were rebuilt."""
    path = _set_aside_file()
    if not path.exists():
        return 0
    definitions = [line for line in path.read_text().splitlines() if line.strip()]
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        _check_deferred_constraints(cursor)
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for definition in definitions:
            cursor.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
    path.unlink()
    if out:
        out(f"  rebuilt {len(definitions)} indexes in {time.monotonic() - started:.1f} s")
    return len(definitions)


@contextmanager
def indexes_set_aside(tables, out):
    """Drop the secondary indexes of `tables` for the duration of the block, then rebuild them,
    also when the block fails. The definitions are kept in a file until they are rebuilt."""
    indexes = secondary_indexes(tables)
    path = _set_aside_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{definition};\n" for _, definition in indexes))
    rebuilt = {"count": 0, "seconds": 0.0}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
        out(f"  set {len(indexes)} indexes aside for the load; they are rebuilt at the end")
        yield rebuilt
    finally:
        started = time.monotonic()
        rebuilt["count"] = restore_indexes(out)
        rebuilt["seconds"] = time.monotonic() - started


# Reference rows -------------------------------------------------------------------------------


def ensure_author_pool(size):
    """Authors 1..size of the synthetic pool, created where missing: the same people each run."""
    wanted = [synthetic_author(index) for index in range(1, size + 1)]
    existing = dict(Author.objects.filter(slug__in=[a["slug"] for a in wanted]).values_list("slug", "id"))
    missing = [Author(**fields) for fields in wanted if fields["slug"] not in existing]
    Author.objects.bulk_create(missing, batch_size=2000)
    pool = dict(Author.objects.filter(slug__in=[a["slug"] for a in wanted]).values_list("slug", "id"))
    return [(pool[fields["slug"]], fields["name"]) for fields in wanted], len(missing)


def ensure_tags(tail_count=0):
    """The topic tags and the first `tail_count` long-tail tags, created where missing.
    Returns ({name: id}, the tail names in rank order, how many were created)."""
    names = all_tag_names()
    existing = {tag.name: tag.pk for tag in Tag.objects.filter(name__in=names)}
    created = 0
    for name in names:
        if name not in existing:
            existing[name] = Tag.objects.create(name=name).pk  # taggit makes the slug
            created += 1
    tail = [name for name in long_tail_tag_names(tail_count) if name not in existing]
    have = set(Tag.objects.filter(name__in=tail).values_list("name", flat=True))
    missing = [Tag(name=name, slug=slug_words(name, 100)) for name in tail if name not in have]
    # A slug already taken by another name (an editor's tag) skips that name, rather than failing.
    Tag.objects.bulk_create(missing, batch_size=2000, ignore_conflicts=True)
    found = dict(Tag.objects.filter(name__in=tail).values_list("name", "id"))
    created += len(found) - len(have)
    existing.update(found)
    return existing, [name for name in tail if name in found], created


def _weighted_sections():
    sections = list(Section.objects.values_list("id", "slug"))
    if not sections:
        raise ValueError("There are no sections to put articles in; run seed_demo without --articles first.")
    ids = [section_id for section_id, _ in sections]
    weights = [SECTION_WEIGHTS.get(slug, 1) for _, slug in sections]
    return ids, weights


# The load -------------------------------------------------------------------------------------


class ArticleLoader:
    def __init__(self, *, count, author_count, out, seed=None, batch_size=BATCH_SIZE):
        self.count = count
        self.author_count = author_count
        self.out = out
        self.batch_size = batch_size
        # A different seed per run unless given: a rerun adds different articles, not copies.
        self.seed = seed if seed is not None else time.time_ns()
        self.rng = random.Random(self.seed)  # noqa: S311 - demo data, not security
        self.writer = ArticleWriter(self.seed)
        self.now = timezone.now()

    def run(self):
        summary = LoadSummary()
        started = time.monotonic()
        if restore_indexes():
            self.out("  rebuilt the indexes that an interrupted load had set aside")

        self.authors, summary.authors_created = ensure_author_pool(self.author_count)
        self.out(f"  author pool: {len(self.authors):,} ({summary.authors_created:,} new)")
        tail_count = max(TAIL_TAGS_MIN, self.count // TAIL_TAGS_PER_ARTICLES)
        self.tags, tail, summary.tags_created = ensure_tags(tail_count)
        self.tail_tag_ids = [self.tags[name] for name in tail]
        self.tail_weights = list(itertools.accumulate(1 / rank for rank in range(1, len(tail) + 1)))
        self.out(f"  tags: {len(self.tags):,} ({summary.tags_created:,} new, {len(tail):,} in the long tail)")
        self.section_ids, self.section_weights = _weighted_sections()
        self.sources = list(Source.objects.values_list("id", "website"))
        self._prepare_columns()

        existing = Article.objects.count()
        set_aside = self.count >= SET_ASIDE_MIN_ROWS and self.count >= existing * SET_ASIDE_MIN_SHARE
        if set_aside:
            with indexes_set_aside(LOADED_TABLES, self.out) as rebuilt:
                self._load_batches(summary, started)
            summary.indexes_rebuilt, summary.index_seconds = rebuilt["count"], rebuilt["seconds"]
        else:
            self._load_batches(summary, started)

        analyse_started = time.monotonic()
        with connection.cursor() as cursor:
            for table in [*LOADED_TABLES, Author._meta.db_table]:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        self.out(f"  analysed the tables in {time.monotonic() - analyse_started:.1f} s")
        # Rows loaded in bulk announce nothing on their own: every cached page must go.
        changes.everything_changed()
        summary.seconds = time.monotonic() - started
        return summary

    def _prepare_columns(self):
        """Columns for COPY, and the default text for every column the generator leaves alone,
        so a field added to Article later still gets its model default here."""
        self.columns = []
        self.defaults = {}
        for field in Article._meta.concrete_fields:
            if isinstance(field, models.GeneratedField):
                continue
            self.columns.append(field.column)
            if field.has_default():
                self.defaults[field.column] = _copy_text(field.get_default())
            elif field.null or field.blank:
                self.defaults[field.column] = r"\N" if field.null else ""
        self.defaults["created_at"] = self.defaults["updated_at"] = _copy_text(self.now)

    def _load_batches(self, summary, started):
        with connection.cursor() as cursor:
            for batch_start in range(0, self.count, self.batch_size):
                size = min(self.batch_size, self.count - batch_start)
                with transaction.atomic():
                    # Loading a batch can take longer than the site's statement timeout.
                    cursor.execute("SET LOCAL statement_timeout = 0")
                    cursor.execute(
                        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                        [Article._meta.db_table, size],
                    )
                    ids = [row[0] for row in cursor.fetchall()]
                    articles, bylines, tag_links = self._generate(ids, batch_start)
                    _copy(cursor, Article._meta.db_table, self.columns, articles)
                    _copy(
                        cursor,
                        ArticleAuthor._meta.db_table,
                        ["article_id", "author_id", "position", "role"],
                        bylines,
                    )
                    _copy(cursor, TaggedArticle._meta.db_table, ["content_object_id", "tag_id"], tag_links)
                    # Check the batch's foreign keys now rather than at commit: a bad row fails
                    # its own batch.
                    _check_deferred_constraints(cursor)
                summary.articles += size
                summary.bylines += len(bylines)
                summary.tag_links += len(tag_links)
                elapsed = time.monotonic() - started
                self.out(
                    f"  {summary.articles:>9,} / {self.count:,} articles "
                    f"({summary.articles / elapsed:,.0f} articles/s, "
                    f"{(summary.articles + summary.bylines + summary.tag_links) / elapsed:,.0f} rows/s)"
                )

    def _pick_author_index(self):
        # A few prolific authors and a long tail, as on a real masthead.
        return min(int(len(self.authors) * self.rng.random() ** 2.5), len(self.authors) - 1)

    def _generate(self, ids, first_place):
        rng = self.rng
        now = self.now
        archive_seconds = YEARS_OF_ARCHIVE * 365 * 86400
        # The archive is loaded oldest first, as a newsroom writes it: each article's publish
        # time follows its place in the load, so the table holds a week's articles together,
        # as a real one (or a restored copy of one) does. Articles scheduled for the coming
        # fortnight were written lately, so they come last, in the order they will appear.
        scheduled = round(self.count * SCHEDULED_SHARE)
        first_scheduled = self.count - scheduled
        spacing = archive_seconds / first_scheduled
        scheduled_spacing = 14 * 86400 / max(scheduled, 1)
        articles, bylines, tag_links = [], [], []
        column_defaults = self.defaults
        sections = rng.choices(self.section_ids, self.section_weights, k=len(ids))
        for place, (article_id, section_id) in enumerate(zip(ids, sections, strict=True), start=first_place):
            generated = self.writer.article()
            slug = f"{slug_words(generated.headline, 150)}-{article_id}"

            picks = {self._pick_author_index() for _ in range(rng.choices((1, 2, 3), (75, 20, 5))[0])}
            byline_authors = [self.authors[index] for index in picks]
            for position, (author_id, _) in enumerate(byline_authors):
                bylines.append((str(article_id), str(author_id), str(position), ""))
            tag_ids = {self.tags[name] for name in generated.tags}
            if self.tail_tag_ids:
                extra = rng.choices(TAIL_TAGS_PER_ARTICLE, TAIL_TAGS_WEIGHTS)[0]
                tag_ids.update(rng.choices(self.tail_tag_ids, cum_weights=self.tail_weights, k=extra))
            for tag_id in sorted(tag_ids):
                tag_links.append((str(article_id), str(tag_id)))

            roll = rng.random()
            publish_at = now - timedelta(seconds=archive_seconds - (place + rng.random()) * spacing)
            created_at = publish_at - timedelta(hours=rng.random() * 48)
            status, withdraw_at, first_published_at = Article.Status.PUBLISHED, None, publish_at
            if place >= first_scheduled:
                ahead = (place - first_scheduled + rng.random()) * scheduled_spacing
                publish_at = now + timedelta(seconds=ahead)
                created_at, first_published_at = now, publish_at
            elif roll < DRAFT_SHARE:
                status, publish_at, first_published_at = Article.Status.DRAFT, None, None
            elif roll < DRAFT_SHARE + REVIEW_SHARE:
                status, publish_at, first_published_at = Article.Status.REVIEW, None, None
            elif roll < DRAFT_SHARE + REVIEW_SHARE + WITHDRAWN_SHARE:
                status, withdraw_at = Article.Status.WITHDRAWN, publish_at + timedelta(days=1)

            source_id, original_url = None, ""
            if self.sources and rng.random() < SYNDICATED_SHARE:
                source_id, website = rng.choice(self.sources)
                original_url = f"{(website or 'https://partner.example.org/').rstrip('/')}/reports/{slug}/"

            values = dict(column_defaults)
            values.update(
                id=str(article_id),
                headline=_copy_text(generated.headline),
                slug=slug,
                standfirst=_copy_text(generated.standfirst),
                body=_copy_text(generated.body),
                author_names=_copy_text(", ".join(name for _, name in byline_authors)),
                section_id=str(section_id),
                source_id=_copy_text(source_id),
                original_url=original_url,
                is_premium="t" if rng.random() < PREMIUM_SHARE else "f",
                status=status,
                publish_at=_copy_text(publish_at),
                withdraw_at=_copy_text(withdraw_at),
                first_published_at=_copy_text(first_published_at),
                created_at=created_at.isoformat(),
                updated_at=(first_published_at or created_at).isoformat(),
            )
            articles.append(tuple(values[column] for column in self.columns))
        return articles, bylines, tag_links
