"""Gift links: a website subscriber gives a premium article, anyone holding the link reads it
whole without an account while it works, and the sender sees what they gave and how often
each link was opened. Refusals (over the monthly limit, no website plan, a free article) and
dead links (expired, stopped, unknown, the article withdrawn) each get a plain page and change
nothing."""

import re
from datetime import timedelta
from functools import partial

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles.models import Article
from subscriptions import gifts
from subscriptions.models import GiftLink
from tests.concurrency import at_the_same_moment
from tests.factories import ArticleFactory
from tests.performance.query_counting import add_comments, queries_for

from .conftest import PREMIUM_BODY, PREMIUM_PARAGRAPHS, SUBSCRIBER_ONLY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def gift_settings(settings):
    settings.SUBSCRIPTIONS_GIFTS_PER_MONTH = 3
    settings.SUBSCRIPTIONS_GIFT_LINK_DAYS = 30
    return settings


def whole_text_in(html):
    return all(paragraph in html for paragraph in PREMIUM_PARAGRAPHS)


def no_subscriber_text_in(html):
    return not any(paragraph in html for paragraph in SUBSCRIBER_ONLY)


def give(client, article):
    return client.post(f"/subscriptions/article/{article.pk}/gift/")


def make_gift(sender, article, **fields):
    gift, made = gifts.give_article(sender=sender, article=article)
    assert made
    if fields:
        GiftLink.objects.filter(pk=gift.pk).update(**fields)
        gift.refresh_from_db()
    return gift


def another_premium_article():
    return ArticleFactory(body=PREMIUM_BODY, is_premium=True)


def opened(client, gift, **extra):
    return client.post(f"/gift/{gift.token}/opened/", **extra)


# Giving -------------------------------------------------------------------------------------


def test_a_subscriber_finds_the_offer_under_the_full_text_and_nobody_else_does(
    client, paying_subscriber, reader, premium_article, settings
):
    fragment_url = f"/subscriptions/article/{premium_article.pk}/full-text/"
    assert "Give this article" not in client.get(premium_article.get_absolute_url()).content.decode()

    settings.SUBSCRIPTIONS_METERING = True
    client.force_login(reader)
    metered = client.post(fragment_url).content.decode()
    assert whole_text_in(metered)  # reading on the free allowance, but not giving
    assert "Give this article" not in metered

    client.force_login(paying_subscriber)
    html = client.get(fragment_url).content.decode()
    assert "Give this article" in html
    assert f'action="/subscriptions/article/{premium_article.pk}/gift/"' in html
    assert "csrfmiddlewaretoken" in html
    assert "You have 3 of 3 gift links left for" in html
    # The no-JavaScript page of the article offers it too.
    assert (
        "Create a gift link"
        in client.get(f"/subscriptions/article/{premium_article.pk}/read/").content.decode()
    )


def test_giving_makes_a_link_that_works_for_the_set_number_of_days(
    client, paying_subscriber, premium_article
):
    client.force_login(paying_subscriber)

    response = give(client, premium_article)

    gift = GiftLink.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/subscriptions/gifts/{gift.pk}/"
    assert gift.sender == paying_subscriber
    assert gift.article == premium_article
    assert len(gift.token) >= 40
    assert gift.expires_at - gift.created_at == timedelta(days=30)

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Your gift link is ready" in html
    assert f'value="http://testserver/gift/{gift.token}/"' in html or f"/gift/{gift.token}/" in html
    assert "Copy link" in html
    assert "Not yet" in html  # opened
    assert "Stop this link working" in html


def test_giving_the_same_article_again_shows_the_working_link_and_uses_nothing(
    client, paying_subscriber, premium_article
):
    client.force_login(paying_subscriber)
    first = give(client, premium_article)
    again = give(client, premium_article)

    [gift] = GiftLink.objects.all()
    assert first["Location"] == again["Location"] == f"/subscriptions/gifts/{gift.pk}/"
    assert "You already have a gift link for this article" in client.get(again["Location"]).content.decode()
    assert gifts.allowance(paying_subscriber).left == 2
    # The offer under the text, and the giving page, lead to the link already made.
    fragment = client.get(f"/subscriptions/article/{premium_article.pk}/full-text/").content.decode()
    assert "See your gift link" in fragment
    assert f'href="/subscriptions/gifts/{gift.pk}/"' in fragment
    assert "Create a gift link" not in fragment
    page = client.get(f"/subscriptions/article/{premium_article.pk}/gift/")
    assert page["Location"] == f"/subscriptions/gifts/{gift.pk}/"

    gifts.revoke(gift)  # once stopped, giving again makes a new link
    give(client, premium_article)
    assert GiftLink.objects.count() == 2


def test_the_last_gift_of_the_month_is_given_and_one_more_is_refused_plainly(
    client, paying_subscriber, premium_article
):
    client.force_login(paying_subscriber)
    make_gift(paying_subscriber, another_premium_article())
    revoked = make_gift(paying_subscriber, another_premium_article())
    gifts.revoke(revoked)  # a stopped link still counts

    last = give(client, premium_article)
    assert last.status_code == 302
    assert GiftLink.objects.count() == 3

    over = give(client, another_premium_article())
    html = over.content.decode()
    assert over.status_code == 429
    assert "You have given all 3 of your gift links for" in html
    assert "You can give more from 1 " in html
    assert "Create a gift link" not in html
    assert GiftLink.objects.count() == 3
    # The offer under the text says so before anyone presses anything.
    fragment = client.get(
        f"/subscriptions/article/{another_premium_article().pk}/full-text/"
    ).content.decode()
    assert "You have given all 3 of your gift links" in fragment
    assert "Create a gift link" not in fragment


def test_a_new_month_brings_a_new_allowance(client, paying_subscriber, premium_article):
    with time_machine.travel(timezone.now().replace(day=20, hour=12), tick=False):
        for _ in range(3):
            make_gift(paying_subscriber, another_premium_article())
        with pytest.raises(gifts.GiftRefused):
            make_gift(paying_subscriber, premium_article)
    with time_machine.travel(timezone.now().replace(day=20, hour=12) + timedelta(days=15), tick=False):
        assert gifts.allowance(paying_subscriber).left == 3
        make_gift(paying_subscriber, premium_article)
    assert GiftLink.objects.count() == 4


@pytest.mark.parametrize("who", ["reader", "magazine_reader", "lapsed_subscriber"])
def test_readers_without_a_website_plan_cannot_give(client, request, premium_article, website_plan, who):
    client.force_login(request.getfixturevalue(who))

    response = give(client, premium_article)

    html = response.content.decode()
    assert response.status_code == 403
    assert "Giving articles is part of a website subscription" in html
    assert "See subscription plans" in html
    assert GiftLink.objects.count() == 0


def test_signing_in_comes_first_and_leads_back_to_the_gift_page(client, premium_article):
    response = client.get(f"/subscriptions/article/{premium_article.pk}/gift/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/subscriptions/article/")

    assert give(client, premium_article).status_code == 302
    assert GiftLink.objects.count() == 0


def test_a_free_article_needs_no_gift(client, paying_subscriber, free_article):
    client.force_login(paying_subscriber)

    response = give(client, free_article)

    assert response.status_code == 400
    assert "is free for everyone to read, so it needs no gift link" in response.content.decode()
    assert GiftLink.objects.count() == 0


def test_an_unpublished_article_cannot_be_given(client, paying_subscriber, premium_article):
    premium_article.status = Article.Status.WITHDRAWN
    premium_article.save()
    client.force_login(paying_subscriber)

    assert give(client, premium_article).status_code == 404
    assert GiftLink.objects.count() == 0


# Reading a gift -------------------------------------------------------------------------------


def test_anyone_with_the_link_reads_the_whole_article_without_an_account(paying_subscriber, premium_article):
    gift = make_gift(paying_subscriber, premium_article)

    response = Client().get(f"/gift/{gift.token}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert whole_text_in(html)
    assert "Sam Subscriber has given you this article" in html
    assert "The rest of this article is for subscribers" not in html
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{premium_article.get_absolute_url()}">' in html
    assert gift.token not in html.replace(f"/gift/{gift.token}/opened/", "")  # only the beacon names it
    assert not response.cookies


def test_an_expired_link_shows_the_opening_and_how_to_subscribe(paying_subscriber, premium_article):
    gift = make_gift(paying_subscriber, premium_article)

    with time_machine.travel(gift.expires_at + timedelta(seconds=1)):
        response = Client().get(f"/gift/{gift.token}/")
        beacon = opened(Client(), gift)

    html = response.content.decode()
    assert response.status_code == 410
    assert "This gift link has expired" in html
    assert PREMIUM_PARAGRAPHS[0] in html
    assert no_subscriber_text_in(html)
    assert "See subscription plans" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert gift.token not in html
    assert beacon.status_code == 204
    gift.refresh_from_db()
    assert gift.open_count == 0


def test_the_sender_stops_a_link_and_it_shows_the_opening_only(client, paying_subscriber, premium_article):
    gift = make_gift(paying_subscriber, premium_article)
    client.force_login(paying_subscriber)

    response = client.post(f"/subscriptions/gifts/{gift.pk}/revoke/", follow=True)

    assert "The gift link no longer works" in response.content.decode()
    gift.refresh_from_db()
    assert gift.revoked_at is not None
    page = Client().get(f"/gift/{gift.token}/")
    html = page.content.decode()
    assert page.status_code == 410
    assert "This gift link has been stopped" in html
    assert PREMIUM_PARAGRAPHS[0] in html
    assert no_subscriber_text_in(html)


def test_nobody_else_can_see_or_stop_a_senders_link(client, paying_subscriber, reader, premium_article):
    gift = make_gift(paying_subscriber, premium_article)
    client.force_login(reader)

    assert client.get(f"/subscriptions/gifts/{gift.pk}/").status_code == 404
    assert client.post(f"/subscriptions/gifts/{gift.pk}/revoke/").status_code == 404
    gift.refresh_from_db()
    assert gift.revoked_at is None


@pytest.mark.parametrize("change", ["unknown", "cut short", "one letter changed", "far too long"])
def test_an_unknown_or_altered_link_gets_a_plain_not_found_page(paying_subscriber, premium_article, change):
    gift = make_gift(paying_subscriber, premium_article)
    token = {
        "unknown": "x" * 43,
        "cut short": gift.token[:-3],
        "one letter changed": gift.token[:-1] + ("A" if gift.token[-1] != "A" else "B"),
        "far too long": gift.token * 3,
    }[change]

    response = Client().get(f"/gift/{token}/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "This gift link does not work" in html
    assert PREMIUM_PARAGRAPHS[0] not in html
    assert token not in html


def test_a_link_to_an_article_since_withdrawn_shows_nothing_of_it(paying_subscriber, premium_article):
    gift = make_gift(paying_subscriber, premium_article)
    premium_article.status = Article.Status.WITHDRAWN
    premium_article.save()

    response = Client().get(f"/gift/{gift.token}/")

    assert response.status_code == 410
    assert "This article is no longer available" in response.content.decode()
    assert PREMIUM_PARAGRAPHS[0] not in response.content.decode()


def test_a_link_keeps_working_for_its_term_after_the_senders_subscription_ends(
    paying_subscriber, premium_article
):
    gift = make_gift(paying_subscriber, premium_article)
    paying_subscriber.subscriptions.update(ends_at=timezone.now() - timedelta(minutes=1))

    assert whole_text_in(Client().get(f"/gift/{gift.token}/").content.decode())


# Opens ---------------------------------------------------------------------------------------


def test_opens_are_counted_from_the_beacon_once_per_visit_and_never_for_the_sender(
    client, paying_subscriber, premium_article
):
    gift = make_gift(paying_subscriber, premium_article)
    page = Client().get(f"/gift/{gift.token}/")
    Client().head(f"/gift/{gift.token}/")
    assert f'data-gift-opened-url="/gift/{gift.token}/opened/"' in page.content.decode()
    gift.refresh_from_db()
    assert gift.open_count == 0  # fetching the page (a link preview, a mail scanner) counts nothing

    assert opened(Client(), gift, REMOTE_ADDR="203.0.113.5").status_code == 204
    opened(Client(), gift, REMOTE_ADDR="203.0.113.5")  # a reload a moment later
    opened(Client(), gift, REMOTE_ADDR="198.51.100.7")
    client.force_login(paying_subscriber)
    opened(client, gift, REMOTE_ADDR="192.0.2.1")  # the sender checking the link

    gift.refresh_from_db()
    assert gift.open_count == 2
    assert gift.first_opened_at <= gift.last_opened_at
    html = client.get(f"/subscriptions/gifts/{gift.pk}/").content.decode()
    assert "2 times, first on" in html
    assert Client().get(f"/gift/{gift.token}/opened/").status_code == 405


# The account page ----------------------------------------------------------------------------


def test_the_account_page_lists_the_gifts_with_their_opens_in_a_fixed_number_of_queries(
    client, paying_subscriber, premium_article
):
    client.force_login(paying_subscriber)
    first = make_gift(paying_subscriber, premium_article)
    GiftLink.objects.filter(pk=first.pk).update(open_count=4)

    html = client.get("/accounts/").content.decode()
    assert "Articles you have given" in html
    assert premium_article.headline in html
    assert "4 times" in html
    assert "Works until" in html
    assert "You can give 2 more articles" in html

    few = count_account_page_queries(client)
    for headline in ("Second gift", "Third gift"):
        make_gift(
            paying_subscriber, ArticleFactory(headline=headline, body=premium_article.body, is_premium=True)
        )
    GiftLink.objects.filter(pk=first.pk).update(revoked_at=timezone.now())
    html = client.get("/accounts/").content.decode()
    assert "Third gift" in html
    assert "Stopped" in html
    assert count_account_page_queries(client) == few


def count_account_page_queries(client):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/").status_code == 200
    return len(queries)


def test_readers_who_never_gave_and_cannot_give_see_no_gifts_section(client, reader):
    client.force_login(reader)
    assert "Articles you have given" not in client.get("/accounts/").content.decode()


def test_deleting_the_account_stops_the_links_and_the_data_download_lists_them(
    client, paying_subscriber, premium_article
):
    from accounts.services import delete_account
    from subscriptions.accounts import export_subscriptions

    gift = make_gift(paying_subscriber, premium_article)
    [row] = export_subscriptions(paying_subscriber)["gift_links"]
    assert row["article"] == premium_article.headline
    assert row["link"].endswith(f"/gift/{gift.token}/")

    delete_account(user=paying_subscriber)

    assert not GiftLink.objects.exists()
    assert Client().get(f"/gift/{gift.token}/").status_code == 404


# The page's query budget ------------------------------------------------------------------------

GIFT_PAGE = 9  # the article page's budget (tests/performance/test_query_budgets.py) and the link


def test_the_gift_page_keeps_its_budget_with_2_or_50_comments(client, paying_subscriber, premium_article):
    gift = make_gift(paying_subscriber, premium_article)
    add_comments(premium_article, 2)
    few, few_sql = queries_for(client, f"/gift/{gift.token}/")
    add_comments(premium_article, 48)
    many, many_sql = queries_for(client, f"/gift/{gift.token}/")

    assert few == many, "\n".join(few_sql) + "\n\n" + "\n".join(many_sql)
    assert many <= GIFT_PAGE, "\n".join(many_sql)


def test_the_gift_link_is_long_and_random(paying_subscriber, premium_article):
    tokens = {make_gift(paying_subscriber, another_premium_article()).token for _ in range(3)}
    assert len(tokens) == 3
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", token) for token in tokens)


def test_staff_see_gift_links_without_their_tokens_and_can_stop_one(
    client, superuser, paying_subscriber, premium_article
):
    gift = make_gift(paying_subscriber, premium_article)
    client.force_login(superuser)

    listing = client.get("/admin/subscriptions/giftlink/").content.decode()
    detail = client.get(f"/admin/subscriptions/giftlink/{gift.pk}/change/").content.decode()
    assert premium_article.headline in listing
    assert gift.token not in listing
    assert gift.token not in detail

    response = client.post(
        "/admin/subscriptions/giftlink/",
        {"action": "revoke_selected", "_selected_action": [gift.pk]},
        follow=True,
    )

    assert "1 gift link(s) stopped." in response.content.decode()
    assert Client().get(f"/gift/{gift.token}/").status_code == 410


# Emailing a link -------------------------------------------------------------------------------


def email_link(client, gift, **data):
    return client.post(f"/subscriptions/gifts/{gift.pk}/email/", {"recipient": "", "note": "", **data})


def test_the_sender_has_the_link_emailed_with_their_note_and_none_of_the_text(
    client, paying_subscriber, premium_article, django_capture_on_commit_callbacks
):
    gift = make_gift(paying_subscriber, premium_article)
    client.force_login(paying_subscriber)
    assert "Email the link" in client.get(f"/subscriptions/gifts/{gift.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = email_link(client, gift, recipient="friend@example.net", note="Worth your time.\nSam")

    assert response.status_code == 302
    assert (
        "We are emailing the link to friend@example.net" in client.get(response["Location"]).content.decode()
    )
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert message.to == ["friend@example.net"]
    assert message.reply_to == ["subscriber@example.org"]
    assert (
        message.subject
        == f"[The Civic Ledger] Sam Subscriber has given you an article: {premium_article.headline}"
    )
    for text in (message.body, html):
        assert f"/gift/{gift.token}/" in text
        assert "Worth your time." in text
        assert premium_article.standfirst.replace("'", "&#x27;") in text or premium_article.standfirst in text
        assert not any(paragraph in text for paragraph in PREMIUM_PARAGRAPHS)


def test_a_bad_address_or_a_stopped_link_sends_nothing_and_keeps_what_was_typed(
    client, paying_subscriber, premium_article, django_capture_on_commit_callbacks
):
    gift = make_gift(paying_subscriber, premium_article)
    client.force_login(paying_subscriber)

    with django_capture_on_commit_callbacks(execute=True):
        bad = email_link(client, gift, recipient="friend at example", note="Keep this note")
        gifts.revoke(gift)
        stopped = client.post(
            f"/subscriptions/gifts/{gift.pk}/email/", {"recipient": "friend@example.net"}, follow=True
        )

    assert bad.status_code == 400
    assert "That is not an email address" in bad.content.decode()
    assert 'value="friend at example"' in bad.content.decode()
    assert "Keep this note" in bad.content.decode()
    assert "You stopped this link working" in stopped.content.decode()
    assert "This link no longer works, so we have not sent it." in stopped.content.decode()
    assert mail.outbox == []


def test_gift_emails_keep_to_the_share_limits(
    client, paying_subscriber, premium_article, settings, django_capture_on_commit_callbacks
):
    settings.SHARE_PER_RECIPIENT_PER_DAY = 1
    gift = make_gift(paying_subscriber, premium_article)
    client.force_login(paying_subscriber)

    with django_capture_on_commit_callbacks(execute=True):
        first = email_link(client, gift, recipient="friend@example.net")
        second = email_link(client, gift, recipient="Friend@Example.net", note="Again")

    assert first.status_code == 302
    assert second.status_code == 429
    html = second.content.decode()
    assert "has already been sent the most articles we send one address in a day" in html
    assert "Again" in html
    assert len(mail.outbox) == 1


def test_no_section_can_take_the_gift_address():
    from django.core.exceptions import ValidationError

    from articles.models import validate_section_slug

    with pytest.raises(ValidationError, match="already used by another part of the site"):
        validate_section_slug("gift")


@pytest.mark.django_db(transaction=True)
def test_two_tabs_giving_at_the_same_moment_cannot_both_take_the_last_gift(paying_subscriber):
    make_gift(paying_subscriber, another_premium_article())
    make_gift(paying_subscriber, another_premium_article())
    articles = [another_premium_article(), another_premium_article(), another_premium_article()]
    outcomes = at_the_same_moment(
        *[partial(gifts.give_article, sender=paying_subscriber, article=article) for article in articles],
        expected=gifts.GiftRefused,
    )

    refusals = [outcome.status for outcome in outcomes if isinstance(outcome, gifts.GiftRefused)]
    assert refusals == [429, 429]
    assert GiftLink.objects.filter(sender=paying_subscriber).count() == 3
