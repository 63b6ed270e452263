"""Who is told when an article moves through the workflow.

The workflow functions in articles/services.py call these once per transition. Each email is
a background task queued after the transition commits (a rolled-back transition tells
nobody), names the article and who moved it, and links straight to its edit page:

    sent for review      the section's desk editors (every editor when it names none)
    back to draft        the writer who created it, with the editor's note
    published/scheduled  its authors who have an account
    editing taken over   whoever was editing it (articles/editing.py: take_over)

Nobody is told of their own action, and each person gets an email of their own. Inside
`silenced()` (loading demo content, which replays a newsroom's history rather than acting in
it) nobody is told at all.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from newsroom.lib.jobs import defer_on_commit
from newsroom.lib.urls import absolute_url
from newsroom.tasks import send_templated_email

_silenced = ContextVar("desk_notifications_silenced", default=False)


@contextmanager
def silenced():
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def editors():
    """Active staff who may publish: editors and chief editors."""
    may_publish = Q(groups__permissions__codename="publish_article") | Q(
        user_permissions__codename="publish_article"
    )
    return get_user_model().objects.filter(may_publish, is_active=True, is_staff=True).distinct()


def _tell(people, *, by, subject, message, article, note=""):
    if _silenced.get():
        return
    addresses = sorted({person.email for person in people if person.is_active and person != by})
    for address in addresses:
        defer_on_commit(
            send_templated_email,
            template="email/desk_notice",
            context={
                "subject": subject,
                "message": message,
                "headline": article.headline,
                "note": note,
                "edit_url": absolute_url(reverse("admin:articles_article_change", args=[article.pk])),
            },
            to=[address],
        )


def _name(user):
    return user.public_name if user is not None else "The site"


def review_requested(article, *, by):
    section = article.section
    desk = list(section.desk_editors.all()) if section is not None else []
    where = f" in {section.name}" if section is not None else ""
    _tell(
        desk or editors(),
        by=by,
        subject=f"For review: {article.headline}",
        message=f"{_name(by)} sent an article{where} for review.",
        article=article,
    )


def returned_to_writer(article, *, by, note):
    if article.created_by is None:
        return
    _tell(
        [article.created_by],
        by=by,
        subject=f"Back to you: {article.headline}",
        message=f"{_name(by)} returned your article to draft."
        + (" Their note is below." if note else " They left no note."),
        article=article,
        note=note,
    )


def published(article, *, by, scheduled):
    authors = get_user_model().objects.filter(author_profile__bylines__article=article).distinct()
    if scheduled:
        when = timezone.localtime(article.publish_at).strftime("%-d %B %Y at %H:%M")
        subject, message = f"Scheduled: {article.headline}", f"{_name(by)} scheduled your article for {when}."
    else:
        subject, message = f"Published: {article.headline}", f"{_name(by)} published your article."
    _tell(authors, by=by, subject=subject, message=message, article=article)


def editing_taken_over(article, *, by, previous):
    _tell(
        [previous],
        by=by,
        subject=f"Taken over: {article.headline}",
        message=f"{_name(by)} took over editing this article from you. Anything you had not saved "
        "is kept as your draft copy: open the article when they are done to restore it.",
        article=article,
    )
