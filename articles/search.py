"""Full-text search over the stored, weighted `search` column (headline A, standfirst B, body
C, author names D), with web-search syntax: "a phrase", -exclude, this or that.

Very common words match most of the archive, and ranking every match would read every row.
So the matches are first cut to the MAX_CANDIDATES most recent, and only those are ranked.
Finding the most recent matches must not read every match either: a word in a few percent of
a million articles is still tens of thousands of rows to fetch and sort. So the archive is
searched in time slices, newest first (CANDIDATE_WINDOWS), as one UNION ALL under a LIMIT:
PostgreSQL runs the next slice only while the limit is unmet, so a common word is served from
the last weeks and a rare one reaches back as far as it must. Snippets are made for the rows
shown, not for every match.
"""

import html
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, Func, QuerySet, TextField, Value, When
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article

MAX_CANDIDATES = 1000
# Where the newest-first slices of the archive end, counted back from now; the last slice is
# everything older.
CANDIDATE_WINDOWS = (timedelta(days=30), timedelta(days=180), timedelta(days=730))
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


def newest_first(matches, limit):
    """The ids of up to `limit` of these matches, the newest first, one time slice at a time:
    one query, whose answer also gives the page its count of results (running the slices
    once for the count and again for the page cost twice as much)."""
    now = timezone.now()
    slices, newer_than = [], None
    for older_than in [now - window for window in CANDIDATE_WINDOWS] + [None]:
        part = matches
        if newer_than is not None:
            part = part.filter(publish_at__lt=newer_than)
        if older_than is not None:
            part = part.filter(publish_at__gte=older_than)
        slices.append(part.order_by("-publish_at", "-id").values("pk")[:limit].query.sql_with_params())
        newer_than = older_than
    # Written out because the ORM's union() refuses each slice's own ORDER BY on a column it
    # does not select, and a slice's order is what lets its LIMIT stop early.
    sql = " UNION ALL ".join(f"({part_sql})" for part_sql, _ in slices)
    params = [param for _, part_params in slices for param in part_params]
    with connection.cursor() as cursor:
        # Every value is a parameter; the text joined here is the ORM's own compiled SQL.
        cursor.execute(f"SELECT newest.pk FROM ({sql}) AS newest LIMIT %s", [*params, limit])  # noqa: S608
        return [pk for (pk,) in cursor.fetchall()]


@dataclass(frozen=True)
class Matches:
    articles: QuerySet  # ranked, best first
    count: int  # at most MAX_CANDIDATES


def matching_articles(query_text, *, section=None, date_from=None, date_to=None):
    """Published articles matching the query (Matches: how many, and the articles ranked,
    each with `rank`, `headline_text` and `snippet_text`, marked up with MARK_START and
    MARK_END; see highlighted())."""
    query = SearchQuery(query_text, search_type="websearch", config="english")
    matches = Article.objects.published().filter(search=query)
    if section is not None:
        matches = matches.filter(section_id=section.pk)
    # The first and last days a date can name bound nothing, and computing the day after the
    # last (or midnight before the first, east of UTC) overflowed: a server error.
    if date_from and date_from > date.min:
        matches = matches.filter(publish_at__gte=_local_midnight(date_from))
    if date_to and date_to < date.max:
        matches = matches.filter(publish_at__lt=_local_midnight(date_to + timedelta(days=1)))
    candidate_ids = newest_first(matches, MAX_CANDIDATES)

    body_text = Func(
        F("body"),
        Value("<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    # Premium text is for subscribers: its snippet comes from the standfirst alone.
    snippet_source = Case(
        When(is_premium=True, then=F("standfirst")),
        default=Concat(F("standfirst"), Value(" "), body_text, output_field=TextField()),
        output_field=TextField(),
    )
    ranked = (
        Article.objects.filter(pk__in=candidate_ids)
        .for_listing()
        .annotate(
            rank=SearchRank(F("search"), query),
            headline_text=SearchHeadline(
                "headline",
                query,
                config="english",
                start_sel=MARK_START,
                stop_sel=MARK_END,
                highlight_all=True,
            ),
            snippet_text=SearchHeadline(
                snippet_source,
                query,
                config="english",
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=40,
                min_words=20,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-publish_at", "-id")
    )
    return Matches(articles=ranked, count=len(candidate_ids))


def highlighted(marked_text):
    """Text from SearchHeadline as HTML: matches in <mark>, everything else escaped."""
    # Tags removed from the body leave runs of spaces behind; readers should not see them.
    text = escape(" ".join(html.unescape(marked_text or "").split()))
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))
