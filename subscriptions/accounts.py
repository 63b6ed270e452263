"""What this app adds to the reader's account: sections of the account page for their
subscriptions, the articles they have given and the newsletter, their rows in "download my data", and what
happens to those rows when they delete the account (all registered with accounts in apps.py)."""

from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.panels import AccountPanel
from subscriptions import gifts, newsletter, services
from subscriptions.access import website_subscription
from subscriptions.models import CheckoutAttempt, GiftLink, MeteredRead, NewsletterSubscriber, Subscription

# The account page lists this many of the newest gift links; each one's own page has the rest.
GIFTS_ON_ACCOUNT_PAGE = 20


def subscriptions_panel(request):
    rows = list(Subscription.objects.filter(user=request.user).select_related("plan"))
    if not rows:
        return None  # no empty section for readers who never subscribed
    items = [
        {
            "text": subscription.plan.name,
            "note": _describe(subscription),
        }
        for subscription in rows
    ]
    return AccountPanel(
        title="Your subscriptions",
        template_name="accounts/panels/_links.html",
        context={
            "items": items,
            "more_url": reverse("subscriptions:plans"),
            "more_text": "See our subscription plans",
        },
    )


def _describe(subscription):
    ends = dateformat.format(timezone.localdate(subscription.ends_at), "j F Y")
    state = subscription.current_state
    if state == Subscription.State.ACTIVE:
        return f"(active until {ends})"
    if state == Subscription.State.CANCELLED:
        return "(cancelled)"
    return f"(ended {ends})"


def gifts_panel(request):
    """The articles the reader has given: when, until when, and how often each was opened.
    Three queries whatever the number of gifts."""
    sent = list(
        GiftLink.objects.filter(sender=request.user)
        .select_related("article")
        .order_by("-created_at", "-id")[: GIFTS_ON_ACCOUNT_PAGE + 1]
    )
    subscribed = website_subscription(request.user) is not None
    if not sent and not subscribed:
        return None  # nothing given, and nothing to give with
    return AccountPanel(
        title="Articles you have given",
        template_name="subscriptions/_gifts_panel.html",
        context={
            "gifts": sent[:GIFTS_ON_ACCOUNT_PAGE],
            "more": len(sent) > GIFTS_ON_ACCOUNT_PAGE,
            "shown": GIFTS_ON_ACCOUNT_PAGE,
            "allowance": gifts.allowance(request.user) if subscribed else None,
        },
    )


def newsletter_panel(request):
    subscriber = newsletter.reader_subscription(request.user)
    confirmed = subscriber is not None and subscriber.state == NewsletterSubscriber.State.CONFIRMED
    if confirmed:
        names = [section.name for section in subscriber.sections.all()]
        kind = "weekly" if subscriber.frequency == NewsletterSubscriber.Frequency.WEEKLY else "daily"
        text = f"You get the {kind} newsletter at {subscriber.email}, with news from " + (
            ", ".join(names) if names else "every section"
        )
    else:
        text = "You do not get the newsletter"
    return AccountPanel(
        title="Newsletter",
        template_name="accounts/panels/_links.html",
        context={
            # Both sentences end here, once: the unsubscribed one used to end in "..".
            "items": [{"text": text + "."}],
            "more_url": reverse("newsletter:manage"),
            "more_text": "Change your newsletter settings" if confirmed else "Sign up for the newsletter",
        },
    )


def export_subscriptions(user):
    return {
        "subscriptions": [
            {
                "plan": subscription.plan.name,
                "state": subscription.current_state.label,
                "starts_at": subscription.starts_at,
                "ends_at": subscription.ends_at,
                "cancelled_at": subscription.cancelled_at,
                "store_reference": subscription.store_reference,
            }
            for subscription in Subscription.objects.filter(user=user).select_related("plan")
        ],
        "gift_links": [
            {
                "article": gift.article.headline,
                "link": gifts.gift_url(gift),
                "created_at": gift.created_at,
                "expires_at": gift.expires_at,
                "revoked_at": gift.revoked_at,
                "opens": gift.open_count,
                "first_opened_at": gift.first_opened_at,
                "last_opened_at": gift.last_opened_at,
            }
            for gift in GiftLink.objects.filter(sender=user).select_related("article").order_by("created_at")
        ],
        "checkouts": [
            {
                "plan": attempt.plan.name,
                "state": attempt.current_state.label,
                "started_at": attempt.created_at,
                "finished_at": attempt.finished_at,
            }
            for attempt in CheckoutAttempt.objects.filter(user=user).select_related("plan").order_by("id")
        ],
        "premium_articles_read_on_the_free_allowance": [
            {"article": read.article.headline, "month": read.month, "read_at": read.read_at}
            for read in MeteredRead.objects.filter(user=user).select_related("article").order_by("read_at")
        ],
    }


def _newsletter_rows(user):
    return NewsletterSubscriber.objects.filter(user=user) | NewsletterSubscriber.objects.filter(
        email__iexact=user.email
    )


def export_newsletter(user):
    return [
        {
            "email": subscriber.email,
            "state": subscriber.get_state_display(),
            "frequency": subscriber.get_frequency_display(),
            "sections": [section.name for section in subscriber.sections.all()],
            "signed_up_at": subscriber.created_at,
            "confirmed_at": subscriber.confirmed_at,
            "unsubscribed_at": subscriber.unsubscribed_at,
        }
        for subscriber in _newsletter_rows(user).distinct().prefetch_related("sections")
    ]


def forget_reader(sender, user, **kwargs):
    """accounts.signals.account_deleting: end the reader's subscriptions (the rows stay for
    the accounts, without the person), take their address off the newsletter and stop the
    links they gave."""
    for subscription in Subscription.objects.filter(user=user).exclude(state=Subscription.State.CANCELLED):
        services.cancel_subscription(subscription=subscription, reason="Account deleted")
    _newsletter_rows(user).delete()
    MeteredRead.objects.filter(user=user).delete()
    GiftLink.objects.filter(sender=user).delete()
