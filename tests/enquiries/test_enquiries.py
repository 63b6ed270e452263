"""Article, subscription and advertising enquiries: stored, routed to the right team's address,
refused (with nothing stored or sent) when the input is wrong or too much."""

import pytest
from django.core import mail
from procrastinate.contrib.django.models import ProcrastinateJob

from enquiries.models import Enquiry
from enquiries.services import deliver_enquiry
from newsroom.models import SiteSettings
from tests.enquiries.conftest import enquiry_data, html_body
from tests.factories import ArticleFactory, SectionFactory, singleton_row
from tests.jobs import run_worker_until_idle


def article_enquiry_url(article):
    return f"/enquiries/article/{article.pk}/"


def assert_nothing_stored_or_sent():
    assert Enquiry.objects.count() == 0
    assert ProcrastinateJob.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("url", "heading"),
    [("/enquiries/subscribe/", "To subscribe"), ("/enquiries/advertise/", "To advertise")],
)
@pytest.mark.django_db
def test_the_team_contact_pages_carry_a_form_and_are_never_cached(client, url, heading):
    response = client.get(url)

    assert f"<h1>{heading}</h1>" in response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_an_article_enquiry_is_stored_with_its_article_and_routed_to_the_sections_desk(
    client, article, django_capture_on_commit_callbacks
):
    page = client.get(article_enquiry_url(article)).content.decode()
    assert "Council approves the new housing plan" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            article_enquiry_url(article),
            enquiry_data(phone="+44 (0)20 7946 0000"),
            REMOTE_ADDR="198.51.100.9",
        )

    assert response["Location"] == f"/enquiries/article/{article.pk}/sent/"
    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.article, enquiry.state) == ("article", article, "new")
    assert (enquiry.name, enquiry.email, enquiry.phone) == (
        "Erin Enquirer",
        "erin@example.org",
        "+44 (0)20 7946 0000",
    )
    assert enquiry.sent_to == "politics-desk@example.org"
    assert str(enquiry.ip_address) == "198.51.100.9"
    job = ProcrastinateJob.objects.get()
    assert (job.task_name, job.args) == ("enquiries.tasks.send_enquiry", {"enquiry_id": enquiry.pk})
    assert job.queueing_lock == job.lock == f"enquiry:{enquiry.pk}"  # it cannot be queued twice
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you, Erin Enquirer. Your message is on its way to the editors." in thanks


@pytest.mark.django_db
def test_an_article_enquiry_goes_to_the_general_editorial_address_when_the_section_has_none(client, settings):
    settings.ENQUIRIES_EDITORIAL_EMAIL = "newsdesk@example.org"
    article = ArticleFactory(section=SectionFactory(editorial_email=""))

    client.post(article_enquiry_url(article), enquiry_data())

    assert Enquiry.objects.get().sent_to == "newsdesk@example.org"


@pytest.mark.django_db
def test_team_enquiries_go_to_the_configured_address_or_else_the_footers(client, settings):
    settings.ENQUIRIES_SUBSCRIPTIONS_EMAIL = "subs-team@example.org"
    settings.ENQUIRIES_ADVERTISING_EMAIL = ""
    furniture = singleton_row(SiteSettings)
    furniture.advertise_email = "ads-from-footer@example.org"
    furniture.save()

    client.post("/enquiries/subscribe/", enquiry_data(email="a@example.org"))
    client.post("/enquiries/advertise/", enquiry_data(email="b@example.org"))

    routed = dict(Enquiry.objects.values_list("kind", "sent_to"))
    assert routed == {"subscribe": "subs-team@example.org", "advertise": "ads-from-footer@example.org"}
    assert Enquiry.objects.filter(article__isnull=False).count() == 0


@pytest.mark.django_db
def test_the_enquiry_email_goes_to_the_team_with_reply_to_the_enquirer_and_the_message_escaped(
    client, article
):
    client.post(article_enquiry_url(article), enquiry_data(message="Is <b>this</b> right?\nThanks & regards"))
    enquiry = Enquiry.objects.get()

    assert deliver_enquiry(enquiry.pk) is True
    assert deliver_enquiry(enquiry.pk) is False  # a retry never sends it twice

    [message] = mail.outbox
    assert message.to == ["politics-desk@example.org"]
    assert message.reply_to == ["erin@example.org"]
    assert (
        message.subject
        == f"[The Civic Ledger] Article enquiry #{enquiry.pk}: Council approves the new housing plan"
    )
    assert "Is <b>this</b> right?\nThanks & regards" in message.body
    assert "Is &lt;b&gt;this&lt;/b&gt; right?<br>Thanks &amp; regards" in html_body(message)
    assert f"/admin/enquiries/enquiry/{enquiry.pk}/change/" in message.body


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"phone": "call me maybe"}, "“call me maybe” does not look like a phone number."),
        ({"phone": "12"}, "“12” does not look like a phone number."),
        ({"email": "erin@"}, "That is not an email address."),
        ({"name": "Erin\r\nBcc: victim@example.com"}, "Please keep this to one line"),
        ({"name": "Erin of www.spam.example"}, "looks like a web or email address"),
        ({"message": ""}, "Please write your message."),
        ({"phone": "0123\r\nBcc: victim@example.com"}, "Please keep this to one line"),
        ({"website": "filled by a bot"}, "If you are a person"),
        ({"started": ""}, "The form was incomplete."),
    ],
)
@pytest.mark.django_db
def test_rejected_enquiries_are_neither_stored_nor_sent(client, article, overrides, message):
    response = client.post(article_enquiry_url(article), enquiry_data(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert_nothing_stored_or_sent()


@pytest.mark.django_db
def test_enquiries_are_limited_per_connection(client, settings):
    settings.ENQUIRIES_PER_IP_PER_HOUR = 2
    for n in range(2):
        assert (
            client.post("/enquiries/subscribe/", enquiry_data(email=f"e{n}@example.org")).status_code == 302
        )

    refused = client.post("/enquiries/advertise/", enquiry_data(email="e9@example.org"))

    assert (
        "Too many messages have been sent from your connection in the last hour." in refused.content.decode()
    )
    assert Enquiry.objects.count() == 2


@pytest.mark.django_db
def test_enquiries_are_limited_per_address(client, settings):
    settings.ENQUIRIES_PER_ADDRESS_PER_DAY = 1
    assert client.post("/enquiries/subscribe/", enquiry_data(), REMOTE_ADDR="203.0.113.1").status_code == 302

    refused = client.post("/enquiries/advertise/", enquiry_data(), REMOTE_ADDR="203.0.113.2")

    assert (
        "We have already received the most messages we accept from erin@example.org in a day."
        in refused.content.decode()
    )
    assert Enquiry.objects.count() == 1


@pytest.mark.django_db
def test_a_signed_in_reader_finds_their_name_and_address_filled_in(client, verified_reader):
    client.force_login(verified_reader)

    page = client.get("/enquiries/subscribe/").content.decode()

    assert 'value="Ada Reader"' in page
    assert 'value="ada@example.org"' in page


@pytest.mark.django_db
def test_enquiries_about_unpublished_articles_are_not_accepted(client):
    draft = ArticleFactory(status="draft", publish_at=None)

    assert client.post(article_enquiry_url(draft), enquiry_data()).status_code == 404
    assert Enquiry.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_emails_each_kind_of_enquiry_to_its_team(client, article, settings):
    settings.ENQUIRIES_SUBSCRIPTIONS_EMAIL = "subs-team@example.org"
    settings.ENQUIRIES_ADVERTISING_EMAIL = "ads-team@example.org"
    client.post(f"/enquiries/article/{article.pk}/", enquiry_data(email="a@example.org"))
    client.post("/enquiries/subscribe/", enquiry_data(email="b@example.org"))
    client.post("/enquiries/advertise/", enquiry_data(email="c@example.org"))

    run_worker_until_idle()

    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {"politics-desk@example.org", "subs-team@example.org", "ads-team@example.org"}
    assert sent["politics-desk@example.org"].reply_to == ["a@example.org"]
    assert sent["subs-team@example.org"].subject.startswith("[The Civic Ledger] Subscription enquiry #")
    assert sent["ads-team@example.org"].subject.startswith("[The Civic Ledger] Advertising enquiry #")
    assert Enquiry.objects.filter(emailed_at__isnull=True).count() == 0


@pytest.mark.parametrize("kind", ["subscribe", "advertise"])
@pytest.mark.django_db
def test_a_thank_you_page_reached_without_sending_leads_back_to_the_form(client, kind):
    response = client.get(f"/enquiries/{kind}/sent/")

    assert response["Location"] == f"/enquiries/{kind}/"
