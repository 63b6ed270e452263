"""The "Related articles" list at the foot of an article page.

It changes only when listings do (an article published, edited or withdrawn anywhere), so its
HTML is kept under the site generation (newsroom/lib/fragments.py) and a page re-rendered
for a new comment does not pick the list again.
"""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string

from articles.models import Article, TaggedArticle
from newsroom.lib.fragments import cached

RELATED_COUNT = 4
# Related articles are picked from the most recent articles that share a tag, so a tag on
# half the archive does not make every article page count the whole archive.
RELATED_CANDIDATES = 200


def related_articles(article, tag_ids):
    """Up to RELATED_COUNT published articles, those sharing the most tags first, then the
    newest of the same section; one query whatever the archive's size.

    The candidates (the most recent articles sharing a tag, and the newest of the section)
    are one UNION of two index-ordered, limited scans, inside the query that ranks them: only
    those few are ranked. Asking for both in one WHERE … OR … made PostgreSQL read the whole
    table; fetching the candidates first cost a second round trip and a query with a
    parameter for each of them.
    """
    others = Article.objects.published().exclude(pk=article.pk).order_by("-publish_at", "-id")
    scans = []
    if tag_ids:
        scans.append(others.filter(tags__in=tag_ids).values("pk")[:RELATED_CANDIDATES])
    if article.section_id:
        scans.append(others.filter(section_id=article.section_id).values("pk")[:RELATED_COUNT])
    if not scans:
        return []
    candidates = scans[0].union(*scans[1:], all=True) if len(scans) > 1 else scans[0]
    shared_tags = (
        TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag__in=tag_ids)
        .order_by()
        .values("content_object")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return list(
        Article.objects.filter(pk__in=candidates)
        .select_related("section")
        # What the list shows and its addresses need: the whole rows (bodies, search vectors
        # and every section column) cost more to compile, fetch and build than the ranking.
        .only("headline", "slug", "publish_at", "created_at", "section__name", "section__slug")
        .annotate(shared=Coalesce(Subquery(shared_tags), 0))
        .order_by("-shared", "-publish_at", "-id")[:RELATED_COUNT]
    )


def related_block(article, tag_ids, *, preview=False):
    """The list's HTML (empty when nothing is related), for the article's tags by id, in order.
    A preview is never kept: its draft's tags can change without any generation moving."""

    def render():
        related = related_articles(article, tag_ids)
        return render_to_string("articles/_related.html", {"related": related}), None

    if preview:
        return render()[0]
    # The tags are in the key: a draft's tags are saved without the site generation moving.
    return cached("related", (article.pk, article.section_id, *tag_ids), render)
