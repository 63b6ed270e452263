"""Premium text for each kind of reader, through the private endpoints that serve it."""

from datetime import datetime, timedelta
from functools import partial

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from subscriptions.access import paywall_state
from subscriptions.models import MeteredRead, Subscription
from tests.concurrency import at_the_same_moment
from tests.factories import ArticleFactory, UserFactory

from .conftest import PREMIUM_PARAGRAPHS, SUBSCRIBER_ONLY, subscribe

pytestmark = pytest.mark.django_db


def full_text(client, article):
    return client.get(f"/subscriptions/article/{article.pk}/full-text/")


def read_it(client, article):
    """What paywall.js does once the page is in front of a metered reader."""
    return client.post(f"/subscriptions/article/{article.pk}/full-text/")


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
    assert paywall_state(UserFactory.build(), free_article).can_read


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


def premium_articles(count):
    body = "".join(f"<p>{text}</p>" for text in PREMIUM_PARAGRAPHS)
    return [ArticleFactory(is_premium=True, body=body) for _ in range(count)]


def test_a_metered_reader_reads_their_free_articles_then_meets_the_paywall(client, reader, settings):
    settings.SUBSCRIPTIONS_METERING = True  # 2 a month in these tests
    first, second, third = premium_articles(3)
    client.force_login(reader)

    opened = read_it(client, first)
    assert opened["X-Paywall"] == "open"
    assert shows_whole_article(opened.content.decode())
    assert "You have 1 more left" in opened.content.decode()

    # Reading the same article again does not use another, and needs no button.
    again = full_text(client, first)
    assert again["X-Paywall"] == "open"
    assert "You have 1 more left" in again.content.decode()

    last = read_it(client, second)
    assert last["X-Paywall"] == "open"
    assert "This was the last one" in last.content.decode()

    closed = read_it(client, third)
    assert closed["X-Paywall"] == "closed"
    assert "You have read your 2 free articles this month" in closed.content.decode()
    assert shows_none_of_the_subscriber_text(closed.content.decode())
    # Already-read articles stay open for the rest of the month.
    assert full_text(client, first)["X-Paywall"] == "open"
    assert MeteredRead.objects.filter(user=reader).count() == 2


def test_opening_the_fragment_or_the_read_page_counts_nothing_so_prefetching_is_harmless(
    client, reader, premium_article, settings
):
    settings.SUBSCRIPTIONS_METERING = True
    client.force_login(reader)

    fragment = full_text(client, premium_article)
    page = read_page(client, premium_article)

    assert not MeteredRead.objects.exists()
    for response in (fragment, page):
        html = response.content.decode()
        assert shows_none_of_the_subscriber_text(html)
        assert "Read it now" in html
        assert "uses one of your 2 free articles for subscribers left this month" in html
        assert_private(response)
    assert fragment["X-Paywall"] == "metered"
    assert 'name="csrfmiddlewaretoken"' in fragment.content.decode()


def test_reading_an_article_counts_it_once_a_month_however_often_it_is_read(
    client, reader, premium_article, settings
):
    settings.SUBSCRIPTIONS_METERING = True
    client.force_login(reader)

    for _ in range(3):
        assert read_it(client, premium_article)["X-Paywall"] == "open"

    assert MeteredRead.objects.filter(user=reader, article=premium_article).count() == 1


def test_the_read_page_counts_only_when_the_reader_presses_read_it_now(
    client, reader, premium_article, settings
):
    settings.SUBSCRIPTIONS_METERING = True
    client.force_login(reader)
    read_url = f"/subscriptions/article/{premium_article.pk}/read/"

    response = client.post(read_url, follow=True)

    assert response.redirect_chain == [(read_url, 302)]
    assert shows_whole_article(response.content.decode())
    assert "You have 1 more left" in response.content.decode()
    assert "Read it now" not in response.content.decode()
    assert MeteredRead.objects.filter(user=reader).count() == 1


def test_subscribers_and_free_articles_need_no_button(
    client, paying_subscriber, premium_article, free_article, settings
):
    settings.SUBSCRIPTIONS_METERING = True
    client.force_login(paying_subscriber)

    for article in (premium_article, free_article):
        assert "Read it now" not in read_page(client, article).content.decode()
        assert full_text(client, article)["X-Paywall"] == "open"
    read_it(client, premium_article)

    assert not MeteredRead.objects.exists()


def test_counting_a_read_needs_the_csrf_token(reader, premium_article, settings):
    settings.SUBSCRIPTIONS_METERING = True
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    url = f"/subscriptions/article/{premium_article.pk}/full-text/"

    forged = browser.post(url)
    assert forged.status_code == 403
    assert not MeteredRead.objects.exists()

    browser.get(url)  # the fragment's form carries the token, as paywall.js posts it
    token = browser.cookies["csrftoken"].value
    assert browser.post(url, {"csrfmiddlewaretoken": token})["X-Paywall"] == "open"
    assert MeteredRead.objects.filter(user=reader).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_tabs_reading_at_the_same_moment_cannot_both_take_the_last_free_article(reader, settings):
    settings.SUBSCRIPTIONS_METERING = True
    counted, *racing = premium_articles(3)
    MeteredRead.objects.create(user=reader, article=counted, month=timezone.localdate().replace(day=1))
    tabs = [Client() for _ in racing]
    for tab in tabs:
        tab.force_login(reader)

    responses = at_the_same_moment(
        *[partial(read_it, tab, article) for tab, article in zip(tabs, racing, strict=True)]
    )

    answers = [response["X-Paywall"] for response in responses]
    assert sorted(answers) == ["closed", "open"]
    assert MeteredRead.objects.filter(user=reader).count() == 2


def test_the_free_allowance_starts_again_each_month(client, reader, settings):
    settings.SUBSCRIPTIONS_METERING = True
    september, october, november = (
        timezone.make_aware(datetime(2026, month, day, 12)) for month, day in ((9, 1), (10, 20), (11, 2))
    )
    articles = [ArticleFactory(is_premium=True, publish_at=september) for _ in range(3)]
    with time_machine.travel(october):
        client.force_login(reader)
        read_it(client, articles[0])
        read_it(client, articles[1])
        assert read_it(client, articles[2])["X-Paywall"] == "closed"
    with time_machine.travel(november):
        assert read_it(client, articles[2])["X-Paywall"] == "open"


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
