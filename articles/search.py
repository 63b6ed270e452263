"""Full-text search over the stored, weighted `search` column (headline A, standfirst B, body
C, author names D), with web-search syntax: "a phrase", -exclude, this or that. A premium
article's body is not in the column and its snippet is the standfirst alone, so search never
reveals text only subscribers may read.

Accents do not matter (the search configuration takes them off, articles/models.py), and a
search that finds nothing suggests the closest known spelling of its words (suggested_query),
from a vocabulary of the words in headlines and standfirsts (SearchWord).

Very common words match most of the archive, and ranking every match would read every row.
So only the MAX_CANDIDATES newest matches are ranked, and finding them must not read every
match either: the archive is read a week at a time, newest first, until they are found
(best_of_newest). Snippets are made for the rows shown, not for every match.
"""

import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connection
from django.db.models import Case, DateField, F, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Left
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import SEARCH_CONFIG, Article, PublicationWeek, SearchWord, body_text

MAX_CANDIDATES = 300
# How much of a body, tags removed, a result's snippet is chosen from.
SNIPPET_BODY_CHARS = 1500
# Private-use characters mark the matched words: they never occur in our text, so escaping
# the snippet first and turning them into <mark> afterwards cannot let markup through.
MARK_START, MARK_END = "\ue000", "\ue001"


def _parse_date(value, label):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise forms.ValidationError(
            f"“{value}” is not a date we understand for “{label}”: use year-month-day, like 2026-03-01."
        ) from None


class DateText(forms.CharField):
    """A date field shown with the browser's date picker and read as text, so a bad date gets
    our own plain message. HTML allows no `maxlength` on a date input; the length limit stays,
    checked on the server."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.DateInput(attrs={"type": "date"}), max_length=20, **kwargs)
        self.error_messages["max_length"] = (
            "That is too long to be a date: use year-month-day, like 2026-03-01."
        )

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class SearchForm(forms.Form):
    q = forms.CharField(label="Search for", required=False, max_length=200, widget=forms.SearchInput)
    section = forms.CharField(label="Section", required=False, widget=forms.Select)
    date_from = DateText(label="From", required=False)
    date_to = DateText(label="To", required=False)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sections_by_slug = {section.slug: section for section in sections}
        self.fields["section"].widget.choices = [("", "All sections")] + [
            (section.slug, section.name) for section in sections
        ]
        self.fields["q"].error_messages["max_length"] = (
            "Searches can be at most %(limit_value)d characters long; this one has %(show_value)d."
        )

    def clean_section(self):
        slug = self.cleaned_data["section"]
        if not slug:
            return None
        if slug not in self.sections_by_slug:
            raise forms.ValidationError(f"There is no section called “{slug}”; choose one from the list.")
        return self.sections_by_slug[slug]

    def clean_date_from(self):
        return _parse_date(self.cleaned_data["date_from"], "From")

    def clean_date_to(self):
        return _parse_date(self.cleaned_data["date_to"], "To")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(
                f"The start date ({date_format(start)}) is after the end date ({date_format(end)}); "
                "swap them round."
            )
        return cleaned


def _local_midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Candidates:
    ids: list  # best first
    complete: bool  # every match is among them


def week_of(moment):
    """The Monday of a moment's calendar week in UTC, as PublicationWeek gives it."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def best_of_newest(matches, query_text, limit, *, since=None, until=None):
    """The `limit` newest matches, ranked best first (Candidates). `since` and `until`: the
    publish times the date filters allow, if any.

    The archive is read a UTC week at a time, newest first, and reading stops as soon as
    `limit` matches are found. A week's matches come straight from the search index, which
    holds each article's week beside its words (Article.Meta.indexes), so a word in most
    articles stops within this week and a rare one costs one small index probe a week of
    the archive. Only the weeks the date filters allow are read: a week outside them would
    fetch every match it holds only to throw each away."""
    newest_week = week_of(min(until, timezone.now()) if until else timezone.now())
    oldest_week = week_of(since) if since else None
    week_part = (
        matches.alias(week=PublicationWeek("publish_at"))
        .filter(week=RawSQL("walk.week::date", [], output_field=DateField()))
        .order_by("-publish_at", "-id")
        .values("pk", "publish_at", "search")
    )
    week_sql, week_params = week_part.query.sql_with_params()
    # Written out because the ORM cannot join a query to a series. Every value is a
    # parameter; the text joined here is the ORM's own compiled SQL. The plain LIMIT stops
    # the walk: PostgreSQL reads the next week only while it still needs rows.
    # The walk ends at the week of the oldest article (or of the `since` filter, whichever
    # is later): GREATEST ignores a NULL `since`. Matches are ranked (ts_rank with its
    # default weights, as SearchRank would write it) on the rows already read, and only
    # these: ranking reads a row's whole search vector.
    sql = f"""
        SELECT part.pk, part.publish_at, ts_rank(part.search, websearch_to_tsquery(%s::regconfig, %s))
        FROM generate_series(
            %s::timestamp,
            GREATEST(
                %s::timestamp,
                (SELECT DATE_TRUNC('week', min(publish_at) AT TIME ZONE 'UTC') FROM {Article._meta.db_table})
            ),
            '-7 days'::interval
        ) AS walk(week)
        CROSS JOIN LATERAL ({week_sql}) AS part
        LIMIT %s
    """  # noqa: S608
    # One row more than is ranked tells whether any match was left out. A lateral join is a
    # nested loop over the series, so rows come out a week at a time in the series' order,
    # each week's in its own ORDER BY: the first rows are the newest. An ORDER BY here would
    # make PostgreSQL read every match before the LIMIT.
    params = [SEARCH_CONFIG, query_text, newest_week, oldest_week, *week_params, limit + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    best_first = sorted(rows[:limit], key=lambda row: (row[2], row[1], row[0]), reverse=True)
    return Candidates(ids=[pk for pk, *_ in best_first], complete=len(rows) <= limit)


class RankedArticles:
    """The candidates, best first, for a paginator: a slice is one query, for the rows (and
    snippets) of that slice's articles alone."""

    def __init__(self, ids, rows):
        self.ids = ids  # best first
        self.rows = rows  # everything a result shows

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("Take a slice of the ranked articles, as a paginator does.")
        wanted = self.ids[window]
        if not wanted:
            return []
        by_id = {article.pk: article for article in self.rows.filter(pk__in=wanted)}
        # One withdrawn since the ranking is simply left out.
        return [by_id[pk] for pk in wanted if pk in by_id]


@dataclass(frozen=True)
class Matches:
    articles: "RankedArticles"  # best first; slice it (a paginator does) for a page
    count: int  # at most MAX_CANDIDATES
    complete: bool  # False: more articles match than were ranked (the newest `count` were)


def _filtered_matches(query_text, section, date_from, date_to):
    """The search query, the published articles matching it and the filters, and the publish
    times the date filters allow (None where they allow any)."""
    query = SearchQuery(query_text, search_type="websearch", config=SEARCH_CONFIG)
    matches = Article.objects.published().filter(search=query)
    if section is not None:
        matches = matches.filter(section_id=section.pk)
    # The first and last days a date can name bound nothing, and computing the day after the
    # last (or midnight before the first, east of UTC) overflowed: a server error.
    since = until = None
    if date_from and date_from > date.min:
        since = _local_midnight(date_from)
        matches = matches.filter(publish_at__gte=since)
    if date_to and date_to < date.max:
        until = _local_midnight(date_to + timedelta(days=1))
        matches = matches.filter(publish_at__lt=until)
    return query, matches, since, until


def matching_articles(query_text, *, section=None, date_from=None, date_to=None):
    """Published articles matching the query (Matches: how many, and the articles ranked,
    each with `headline_text` and `snippet_text`, marked up with MARK_START and
    MARK_END; see highlighted())."""
    query, matches, since, until = _filtered_matches(query_text, section, date_from, date_to)
    candidates = best_of_newest(matches, query_text, MAX_CANDIDATES, since=since, until=until)

    # The snippet comes from the opening of the body: making one costs time for every word
    # it reads, and a long feature would otherwise cost the page several times over.
    opening = Left(body_text(), SNIPPET_BODY_CHARS)
    # Premium text is for subscribers: its snippet comes from the standfirst alone.
    snippet_source = Case(
        When(is_premium=True, then=F("standfirst")),
        default=Concat(F("standfirst"), Value(" "), opening, output_field=TextField()),
        output_field=TextField(),
    )
    rows = (
        # A result shows its snippet, not the body (for_listing leaves it and the search
        # vector in the database).
        Article.objects.for_listing()
        # RankedArticles puts the rows in the ranking's order; the table's own would be
        # compiled and sorted for nothing.
        .order_by()
        .annotate(
            headline_text=SearchHeadline(
                "headline",
                query,
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                highlight_all=True,
            ),
            snippet_text=SearchHeadline(
                snippet_source,
                query,
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=40,
                min_words=20,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
    )
    return Matches(
        articles=RankedArticles(candidates.ids, rows),
        count=len(candidates.ids),
        complete=candidates.complete,
    )


def highlighted(marked_text):
    """Text from SearchHeadline as HTML: matches in <mark>, everything else escaped."""
    # Tags removed from the body leave runs of spaces behind; readers should not see them.
    text = escape(" ".join(html.unescape(marked_text or "").split()))
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


# Vocabulary and suggestions ---------------------------------------------------------------------

# Words shorter than this are left as typed: trigrams of a short word match too much (and the
# web-search operator "or" is never respelt).
SHORTEST_SUGGESTED = 4
# How alike (pg_trgm's similarity, 0 to 1) a known word must be to replace a typed one.
SIMILAR_ENOUGH = 0.4
WORD = re.compile(r"[^\W\d_]+")

# The words of the free parts of articles, lower-cased with accents kept (“ekström”), letters
# only, as PostgreSQL's “simple” configuration splits them; ts_stat counts the articles each is
# in. ts_stat takes its query as text: only integers (ids) are ever written into it.
VOCABULARY_SQL = """
    INSERT INTO {vocabulary} (word, articles)
    SELECT word, ndoc FROM ts_stat(
        'SELECT to_tsvector(''simple'', headline || '' '' || standfirst) FROM {articles}
         WHERE id BETWEEN {first:d} AND {last:d}'
    )
    WHERE char_length(word) BETWEEN {shortest:d} AND 100 AND word ~ '^[[:alpha:]]+$'
    ON CONFLICT (word) DO {on_conflict}
"""


def _count_words(first_id, last_id, on_conflict):
    vocabulary = SearchWord._meta.db_table
    sql = VOCABULARY_SQL.format(
        vocabulary=vocabulary,
        articles=Article._meta.db_table,
        first=int(first_id),
        last=int(last_id),
        shortest=SHORTEST_SUGGESTED,
        on_conflict=on_conflict.format(vocabulary=vocabulary),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def remember_words(article_id):
    """Add the words of one article's headline and standfirst that the vocabulary lacks (each
    counted once; the counts of known words wait for the next rebuild)."""
    return _count_words(article_id, article_id, "NOTHING")


def count_words(first_id, last_id):
    """Add the words of the articles with ids in [first_id, last_id] to the vocabulary's
    counts: rebuild_search_words calls it a batch at a time on an emptied vocabulary."""
    return _count_words(first_id, last_id, "UPDATE SET articles = {vocabulary}.articles + EXCLUDED.articles")


def suggested_query(query_text, *, section=None, date_from=None, date_to=None):
    """The query with each unknown word replaced by the closest word in the vocabulary, if
    that finds published articles within the same filters; None when there is nothing better
    to offer. Two queries at
    most: the closest words for all the typed ones at once, and whether the suggestion finds
    anything (a vocabulary word may come from an article not yet, or no longer, visible, and
    must not be offered)."""
    typed = sorted({word.lower() for word in WORD.findall(query_text) if len(word) >= SHORTEST_SUGGESTED})
    if not typed:
        return None
    with connection.cursor() as cursor:
        # For each typed word: whether it is known (its accents aside), else the most alike
        # known word, the commoner first among equals. The trigram index answers `%`.
        cursor.execute(
            f"""
            SELECT typed.word, closest.word, unaccent(closest.word) = unaccent(typed.word)
            FROM unnest(%s::text[]) AS typed(word)
            CROSS JOIN LATERAL (
                SELECT known.word
                FROM {SearchWord._meta.db_table} AS known
                WHERE known.word %% typed.word
                  AND similarity(known.word, typed.word) >= %s
                ORDER BY unaccent(known.word) = unaccent(typed.word) DESC,
                         similarity(known.word, typed.word) DESC, known.articles DESC, known.word
                LIMIT 1
            ) AS closest
            """,  # noqa: S608 (the table name is ours; the values are parameters)
            [typed, SIMILAR_ENOUGH],
        )
        replacements = {
            typed_word: closest
            for typed_word, closest, already_known in cursor.fetchall()
            if not already_known
        }
    if not replacements:
        return None
    suggestion = WORD.sub(lambda match: _respelt(match.group(), replacements), query_text)
    _, found, _, _ = _filtered_matches(suggestion, section, date_from, date_to)
    return suggestion if found.exists() else None


def _respelt(typed, replacements):
    """The known spelling of a typed word, capitalised as it was typed (“Ekstrm” → “Ekström”)."""
    known = replacements.get(typed.lower())
    if known is None:
        return typed
    if typed.isupper():
        return known.upper()
    return known.capitalize() if typed[0].isupper() else known
