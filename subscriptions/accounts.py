"""What this app adds to the reader's account: a section of the account page for their
subscriptions and one for the newsletter, their rows in "download my data", and what
happens to those rows when they delete the account (registered in settings and apps.py)."""

from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.panels import AccountPanel
from subscriptions import newsletter, services
from subscriptions.models import MeteredRead, NewsletterSubscriber, Subscription


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


def newsletter_panel(request):
    subscriber = newsletter.reader_subscription(request.user)
    confirmed = subscriber is not None and subscriber.state == NewsletterSubscriber.State.CONFIRMED
    if confirmed:
        names = [section.name for section in subscriber.sections.all()]
        text = f"You get the daily newsletter at {subscriber.email}, with news from " + (
            ", ".join(names) if names else "every section"
        )
    else:
        text = "You do not get the daily newsletter."
    return AccountPanel(
        title="Daily newsletter",
        template_name="accounts/panels/_links.html",
        context={
            "items": [{"text": text + "."}],
            "more_url": reverse("newsletter:manage"),
            "more_text": "Change your newsletter settings"
            if confirmed
            else "Sign up for the daily newsletter",
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
            "sections": [section.name for section in subscriber.sections.all()],
            "signed_up_at": subscriber.created_at,
            "confirmed_at": subscriber.confirmed_at,
            "unsubscribed_at": subscriber.unsubscribed_at,
        }
        for subscriber in _newsletter_rows(user).distinct().prefetch_related("sections")
    ]


def forget_reader(sender, user, **kwargs):
    """accounts.signals.account_deleting: end the reader's subscriptions (the rows stay for
    the accounts, without the person) and take their address off the newsletter."""
    for subscription in Subscription.objects.filter(user=user).exclude(state=Subscription.State.CANCELLED):
        services.cancel_subscription(subscription=subscription, reason="Account deleted")
    _newsletter_rows(user).delete()
    MeteredRead.objects.filter(user=user).delete()
