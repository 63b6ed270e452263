"""Gift links: a website subscriber gives a premium article to someone without a subscription.

The rules, in one place:
- Only a reader whose current plan unlocks the website may give, and only premium articles
  (a free article is shared by its own address).
- SUBSCRIPTIONS_GIFTS_PER_MONTH links a calendar month, in the site's time zone. Revoked links
  still count, or revoking and giving again would lift the limit. A sender has one working
  link per article: giving it again shows that link and counts nothing.
- A link lets anyone holding it read the article whole, without an account, for
  SUBSCRIPTIONS_GIFT_LINK_DAYS, or until the sender revokes it. A link given while subscribed
  keeps working for its term if the subscription ends: it was given when the sender could.
- The gift page is its own address (/gift/<token>/), never cached or indexed, so the article's
  shared page and the page cache never hold the full text, and feeds, sitemaps and search
  never see the link at all.
- The sender may have us email a link to one address at a time, within the limits of "Email
  this article" (counted on the same scopes, so mixing the two sends no more mail in our name).
  The email holds the headline, the standfirst, the sender's note and the link, never the text.
- Opens are counted by a beacon the page posts once it is shown, not by the GET: link previews
  in chat apps and mail scanners fetch the page without running its script, and HEAD requests
  and prefetches never post, so the sender's count is of people reading. The sender's own
  visits and a reload from the same address within REPEAT_WINDOW_SECONDS do not count.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import dateformat, timezone

from newsroom.lib import mail_limits
from newsroom.lib.jobs import defer_on_commit
from newsroom.lib.sanitize import plain_text
from newsroom.lib.urls import absolute_url
from newsroom.tasks import send_templated_email
from subscriptions.access import metering_month, website_subscription
from subscriptions.models import GiftLink

# 32 random bytes: the link is the only thing between the article and anyone on the internet.
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
REPEAT_WINDOW_SECONDS = 30 * 60


class GiftRefused(Exception):
    """Why a reader may not give this article now, in words for them, and the HTTP status."""

    def __init__(self, message, status=403):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Allowance:
    """How many links a subscriber may still make this month."""

    limit: int
    used: int
    month: date

    @property
    def left(self):
        return max(self.limit - self.used, 0)

    @property
    def month_name(self):
        return dateformat.format(self.month, "F")

    @property
    def next_month(self):
        return (self.month + timedelta(days=32)).replace(day=1)


def allowance(user):
    month = metering_month()
    used = GiftLink.objects.filter(sender=user).sent_in_month(month).count()
    return Allowance(limit=settings.SUBSCRIPTIONS_GIFTS_PER_MONTH, used=used, month=month)


def refusal(user, article):
    """Why `user` may not give `article` at all (a GiftRefused), or None. The monthly limit is
    checked separately, under a lock, when the link is made."""
    if not article.is_premium:
        return GiftRefused(
            f"“{article.headline}” is free for everyone to read, so it needs no gift link: "
            "share its address instead.",
            status=400,
        )
    if website_subscription(user) is None:
        return GiftRefused(
            "Giving articles is part of a website subscription. Subscribe to give up to "
            f"{settings.SUBSCRIPTIONS_GIFTS_PER_MONTH} articles for subscribers a month to anyone you like."
        )
    return None


def used_up_message(quota):
    return (
        f"You have given all {quota.limit} of your gift links for {quota.month_name}. "
        f"You can give more from 1 {dateformat.format(quota.next_month, 'F')}."
    )


def working_link(sender, article):
    """The sender's link for this article that still works, or None."""
    return GiftLink.objects.filter(
        sender=sender, article=article, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def give_article(*, sender, article):
    """(the gift link for `article` from `sender`, whether it was made now), or GiftRefused
    raised and nothing made.

    A sender has one working link per article: giving it again (a second press of the button,
    another friend) returns that link and uses up nothing. The sender's row is locked while
    counting, so two tabs giving at the same moment cannot both take the last link of the
    month, nor make two links for one article."""
    refused = refusal(sender, article)
    if refused is not None:
        raise refused
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=sender.pk).first()
        working = working_link(sender, article)
        if working is not None:
            return working, False
        quota = allowance(sender)
        if quota.left <= 0:
            raise GiftRefused(used_up_message(quota), status=429)
        now = timezone.now()
        gift = GiftLink.objects.create(
            sender=sender,
            article=article,
            token=secrets.token_urlsafe(TOKEN_BYTES),
            created_at=now,
            expires_at=now + timedelta(days=settings.SUBSCRIPTIONS_GIFT_LINK_DAYS),
        )
    return gift, True


def find_gift(token):
    """The gift link with this token (whatever its state), or None for a token we never issued.
    Anything but the URL-safe alphabet tokens are made of is not looked up at all."""
    if len(token) > GiftLink._meta.get_field("token").max_length or not TOKEN_PATTERN.fullmatch(token):
        return None
    return GiftLink.objects.select_related("sender", "article__section").filter(token=token).first()


def gift_url(gift):
    return absolute_url(reverse("gift", args=[gift.token]))


def record_open(gift, *, user, address):
    """Count one open of a link that still works, unless the sender is looking or this
    address was counted for this link a moment ago. Returns whether it counted."""
    if getattr(user, "is_authenticated", False) and user.pk == gift.sender_id:
        return False
    if not gift.is_valid:
        return False
    if not cache.add(f"gifts:opened:{address or 'unknown'}:{gift.pk}", 1, REPEAT_WINDOW_SECONDS):
        return False
    now = timezone.now()
    counted = (
        GiftLink.objects.filter(pk=gift.pk, revoked_at__isnull=True, expires_at__gt=now)
        # One statement, so two readers opening at once both count.
        .update(
            open_count=F("open_count") + 1,
            first_opened_at=Coalesce(F("first_opened_at"), now),
            last_opened_at=now,
        )
    )
    return counted == 1


def revoke(gift):
    """Stop the link working, for good. Revoking twice keeps the first time."""
    GiftLink.objects.filter(pk=gift.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    gift.refresh_from_db(fields=["revoked_at"])


# Emailing a link ---------------------------------------------------------------------------


def email_refusal(*, sender, recipient, ip_address):
    """Why we will not email this link now (a sentence for the sender), or None, counting the
    send when it may go: the limits of "Email this article" (newsroom/lib/mail_limits.py), on
    the same counters, so a gift email is one more article emailed by this reader."""
    refusals = mail_limits.share_refusals(
        ip_address=ip_address, sender_email=sender.email, recipients=[recipient]
    )
    return refusals[0][1] if refusals else None


def email_gift(gift, *, recipient, note=""):
    """Queue the email that carries the link to `recipient`, once the transaction commits."""
    article = gift.article
    context = {
        "sender_name": gift.sender.public_name,
        "sender_email": gift.sender.email,
        "note": note,
        "headline": article.headline,
        "standfirst": plain_text(article.standfirst),
        "gift_url": gift_url(gift),
        "expires_on": dateformat.format(timezone.localtime(gift.expires_at), "j F Y"),
    }
    defer_on_commit(
        send_templated_email,
        template="email/gift_link",
        context=context,
        to=[recipient],
        reply_to=[gift.sender.email],
    )
