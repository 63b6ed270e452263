"""The front page as the editors chose it.

Editors put stories in places (articles.models.FrontPage): the home page's lead and top
stories, and the lead of each section's block. A place left empty, or whose slot has expired,
shows the newest story as before. The slots are kept under the site generation with the other
little data every home page reads (fragments.kept), so choosing costs the home page no query:
the chosen stories are read in the same query as the newest ones (articles/views.py home).

A kept copy never outlives a slot's expiry: expiries count as scheduled changes
(ArticleQuerySet.next_scheduled_change), which bound every cached page and piece. The time is
checked again when the page is built, so a copy read a moment late still drops the slot.
"""

from django.db.models import Q
from django.utils import timezone

from articles.models import FrontPageSlot
from newsroom.lib import fragments

# The home page's lead and the top stories beside it.
TOP_STORIES = 2
HOME_SLOTS = 1 + TOP_STORIES
HOME = None  # the place of the home page in chosen_stories(), which is keyed by section id


def _unexpired_slots():
    now = timezone.now()
    rows = (
        FrontPageSlot.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("position", "id")
        .values_list("page__section_id", "position", "article_id", "expires_at")
    )
    return [tuple(row) for row in rows]


def chosen_stories(now=None):
    """{section id, or HOME: {place: article id}} of the slots in force now. Place 1 is the
    lead; a place beyond what the page shows is ignored. Whether readers may see the story is
    left to the query that reads it (Article.objects.published())."""
    now = now or timezone.now()
    places = {}
    for section_id, position, article_id, expires_at in fragments.kept("front-page", _unexpired_slots):
        if expires_at is not None and expires_at <= now:
            continue
        if position > (HOME_SLOTS if section_id is HOME else 1):
            continue
        places.setdefault(section_id, {}).setdefault(position, article_id)
    return places


def fill_places(chosen, newest_ids, count):
    """The ids of the `count` stories of a page with chosen {place: article id}, and what is
    left of `newest_ids` (newest first, the chosen ones among them or not) for the lists below.

    A place whose story is not among `newest_ids` (withdrawn, unpublished, deleted) takes the
    next newest story, as if nobody had chosen."""
    readable = set(newest_ids)
    chosen_ids = set(chosen.values())
    newest = iter([pk for pk in newest_ids if pk not in chosen_ids])
    front = []
    for place in range(1, count + 1):
        pk = chosen.get(place)
        pk = pk if pk in readable else next(newest, None)
        if pk is not None:
            front.append(pk)
    return front, list(newest)
