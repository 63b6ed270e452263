"""Every link we email that leads to a change (posting a comment, unfollowing a thread,
confirming or leaving the newsletter) only shows a page with a button when it is opened.
Mail scanners and link previews open every link in a message, sometimes several times and
with HEAD first; none of that may change anything. Pressing the button does."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from comments.models import Comment, ThreadFollow
from comments.services import CONFIRMATION_DAYS
from subscriptions import newsletter
from subscriptions.models import NewsletterSubscriber
from tests.comments.conftest import form_data, post_url
from tests.factories import SectionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]

XSS = '<script>alert("scanned")</script><img src=x onerror=alert(1)>'


def site_paths(message):
    """The paths of our own pages that a message links to, as a scanner would find them."""
    paths = []
    for url in re.findall(r"https?://\S+", message.body):
        if url.startswith(settings.SITE_URL) and urlsplit(url).path not in ("", "/"):
            paths.append(urlsplit(url).path)
    return paths


def state():
    """Everything an emailed link could change."""
    return (
        sorted(Comment.objects.values_list("user_email", "comment", "is_public")),
        sorted(ThreadFollow.objects.values_list("email", "thread_id")),
        sorted(NewsletterSubscriber.objects.values_list("email", "state")),
    )


@pytest.fixture
def every_emailed_link(
    client, article, anonymous_allowed, make_commenter, django_capture_on_commit_callbacks
):
    """Send each email that carries a link to a change; return the links that lead to one."""
    capture = django_capture_on_commit_callbacks
    # A comment without an account: the confirmation email (its text tries to be markup).
    with capture(execute=True):
        client.post(post_url(article), form_data(article, XSS, name="Val Visitor", email="val@example.org"))
    # A reply in a followed thread: the reply email and its unfollow link.
    follower = make_commenter(email="follower@example.org")
    client.force_login(follower)
    client.post(post_url(article), form_data(article, "Who pays for it?", followup="on"))
    thread = Comment.objects.get(user=follower)
    client.force_login(make_commenter(email="replier@example.org"))
    with capture(execute=True):
        client.post(post_url(article), form_data(article, "The ratepayers.", reply_to=thread.pk))
    client.logout()
    # The newsletter: the confirmation email, and the unsubscribe link every issue carries.
    section = SectionFactory(name="Health", slug="health")
    with capture(execute=True):
        newsletter.request_sign_up(email="nina@example.org", sections=[section])
    subscriber = newsletter.confirm(email="sam@example.org", section_ids=[section.pk])
    links = [path for message in mail.outbox for path in site_paths(message)]
    links.append(urlsplit(newsletter.unsubscribe_url(subscriber.pk)).path)
    changing = [
        path
        for path in links
        if path.startswith(
            ("/comments/confirm/", "/comments/unfollow/", "/newsletter/confirm/", "/newsletter/unsubscribe/")
        )
    ]
    # One of each kind, so that no kind is silently missing from the test.
    assert {path.split("/")[2] for path in changing} == {"confirm", "unfollow", "unsubscribe"}
    assert len(changing) == 4
    mail.outbox.clear()
    return changing


def test_a_mail_scanner_opening_every_link_changes_nothing(every_emailed_link):
    before = state()
    scanner = Client()

    for path in every_emailed_link:
        assert scanner.head(path).status_code == 200, path
        assert scanner.get(path).status_code == 200, path
        assert scanner.get(path).status_code == 200, path
        assert scanner.get(path, {"utm_source": "scanner"}).status_code == 200, path

    assert state() == before
    assert mail.outbox == []


def test_each_link_opens_a_page_whose_button_makes_the_change(every_emailed_link):
    before = state()
    reader = Client()

    for path in every_emailed_link:
        page = reader.get(path).content.decode()
        assert '<form method="post">' in page, path
        reader.post(path)

    comments, follows, subscribers = state()
    assert len(comments) == len(before[0]) + 1
    assert follows == []
    assert ("nina@example.org", NewsletterSubscriber.State.CONFIRMED) in subscribers
    assert ("sam@example.org", NewsletterSubscriber.State.UNSUBSCRIBED) in subscribers


def test_the_confirmation_page_shows_the_comment_as_text_with_a_protected_button(every_emailed_link):
    [confirm] = [path for path in every_emailed_link if path.startswith("/comments/confirm/")]

    page = Client().get(confirm).content.decode()

    assert "Publish my comment" in page
    assert "Val Visitor" in page
    assert "&lt;script&gt;alert(&quot;scanned&quot;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_cross_site_post_without_the_token_does_not_post_the_comment(every_emailed_link):
    [confirm] = [path for path in every_emailed_link if path.startswith("/comments/confirm/")]
    before = state()

    response = Client(enforce_csrf_checks=True).post(confirm)

    assert response.status_code == 403
    assert state() == before


def test_a_confirmation_link_past_its_days_shows_a_plain_page_and_posts_nothing(
    every_emailed_link, time_machine
):
    [confirm] = [path for path in every_emailed_link if path.startswith("/comments/confirm/")]
    time_machine.move_to(timezone.now() + timedelta(days=CONFIRMATION_DAYS, minutes=1))
    before = state()

    for response in (Client().get(confirm), Client().post(confirm)):
        assert response.status_code == 400
        assert "days old. Post the comment again." in response.content.decode()
        assert "Publish my comment" not in response.content.decode()

    assert state() == before
