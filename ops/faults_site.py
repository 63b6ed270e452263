"""The Django side of `make faults`: prepares the throwaway site and answers questions about
what it stored. Run as `python -m ops.faults_site COMMAND [ARGS]` with the fault run's
environment (its DATABASE_URL); every command prints one line of JSON.
"""

import json
import os
import sys
from datetime import timedelta

import django

PASSWORD = "faults-only-password-4821"  # noqa: S105 - a throwaway site that lives for one run
ADMIN_EMAIL = "faults-admin@example.org"
COMMENTER_EMAIL = "faults-commenter@example.org"


def prepare(subscribers):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from articles.models import Article
    from subscriptions.models import NewsletterSubscriber

    User = get_user_model()
    if not User.objects.filter(email=ADMIN_EMAIL).exists():
        User.objects.create_superuser(ADMIN_EMAIL, PASSWORD)
    commenter = User.objects.filter(email=COMMENTER_EMAIL).first() or User.objects.create_user(
        COMMENTER_EMAIL, PASSWORD
    )
    EmailAddress.objects.update_or_create(
        user=commenter, email=COMMENTER_EMAIL, defaults={"verified": True, "primary": True}
    )
    # The digest's send time in this run is 23:59, so today's issue covers the day so far: put
    # a few articles a minute or two back, and keep discussion open on the article the
    # commenter writes under.
    recent = list(Article.objects.published().select_related("section").order_by("-publish_at")[:6])
    for offset, article in enumerate(recent):
        published_at = timezone.now() - timedelta(seconds=60 + offset)
        Article.objects.filter(pk=article.pk).update(
            publish_at=published_at,
            first_published_at=published_at,
            comments_open=True,
            comments_close_at=timezone.now() + timedelta(days=2),
        )
    NewsletterSubscriber.objects.filter(email__endswith="@digest.faults.test").delete()
    NewsletterSubscriber.objects.bulk_create(
        NewsletterSubscriber(
            email=f"reader{number:05d}@digest.faults.test",
            state=NewsletterSubscriber.State.CONFIRMED,
            confirmed_at=timezone.now(),
        )
        for number in range(subscribers)
    )
    article = Article.objects.published().select_related("section").get(pk=recent[0].pk)
    return {
        "article": article.get_absolute_url(),
        "article_id": article.pk,
        "section": article.section.get_absolute_url() if article.section_id else "/",
        "digest_subscribers": subscribers,
    }


def comments(prefix):
    from comments.models import Comment

    return {
        "texts": list(Comment.objects.filter(comment__startswith=prefix).values_list("comment", flat=True))
    }


def shares(count, per_share, tag):
    from articles.models import Article
    from enquiries.services import share_article

    article = Article.objects.published().order_by("-publish_at").first()
    recipients = []
    for number in range(count):
        addresses = [f"{tag}-{number:03d}-{k}@shares.faults.test" for k in range(per_share)]
        share_article(
            article=article,
            sender_name="Fault Run",
            sender_email="sender@faults.test",
            recipients=addresses,
            note=f"{tag} share {number}",
        )
        recipients += addresses
    return {"recipients": recipients}


def share_state(tag):
    from enquiries.models import ShareRecipient

    rows = ShareRecipient.objects.filter(email__startswith=f"{tag}-")
    return {
        "sent": rows.filter(sent_at__isnull=False).count(),
        "waiting": rows.filter(sent_at__isnull=True).count(),
    }


def tasks_state(task_name):
    from django.db.models import Count
    from procrastinate.contrib.django.models import ProcrastinateJob

    jobs = ProcrastinateJob.objects.filter(task_name=task_name)
    rows = jobs.values("status").annotate(n=Count("id"))
    # A job that failed and waits for its next attempt is back to "todo" with attempts counted.
    retries = jobs.filter(status="todo", attempts__gt=0)
    return {"by_status": {row["status"]: row["n"] for row in rows}, "retries_queued": retries.count()}


def digest_start():
    """Queue today's issue, one job a batch, as the worker's five-minute look does once the
    digest is due (which the faults' settings keep it from being while they run)."""
    from django.utils import timezone

    from subscriptions import digest

    run = digest.send_digest(timezone.localdate())
    return {"queued": run is not None}


def digest_state():
    from django.db.models import Count
    from django.utils import timezone

    from subscriptions.models import DigestDelivery, DigestIssue

    issue = DigestIssue.objects.filter(kind=DigestIssue.Kind.DAILY, date=timezone.localdate()).first()
    if issue is None:
        return {"issue": None}
    deliveries = DigestDelivery.objects.filter(issue=issue)
    states = deliveries.values("state").annotate(n=Count("id"))
    unconfirmed = deliveries.filter(state=DigestDelivery.State.SENDING)
    return {
        "issue": issue.pk,
        "articles": len(issue.article_ids),
        "completed": issue.completed_at is not None,
        "states": {row["state"]: row["n"] for row in states},
        # Left "sending" by a killed worker: perhaps delivered, never resent (subscriptions/digest.py).
        "unconfirmed": sorted(unconfirmed.values_list("subscriber__email", flat=True)),
    }


def authors(name):
    from pathlib import Path

    from django.conf import settings

    from authors.models import Author

    rows = list(Author.objects.filter(name=name).values_list("photo", flat=True))
    files = []
    for photo in rows:
        path = Path(settings.MEDIA_ROOT) / photo if photo else None
        files.append(
            {
                "name": photo,
                "exists": bool(path and path.exists()),
                "size": path.stat().st_size if path and path.exists() else 0,
            }
        )
    return {"rows": len(rows), "files": files}


COMMANDS = {
    "prepare": lambda args: prepare(int(args[0])),
    "comments": lambda args: comments(args[0]),
    "shares": lambda args: shares(int(args[0]), int(args[1]), args[2]),
    "share-state": lambda args: share_state(args[0]),
    "tasks-state": lambda args: tasks_state(args[0]),
    "digest-start": lambda args: digest_start(),
    "digest-state": lambda args: digest_state(),
    "authors": lambda args: authors(args[0]),
}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    command, *arguments = sys.argv[1:]
    print(json.dumps(COMMANDS[command](arguments)))
