"""Premium text for each kind of reader, through the private endpoints that serve it."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from subscriptions.access import can_read_full_text
from subscriptions.models import MeteredRead, Subscription
from tests.factories import ArticleFactory, UserFactory

from .conftest import PREMIUM_PARAGRAPHS, SUBSCRIBER_ONLY, subscribe

pytestmark = pytest.mark.django_db


def full_text(client, article):
    return client.get(f"/subscriptions/article/{article.pk}/full-text/")


def read_page(client, article):
    return client.get(f"/subscriptions/article/{article.pk}/read/")


def shows_whole_article(html):
    return all(paragraph in html for paragraph in PREMIUM_PARAGRAPHS)


def shows_none_of_the_subscriber_text(html):
    return not any(paragraph in html for paragraph in SUBSCRIBER_ONLY)


def assert_private(response):
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control
    assert "max-age=0" in cache_control
    assert "Cookie" in response["Vary"]


def test_an_anonymous_reader_gets_the_subscribe_box_with_a_sign_in_link(
    client, premium_article, website_plan
):
    response = full_text(client, premium_article)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["X-Paywall"] == "closed"
    assert shows_none_of_the_subscriber_text(html)
    assert "The rest of this article is for subscribers" in html
    assert "Website: £8.00 a month" in html
    assert f"/accounts/login/?next=%2Fsubscriptions%2Farticle%2F{premium_article.pk}%2Fread%2F" in html
    assert_private(response)


def test_a_subscriber_with_a_website_plan_reads_the_whole_article(client, paying_subscriber, premium_article):
    client.force_login(paying_subscriber)

    response = full_text(client, premium_article)

    assert response["X-Paywall"] == "open"
    assert shows_whole_article(response.content.decode())
    assert_private(response)
    # A subscriber's reading is not counted against any allowance.
    assert not MeteredRead.objects.exists()


def test_a_signed_in_reader_without_a_plan_is_asked_to_subscribe(client, reader, premium_article):
    client.force_login(reader)

    response = full_text(client, premium_article)

    html = response.content.decode()
    assert response["X-Paywall"] == "closed"
    assert shows_none_of_the_subscriber_text(html)
    assert "Subscribe to read it in full" in html
    assert "Sign in to read" not in html
    assert_private(response)


def test_a_magazine_subscriber_is_told_their_plan_does_not_include_website_articles(
    client, magazine_reader, premium_article, website_plan
):
    client.force_login(magazine_reader)

    html = full_text(client, premium_article).content.decode()

    assert shows_none_of_the_subscriber_text(html)
    assert "This article is not part of your Magazine subscription" in html
    assert "Add a website plan" in html


def test_a_subscriber_whose_plan_has_ended_is_asked_to_renew(client, lapsed_subscriber, premium_article):
    client.force_login(lapsed_subscriber)
    ended = timezone.localdate(Subscription.objects.get(user=lapsed_subscriber).ends_at)

    html = full_text(client, premium_article).content.decode()

    assert shows_none_of_the_subscriber_text(html)
    assert "Your subscription has ended" in html
    assert f"ended on {ended.day} {ended:%B %Y}" in html
    assert "Renew your subscription" in html


def test_access_stops_at_the_end_date_with_no_job_run(client, subscriber, website_plan, premium_article):
    ends_at = subscribe(subscriber, website_plan, days_left=2).ends_at
    client.force_login(subscriber)

    with time_machine.travel(ends_at - timedelta(minutes=1)):
        assert full_text(client, premium_article)["X-Paywall"] == "open"
    with time_machine.travel(ends_at + timedelta(minutes=1)):
        assert full_text(client, premium_article)["X-Paywall"] == "closed"


def test_a_cancelled_subscription_gives_no_access_even_before_its_end_date(
    client, subscriber, website_plan, premium_article
):
    subscribe(subscriber, website_plan, state=Subscription.State.CANCELLED)
    client.force_login(subscriber)

    assert full_text(client, premium_article)["X-Paywall"] == "closed"


def test_free_articles_are_open_to_everyone(client, free_article):
    response = full_text(client, free_article)

    assert response["X-Paywall"] == "open"
    assert "The council met on Tuesday" in response.content.decode()
    assert can_read_full_text(UserFactory.build(), free_article)


def test_an_unpublished_premium_article_is_not_served_even_to_subscribers(client, paying_subscriber):
    draft = ArticleFactory(is_premium=True, status="draft", publish_at=None)
    scheduled = ArticleFactory(is_premium=True, publish_at=timezone.now() + timedelta(days=1))
    client.force_login(paying_subscriber)

    assert full_text(client, draft).status_code == 404
    assert full_text(client, scheduled).status_code == 404
    assert read_page(client, scheduled).status_code == 404


# Metering ---------------------------------------------------------------------------------------


def test_metering_is_off_unless_the_deployment_turns_it_on(client, reader, premium_article, settings):
    import newsroom.settings as project_settings

    assert project_settings.SUBSCRIPTIONS_METERING is False
    settings.SUBSCRIPTIONS_METERING = project_settings.SUBSCRIPTIONS_METERING
    client.force_login(reader)

    assert full_text(client, premium_article)["X-Paywall"] == "closed"


def test_a_metered_reader_reads_their_free_articles_then_meets_the_paywall(client, reader, settings):
    settings.SUBSCRIPTIONS_METERING = True  # 2 a month in these tests
    first, second, third = (ArticleFactory(is_premium=True, body="".join(
        f"<p>{text}</p>" for text in PREMIUM_PARAGRAPHS)) for _ in range(3))  # fmt: skip
    client.force_login(reader)

    opened = full_text(client, first)
    assert opened["X-Paywall"] == "open"
    assert shows_whole_article(opened.content.decode())
    assert "You have 1 more left" in opened.content.decode()

    # Reading the same article again does not use another.
    assert "You have 1 more left" in full_text(client, first).content.decode()

    last = full_text(client, second)
    assert last["X-Paywall"] == "open"
    assert "This was the last one" in last.content.decode()

    closed = full_text(client, third)
    assert closed["X-Paywall"] == "closed"
    assert "You have read your 2 free articles this month" in closed.content.decode()
    assert shows_none_of_the_subscriber_text(closed.content.decode())
    # Already-read articles stay open for the rest of the month.
    assert full_text(client, first)["X-Paywall"] == "open"
    assert MeteredRead.objects.filter(user=reader).count() == 2


def test_the_free_allowance_starts_again_each_month(client, reader, settings):
    settings.SUBSCRIPTIONS_METERING = True
    september, october, november = (
        timezone.make_aware(datetime(2026, month, day, 12)) for month, day in ((9, 1), (10, 20), (11, 2))
    )
    articles = [ArticleFactory(is_premium=True, publish_at=september) for _ in range(3)]
    with time_machine.travel(october):
        client.force_login(reader)
        full_text(client, articles[0])
        full_text(client, articles[1])
        assert full_text(client, articles[2])["X-Paywall"] == "closed"
    with time_machine.travel(november):
        assert full_text(client, articles[2])["X-Paywall"] == "open"


def test_anonymous_readers_are_told_signing_in_gives_free_articles_when_metering_is_on(
    client, premium_article, settings
):
    settings.SUBSCRIPTIONS_METERING = True

    html = full_text(client, premium_article).content.decode()

    assert "sign in to read 2 articles for subscribers free each month" in html.lower()
    assert shows_none_of_the_subscriber_text(html)


# The page without JavaScript ------------------------------------------------------------------


def test_the_read_page_shows_anonymous_readers_only_the_opening_and_the_box(client, premium_article):
    response = read_page(client, premium_article)

    html = response.content.decode()
    assert PREMIUM_PARAGRAPHS[0] in html
    assert PREMIUM_PARAGRAPHS[1] in html
    assert shows_none_of_the_subscriber_text(html)
    assert "Sign in to read the full article" in html
    assert '<meta name="robots" content="noindex">' in html
    assert_private(response)


def test_the_read_page_shows_a_subscriber_the_whole_article(client, paying_subscriber, premium_article):
    client.force_login(paying_subscriber)

    response = read_page(client, premium_article)

    assert shows_whole_article(response.content.decode())
    assert premium_article.headline in response.content.decode()
    assert_private(response)


def test_signing_in_from_the_subscribe_box_leads_back_to_the_whole_article(
    client, paying_subscriber, premium_article
):
    from allauth.account.models import EmailAddress

    from tests.factories import DEFAULT_PASSWORD

    EmailAddress.objects.create(
        user=paying_subscriber, email=paying_subscriber.email, verified=True, primary=True
    )
    read_url = f"/subscriptions/article/{premium_article.pk}/read/"

    response = client.post(
        f"/accounts/login/?next={read_url}",
        {"login": paying_subscriber.email, "password": DEFAULT_PASSWORD, "next": read_url},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == read_url
    assert shows_whole_article(response.content.decode())
