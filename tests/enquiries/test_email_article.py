"""Email this article: what readers may send, and everything that is refused before anything
is stored or sent."""

import re
import time

import pytest
from django.core import mail
from procrastinate.contrib.django.models import ProcrastinateJob

from enquiries.checks import form_stamp
from enquiries.models import Share
from tests.enquiries.conftest import email_url, share_data
from tests.factories import ArticleFactory


def page_text(response):
    return response.content.decode()


def assert_nothing_stored_or_sent():
    assert Share.objects.count() == 0
    assert ProcrastinateJob.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_form_page_shows_the_headline_and_is_never_cached(client, article):
    response = client.get(email_url(article))

    assert response.status_code == 200
    html = page_text(response)
    assert "Council approves the new housing plan" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_unpublished_articles_cannot_be_shared(client):
    draft = ArticleFactory(status="draft", publish_at=None)

    assert client.get(email_url(draft)).status_code == 404
    assert client.post(email_url(draft), share_data()).status_code == 404
    assert Share.objects.count() == 0


@pytest.mark.django_db
def test_four_recipients_are_accepted_logged_and_queued(client, article, django_capture_on_commit_callbacks):
    recipients = "a@example.net, b@example.net, c@example.net, d@example.net"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            email_url(article), share_data(recipients=recipients), REMOTE_ADDR="198.51.100.4"
        )

    assert response.status_code == 302
    assert response["Location"] == f"/enquiries/email/{article.pk}/sent/"
    share = Share.objects.get()
    assert share.article == article
    assert (share.sender_name, share.sender_email, share.ip_address) == (
        "Sam Sender",
        "sam@example.org",
        "198.51.100.4",
    )
    assert share.user is None
    assert [r.email for r in share.recipients.all()] == [
        "a@example.net",
        "b@example.net",
        "c@example.net",
        "d@example.net",
    ]
    assert all(r.sent_at is None for r in share.recipients.all())
    job = ProcrastinateJob.objects.get()
    assert (job.task_name, job.args) == ("enquiries.tasks.send_share", {"share_id": share.pk})
    assert job.queueing_lock == job.lock == f"share:{share.pk}"  # it cannot be queued twice

    confirmation = client.get(response["Location"])
    assert (
        "We are emailing “Council approves the new housing plan” to "
        "a@example.net, b@example.net, c@example.net and d@example.net." in page_text(confirmation)
    )


@pytest.mark.django_db
def test_five_recipients_are_refused_saying_four_is_the_limit(client, article):
    recipients = "a@example.net, b@example.net, c@example.net, d@example.net, e@example.net"

    response = client.post(email_url(article), share_data(recipients=recipients))

    assert response.status_code == 200
    assert "You can send the article to at most four addresses at a time, and you gave 5." in page_text(
        response
    )
    assert_nothing_stored_or_sent()


@pytest.mark.django_db
def test_a_bad_address_is_named_and_nothing_is_sent(client, article):
    response = client.post(
        email_url(article), share_data(recipients="good@example.net, bob@example, also-good@example.net")
    )

    assert "“bob@example” is not an email address." in page_text(response)
    assert_nothing_stored_or_sent()


@pytest.mark.django_db
def test_duplicates_are_dropped_and_any_separator_is_tolerated(client, article):
    recipients = "Ann@Example.net; ann@example.net,  bob@ex.net\r\ncat@ex.net\tdan@ex.net;BOB@EX.net\n"

    response = client.post(email_url(article), share_data(recipients=recipients))

    assert response.status_code == 302
    emails = list(Share.objects.get().recipients.values_list("email", flat=True))
    assert emails == ["Ann@Example.net", "bob@ex.net", "cat@ex.net", "dan@ex.net"]


@pytest.mark.django_db
def test_errors_are_summarised_at_the_top_and_tied_to_their_fields(client, article):
    response = client.post(email_url(article), share_data(sender_name="", recipients="nobody"))
    html = page_text(response)

    assert "<title>Error: Email this article" in html
    summary = html[
        html.index('class="error-summary"') : html.index("</ul>", html.index('class="error-summary"'))
    ]
    assert '<a href="#id_sender_name">Your name: Please give your name.</a>' in summary
    assert '<a href="#id_recipients">Send it to:' in summary
    [textarea] = re.findall(r'<textarea[^>]*name="recipients"[^>]*>', html)
    assert 'aria-describedby="id_recipients_helptext id_recipients_error"' in textarea
    assert 'aria-invalid="true"' in textarea
    assert 'id="id_recipients_error"' in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sender_name", "Sam\r\nBcc: victim@example.com"),
        ("sender_name", "Sam\nSubject: Cheap pills"),
        ("sender_name", "Sam\u2028Bcc: victim@example.com"),
        ("sender_name", "Sam\x0bSender"),
        ("sender_email", "sam@example.org\r\nBcc: victim@example.com"),
        ("sender_email", "sam@example.org\nCc: victim@example.com"),
        ("recipients", "one@example.net\r\nBcc: victim@example.com"),
        ("recipients", "one@example.net%0d%0aBcc:victim@example.com"),
        ("recipients", "one@example.net\x00"),
    ],
)
@pytest.mark.django_db
def test_header_injection_in_any_one_line_field_is_refused(client, article, field, value):
    response = client.post(email_url(article), share_data(**{field: value}))

    assert response.status_code == 200
    assert "There is a problem: nothing has been sent" in page_text(response)
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize(
    "name",
    [
        "Visit https://cheap-pills.example",
        "www.cheap-pills.example",
        "cheap-pills.example",
        "Sam sam@example.org",
        "bit.ly/x",
    ],
)
@pytest.mark.django_db
def test_a_sender_name_with_a_web_address_is_refused(client, article, name):
    response = client.post(email_url(article), share_data(sender_name=name))

    assert "looks like a web or email address, and names may not contain one." in page_text(response)
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize("name", ["J. R. R. Tolkien", "Dr Ada O'Neill", "Zoë Ñúñez-Smith", "李小龍"])
@pytest.mark.django_db
def test_ordinary_names_are_accepted(client, article, name):
    assert client.post(email_url(article), share_data(sender_name=name)).status_code == 302


@pytest.mark.django_db
def test_an_anonymous_note_is_refused_with_a_plain_message(client, article):
    response = client.post(email_url(article), share_data(note="Look at this!"))

    assert (
        "Nothing was sent: only signed-in readers with a confirmed email address can add a note."
        in page_text(response)
    )
    assert_nothing_stored_or_sent()


@pytest.mark.django_db
def test_a_signed_in_reader_whose_address_is_unconfirmed_cannot_add_a_note(client, article, reader):
    client.force_login(reader)

    page = page_text(client.get(email_url(article)))
    assert 'name="note"' not in page
    assert "Confirm your email address" in page
    response = client.post(email_url(article), share_data(note="Look at this!"))
    assert "only signed-in readers with a confirmed email address can add a note" in page_text(response)
    assert_nothing_stored_or_sent()


@pytest.mark.django_db
def test_a_verified_reader_adds_a_note_and_sends_from_their_confirmed_address(
    client, article, verified_reader
):
    client.force_login(verified_reader)

    page = page_text(client.get(email_url(article)))
    assert 'name="note"' in page
    assert 'name="sender_email"' not in page
    assert 'value="Ada Reader"' in page

    response = client.post(
        email_url(article),
        share_data(
            sender_email="someone-else@example.org", note="  Thought of you.\r\nSee the second part.  "
        ),
    )

    assert response.status_code == 302
    share = Share.objects.get()
    assert share.sender_email == "ada@example.org"
    assert share.user == verified_reader
    assert share.note == "Thought of you.\nSee the second part."


@pytest.mark.django_db
def test_a_note_longer_than_500_characters_is_refused(client, article, verified_reader):
    client.force_login(verified_reader)

    response = client.post(email_url(article), share_data(note="x" * 501))

    assert "Your note is 501 characters long; the limit is 500." in page_text(response)
    assert Share.objects.count() == 0


@pytest.mark.django_db
def test_a_note_with_line_breaks_and_header_lookalikes_is_kept_as_plain_text(
    client, article, verified_reader
):
    # Line breaks belong in a note; it only ever goes into the body, never a header.
    client.force_login(verified_reader)

    response = client.post(
        email_url(article), share_data(note="Hi\r\nBcc: victim@example.com\r\n<b>bold</b>")
    )

    assert response.status_code == 302
    assert Share.objects.get().note == "Hi\nBcc: victim@example.com\n<b>bold</b>"


@pytest.mark.django_db
def test_a_note_with_hidden_control_characters_is_refused(client, article, verified_reader):
    client.force_login(verified_reader)

    response = client.post(email_url(article), share_data(note="Hi\x1b[31m there \u202egnp.exe"))

    assert "Please remove the control characters" in page_text(response)
    assert Share.objects.count() == 0


# Bots ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_filled_in_honeypot_sends_nothing(client, article):
    response = client.post(email_url(article), share_data(website="https://spam.example"))

    assert "If you are a person, please leave the field marked “Leave this field empty” empty" in page_text(
        response
    )
    assert_nothing_stored_or_sent()


@pytest.mark.django_db
def test_a_form_sent_back_faster_than_a_person_could_is_refused(client, article, settings):
    settings.ENQUIRIES_MIN_FILL_SECONDS = 3

    response = client.post(email_url(article), share_data(started=form_stamp("share")))

    assert "That was quicker than a person can fill in this form" in page_text(response)
    assert_nothing_stored_or_sent()


@pytest.mark.django_db
def test_a_missing_or_forged_start_time_is_refused(client, article):
    forged = form_stamp("share", at=time.time() - 60)[:-3] + "abc"
    for started in ["", forged, "1700000000"]:
        response = client.post(email_url(article), share_data(started=started))
        assert "The form was incomplete." in page_text(response)
    assert_nothing_stored_or_sent()


@pytest.mark.django_db
def test_a_form_opened_more_than_a_day_ago_is_refused(client, article):
    response = client.post(
        email_url(article), share_data(started=form_stamp("share", at=time.time() - 2 * 86400))
    )

    assert "This form was opened more than a day ago." in page_text(response)
    assert_nothing_stored_or_sent()


@pytest.mark.django_db
def test_a_reader_fixing_a_mistake_keeps_the_original_start_time(client, article):
    stamp = share_data()["started"]

    response = client.post(email_url(article), share_data(started=stamp, recipients="bad"))

    assert f'name="started" value="{stamp}"' in page_text(response)


@pytest.mark.django_db
def test_the_confirmation_page_without_a_share_just_sent_leads_back_to_the_form(client, article):
    response = client.get(f"/enquiries/email/{article.pk}/sent/")

    assert response.status_code == 302
    assert response["Location"] == email_url(article)
