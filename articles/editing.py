"""Who is editing an article right now, and the text they have not saved yet.

Edit lock: opening an article's edit page claims its lock when nobody else holds a live one;
the open page renews it with every autosave request, and leaving the page releases it. A lock
nobody renewed for EDIT_LOCK_SECONDS has lapsed (a closed laptop, a crashed browser) and the
next person simply claims it. Anyone else meets a read-only page saying who holds it, and may
take it over; the previous holder is told by email and, in their open tab, by the next renewal.

Autosave: every few seconds the open page sends its text fields here. They are kept as that
person's own copy, one per person and article (and one for a new, not yet saved article),
never written to the article: an autosave publishes nothing, records no revision and changes
no page readers see. Saving the article normally throws the copy away.

Why our own: the admin has neither, and the admin-locking package on PyPI
(awesome-django-admin-locking) was last released in 2017 and knows nothing of our roles. A row
per article is seen by every server, and the take-over rule is one plain function.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from articles import notifications, services
from articles.models import Article, Autosave, EditLock

# The edit form's text fields an autosave keeps. Choices, dates and images are quick to set
# again; the words are what hurts to lose.
AUTOSAVED_FIELDS = (
    "headline",
    "slug",
    "standfirst",
    "body",
    "image_alt",
    "image_caption",
    "image_credit",
    "seo_title",
    "seo_description",
)
# Kept with the text: the version of the article the form was opened on, so that restoring an
# old copy over a newer save is caught by the form's usual edit-conflict check.
VERSION_FIELD = "loaded_version"


# How often an open edit page sends its changed text.
AUTOSAVE_SECONDS = 5


def heartbeat_seconds():
    """How often an open edit page renews its lock when nothing changed: well inside the
    lock's lifetime, so a slow request or two does not let it lapse."""
    return max(settings.EDIT_LOCK_SECONDS // 4, 1)


def lock_lifetime():
    return timedelta(seconds=settings.EDIT_LOCK_SECONDS)


def is_live(lock, now=None):
    return lock.last_seen + lock_lifetime() > (now or timezone.now())


def clock(moment):
    """“14:02” today, “3 May, 14:02” on another day, in the newsroom's time."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"{local:%H:%M}"
    return f"{local.day} {local:%B}, {local:%H:%M}"


def holder_name(lock):
    return lock.user.get_full_name() or lock.user.email


# Locks ---------------------------------------------------------------------------------------


@transaction.atomic
def claim_lock(*, article, user):
    """Take or renew the article's lock for `user` unless someone else holds a live one.
    Returns the lock as it now stands: `lock.user` is whoever holds it."""
    now = timezone.now()
    lock, created = (
        EditLock.objects.select_for_update()
        .select_related("user")
        .get_or_create(article=article, defaults={"user": user, "since": now, "last_seen": now})
    )
    if created:
        return lock
    if lock.user_id == user.pk:
        lock.last_seen = now
        lock.save(update_fields=["last_seen"])
    elif not is_live(lock, now):
        lock.user, lock.since, lock.last_seen = user, now, now
        lock.save(update_fields=["user", "since", "last_seen"])
    return lock


@transaction.atomic
def renew_lock(*, article, user):
    """For an edit page that was given the lock: renew it, unless it has passed to someone
    else since (taken over, or lapsed and claimed, even if they have left again). Returns the
    lock; when `lock.user` is not `user`, the page has lost it and must say so, not take it
    back: its form may be older than what the other person saved."""
    lock = EditLock.objects.select_for_update().select_related("user").filter(article=article).first()
    if lock is None:
        return claim_lock(article=article, user=user)
    if lock.user_id == user.pk:
        lock.last_seen = timezone.now()
        lock.save(update_fields=["last_seen"])
    return lock


def lock_held_by_other(*, article, user):
    """The live lock of someone other than `user`, or None. Claims nothing."""
    lock = EditLock.objects.select_related("user").filter(article=article).first()
    if lock is None or lock.user_id == user.pk or not is_live(lock):
        return None
    return lock


def release_lock(*, article, user):
    """Let go of the article's lock if `user` holds it; someone else's lock stays. The row is
    kept, lapsed, so that a page which lost the lock to `user` still learns who took it."""
    lapsed = timezone.now() - lock_lifetime()
    EditLock.objects.filter(article=article, user=user).update(last_seen=lapsed)


def may_take_over(user, lock):
    """Anyone who may edit the article may take over its lock, except that a writer does not
    take a published article from an editor: that is an editor's working copy of live news."""
    if lock.article.status != Article.Status.PUBLISHED:
        return True
    return services.can_publish(user) or not services.can_publish(lock.user)


@transaction.atomic
def take_over(*, article, by):
    """Move the article's lock to `by`. The caller has checked that `by` may edit the article.
    Whoever held a live lock is told; returns them (None when the lock was free)."""
    lock = lock_held_by_other(article=article, user=by)
    if lock is None:
        claim_lock(article=article, user=by)
        return None
    lock = EditLock.objects.select_for_update().select_related("user", "article").get(pk=lock.pk)
    if not may_take_over(by, lock):
        raise PermissionDenied(
            f"{holder_name(lock)} is editing this published article. Only an editor can take it "
            "over; ask them, or an editor, to finish first."
        )
    previous = lock.user
    now = timezone.now()
    lock.user, lock.since, lock.last_seen = by, now, now
    lock.save(update_fields=["user", "since", "last_seen"])
    notifications.editing_taken_over(article, by=by, previous=previous)
    return previous


# Autosaves -----------------------------------------------------------------------------------


def autosave_of(*, user, article):
    """`user`'s unsaved copy of `article` (None: of a new article), or None."""
    return Autosave.objects.filter(user=user, article=article).first()


def differs_from_article(fields, article):
    if article is None:
        return any(fields.get(name) for name in AUTOSAVED_FIELDS)
    return any(name in fields and fields[name] != (getattr(article, name) or "") for name in AUTOSAVED_FIELDS)


def keep_autosave(*, user, article, fields):
    """Keep `fields` (AUTOSAVED_FIELDS, and VERSION_FIELD) as `user`'s copy of `article`.
    A copy that says nothing the article does not already say is no copy: dropped."""
    kept = {name: fields[name] for name in (*AUTOSAVED_FIELDS, VERSION_FIELD) if name in fields}
    if not differs_from_article(kept, article):
        forget_autosave(user=user, article=article)
        return None
    saved, _ = Autosave.objects.update_or_create(
        user=user, article=article, defaults={"fields": kept, "saved_at": timezone.now()}
    )
    return saved


def forget_autosave(*, user, article):
    Autosave.objects.filter(user=user, article=article).delete()


def restorable_autosave(*, user, article):
    """The copy to offer on the edit page: one that still differs from the article."""
    saved = autosave_of(user=user, article=article)
    if saved is None or not differs_from_article(saved.fields, article):
        return None
    return saved


def restored_values(saved):
    """The form's initial values from a copy: its text, and the version it was written on."""
    values = {name: saved.fields[name] for name in AUTOSAVED_FIELDS if name in saved.fields}
    if saved.fields.get(VERSION_FIELD):
        values[VERSION_FIELD] = saved.fields[VERSION_FIELD]
    return values
