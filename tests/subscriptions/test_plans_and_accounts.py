"""Plans and subscription states, the subscribe page, the admin, and the reader's account:
their data in the export and what deleting the account does."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from accounts.services import delete_account
from subscriptions.models import NewsletterSubscriber, Plan, Subscription
from subscriptions.services import cancel_subscription, renew_subscription, start_subscription
from tests.factories import UserFactory

from .conftest import subscribe

pytestmark = pytest.mark.django_db

State = Subscription.State


def test_a_subscription_is_active_until_its_end_date_then_expired_without_any_job(
    reader, website_plan, time_machine
):
    subscription = subscribe(reader, website_plan, days_left=3)

    assert subscription.current_state == State.ACTIVE
    assert list(Subscription.objects.active()) == [subscription]

    time_machine.move_to(subscription.ends_at + timedelta(seconds=1), tick=False)
    subscription.refresh_from_db()

    assert subscription.state == State.ACTIVE  # nothing was rewritten
    assert subscription.current_state == State.EXPIRED
    assert list(Subscription.objects.active()) == []


def test_a_subscription_that_has_not_started_gives_no_access_yet(reader, website_plan):
    later = subscribe(reader, website_plan, started_days_ago=-2, days_left=30)

    assert list(Subscription.objects.active()) == []
    assert later.current_state == State.ACTIVE
    assert not later.is_current


def test_starting_renewing_and_cancelling_each_leave_a_version_in_the_history(reader, website_plan):
    now = timezone.now()
    subscription = start_subscription(user=reader, plan=website_plan, ends_at=now + timedelta(days=30))
    renew_subscription(subscription=subscription, ends_at=now + timedelta(days=60))
    cancel_subscription(subscription=subscription, reason="Refunded")

    history = list(subscription.history.order_by("history_date"))
    assert [(version.state, version.history_change_reason) for version in history] == [
        ("active", "Started"),
        ("active", "Renewed"),
        ("cancelled", "Refunded"),
    ]
    assert subscription.current_state == State.CANCELLED


def test_a_renewal_must_move_the_end_date_later(reader, website_plan):
    subscription = subscribe(reader, website_plan, days_left=10)

    with pytest.raises(ValidationError, match="must move the end date later"):
        renew_subscription(subscription=subscription, ends_at=subscription.ends_at - timedelta(days=1))


def test_the_database_refuses_a_subscription_that_ends_before_it_starts(reader, website_plan):
    now = timezone.now()
    with pytest.raises(IntegrityError):
        Subscription.objects.create(
            user=reader, plan=website_plan, starts_at=now, ends_at=now - timedelta(days=1)
        )


def test_the_subscribe_page_lists_the_plans_on_sale_and_the_enquiry_form(
    client, settings, website_plan, magazine_plan
):
    settings.STORE_CHECKOUT_URL = "https://store.example.com/checkout?plan={plan}&ref={reference}"
    Plan.objects.create(
        name="Photo archive", slug="photos", price="5.00", unlocks="photo_library", is_active=False
    )

    response = client.get("/subscriptions/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Website" in html
    assert "£8.00</strong> a month" in html
    assert "Magazine" in html
    assert "£60.00</strong> a year" in html
    assert "Includes: Printed magazine." in html
    assert "These do not include the subscriber-only articles on the website." in html
    assert "Photo archive" not in html
    assert 'href="/enquiries/subscribe/"' in html
    assert 'href="/subscriptions/checkout/website-monthly/">Subscribe to Website</a>' in html
    assert "Online payment is not available" not in html
    assert "public" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")


# The admin ------------------------------------------------------------------------------------


def test_staff_manage_subscriptions_in_the_admin(client, superuser, reader, website_plan):
    subscription = subscribe(reader, website_plan, days_left=-1)
    client.force_login(superuser)

    listing = client.get("/admin/subscriptions/subscription/", {"current": "expired"})
    assert listing.status_code == 200
    assert reader.email in listing.content.decode()
    assert "Expired" in listing.content.decode()

    response = client.post(
        "/admin/subscriptions/subscription/",
        {"action": "cancel_selected", "_selected_action": [subscription.pk]},
        follow=True,
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.state == State.CANCELLED
    for page in ("plan", "webhookdelivery", "newslettersubscriber", "digestissue", "digestrun"):
        assert client.get(f"/admin/subscriptions/{page}/").status_code == 200


def test_editors_may_look_at_subscriptions_and_the_newsletter_but_not_change_them(
    client, editor, reader, website_plan
):
    subscription = subscribe(reader, website_plan)
    client.force_login(editor)

    assert client.get("/admin/subscriptions/subscription/").status_code == 200
    assert client.get("/admin/subscriptions/newslettersubscriber/").status_code == 200
    assert client.get("/admin/subscriptions/digestrun/").status_code == 200
    assert client.get("/admin/subscriptions/subscription/add/").status_code == 403
    client.post(f"/admin/subscriptions/subscription/{subscription.pk}/change/", {"state": "cancelled"})
    subscription.refresh_from_db()
    assert subscription.state == State.ACTIVE


def test_writers_and_moderators_cannot_see_subscribers(client, writer, moderator):
    for person in (writer, moderator):
        client.force_login(person)
        assert client.get("/admin/subscriptions/subscription/").status_code == 403
        assert client.get("/admin/subscriptions/newslettersubscriber/").status_code == 403


# The reader's account -----------------------------------------------------------------------------


def test_the_data_export_holds_the_readers_subscriptions_and_newsletter(client, website_plan):
    reader = UserFactory(email="rita@example.org", verified=True)
    subscribe(reader, website_plan, store_reference="sub_55")
    NewsletterSubscriber.objects.create(email="RITA@example.org", state=NewsletterSubscriber.State.CONFIRMED)
    subscribe(UserFactory(email="someone@example.org"), website_plan, store_reference="sub_66")
    client.force_login(reader)

    data = json.loads(client.get("/accounts/my-data/").content)

    [subscription] = data["subscriptions"]["subscriptions"]
    assert (subscription["plan"], subscription["state"], subscription["store_reference"]) == (
        "Website", "Active", "sub_55"
    )  # fmt: skip
    [signup] = data["newsletter"]
    assert (signup["email"], signup["state"]) == ("RITA@example.org", "Confirmed")
    assert "sub_66" not in json.dumps(data)


def test_deleting_the_account_cancels_subscriptions_and_removes_the_newsletter_sign_up(website_plan):
    reader = UserFactory(email="rita@example.org", verified=True)
    subscription = subscribe(reader, website_plan)
    NewsletterSubscriber.objects.create(email="rita@example.org", state=NewsletterSubscriber.State.CONFIRMED)
    NewsletterSubscriber.objects.create(email="other@example.org", state=NewsletterSubscriber.State.CONFIRMED)

    delete_account(user=reader)

    subscription.refresh_from_db()
    assert subscription.user is None
    assert subscription.state == State.CANCELLED
    assert subscription.history.first().history_change_reason == "Account deleted"
    assert list(NewsletterSubscriber.objects.values_list("email", flat=True)) == ["other@example.org"]


@pytest.mark.django_db
def test_the_demo_subscriber_reads_premium_articles_and_the_demo_reader_does_not():
    from django.core.management import call_command

    from accounts.models import User
    from articles.models import Article
    from subscriptions.access import paywall_state

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # twice: still one subscription

    premium = Article.objects.published().filter(is_premium=True).first()
    subscriber = User.objects.get(email="subscriber@example.com")
    assert subscriber.subscriptions.count() == 1
    assert subscriber.has_verified_email
    assert paywall_state(subscriber, premium).can_read
    assert not paywall_state(User.objects.get(email="reader@example.com"), premium).can_read
