"""Builders that put the XSS corpus where readers would see it: comments and commenters'
names on one article, and articles (headline, standfirst, body, author) of their own."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article
from comments.models import Comment, CommentPolicy
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory, singleton_row
from tests.security.payloads import XSS_PAYLOADS


def discussion_with_payloads(payloads=XSS_PAYLOADS):
    """One article whose discussion holds every payload as a comment, half from guests named
    with a payload, half from readers whose display name is one."""
    policy = singleton_row(CommentPolicy)
    policy.hold_first_comments = 0
    policy.save()
    article = ArticleFactory(headline="A discussion full of hostile comments", slug="hostile-discussion")
    now = timezone.now()
    for number, payload in enumerate(payloads):
        if number % 2:
            user = UserFactory(display_name=f"{number} {payload}"[:60], verified=True)
            name = user.public_name[:50]
        else:
            user, name = None, payload[:50]
        Comment(
            article=article, content_object=article, site_id=1, user=user, user_name=name,
            user_email="" if user else f"guest{number}@example.org", comment=payload,
            submit_date=now - timedelta(seconds=number), published_at=now - timedelta(seconds=number),
        ).save()  # fmt: skip
    return article


def articles_with_payloads(payloads=XSS_PAYLOADS):
    """An article per payload: the payload as headline, standfirst, body and author name,
    saved through the model (whose save runs the sanitiser, as every writer's does)."""
    section = SectionFactory(slug="hostile", name="Hostile")
    articles = []
    for number, payload in enumerate(payloads):
        author = AuthorFactory(name=payload[:120], slug=f"hostile-author-{number}")
        articles.append(
            ArticleFactory(
                section=section,
                slug=f"hostile-{number}",
                headline=payload[:200],
                standfirst=payload[:600],
                body=payload,
                authors=[author],
                publish_at=timezone.now() - timedelta(minutes=number + 1),
            )
        )
    return articles


def publish(queryset):
    queryset.update(status=Article.Status.PUBLISHED, publish_at=timezone.now() - timedelta(hours=1))
