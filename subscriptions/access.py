"""The access rule for premium text, and the pieces the article page needs to apply it.

The article page (articles/) must not import this app. Its template shows a premium body
through this app's `{% premium_body %}` tag (teaser and subscribe box), and its JSON-LD marks
the paywalled part through `paywall_jsonld`, registered in articles/jsonld.py. Whether a
reader may see the whole text (`paywall_state`) is decided only in this app's private
endpoints, never in the shared page. The page a shared cache keeps
is the anonymous one, so it only ever holds the teaser; a signed-in reader's full text comes
from a private endpoint (views.full_text).
"""

from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from newsroom.lib import fragments
from subscriptions.models import MeteredRead, Plan, Subscription

# The class of the element that holds (or, on the shared page, stands in for) the text only
# subscribers may read; the JSON-LD points search engines at it.
PAYWALLED_CLASS = "paywalled-content"

VOID_ELEMENTS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# The rule -----------------------------------------------------------------------------------


def website_subscription(user):
    """The reader's current subscription that unlocks premium articles, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Subscription.objects.active()
        .unlocking_website()
        .filter(user=user)
        .select_related("plan")
        .order_by("-ends_at")
        .first()
    )


def metering_month(at=None):
    today = timezone.localdate(at or timezone.now())
    return date(today.year, today.month, 1)


def metered_reads_this_month(user):
    return MeteredRead.objects.filter(user=user, month=metering_month())


def metered_allowance(user, article):
    """(may read, already counted, free articles left this month) for a signed-in reader
    without a plan. An article already counted this month can be read again without counting
    twice."""
    if not settings.SUBSCRIPTIONS_METERING:
        return False, False, 0
    reads = metered_reads_this_month(user)
    used = reads.count()
    left = max(settings.SUBSCRIPTIONS_METERED_ARTICLES - used, 0)
    already_counted = reads.filter(article_id=article.pk).exists()
    return already_counted or left > 0, already_counted, left


@dataclass(frozen=True)
class PaywallState:
    """What this reader may do with this article, and who they are as the subscribe box needs
    to address them."""

    # May read the whole text: free article, a plan that unlocks the website, or metering.
    can_read: bool
    # anonymous, free, subscriber, metered, no_plan, other_plan, expired, metered_out
    reader: str
    metering: bool
    metered_left: int = 0
    metered_limit: int = 0
    plan_name: str = ""
    ended_on: date | None = None
    # Reading it now would use one of the free articles (metered, not yet counted this month):
    # the text waits for the reader to read it (`count_metered_read`), never for a GET.
    uses_free_article: bool = False

    @property
    def shows_full_text(self):
        return self.can_read and not self.uses_free_article


def anonymous_state():
    metering = settings.SUBSCRIPTIONS_METERING
    limit = settings.SUBSCRIPTIONS_METERED_ARTICLES if metering else 0
    return PaywallState(False, "anonymous", metering, metered_left=limit, metered_limit=limit)


def paywall_state(user, article):
    """The one rule for premium text: may this reader see the whole of this article, and how
    should the subscribe box address them?

    Free articles: everyone. Premium articles: readers with a current plan that unlocks the
    website, or, when metering is on, signed-in readers with free articles left this month.
    Asking never uses up an allowance; only `count_metered_read` does.
    """
    metering = settings.SUBSCRIPTIONS_METERING
    limit = settings.SUBSCRIPTIONS_METERED_ARTICLES if metering else 0
    if not article.is_premium:
        return PaywallState(True, "free", metering, metered_limit=limit)
    if not getattr(user, "is_authenticated", False):
        return anonymous_state()
    current = website_subscription(user)
    if current is not None:
        return PaywallState(True, "subscriber", metering, metered_limit=limit, plan_name=current.plan.name)
    may_read, already_counted, left = metered_allowance(user, article)
    if may_read:
        return PaywallState(
            True,
            "metered",
            metering,
            metered_left=left,
            metered_limit=limit,
            uses_free_article=not already_counted,
        )
    others = Subscription.objects.filter(user=user).select_related("plan").order_by("-ends_at")
    other_plan = others.active().exclude(plan__unlocks=Plan.Unlocks.WEBSITE).first()
    if other_plan is not None:
        return PaywallState(
            False, "other_plan", metering, metered_limit=limit, plan_name=other_plan.plan.name
        )
    lapsed = others.filter(plan__unlocks=Plan.Unlocks.WEBSITE).first()
    if lapsed is not None:
        return PaywallState(
            False,
            "expired",
            metering,
            metered_limit=limit,
            plan_name=lapsed.plan.name,
            ended_on=timezone.localdate(lapsed.cancelled_at or lapsed.ends_at),
        )
    return PaywallState(False, "metered_out" if metering else "no_plan", metering, metered_limit=limit)


def count_metered_read(user, article):
    """The reader reads this article on their free allowance: count it, once per article a
    month. Called only for an explicit act (a POST), never while serving a GET, which link
    prefetching can send. Does nothing for anyone whose reading is not metered.

    The reader's row is locked while counting, so two tabs opening two articles at once
    cannot both take the last free article; ask `paywall_state` afterwards for the outcome."""
    if not article.is_premium or not getattr(user, "is_authenticated", False):
        return
    if not settings.SUBSCRIPTIONS_METERING or website_subscription(user) is not None:
        return
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        may_read, already_counted, _ = metered_allowance(user, article)
        if may_read and not already_counted:
            MeteredRead.objects.create(user=user, article=article, month=metering_month())


# The teaser -----------------------------------------------------------------------------------


class _TopLevelBlocks(HTMLParser):
    """Splits sanitised body HTML into its top-level elements, each kept as written."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.blocks = []  # [tag, html]
        self.depth = 0

    def _append(self, text):
        if self.blocks and self.depth > 0:
            self.blocks[-1][1] += text
        elif text.strip():
            # Loose text between blocks is kept as its own piece.
            self.blocks.append(["#text", text])

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.blocks.append([tag, ""])
        self.blocks[-1][1] += self.get_starttag_text()
        if tag not in VOID_ELEMENTS:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0:
            self.blocks.append([tag, ""])
        self.blocks[-1][1] += self.get_starttag_text()

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS or self.depth == 0:
            return
        self.blocks[-1][1] += f"</{tag}>"
        self.depth -= 1

    def handle_data(self, data):
        # Character references arrive on their own (convert_charrefs=False), so the data is
        # exactly as written and goes back out unchanged.
        self._append(data)

    def handle_entityref(self, name):
        self._append(f"&{name};")

    def handle_charref(self, name):
        self._append(f"&#{name};")


def teaser_html(body_html, paragraphs=2):
    """The opening of a premium article: its first `paragraphs` paragraphs (with any headings
    or figures before them), as complete elements.

    Never the whole text: when the body is that short, the teaser leaves out at least its last
    block, so a premium article always keeps something behind the subscribe box.
    """
    parser = _TopLevelBlocks()
    parser.feed(body_html or "")
    parser.close()
    blocks = parser.blocks
    kept = []
    seen = 0
    for tag, html in blocks[: max(len(blocks) - 1, 0)]:
        kept.append(html)
        if tag == "p":
            seen += 1
            if seen >= paragraphs:
                break
    return "".join(kept)


# Structured data ----------------------------------------------------------------------------


def paywall_jsonld(article):
    """What to merge into the article's NewsArticle JSON-LD: for a premium article, that it is
    not free and which part of the page is for subscribers; nothing for a free article."""
    if not article.is_premium:
        return {}
    return {
        "isAccessibleForFree": False,
        "hasPart": {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": f".{PAYWALLED_CLASS}",
        },
    }


def website_plans_on_sale():
    """Plans that unlock premium articles, for every paywall box: kept under the site
    generation, since each premium page shows them (the plans' admin announces a change)."""
    return fragments.kept(
        "website-plans", lambda: [plan for plan in Plan.objects.on_sale() if plan.unlocks_website]
    )
