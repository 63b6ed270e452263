"""The Django side of `make bench`, run as a child process with production settings:

    python bench/prepare.py urls      pick the pages to measure, print them as JSON
    python bench/prepare.py queries   count each page's queries (JSON on stdin, JSON out)
    python bench/prepare.py admin     time the admin's article list (JSON out)

`urls` makes sure the measured article has 50 comments, adding them once if it has fewer,
so "article with 50 comments" means what it says on any data set.
"""

import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from articles.models import Article  # noqa: E402
from articles.pagination import encode_cursor  # noqa: E402
from comments.models import Comment  # noqa: E402

COMMENTS_ON_ARTICLE = 50
DEEP_PAGE = 500
PER_PAGE = 20


def ensure_comments(article):
    have = Comment.objects.filter(article=article).count()
    if have >= COMMENTS_ON_ARTICLE:
        return
    commenters = []
    for number in range(5):
        user, _ = User.objects.get_or_create(
            email=f"bench-commenter-{number}@example.org", defaults={"display_name": f"Bench Reader {number}"}
        )
        commenters.append(user)
    for number in range(have, COMMENTS_ON_ARTICLE):
        user = commenters[number % len(commenters)]
        # Saved one by one: xtd numbers the threads on save.
        Comment.objects.create(
            article=article,
            content_object=article,
            site_id=1,
            user=user,
            user_name=user.display_name,
            user_email=user.email,
            comment=f"Bench comment {number}: a reader's view on the story, a few sentences long.",
            published_at=timezone.now(),
        )


def pick_urls():
    published = Article.objects.published().filter(is_premium=False).exclude(section=None)
    # The article an earlier run gave comments to, so repeated runs measure the same page.
    discussed = (
        Comment.objects.filter(article__in=published, user__email__startswith="bench-commenter-")
        .values_list("article_id", flat=True)
        .first()
    )
    article = published.filter(pk=discussed).first() or published.order_by("-publish_at", "-id").first()
    ensure_comments(article)
    section = article.section
    in_section = Article.objects.published().filter(section=section).order_by("-publish_at", "-id")
    # The cursor of the last article on page DEEP_PAGE - 1: what "next" links lead to.
    deep = in_section.values_list("publish_at", "pk")[
        (DEEP_PAGE - 1) * PER_PAGE - 1 : (DEEP_PAGE - 1) * PER_PAGE
    ]
    deep = list(deep)
    tag = article.tags.order_by("name").first()
    pages = {
        "home": "/",
        "section page 1": section.get_absolute_url(),
        f"section page {DEEP_PAGE}": (
            f"{section.get_absolute_url()}?before={encode_cursor(*deep[0])}"
            if deep
            else section.get_absolute_url()
        ),
        "article, 50 comments": article.get_absolute_url(),
        "tag": f"/tags/{tag.slug}/" if tag else "/",
        "search": "/search/?q=council+budget",
        "RSS": "/feed/",
        "sitemap": "/sitemap-articles.xml",
    }
    return {
        "pages": pages,
        "articles": Article.objects.count(),
        "published": Article.objects.published().count(),
        "comments": Comment.objects.count(),
        "deep_page_found": bool(deep),
    }


def count_queries(pages):
    client = Client()
    counts = {}
    for name, url in pages.items():
        cache.clear()
        client.get(url)  # navigation, furniture and the Site row now cached, as in service
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        counts[name] = {"queries": len(captured.captured_queries), "status": response.status_code}
    return counts


ADMIN_RUNS = 15
# A COUNT over the whole article table: what the admin's list must not run on every load.
FULL_COUNT = re.compile(r'SELECT COUNT\(\*\) AS "__count" FROM "articles_article"\s*$')


def time_admin_changelist():
    """p50/p95 of the admin's article list, first page and a deep page, as an editor sees it,
    and whether any load ran a full COUNT(*)."""
    admin, _ = User.objects.get_or_create(
        email="bench-admin@example.org", defaults={"display_name": "Bench Admin", "is_staff": True}
    )
    if not admin.is_superuser:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(admin)
    results = {}
    for name, url in {
        "admin list": "/admin/articles/article/",
        "admin list page 200": "/admin/articles/article/?p=200",
    }.items():
        client.get(url)
        samples, full_counts, status = [], 0, None
        for _ in range(ADMIN_RUNS):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
            status = response.status_code
            full_counts += sum(bool(FULL_COUNT.search(query["sql"])) for query in captured.captured_queries)
        samples.sort()
        results[name] = {
            "p50": samples[len(samples) // 2],
            "p95": samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))],
            "queries": len(captured.captured_queries),
            "full_counts": full_counts,
            "status": status,
        }
    return results


if __name__ == "__main__":
    if sys.argv[1:] == ["urls"]:
        print(json.dumps(pick_urls()))
    elif sys.argv[1:] == ["queries"]:
        print(json.dumps(count_queries(json.load(sys.stdin))))
    elif sys.argv[1:] == ["admin"]:
        print(json.dumps(time_admin_changelist()))
    else:
        sys.exit(__doc__)
