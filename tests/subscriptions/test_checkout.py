"""Checkout through the external store: the plan's Subscribe button, the attempt and its signed
reference, the webhook linking the purchase to the reader who started it, the return page, and
purchases made without an account being claimed once the address is verified."""

import subprocess
import sys
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subscriptions import checkout
from subscriptions.accounts import export_subscriptions
from subscriptions.models import CheckoutAttempt, Plan, Subscription, WebhookDelivery
from tests.factories import UserFactory

from .conftest import signed_post

pytestmark = pytest.mark.django_db

CHECKOUT_URL = "https://store.example.com/checkout?plan={plan}&ref={reference}&return={return_url}"
ENDS = "2099-01-01T00:00:00+00:00"
STARTS = "2020-01-01T00:00:00+00:00"


@pytest.fixture(autouse=True)
def store(settings):
    settings.STORE_CHECKOUT_URL = CHECKOUT_URL
    settings.STORE_URL = "https://store.example.com/"
    settings.SITE_URL = "https://news.example.org"


def purchase(attempt=None, *, event_id="evt_1", reference="sub_1", email="someone@store.example", **data):
    body = {"reference": reference, "email": email, "plan": data.pop("plan", "website-monthly"),
            "starts_at": STARTS, "ends_at": ENDS, **data}  # fmt: skip
    if attempt is not None:
        body["checkout"] = checkout.reference_for(attempt)
    return {"id": event_id, "type": "subscription.created", "data": body}


def go_to_store(client, plan_slug="website-monthly"):
    response = client.post(f"/subscriptions/checkout/{plan_slug}/")
    assert response.status_code == 302
    return response["Location"]


# The Subscribe button and the way to the store ------------------------------------------------


def test_subscribe_shows_the_plan_then_sends_the_reader_to_the_store_with_a_signed_reference(
    client, reader, website_plan
):
    client.force_login(reader)

    page = client.get("/subscriptions/checkout/website-monthly/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "£8.00</strong> a month" in html
    assert "Continue to payment" in html
    assert "https://store.example.com" in page["Content-Security-Policy"]
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    assert not CheckoutAttempt.objects.exists()  # looking changes nothing

    location = go_to_store(client)

    attempt = CheckoutAttempt.objects.get()
    assert (attempt.user, attempt.plan, attempt.state) == (reader, website_plan, "pending")
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "store.example.com", "/checkout")
    query = parse_qs(parts.query)
    assert query["plan"] == ["website-monthly"]
    assert query["ref"] == [checkout.reference_for(attempt)]
    returned = urlsplit(query["return"][0])
    assert returned.geturl().startswith("https://news.example.org/subscriptions/return/?ref=")
    assert parse_qs(returned.query)["ref"] == query["ref"]


def test_a_reader_who_already_has_the_plan_is_told_before_paying_again(client, reader, website_plan):
    signed_post(client, purchase(checkout.start_checkout(user=reader, plan=website_plan)))
    client.force_login(reader)

    html = client.get("/subscriptions/checkout/website-monthly/").content.decode()

    assert "You already have Website until 1 January 2099." in html
    assert "Continue to payment" in html


def test_each_checkout_gets_its_own_unguessable_reference(client, reader, website_plan):
    client.force_login(reader)
    first, second = go_to_store(client), go_to_store(client)

    assert first != second
    tokens = list(CheckoutAttempt.objects.values_list("token", flat=True))
    assert len(set(tokens)) == 2
    assert all(len(token) >= 32 for token in tokens)


def test_a_signed_out_reader_signs_in_first_and_comes_back_to_the_same_plan(client, website_plan):
    response = client.get("/subscriptions/checkout/website-monthly/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/subscriptions/checkout/website-monthly/"
    assert client.post("/subscriptions/checkout/website-monthly/").status_code == 302
    assert not CheckoutAttempt.objects.exists()


def test_an_unknown_plan_is_not_found_and_one_no_longer_on_sale_says_so(client, reader, website_plan):
    Plan.objects.create(name="Old print", slug="old-print", price="3.00", is_active=False)
    client.force_login(reader)

    assert client.get("/subscriptions/checkout/gold/").status_code == 404
    assert client.post("/subscriptions/checkout/gold/").status_code == 404
    gone = client.post("/subscriptions/checkout/old-print/")
    assert gone.status_code == 410
    assert "Old print is no longer on sale" in gone.content.decode()
    assert not CheckoutAttempt.objects.exists()


def test_without_a_store_subscribe_falls_back_to_the_enquiry_form_with_a_note(
    client, settings, reader, website_plan
):
    settings.STORE_CHECKOUT_URL = ""

    plans = client.get("/subscriptions/").content.decode()
    assert "Online payment is not available at the moment" in plans
    assert 'href="/enquiries/subscribe/?plan=website-monthly"' in plans
    assert "/subscriptions/checkout/" not in plans

    client.force_login(reader)
    page = client.post("/subscriptions/checkout/website-monthly/")
    assert page.status_code == 200
    assert "Online payment is not available at the moment" in page.content.decode()
    assert not CheckoutAttempt.objects.exists()


def test_the_plans_page_writes_prices_as_money_and_links_the_store_for_print_and_pdf(
    client, settings, website_plan, magazine_plan
):
    Plan.objects.create(name="Reports", slug="reports", price="1250", currency="EUR", unlocks="pdf_reports")

    html = client.get("/subscriptions/").content.decode()

    assert "£8.00</strong> a month" in html
    assert "£60.00</strong> a year" in html
    assert "€1,250.00</strong> a month" in html
    assert "GBP" not in html
    assert '<a href="https://store.example.com/">View store</a>' in html

    settings.STORE_URL = ""
    assert "View store" not in client.get("/subscriptions/").content.decode()


# The webhook ----------------------------------------------------------------------------------


def test_a_purchase_with_a_checkout_reference_belongs_to_the_reader_whatever_email_the_store_has(
    client, reader, website_plan
):
    attempt = checkout.start_checkout(user=reader, plan=website_plan)

    response = signed_post(client, purchase(attempt, email="a-different-address@store.example"))

    assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.user == reader
    assert subscription.claim_email == ""
    attempt.refresh_from_db()
    assert (attempt.state, attempt.subscription) == ("paid", subscription)
    assert mail.outbox == []  # no claim email: the reader is known


@pytest.mark.parametrize(
    "tamper",
    [
        lambda reference: reference[:-1] + ("A" if reference[-1] != "A" else "B"),  # signature changed
        lambda reference: "x" + reference,  # the token changed
        lambda reference: reference.split(":")[0],  # the signature cut off
    ],
)
def test_a_tampered_checkout_reference_is_refused_and_changes_nothing(client, reader, website_plan, tamper):
    attempt = checkout.start_checkout(user=reader, plan=website_plan)
    event = purchase(attempt)
    event["data"]["checkout"] = tamper(event["data"]["checkout"])

    response = signed_post(client, event)

    assert response.status_code == 422
    assert response.json()["reason"].startswith("data.checkout: The checkout reference")
    assert not Subscription.objects.exists()
    attempt.refresh_from_db()
    assert attempt.state == "pending"
    assert mail.outbox == []
    assert WebhookDelivery.objects.get().outcome == "rejected"


def test_a_checkout_reference_that_is_not_an_identifier_is_refused_before_anything_is_looked_up(
    client, reader, website_plan
):
    event = purchase()
    event["data"]["checkout"] = "a b\u0000c"

    response = signed_post(client, event)

    assert response.status_code == 400
    assert response.json()["reason"].startswith("data.checkout")
    assert not Subscription.objects.exists()


def test_a_replayed_checkout_purchase_changes_nothing(client, reader, website_plan):
    attempt = checkout.start_checkout(user=reader, plan=website_plan)
    assert signed_post(client, purchase(attempt)).status_code == 200
    before = Subscription.objects.get()

    again = signed_post(client, purchase(attempt))
    other_event_same_checkout = signed_post(client, purchase(attempt, event_id="evt_2", reference="sub_2"))

    assert again.json() == {"status": "already processed"}
    assert other_event_same_checkout.status_code == 409
    assert list(Subscription.objects.all()) == [before]
    assert before.history.count() == 1
    attempt.refresh_from_db()
    assert (attempt.state, attempt.subscription) == ("paid", before)


def test_a_purchase_of_another_plan_than_the_one_chosen_is_refused(
    client, reader, website_plan, magazine_plan
):
    attempt = checkout.start_checkout(user=reader, plan=website_plan)

    response = signed_post(client, purchase(attempt, plan="magazine-yearly"))

    assert response.status_code == 422
    assert "the reader chose 'website-monthly' at checkout" in response.json()["reason"]
    assert not Subscription.objects.exists()


# The return page ------------------------------------------------------------------------------


def return_page(client, attempt_or_reference, **query):
    reference = (
        attempt_or_reference
        if isinstance(attempt_or_reference, str)
        else checkout.reference_for(attempt_or_reference)
    )
    return client.get("/subscriptions/return/", {"ref": reference, **query})


def test_before_the_webhook_the_return_page_says_the_payment_is_being_confirmed_whatever_the_address_says(
    client, reader, website_plan, premium_article
):
    attempt = checkout.start_checkout(user=reader, plan=website_plan)
    client.force_login(reader)

    response = return_page(client, attempt, status="paid")

    html = response.content.decode()
    assert response.status_code == 200
    assert "We're confirming your payment" in html
    assert 'data-checkout-state="pending"' in html
    assert "/js/checkout-return" in html  # checks again by itself
    assert "http-equiv" not in html  # never reloads under the reader
    assert "Check again" in html  # and without JavaScript
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert not Subscription.objects.exists()
    attempt.refresh_from_db()
    assert attempt.state == "pending"
    assert client.get(f"/subscriptions/article/{premium_article.pk}/full-text/")["X-Paywall"] == "closed"


def test_after_the_webhook_the_return_page_says_the_reader_is_subscribed(client, reader, website_plan):
    attempt = checkout.start_checkout(user=reader, plan=website_plan)
    signed_post(client, purchase(attempt))
    client.force_login(reader)

    html = return_page(client, attempt).content.decode()

    assert "You're subscribed - start reading" in html
    assert "until 1 January 2099" in html
    assert "checkout-return" not in html


def test_a_cancelled_return_marks_a_pending_attempt_cancelled_and_grants_nothing(
    client, reader, website_plan
):
    attempt = checkout.start_checkout(user=reader, plan=website_plan)
    client.force_login(reader)

    html = return_page(client, attempt, status="cancelled").content.decode()

    assert "Payment cancelled" in html
    assert "nothing has been charged" in html
    attempt.refresh_from_db()
    assert attempt.state == "cancelled"
    assert not Subscription.objects.exists()


def test_a_cancelled_return_after_the_payment_arrived_changes_nothing(client, reader, website_plan):
    attempt = checkout.start_checkout(user=reader, plan=website_plan)
    signed_post(client, purchase(attempt))
    client.force_login(reader)

    html = return_page(client, attempt, status="cancelled").content.decode()

    assert "You're subscribed" in html
    attempt.refresh_from_db()
    assert attempt.state == "paid"
    assert Subscription.objects.get().is_current


def test_a_payment_arriving_after_the_reader_said_cancelled_still_counts(client, reader, website_plan):
    attempt = checkout.start_checkout(user=reader, plan=website_plan)
    client.force_login(reader)
    return_page(client, attempt, status="cancelled")

    assert signed_post(client, purchase(attempt)).status_code == 200

    attempt.refresh_from_db()
    assert attempt.state == "paid"
    assert Subscription.objects.get().user == reader


def test_an_attempt_left_unpaid_for_a_day_shows_as_expired(client, reader, website_plan):
    attempt = checkout.start_checkout(user=reader, plan=website_plan)
    CheckoutAttempt.objects.filter(pk=attempt.pk).update(created_at=attempt.created_at - timedelta(hours=25))
    client.force_login(reader)

    assert "This checkout has expired" in return_page(client, attempt).content.decode()


def test_a_tampered_or_someone_elses_reference_on_the_return_page_is_a_clear_400(
    client, reader, website_plan
):
    mine = checkout.start_checkout(user=reader, plan=website_plan)
    theirs = checkout.start_checkout(user=UserFactory(), plan=website_plan)
    client.force_login(reader)
    reference = checkout.reference_for(mine)

    for bad in [reference[:-2], "nonsense", "", checkout.reference_for(theirs)]:
        response = return_page(client, bad, status="cancelled")
        assert response.status_code == 400
        assert "This checkout link does not work" in response.content.decode()
        assert "Nothing has been changed" in response.content.decode()
    assert set(CheckoutAttempt.objects.values_list("state", flat=True)) == {"pending"}


def test_the_return_page_asks_a_signed_out_reader_to_sign_in(client, reader, website_plan):
    attempt = checkout.start_checkout(user=reader, plan=website_plan)

    response = return_page(client, attempt)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/subscriptions/return/")


# Bought without an account, then claimed ------------------------------------------------------


def confirm(user, email):
    address = EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    address.set_verified(commit=True)
    from allauth.account.signals import email_confirmed

    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)


def test_bought_before_registering_the_purchase_waits_and_the_address_is_emailed_how_to_claim_it(
    client, website_plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_post(client, purchase(email="New.Reader@example.org"))

    assert response.status_code == 200
    waiting = Subscription.objects.get()
    assert (waiting.user, waiting.claim_email) == (None, "New.Reader@example.org")
    [message] = mail.outbox
    assert message.to == ["New.Reader@example.org"]
    assert "Your Website subscription is waiting for you" in message.subject
    assert "https://news.example.org/accounts/signup/" in message.body
    html = message.alternatives[0][0]
    assert 'href="https://news.example.org/accounts/signup/"' in html

    # Registering and confirming the address claims it, with the change in its history.
    user = UserFactory(email="new.reader@example.org")
    confirm(user, "new.reader@example.org")

    waiting.refresh_from_db()
    assert (waiting.user, waiting.claim_email) == (user, "")
    assert waiting.history.first().history_change_reason.startswith("Claimed by new.reader@example.org")
    client.force_login(user)
    assert "Website" in client.get("/accounts/").content.decode()


def test_an_unverified_address_claims_nothing(website_plan, client):
    signed_post(client, purchase(email="new@example.org"))
    user = UserFactory(email="someone-else@example.org")
    EmailAddress.objects.create(user=user, email="new@example.org", verified=False, primary=False)

    assert Subscription.objects.get().user is None


def test_registered_before_buying_the_purchase_joins_the_account_at_once(client, website_plan):
    user = UserFactory(email="early@example.org")
    confirm(user, "early@example.org")

    assert signed_post(client, purchase(email="EARLY@example.org")).status_code == 200

    assert Subscription.objects.get().user == user
    assert mail.outbox == []


# Settings -------------------------------------------------------------------------------------


NEEDS_REFERENCE = "must be an http:// or https:// address containing {reference}"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ftp://store.example.com/?ref={reference}", NEEDS_REFERENCE),
        ("https://store.example.com/checkout?plan={plan}", NEEDS_REFERENCE),
        ("https://store.example.com/?ref={reference}&who={user}", "may only use the placeholders"),
    ],
)
def test_a_checkout_address_without_a_reference_or_not_http_stops_start_up_with_a_plain_message(
    value, message
):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "SECRET_KEY": "x",
            "STORE_CHECKOUT_URL": value,
        },
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


# The admin ------------------------------------------------------------------------------------


def test_staff_find_a_readers_subscriptions_and_their_history_and_see_checkouts_read_only(
    client, superuser, reader, website_plan
):
    attempt = checkout.start_checkout(user=reader, plan=website_plan)
    signed_post(client, purchase(attempt))
    signed_post(client, purchase(event_id="evt_2", reference="sub_2", email="waiting@example.org"))
    subscription = Subscription.objects.get(user=reader)
    client.force_login(superuser)

    listed = client.get("/admin/subscriptions/subscription/", {"q": "reader@example.org"}).content.decode()
    assert "sub_1" in listed
    assert "sub_2" not in listed
    assert f'href="/admin/subscriptions/subscription/{subscription.pk}/history/">History</a>' in listed
    waiting = client.get("/admin/subscriptions/subscription/", {"claimed": "no"}).content.decode()
    assert "Not claimed yet (waiting@example.org)" in waiting
    assert "sub_1" not in waiting
    history = client.get(f"/admin/subscriptions/subscription/{subscription.pk}/history/").content.decode()
    assert f"subscription.created from the store (event evt_1), checkout {attempt.pk}" in history

    attempts = client.get("/admin/subscriptions/checkoutattempt/").content.decode()
    assert "Paid" in attempts
    change = client.get(f"/admin/subscriptions/checkoutattempt/{attempt.pk}/change/").content.decode()
    assert attempt.token not in change
    assert 'type="submit" value="Save"' not in change


def test_a_readers_checkouts_are_in_their_data_export(client, reader, website_plan):
    attempt = checkout.start_checkout(user=reader, plan=website_plan)
    signed_post(client, purchase(attempt))
    checkout.start_checkout(user=UserFactory(), plan=website_plan)

    [row] = export_subscriptions(reader)["checkouts"]

    assert (row["plan"], row["state"]) == ("Website", "Paid")
    assert row["finished_at"] is not None


# Query budgets --------------------------------------------------------------------------------

# Session, user, and the plan (and the reader's current subscription to it) or the attempt (with
# its plan and subscription in one query); none of it grows with the number of plans, readers
# or attempts.
CHECKOUT_PAGE_QUERIES = 4
RETURN_PAGE_QUERIES = 3


def queries_for(client, path, **query):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, query).status_code == 200
    return len(captured.captured_queries), [each["sql"] for each in captured.captured_queries]


def test_the_checkout_and_return_pages_keep_their_query_budgets_however_many_plans_and_attempts(
    client, reader, website_plan
):
    client.force_login(reader)
    attempt = checkout.start_checkout(user=reader, plan=website_plan)
    signed_post(client, purchase(attempt))
    pages = [
        ("/subscriptions/checkout/website-monthly/", {}, CHECKOUT_PAGE_QUERIES),
        ("/subscriptions/return/", {"ref": checkout.reference_for(attempt)}, RETURN_PAGE_QUERIES),
    ]
    client.get("/subscriptions/checkout/website-monthly/")  # the frame's shared pieces cached
    few = [queries_for(client, path, **query) for path, query, _ in pages]

    for n in range(20):
        Plan.objects.create(name=f"Plan {n}", slug=f"plan-{n}", price="1.00")
        checkout.start_checkout(user=reader, plan=website_plan)
        checkout.start_checkout(user=UserFactory(), plan=website_plan)
    many = [queries_for(client, path, **query) for path, query, _ in pages]

    for (path, _, budget), (small, _), (large, sql) in zip(pages, few, many, strict=True):
        assert small == large, path
        assert large <= budget, f"{path}: {large} queries:\n" + "\n".join(sql)
