"""Live coverage: an article run as a live page, its timestamped entries, and what readers'
open pages poll for.

Writing: entries are posted and corrected only through post_entry and save_entry (the admin
calls them), which keep at most one entry pinned, mark a changed text as a correction and
announce the change (newsroom/changes.py: live_entry_changed moves the article's generation,
so the page cache drops the article page and the update endpoint's answers).

Reading: the page's entries are one query, kept in the cache under the site and article
generations (newsroom/lib/fragments.py) like the comments region; the endpoint's answer for a
given "after" is kept the same way, so a poll that finds nothing new costs two cache reads and
no query, and the HTTP layer answers a reader holding the same answer with a 304 (ETag).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from articles import services
from articles.models import LiveEntry
from newsroom import changes
from newsroom.lib.fragments import cached
from newsroom.lib.generations import article_generation
from newsroom.lib.timestamps import machine_datetime

# An open page asks for at most this many new entries at once; a reader away for longer than
# that reloads to see the rest (the page says so).
MOST_ENTRIES_PER_POLL = 30


# Who may post -------------------------------------------------------------------------------


def can_post(user, article):
    """Whoever may edit the article may update its live page (editors any, writers their own
    drafts and what they sent for review); and a live page is written while it is published,
    so its own writers (who created it, or whose byline it carries) keep posting after that.
    An entry is news as it happens, not a change to the article's text."""
    if services.can_edit(user, article):
        return True
    if not user.has_perm("articles.change_article") or article.pk is None:
        return False
    return article.created_by_id == user.pk or article.bylines.filter(author__user=user).exists()


# Writing ------------------------------------------------------------------------------------


def _unpin_others(entry):
    """Unpin the article's other pinned entry, if any: at most one is pinned (the database
    holds the rule too). Returns the entry unpinned, for the editor's message."""
    others = LiveEntry.objects.select_for_update().filter(article_id=entry.article_id, pinned=True)
    if entry.pk:
        others = others.exclude(pk=entry.pk)
    unpinned = others.first()
    if unpinned is not None:
        unpinned.pinned = False
        unpinned.save(update_fields=["pinned"])
    return unpinned


def post_entry(*, article, by, body, headline="", author=None, pinned=False):
    """A new entry on `article`'s live page, signed by `author` or else by `by`. Returns
    (entry, the entry it unpinned or None)."""
    entry = LiveEntry(
        article=article, created_by=by, body=body, headline=headline, author=author, pinned=pinned
    )
    return entry, save_entry(entry=entry, by=by)


@transaction.atomic
def save_entry(*, entry, by):
    """Save a new or edited entry: the text is sanitised (LiveEntry.save), an empty one is
    refused, a changed text is a correction with its time, pinning unpins the other entry.
    Returns the entry unpinned or None."""
    entry.full_clean(exclude=["article", "author", "created_by"])
    if entry.pk is None:
        entry.created_by = entry.created_by or by
    else:
        stored = LiveEntry.objects.filter(pk=entry.pk).values_list("body", "headline").first()
        if stored is not None and stored != (entry.body, entry.headline):
            entry.corrected_at = timezone.now()
    unpinned = _unpin_others(entry) if entry.pinned else None
    entry.save()
    changes.live_entry_changed(entry.article_id)
    return unpinned


@transaction.atomic
def delete_entries(entries):
    article_ids = {entry.article_id for entry in entries}
    for entry in entries:
        entry.delete()
    for article_id in article_ids:
        changes.live_entry_changed(article_id)


def check_version(entry, loaded_version):
    """Refuse a save made over another editor's newer save of the same entry. Locks the row
    until the admin's transaction ends, so two saves cannot both pass."""
    current = LiveEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if current is None or loaded_version is None or current.version == loaded_version:
        return None
    return current


# Reading ------------------------------------------------------------------------------------


def coverage_of(article):
    """The article's LiveCoverage, or None for an ordinary article. The reader page loads it
    with the article (a join), so asking costs no query there."""
    try:
        return article.live
    except ObjectDoesNotExist:
        return None


def entries_of(article_id):
    return LiveEntry.objects.filter(article_id=article_id).select_related("author", "created_by")


@dataclass
class LiveRegion:
    """What the article page shows of a live page, above the body."""

    coverage: object
    pinned: object = None
    entries: list = field(default_factory=list)

    @property
    def latest_id(self):
        ids = [entry.pk for entry in self.entries] + ([self.pinned.pk] if self.pinned else [])
        return max(ids, default=0)


def region_for(article, *, preview=False):
    """The live region of `article`'s page, or None for an ordinary article (no query). One
    query for all the entries, whatever their number, kept under the article's generation."""
    coverage = coverage_of(article)
    if coverage is None:
        return None

    def load():
        entries = list(entries_of(article.pk))
        return entries, None

    # A preview shows the editor's latest, never a kept copy.
    generation = None if preview or not article.is_published else article_generation(article.pk)
    entries = load()[0] if generation is None else cached("live-entries", (article.pk, generation), load)
    pinned = next((entry for entry in entries if entry.pinned), None)
    return LiveRegion(
        coverage=coverage, pinned=pinned, entries=[entry for entry in entries if not entry.pinned]
    )


def render_entry(entry):
    return render_to_string("articles/_live_entry.html", {"entry": entry})


def updates_after(article, after):
    """The endpoint's answer: entries newer than the entry `after` (newest first, as the
    page lists them), rendered, and whether the coverage has ended. Kept under the site
    generation (the article withdrawn, the coverage ended) and the article's (a new entry),
    so an unchanged poll costs no query."""

    def load():
        entries = list(entries_of(article.pk).filter(pk__gt=after)[: MOST_ENTRIES_PER_POLL + 1])
        more = len(entries) > MOST_ENTRIES_PER_POLL
        entries = entries[:MOST_ENTRIES_PER_POLL]
        coverage = coverage_of(article)
        return {
            "entries": [{"id": entry.pk, "html": render_entry(entry)} for entry in entries],
            "latest": max([entry.pk for entry in entries], default=after),
            "more": more,
            "ended": coverage.has_ended,
        }, coverage.ends_at if coverage.ends_at and coverage.ends_at > timezone.now() else None

    generation = article_generation(article.pk)
    if generation is None:
        return load()[0]
    return cached("live-updates", (article.pk, generation, after), load)


# Search engines -----------------------------------------------------------------------------


def structured_data(region, base):
    """schema.org LiveBlogPosting in place of NewsArticle: the same article, its coverage
    times and its updates, newest first."""
    coverage = region.coverage
    entries = ([region.pinned] if region.pinned else []) + region.entries
    data = {**base, "@type": "LiveBlogPosting", "coverageStartTime": machine_datetime(coverage.started_at)}
    if coverage.ends_at:
        data["coverageEndTime"] = machine_datetime(coverage.ends_at)
    url = base.get("url", "")
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": (entry.headline or str(entry))[:110],
            "datePublished": machine_datetime(entry.published_at),
            **({"dateModified": machine_datetime(entry.corrected_at)} if entry.corrected_at else {}),
            "articleBody": entry.plain_body,
            "url": f"{url}#{entry.anchor}",
            **({"author": {"@type": "Person", "name": entry.signed_by}} if entry.signed_by else {}),
        }
        for entry in entries
    ]
    return data
