"""Newsletter choices without an account: the signed link every issue (and the welcome email)
carries, the page it opens, what happens to old, forged and orphaned links, and asking for a
fresh link by email."""

import re
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services import delete_account
from articles.models import Section
from subscriptions import digest, newsletter
from subscriptions.models import NewsletterSubscriber
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

State = NewsletterSubscriber.State
Frequency = NewsletterSubscriber.Frequency
PAGE_QUERIES = 3


@pytest.fixture
def sections(db):
    return {
        "politics": SectionFactory(name="Politics", slug="politics", position=1),
        "health": SectionFactory(name="Health", slug="health", position=2),
        "culture": SectionFactory(name="Culture", slug="culture", position=3),
    }


@pytest.fixture
def ada(sections):
    subscriber = NewsletterSubscriber.objects.create(email="ada@example.org", state=State.CONFIRMED)
    subscriber.sections.set([sections["politics"]])
    return subscriber


def path_of(subscriber):
    return urlsplit(newsletter.preferences_url(subscriber.pk)).path


def choices(subscriber):
    subscriber.refresh_from_db()
    return (
        subscriber.state,
        subscriber.frequency,
        sorted(section.slug for section in subscriber.sections.all()),
    )


def links_in(text):
    return re.findall(r"https?://[^\s\"<>]+", text)


def csrf_client_on(path):
    """A browser-like client that has opened the page, holding its CSRF cookie and token."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    return client, token


# The link in every issue -----------------------------------------------------------------------


def test_every_digest_links_to_the_readers_own_choices_and_to_no_page_that_needs_an_account(
    ada, sections, settings, time_machine
):
    settings.NEWSLETTER_DIGEST_TIME = "07:00"
    time_machine.move_to(timezone.make_aware(datetime(2026, 11, 20, 7, 30)), tick=True)
    ArticleFactory(
        headline="Council votes to keep both clinics open",
        section=sections["politics"],
        publish_at=timezone.make_aware(datetime(2026, 11, 19, 15, 0)),
    )
    bob = NewsletterSubscriber.objects.create(email="bob@example.org", state=State.CONFIRMED)

    digest.send_digest(datetime(2026, 11, 20).date())

    received = {message.to[0]: message for message in mail.outbox}
    for subscriber in (ada, bob):
        message = received[subscriber.email]
        html = message.alternatives[0][0]
        [text_link] = [url for url in links_in(message.body) if "/newsletter/preferences/" in url]
        [html_link] = [url for url in links_in(html) if "/newsletter/preferences/" in url]
        assert text_link == html_link
        assert f"Choose your sections or how often (no account needed): {text_link}" in message.body
        assert "/newsletter/manage/" not in message.body
        assert "/newsletter/manage/" not in html
        # The link opens this reader's choices, and nobody else's.
        page = Client().get(urlsplit(text_link).path).content.decode()
        assert f"The newsletter goes to <strong>{subscriber.email}</strong>" in page
    assert "Once a week" in Client().get(path_of(ada)).content.decode()


def test_the_welcome_email_after_confirming_carries_the_link_to_the_choices(
    client, django_capture_on_commit_callbacks, sections
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/newsletter/",
            {"email": "ada@example.org", "sections": [sections["health"].pk], "frequency": "weekly"},
        )
    [confirm_url] = [url for url in links_in(mail.outbox[0].body) if "/newsletter/confirm/" in url]
    assert "Someone, we hope you, asked for The Civic Ledger's weekly newsletter" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(urlsplit(confirm_url).path)

    subscriber = NewsletterSubscriber.objects.get()
    assert choices(subscriber) == (State.CONFIRMED, Frequency.WEEKLY, ["health"])
    assert "The weekly newsletter will go to ada@example.org every Monday" in confirmed.content.decode()
    welcome = mail.outbox[1]
    assert welcome.to == ["ada@example.org"]
    assert welcome.subject == "[The Civic Ledger] You are signed up for the newsletter"
    assert "weekly newsletter will come every Monday, with the seven days' news from Health" in welcome.body
    [preferences] = [url for url in links_in(welcome.body) if "/newsletter/preferences/" in url]
    assert f'href="{preferences}"' in welcome.alternatives[0][0]
    assert "The link works for 180 days" in welcome.body
    assert "ada@example.org" in Client().get(urlsplit(preferences).path).content.decode()

    # Confirming again (a second sign-up to change sections) sends no second welcome.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/newsletter/", {"email": "ada@example.org", "frequency": "daily"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(urlsplit(links_in(mail.outbox[2].body)[0]).path)
    assert [message.subject for message in mail.outbox[2:]] == [
        "[The Civic Ledger] Confirm your newsletter sign-up"
    ]
    assert choices(subscriber) == (State.CONFIRMED, Frequency.DAILY, [])


# The page --------------------------------------------------------------------------------------


def test_opening_the_link_shows_the_choices_and_changes_nothing(ada):
    before = choices(ada)
    scanner = Client()

    for _ in range(2):
        assert scanner.head(path_of(ada)).status_code == 200
        page = scanner.get(path_of(ada), {"utm_source": "scanner"})
        assert page.status_code == 200

    html = page.content.decode()
    assert choices(ada) == before
    assert mail.outbox == []
    assert re.search(
        r'<input type="checkbox" name="sections" value="\d+"[^>]*checked[^>]*>\s*<label[^>]*>Politics', html
    )
    assert re.search(r'<input type="radio" name="frequency" value="daily"[^>]*checked', html)
    assert 'value="weekly"' in html
    assert not re.search(r'value="weekly"[^>]*checked', html)
    assert "Save my choices" in html
    assert "Unsubscribe" in html
    # Never kept by the page cache or a shared cache: it names the reader.
    assert "no-store" in page["Cache-Control"]
    assert "private" in page["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in html


def test_the_form_saves_sections_and_frequency(ada, sections):
    # One link throughout: a link made a second later carries another timestamp.
    path = path_of(ada)
    client, token = csrf_client_on(path)

    response = client.post(
        path,
        {
            "csrfmiddlewaretoken": token,
            "sections": [sections["health"].pk, sections["culture"].pk],
            "frequency": "weekly",
            "action": "save",
        },
        follow=True,
    )

    assert response.redirect_chain == [(path, 302)]
    html = response.content.decode()
    assert "Your choices are saved. The next issue follows them." in html
    assert re.search(r'value="weekly"[^>]*checked', html)
    assert choices(ada) == (State.CONFIRMED, Frequency.WEEKLY, ["culture", "health"])

    # Untick everything: every section.
    client.post(path, {"csrfmiddlewaretoken": token, "frequency": "daily", "action": "save"})
    assert choices(ada) == (State.CONFIRMED, Frequency.DAILY, [])


def test_a_post_without_the_pages_csrf_token_changes_nothing(ada, sections):
    response = Client(enforce_csrf_checks=True).post(
        path_of(ada), {"sections": [sections["health"].pk], "frequency": "weekly", "action": "save"}
    )

    assert response.status_code == 403
    assert choices(ada) == (State.CONFIRMED, Frequency.DAILY, ["politics"])


def test_the_unsubscribe_button_unsubscribes(ada):
    client, token = csrf_client_on(path_of(ada))

    response = client.post(path_of(ada), {"csrfmiddlewaretoken": token, "action": "unsubscribe"})

    assert "You are unsubscribed" in response.content.decode()
    assert "We will send no more newsletters to ada@example.org." in response.content.decode()
    ada.refresh_from_db()
    assert ada.state == State.UNSUBSCRIBED
    assert ada.unsubscribed_at is not None


def test_bad_choices_get_plain_words_and_keep_what_was_ticked_and_what_was_saved(ada, sections):
    client, token = csrf_client_on(path_of(ada))

    response = client.post(
        path_of(ada),
        {
            "csrfmiddlewaretoken": token,
            "sections": [sections["culture"].pk, "999"],
            "frequency": "hourly",
            "action": "save",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "“999” is not one of our sections." in html
    assert "Choose how often the newsletter comes: every day or once a week." in html
    # The reader's ticks are still on the page to correct, and nothing was saved.
    assert re.search(rf'value="{sections["culture"].pk}"[^>]*checked', html)
    assert choices(ada) == (State.CONFIRMED, Frequency.DAILY, ["politics"])


def test_a_post_without_a_frequency_keeps_the_one_the_reader_has(ada, sections):
    NewsletterSubscriber.objects.filter(pk=ada.pk).update(frequency=Frequency.WEEKLY)
    client, token = csrf_client_on(path_of(ada))

    client.post(path_of(ada), {"csrfmiddlewaretoken": token, "sections": [sections["health"].pk]})

    assert choices(ada) == (State.CONFIRMED, Frequency.WEEKLY, ["health"])


# Old, forged and orphaned links ---------------------------------------------------------------


def test_the_link_works_for_the_configured_lifetime_then_offers_a_fresh_one(ada, sections, time_machine):
    time_machine.move_to("2026-05-01 08:00Z")
    path = path_of(ada)

    time_machine.move_to("2026-10-27 08:00Z")  # day 179
    assert Client().get(path).status_code == 200
    time_machine.move_to("2026-10-29 08:00Z")  # day 181
    client = Client()
    expired = client.get(path)
    posted = client.post(path, {"sections": [sections["health"].pk], "frequency": "weekly", "action": "save"})

    for response in (expired, posted):
        html = response.content.decode()
        assert response.status_code == 400
        assert "more than 180 days old, so it no longer works" in html
        assert "Nothing has been changed." in html
        assert 'action="/newsletter/preferences/"' in html
        assert "Email me a fresh link" in html
    assert choices(ada) == (State.CONFIRMED, Frequency.DAILY, ["politics"])


def test_the_lifetime_follows_the_setting(ada, settings, time_machine):
    settings.NEWSLETTER_PREFERENCES_LINK_DAYS = 30
    time_machine.move_to("2026-05-01 08:00Z")
    path = path_of(ada)

    time_machine.move_to("2026-05-30 08:00Z")
    assert Client().get(path).status_code == 200
    time_machine.move_to("2026-06-01 08:00Z")
    assert "more than 30 days old" in Client().get(path).content.decode()


def test_a_tampered_or_borrowed_link_changes_nothing(ada, sections):
    token = newsletter.preferences_token(ada.pk)
    forged = signing.dumps(ada.pk, key="not-our-secret-key", salt=newsletter.PREFERENCES_SALT)
    # An unsubscribe link's token is signed by us, but for another purpose.
    borrowed = newsletter.unsubscribe_token(ada.pk)

    for bad in (token[:-2] + "xx", forged, borrowed, str(ada.pk)):
        client = Client()
        page = client.get(f"/newsletter/preferences/{bad}/")
        posted = client.post(
            f"/newsletter/preferences/{bad}/", {"frequency": "weekly", "action": "unsubscribe"}
        )
        for response in (page, posted):
            assert response.status_code == 400
            assert "This link is not one we sent, or it was cut short" in response.content.decode()
            assert "Email me a fresh link" in response.content.decode()
    assert choices(ada) == (State.CONFIRMED, Frequency.DAILY, ["politics"])


def test_a_link_for_an_address_deleted_from_the_list_says_so_and_changes_nothing(ada, sections):
    path = path_of(ada)
    ada.delete()

    page = Client().get(path)
    posted = Client().post(
        path, {"sections": [sections["health"].pk], "frequency": "weekly", "action": "save"}
    )

    for response in (page, posted):
        html = response.content.decode()
        assert response.status_code == 404
        assert "This address is no longer on our newsletter list" in html
        assert "nothing has been changed" in html
        assert 'href="/newsletter/"' in html  # sign up again
    assert not NewsletterSubscriber.objects.exists()


def test_a_link_for_an_unsubscribed_address_offers_to_sign_up_again_and_changes_nothing(ada, sections):
    newsletter.unsubscribe(ada)

    page = Client().get(path_of(ada))
    response = Client().post(
        path_of(ada), {"action": "save", "frequency": "weekly", "sections": [sections["health"].pk]}
    )

    for html in (page.content.decode(), response.content.decode()):
        assert "<strong>ada@example.org</strong> unsubscribed on" in html
        assert "Sign up again" in html
    assert choices(ada) == (State.UNSUBSCRIBED, Frequency.DAILY, ["politics"])


# Asking for a fresh link ----------------------------------------------------------------------


def ask_for_link(client, capture, email):
    with capture(execute=True):
        return client.post("/newsletter/preferences/", {"email": email})


def test_a_subscriber_asks_for_a_fresh_link_and_gets_one_email_with_it(
    client, django_capture_on_commit_callbacks, ada
):
    assert "Email me a fresh link" in client.get("/newsletter/preferences/").content.decode()

    response = ask_for_link(client, django_capture_on_commit_callbacks, "  ADA@example.org ")

    assert response.status_code == 302
    assert response["Location"] == "/newsletter/preferences/check-your-email/"
    answer = client.get(response["Location"]).content.decode()
    assert "If that address is on our newsletter list, we have sent it a link to your choices." in answer
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "[The Civic Ledger] Your link to change your newsletter choices"
    [link] = [url for url in links_in(message.body) if "/newsletter/preferences/" in url]
    assert link.startswith(settings.SITE_URL)
    assert (
        "The newsletter goes to <strong>ada@example.org</strong>"
        in Client().get(urlsplit(link).path).content.decode()
    )


@pytest.mark.parametrize("state", [None, State.PENDING, State.UNSUBSCRIBED])
def test_an_address_not_on_the_list_gets_the_same_answer_and_no_email(
    client, django_capture_on_commit_callbacks, ada, state
):
    if state is not None:
        NewsletterSubscriber.objects.create(email="nobody@example.org", state=state)

    response = ask_for_link(client, django_capture_on_commit_callbacks, "nobody@example.org")

    assert response.status_code == 302
    assert response["Location"] == "/newsletter/preferences/check-your-email/"
    assert mail.outbox == []


def test_a_mistyped_address_is_explained_and_kept(client):
    response = client.post("/newsletter/preferences/", {"email": "ada at example"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "That does not look like an email address; check it for typing mistakes." in html
    assert 'value="ada at example"' in html


def test_link_requests_are_limited_per_address_and_per_ip(client, django_capture_on_commit_callbacks, ada):
    for _ in range(3):
        assert ask_for_link(client, django_capture_on_commit_callbacks, "ada@example.org").status_code == 302

    refused = ask_for_link(client, django_capture_on_commit_callbacks, "ada@example.org")

    assert refused.status_code == 429
    assert "We have had several requests from here or for this address; try again in an hour." in (
        refused.content.decode()
    )
    assert len(mail.outbox) == 3
    # Unknown addresses count the same way, so the limit tells nothing either.
    for number in range(6):
        ask_for_link(client, django_capture_on_commit_callbacks, f"stranger{number}@example.org")
    assert ask_for_link(client, django_capture_on_commit_callbacks, "other@example.org").status_code == 429
    assert len(mail.outbox) == 3


def test_the_sign_up_page_leads_readers_to_their_choices(client):
    html = client.get("/newsletter/").content.decode()

    assert 'href="/newsletter/preferences/"' in html
    assert "Change your sections or how often" in html


# From the account -------------------------------------------------------------------------------


def test_a_signed_in_reader_changes_frequency_on_the_manage_page(client, sections):
    reader = UserFactory(email="rita@example.org", verified=True)
    subscriber = NewsletterSubscriber.objects.create(
        email="rita@example.org", user=reader, state=State.CONFIRMED
    )
    client.force_login(reader)
    assert re.search(r'value="daily"[^>]*checked', client.get("/newsletter/manage/").content.decode())

    response = client.post(
        "/newsletter/manage/",
        {"action": "save", "sections": [sections["culture"].pk], "frequency": "weekly"},
        follow=True,
    )

    assert "Your newsletter choices are saved." in response.content.decode()
    assert choices(subscriber) == (State.CONFIRMED, Frequency.WEEKLY, ["culture"])


def test_a_signed_in_reader_subscribes_weekly_from_the_manage_page(client, sections):
    reader = UserFactory(email="rita@example.org", verified=True)
    client.force_login(reader)

    client.post("/newsletter/manage/", {"action": "save", "frequency": "weekly"})

    assert choices(NewsletterSubscriber.objects.get()) == (State.CONFIRMED, Frequency.WEEKLY, [])


def test_the_account_page_says_when_the_newsletter_comes_weekly(client, sections):
    reader = UserFactory(email="rita@example.org", verified=True)
    NewsletterSubscriber.objects.create(
        email="rita@example.org", user=reader, state=State.CONFIRMED, frequency=Frequency.WEEKLY
    )
    client.force_login(reader)

    html = client.get("/accounts/").content.decode()

    assert "You get the weekly newsletter at rita@example.org, with news from every section." in html


def test_the_page_costs_a_few_queries_however_many_sections_there_are(ada, sections):
    def queries():
        client = Client()
        client.get(path_of(ada))  # the shared masthead and footer are cached from here on
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path_of(ada)).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    few = queries()
    for number in range(30):
        SectionFactory(name=f"Section {number}", slug=f"section-{number}")
    ada.sections.add(*Section.objects.all()[:20])
    many = queries()

    assert len(few) == len(many), "\n".join(many)
    # The subscriber, the sections chosen, the sections offered.
    assert len(many) == PAGE_QUERIES, "\n".join(many)


def test_the_page_cache_never_keeps_a_readers_choices(ada, sections, settings):
    settings.PAGE_CACHE_ENABLED = True
    client, token = csrf_client_on(path_of(ada))
    for path in (path_of(ada), "/newsletter/preferences/", "/newsletter/preferences/check-your-email/"):
        Client().get(path)
        assert Client().get(path).get("X-Page-Cache") != "hit", path

    client.post(path_of(ada), {"csrfmiddlewaretoken": token, "frequency": "weekly", "action": "save"})

    assert re.search(r'value="weekly"[^>]*checked', Client().get(path_of(ada)).content.decode())


def test_the_forms_name_the_weekly_day_from_the_setting(client, ada, settings):
    settings.NEWSLETTER_WEEKLY_DAY = "friday"

    for path in ("/newsletter/", path_of(ada)):
        html = client.get(path).content.decode()
        assert "The weekly issue comes on Fridays, with the seven days&#x27; news." in html


def test_after_the_reader_deletes_their_account_the_link_in_an_old_issue_changes_nothing(client, sections):
    reader = UserFactory(email="rita@example.org", verified=True)
    subscriber = NewsletterSubscriber.objects.create(
        email="rita@example.org", user=reader, state=State.CONFIRMED, frequency=Frequency.WEEKLY
    )
    client.force_login(reader)
    export = client.get("/accounts/my-data/").json()["newsletter"]
    assert [(row["email"], row["frequency"]) for row in export] == [("rita@example.org", "Once a week")]
    path = path_of(subscriber)

    delete_account(user=reader)
    response = Client().post(path, {"frequency": "daily", "action": "save"})

    assert response.status_code == 404
    assert "This address is no longer on our newsletter list" in response.content.decode()
    assert not NewsletterSubscriber.objects.exists()
