"""Full-text search over the stored, weighted `search` column (headline A, standfirst B, body
C, author names D), with web-search syntax: "a phrase", -exclude, this or that. A premium
article's body is not in the column and its snippet is the standfirst alone, so search never
reveals text only subscribers may read.

Very common words match most of the archive, and ranking every match would read every row.
So the matches are first cut to the MAX_CANDIDATES most recent, and only those are ranked.
Finding the most recent matches must not read every match either: an everyday phrase is in
tens of thousands of a million articles, and fetching each to sort by date is the slow part.
So the archive is read in parts, newest first: this calendar week (UTC), the week before,
and so on for RECENT_WEEKS weeks, then everything older, each part only while the parts
before it found fewer than ENOUGH_RECENT matches. The search index holds each article's week
beside its words (Article.Meta.indexes), so one week's matches come straight from the index
without the rest; a word in most articles is read newest first along the week's publish
times instead, which stops at the limit. A week rather than a month keeps a part small as
the archive grows: a month of a busy archive holds thousands of matches of an everyday
phrase, and each is fetched to be sorted. The older archive is read, all at once, only when
the recent weeks held too few matches: then all its matches are few enough to read.
Snippets are made for the rows shown, not for every match.
"""

import html
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

from articles.models import SEARCH_CONFIG, Article, PublicationWeek, body_text

MAX_CANDIDATES = 300
# Weeks searched one by one, newest first, before the older archive: about two months.
RECENT_WEEKS = 8
# When the recent weeks hold at least this many matches (ten pages of results), the older
# archive is not searched: reading every one of its matches, tens of thousands for an
# everyday phrase, would cost more than the rest of the page. The page says it shows the most
# recent matches, and the date filters reach back further.
ENOUGH_RECENT = 100
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


class SearchForm(forms.Form):
    q = forms.CharField(label="Search for", required=False, max_length=200, widget=forms.SearchInput)
    section = forms.CharField(label="Section", required=False, widget=forms.Select)
    date_from = forms.CharField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}), max_length=20
    )
    date_to = forms.CharField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}), max_length=20
    )

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


def recent_weeks(now, count):
    """The Mondays of the current UTC week and the count - 1 weeks before it, newest first."""
    today = now.astimezone(UTC).date()
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=back) for back in range(count)]


def _utc_midnight(day):
    return datetime.combine(day, time.min, tzinfo=UTC)


@dataclass(frozen=True)
class Candidates:
    ids: list  # best first
    complete: bool  # every match is among them: the whole archive was searched and none left over


def best_of_newest(matches, query_text, limit, *, since=None):
    """Up to `limit` of these matches, the newest, ranked best first. The archive is read in
    parts, newest first: each of the last RECENT_WEEKS weeks, then everything older; a part
    is read only while the parts before it found fewer than ENOUGH_RECENT matches. One
    query, whose answer also gives the page its count of results and the order of every
    page. `since`: the earliest publish time the matches allow (a date filter), if any."""
    weeks = recent_weeks(timezone.now(), RECENT_WEEKS)

    def compiled(part):
        part = part.order_by("-publish_at", "-id").values("pk", "publish_at", "search")
        return part[:limit].query.sql_with_params()

    # A week is read from the search index (words and week together) or, for a word in
    # most articles, newest first along the week's publish times (Article.Meta.indexes).
    # The weeks are walked by a recursive query, one week a step, while fewer than
    # ENOUGH_RECENT matches have been found: the week's part is planned once, not once a
    # week, and planning eight copies cost more than reading them.
    week_sql, week_params = compiled(
        matches.alias(week=PublicationWeek("publish_at")).filter(
            week=RawSQL("recent.week", [], output_field=DateField())
        )
    )
    older_sql, older_params = compiled(matches.filter(publish_at__lt=_utc_midnight(weeks[-1])))
    # Written out because the ORM has no recursive queries. Every value is a parameter; the
    # text joined here is the ORM's own compiled SQL.
    # Matches are ranked in the query that finds them, on rows it has already read, rather
    # than in the page's query, which would have to fetch them all again; and only the
    # newest, outside each part's LIMIT: ranking reads the whole search vector of a row.
    # ts_rank with its default weights, as SearchRank would write it.
    rank = "ts_rank({}.search, websearch_to_tsquery(%s::regconfig, %s))"
    rank_params = [SEARCH_CONFIG, query_text]
    sql = f"""
        WITH RECURSIVE recent(week, step, found, ids, times, ranks) AS (
            SELECT %s::date, 0, 0::bigint, NULL::bigint[], NULL::timestamptz[], NULL::real[]
          UNION ALL
            SELECT recent.week - 7, recent.step + 1, recent.found + part.found,
                   part.ids, part.times, part.ranks
            FROM recent CROSS JOIN LATERAL (
                SELECT count(*) AS found, array_agg(one_week.pk) AS ids,
                       array_agg(one_week.publish_at) AS times, array_agg({rank.format("one_week")}) AS ranks
                FROM ({week_sql}) AS one_week
            ) AS part
            WHERE recent.found < %s AND recent.step < %s
        ),
        older AS MATERIALIZED (
            SELECT older.pk, older.publish_at, {rank.format("older")} AS rank
            FROM ({older_sql}) AS older
            WHERE (SELECT max(found) FROM recent) < %s
        )
        SELECT this_week.pk, this_week.publish_at, recent.step, this_week.rank
        FROM recent CROSS JOIN LATERAL unnest(recent.ids, recent.times, recent.ranks)
            AS this_week(pk, publish_at, rank)
        UNION ALL
        SELECT older.pk, older.publish_at, %s, older.rank FROM older
        LIMIT %s
    """  # noqa: S608
    older_part = RECENT_WEEKS + 1
    params = [
        weeks[0],
        *rank_params,
        *week_params,
        ENOUGH_RECENT,
        RECENT_WEEKS,
        *rank_params,
        *older_params,
        ENOUGH_RECENT,
        older_part,
        limit,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    from_recent = sum(1 for _, _, part, _ in rows if part < older_part)
    # Whether the older archive was left out while it could hold matches.
    older_left_out = from_recent >= ENOUGH_RECENT and not (since and since >= _utc_midnight(weeks[-1]))
    best_first = sorted(rows, key=lambda row: (row[3], row[1], row[0]), reverse=True)
    return Candidates(ids=[pk for pk, *_ in best_first], complete=not older_left_out and len(rows) < limit)


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


def matching_articles(query_text, *, section=None, date_from=None, date_to=None):
    """Published articles matching the query (Matches: how many, and the articles ranked,
    each with `headline_text` and `snippet_text`, marked up with MARK_START and
    MARK_END; see highlighted())."""
    query = SearchQuery(query_text, search_type="websearch", config=SEARCH_CONFIG)
    matches = Article.objects.published().filter(search=query)
    if section is not None:
        matches = matches.filter(section_id=section.pk)
    # The first and last days a date can name bound nothing, and computing the day after the
    # last (or midnight before the first, east of UTC) overflowed: a server error.
    since = None
    if date_from and date_from > date.min:
        since = _local_midnight(date_from)
        matches = matches.filter(publish_at__gte=since)
    if date_to and date_to < date.max:
        matches = matches.filter(publish_at__lt=_local_midnight(date_to + timedelta(days=1)))
    candidates = best_of_newest(matches, query_text, MAX_CANDIDATES, since=since)

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
        Article.objects.for_listing()
        # A result shows its snippet, not the body, and never the search vector: neither is
        # worth carrying to Python.
        .defer("body", "search")
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
