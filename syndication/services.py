"""Importing partner feeds into articles: the one workflow behind `manage.py import_feeds`
and the scheduled task.

A run fetches each source's feed on its own (a broken feed is logged and the others go on)
and imports each item in its own transaction (an item that fails leaves nothing behind). Items
are known by their GUID, or their link when they have none; a known item is written again only
when what we import from it changed, and never once somebody in the newsroom has edited it.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, SlugRedirect, Source
from articles.services import WorkflowError, publish_article
from authors.models import Author
from newsroom import changes
from newsroom.lib.locks import try_lock
from syndication.fetcher import FetchError, fetch
from syndication.images import fetch_image_rendition
from syndication.items import (
    FeedError,
    ItemInvalid,
    item_from_entry,
    item_from_ninjs,
    looks_like_json,
    ninjs_label,
    parse_feed,
    parse_ninjs,
)
from syndication.models import FeedState, ImportRun, ItemProblem, SourceImport

logger = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/json;q=0.9, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.1"
)
# The advisory lock (newsroom/lib/locks.py) that keeps two runs off the same source at once.
SOURCE_LOCK = "syndication-source"


def importable_sources():
    return Source.objects.filter(import_active=True).exclude(feed_url="").select_related("default_section")


def import_feeds(*, trigger, sources=None, progress=None):
    """Import every active source's feed (or only `sources`); returns the ImportRun logged."""
    progress = progress or (lambda message: None)
    sources = list(importable_sources().order_by("name") if sources is None else sources)
    run = ImportRun.objects.create(trigger=trigger)
    for source in sources:
        progress(f"{source.name}: fetching {source.feed_url}")
        source_import = import_source(source=source, run=run)
        progress(f"{source.name}: {source_import.summary()}")
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    prune_import_log()
    return run


def prune_import_log():
    cutoff = timezone.now() - timedelta(days=settings.SYNDICATION_LOG_RETENTION_DAYS)
    ImportRun.objects.filter(started_at__lt=cutoff).delete()


def import_source(*, source, run):
    source_import = SourceImport.objects.create(run=run, source=source, feed_url=source.feed_url)
    with try_lock(SOURCE_LOCK, source.pk) as acquired:
        if not acquired:
            source_import.status = SourceImport.Status.BUSY
        else:
            try:
                _import_feed(source, source_import)
            except Exception as error:
                # A fault of ours with one source must not cost the others their import.
                logger.exception("Import of %s failed", source)
                source_import.status = SourceImport.Status.FAILED
                source_import.error = f"Unexpected error: {type(error).__name__}: {error}"
    source_import.finished_at = timezone.now()
    source_import.save()
    return source_import


def _import_feed(source, source_import):
    state, _ = FeedState.objects.get_or_create(source=source)
    etag, last_modified = state.validators_for(source.feed_url)
    state.last_fetched_at = timezone.now()
    try:
        response = fetch(
            source.feed_url,
            max_bytes=settings.SYNDICATION_MAX_FEED_BYTES,
            accept=FEED_ACCEPT,
            etag=etag,
            last_modified=last_modified,
        )
        if response.not_modified:
            source_import.status = SourceImport.Status.NOT_MODIFIED
            state.save()
            return
        if looks_like_json(response.content, response.content_type):
            entries = parse_ninjs(response.content)
            read_item, label = item_from_ninjs, ninjs_label
        else:
            entries = parse_feed(response.content, url=response.url, content_type=response.content_type)
            read_item, label = item_from_entry, _feed_entry_label
    except (FetchError, FeedError) as error:
        source_import.status = SourceImport.Status.FAILED
        source_import.error = str(error)
        state.save()
        return

    source_import.fetched = len(entries)
    for entry in entries:
        _import_entry(source, entry, source_import, read_item=read_item, label=label)
    source_import.status = SourceImport.Status.IMPORTED

    state.last_success_at = timezone.now()
    # Remember the validators only when every item went in: otherwise the next run would be
    # told "not modified" and never retry the items that failed.
    if not source_import.failed:
        state.feed_url = source.feed_url
        state.etag = response.etag[:500]
        state.last_modified = response.last_modified[:100]
    state.save()


def _feed_entry_label(entry):
    return entry.get("id") or entry.get("link") or "", entry.get("title") or ""


def _import_entry(source, entry, source_import, *, read_item, label):
    """One entry of an RSS or Atom feed (read_item=item_from_entry) or a ninjs document
    (item_from_ninjs): both make the same FeedItem, imported the same way."""
    guid, title = label(entry)
    guid, title = guid[:500], title[:300]
    try:
        item = read_item(entry)
        outcome, article, warnings = import_item(source=source, item=item)
    except ItemInvalid as reason:
        _note(source_import, ItemProblem.Kind.SKIPPED, guid, title, str(reason))
        source_import.skipped += 1
        return
    except Exception as error:
        logger.exception("Item %s of %s failed", guid, source)
        _note(source_import, ItemProblem.Kind.FAILED, guid, title, f"{type(error).__name__}: {error}")
        source_import.failed += 1
        return
    if outcome == "skipped":
        source_import.skipped += 1
        _note(source_import, ItemProblem.Kind.SKIPPED, item.guid, item.headline, warnings[0], article)
        return
    setattr(source_import, outcome, getattr(source_import, outcome) + 1)
    for warning in warnings:
        _note(source_import, ItemProblem.Kind.WARNING, item.guid, item.headline, warning, article)


def _note(source_import, kind, guid, title, reason, article=None):
    ItemProblem.objects.create(
        source_import=source_import,
        kind=kind,
        guid=guid[:500],
        title=title[:300],
        reason=reason,
        article=article,
    )


def edited_since_import(article):
    """Why the import must leave this article alone, or "" when it has not been touched.

    Two signs, either enough: the article was saved after the import stamped it (the import
    sets imported_at to the updated_at of its own last save), or a revision with a person
    attached was recorded after the import (a save that did not touch updated_at).
    """
    if article.imported_at is None:
        return "This article was not created by the import; it is left alone."
    if article.updated_at > article.imported_at:
        when = timezone.localtime(article.updated_at)
        return (
            f"Edited in the newsroom on {when:%d %b %Y at %H:%M}, so the partner's changes were not applied."
        )
    revision = (
        article.history.filter(history_date__gt=article.imported_at, history_user__isnull=False)
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )
    if revision is not None:
        when = timezone.localtime(revision.history_date)
        return (
            f"Edited by {revision.history_user} on {when:%d %b %Y at %H:%M}, "
            "so the partner's changes were not applied."
        )
    return ""


def import_item(*, source, item):
    """Create or update the article for one feed item.

    Returns (outcome, article, notes): outcome is "new", "updated", "unchanged" or "skipped";
    notes are warnings for the log (for a skipped item, the reason).
    """
    existing = Article.objects.filter(source=source, syndication_guid=item.guid).first()
    if existing is not None:
        if existing.import_checksum == item.checksum:
            return "unchanged", existing, []
        reason = edited_since_import(existing)
        if reason:
            return "skipped", existing, [reason]

    notes = []
    image = None
    if item.image_url:
        # Fetched before the transaction opens: no row stays locked while a partner's server
        # takes its time.
        try:
            image = fetch_image_rendition(item.image_url)
        except (FetchError, ValidationError) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            notes.append(f"The image {item.image_url} was not imported: {message}")

    stored_image = ""
    try:
        with transaction.atomic():
            if existing is not None:
                article = Article.objects.select_for_update().get(pk=existing.pk)
                # Checked again under the lock: an editor may have saved since we looked.
                if article.import_checksum == item.checksum:
                    return "unchanged", article, []
                reason = edited_since_import(article)
                if reason:
                    return "skipped", article, [reason]
                shown_before = changes.visible_urls(article)
            else:
                shown_before = set()
                article = Article(
                    source=source,
                    syndication_guid=item.guid,
                    status=Article.Status.DRAFT,
                    section=source.default_section,
                    slug=_unique_article_slug(item.headline),
                )
            replaced_image = article.featured_image.name if image is not None else ""
            _fill(article, item)
            if image is not None:
                article.featured_image.save(f"{article.slug}.jpg", image, save=False)
                stored_image = article.featured_image.name
            article.imported_at = timezone.now()
            article._change_reason = f"{'Updated' if existing else 'Imported'} from the feed of {source.name}"
            article._history_user = None
            try:
                article.save()
            finally:
                del article._change_reason, article._history_user
            _set_bylines(article, source, item)
            article.tags.set(_tag_names(source, item))
            changes.article_edited(article, shown_before=shown_before)
            if existing is None and source.import_mode == Source.ImportMode.PUBLISH:
                try:
                    publish_article(article=article, by=None)
                except WorkflowError as error:
                    notes.append(f"Kept as a draft: {'; '.join(error.messages)}")
            # Stamp the import with the time of its own last save, so any later save shows.
            Article.objects.filter(pk=article.pk).update(imported_at=F("updated_at"))
            article.refresh_from_db(fields=["imported_at", "updated_at"])
            if replaced_image and replaced_image != stored_image:
                storage = article.featured_image.storage
                transaction.on_commit(lambda: storage.delete(replaced_image))
    except BaseException:
        if stored_image:
            article.featured_image.storage.delete(stored_image)
        raise
    return ("updated" if existing else "new"), article, notes


def _fill(article, item):
    article.headline = item.headline
    article.standfirst = item.standfirst
    article.body = item.body
    article.original_url = item.original_url
    if item.published_at is not None:
        article.publish_at = item.published_at
    article.image_credit = item.image_credit
    if item.image_url:
        article.image_alt = item.headline[: Article._meta.get_field("image_alt").max_length]
    article.import_checksum = item.checksum


def _set_bylines(article, source, item):
    # A partner item without authors is credited to the partner (publishing needs a byline).
    names = item.author_names or [source.name[: Author._meta.get_field("name").max_length]]
    authors = [_author_named(name, source) for name in names]
    article.bylines.all().delete()
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author=author, position=position)
        for position, author in enumerate(dict.fromkeys(authors))
    )
    article.refresh_author_names()


def _author_named(name, source):
    author = Author.objects.filter(name__iexact=name).order_by("pk").first()
    if author is not None:
        return author
    slug = _first_free_slug(
        name,
        max_length=Author._meta.get_field("slug").max_length,
        fallback="author",
        taken=lambda candidate: Author.objects.filter(slug=candidate).exists(),
    )
    return Author.objects.create(name=name, slug=slug, organisation=source.name)


def _tag_names(source, item):
    defaults = [name.strip() for name in source.default_tags.split(",") if name.strip()]
    seen, names = set(), []
    for name in [*item.tags, *defaults]:
        # A category of only punctuation or markup ("<>", "!!!") makes a tag with an empty
        # slug, and every page linking to it failed to build its address (a server error).
        if not Tag().slugify(name):
            continue
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def _first_free_slug(text, *, max_length, fallback, taken):
    # Room left for a "-2", "-3" ... suffix.
    base = slugify(text)[: max_length - 6].strip("-") or fallback
    candidate, number = base, 1
    while taken(candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _unique_article_slug(headline):
    return _first_free_slug(
        headline,
        max_length=Article._meta.get_field("slug").max_length,
        fallback="article",
        # Not an old slug either: that address already redirects to another article.
        taken=lambda candidate: (
            Article.objects.filter(slug=candidate).exists()
            or SlugRedirect.objects.filter(old_slug=candidate).exists()
        ),
    )
