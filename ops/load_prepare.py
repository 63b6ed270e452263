"""The Django side of `make load` and `make soak`, run by ops/load.py in a child process on the
load database with the same settings (and secret key) as the servers under test:

    DATABASE_URL=... python ops/load_prepare.py COMMENTERS

Makes COMMENTERS readers with verified addresses and a signed-in session each (the same
accounts on every run), chooses the URLs each kind of reader visits and the articles that
take comments, and prints them as one line of JSON.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from taggit.models import Tag  # noqa: E402

from accounts.models import User  # noqa: E402
from articles.models import Article, Section  # noqa: E402
from comments.models import EffectivePolicy, Suspension  # noqa: E402

HOT_ARTICLES = 10
COLD_ARTICLES = 2000
TAGS = 200
SEARCH_TERMS = [
    "council budget",
    "housing",
    "schools",
    "transport plan",
    "hospital waiting",
    "election",
    "police",
    "climate",
    "library",
    "tax",
    "water",
    "museum",
]


def commenters(count):
    users = []
    for number in range(count):
        user, _ = User.objects.get_or_create(
            email=f"load-commenter-{number}@example.org",
            defaults={"display_name": f"Load Reader {number}"},
        )
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        users.append(user)
    Suspension.objects.filter(user__in=users).delete()
    return users


def signed_in_session(user):
    """What logging in stores in the session, without the password round trip: the load is
    about commenting, and hashing 150 passwords would only slow the start."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def urls():
    published = Article.objects.published().exclude(section=None).select_related("section")
    newest = published.filter(is_premium=False).order_by("-publish_at", "-id")
    hot = list(newest[:HOT_ARTICLES])
    cold = list(published.order_by("?")[:COLD_ARTICLES])
    sections = list(Section.objects.all())
    tags = list(Tag.objects.filter(articles_taggedarticle_items__isnull=False).distinct()[:TAGS])
    return hot, {
        "home": ["/"],
        "section": [
            section.get_absolute_url() for section in sections if published.filter(section=section).exists()
        ],
        "article (hot)": [article.get_absolute_url() for article in hot],
        "article (cold)": [article.get_absolute_url() for article in cold],
        "tag": [f"/tags/{tag.slug}/" for tag in tags] or ["/"],
        "search": [f"/search/?q={term.replace(' ', '+')}" for term in SEARCH_TERMS],
        "feed": ["/feed/"]
        + [f"{section.get_absolute_url()}feed/" for section in sections]
        + [f"/tags/{tag.slug}/feed/" for tag in tags[:20]],
    }


def open_for_comments(articles):
    return [
        article.pk for article in articles if not EffectivePolicy.for_article(article).closure(article).closed
    ]


def main(count):
    users = commenters(count)
    hot, chosen = urls()
    print(
        json.dumps(
            {
                "sessions": [signed_in_session(user) for user in users],
                "urls": chosen,
                "comment_articles": open_for_comments(hot),
                "articles": Article.objects.count(),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
