"""Report an error: a reader's report is refused in plain words when it is wrong or too much
(keeping what they typed), lands in the corrections queue and the desk's inbox, and an editor
publishes a correction from it in one step, or declines it; the reader is told either way."""

import pytest
from django.core import mail
from django.urls import reverse

from articles.models import Correction
from enquiries.models import ErrorReport
from tests.enquiries.conftest import html_body, shown_a_minute_ago
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def _immediate_tasks(jobs_run_at_once):
    """The emails are background jobs: each runs as soon as it is deferred."""


@pytest.fixture
def desk_editor(db):
    return UserFactory(email="politics-desk-editor@example.org", display_name="Dora Desk", roles=["Editor"])


@pytest.fixture
def reported_article(desk_editor):
    section = SectionFactory(name="Politics", slug="politics", editorial_email="politics@example.org")
    section.desk_editors.add(desk_editor)
    return ArticleFactory(headline="Council approves the new housing plan", section=section)


def report_url(article):
    return f"/enquiries/error/{article.pk}/"


def report_data(**overrides):
    data = {
        "description": "The vote was on Tuesday, not Monday.",
        "quote": "The council voted on Monday",
        "evidence": "https://example.org/minutes",
        "name": "Rita Reader",
        "email": "rita@example.org",
        "website": "",
        "started": shown_a_minute_ago("error-report"),
    }
    data.update(overrides)
    return data


def send_report(client, article, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(report_url(article), report_data(**overrides))


def to(address):
    return [message for message in mail.outbox if message.to == [address]]


# The reader's form ---------------------------------------------------------------------------


def test_every_article_page_links_to_its_report_form_which_carries_the_token(client, reported_article):
    article_page = client.get(reported_article.get_absolute_url()).content.decode()
    form_page = client.get(report_url(reported_article))

    assert f'href="{report_url(reported_article)}">Report an error</a>' in article_page
    assert "csrfmiddlewaretoken" not in article_page
    assert "csrfmiddlewaretoken" in form_page.content.decode()
    assert "no-store" in form_page["Cache-Control"]
    assert "Council approves the new housing plan" in form_page.content.decode()


def test_a_report_is_queued_and_the_reader_and_the_sections_desk_are_emailed(
    client, reported_article, desk_editor, django_capture_on_commit_callbacks
):
    response = send_report(client, reported_article, django_capture_on_commit_callbacks)

    assert response["Location"] == f"/enquiries/error/{reported_article.pk}/sent/"
    report = ErrorReport.objects.get()
    assert (report.article, report.status, report.email) == (reported_article, "new", "rita@example.org")
    assert report.description == "The vote was on Tuesday, not Monday."
    [receipt] = to("rita@example.org")
    assert "We have your report" in receipt.subject
    assert "Tuesday" not in receipt.body  # the receipt repeats none of the reader's words
    [desk] = to(desk_editor.email)
    assert "The vote was on Tuesday, not Monday." in desk.body
    assert desk.reply_to == ["rita@example.org"]
    assert f"/admin/enquiries/errorreport/{report.pk}/change/" in desk.body
    assert to("politics@example.org") == []  # the desk editors come first
    thanks = client.get(response["Location"]).content.decode()
    assert "we will email rita@example.org" in thanks


def test_without_desk_editors_the_sections_address_is_told(client, django_capture_on_commit_callbacks):
    article = ArticleFactory(section=SectionFactory(editorial_email="business@example.org"))

    send_report(client, article, django_capture_on_commit_callbacks)

    assert len(to("business@example.org")) == 1


def test_a_report_of_ten_thousand_characters_is_refused_and_kept_in_the_form(client, reported_article):
    long_text = "The figures are wrong. " * 435  # 10,005 characters

    response = client.post(report_url(reported_article), report_data(description=long_text[:10_000]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "This is 10000 characters long; the limit is 2000." in page
    assert long_text[:10_000] in page  # nothing the reader typed is lost
    assert 'maxlength="2000"' not in page  # a browser would cut a long paste short, unsaid
    assert "There is a problem: nothing has been sent" in page
    assert ErrorReport.objects.count() == 0
    assert mail.outbox == []


def test_script_in_a_report_is_kept_as_text_and_never_runs_anywhere(
    client, reported_article, desk_editor, django_capture_on_commit_callbacks
):
    send_report(client, reported_article, django_capture_on_commit_callbacks, description=SCRIPT, name="")
    report = ErrorReport.objects.get()
    assert report.description == SCRIPT

    [desk] = to(desk_editor.email)
    assert SCRIPT not in html_body(desk)
    assert "&lt;script&gt;" in html_body(desk)

    client.force_login(desk_editor)
    for url in (
        reverse("admin:enquiries_errorreport_change", args=[report.pk]),
        reverse("admin:enquiries_errorreport_changelist"),
        reverse("admin:enquiries_errorreport_publish", args=[report.pk]),
    ):
        page = client.get(url).content.decode()
        assert SCRIPT not in page, url
        assert "&lt;script&gt;" in page, url


def test_script_in_a_report_that_is_too_long_comes_back_escaped(client, reported_article):
    response = client.post(report_url(reported_article), report_data(quote=SCRIPT * 40))

    page = response.content.decode()
    assert "the limit is 500" in page
    assert SCRIPT not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": ""}, "Please give your email address."),
        ({"email": "not-an-address"}, "That is not an email address."),
        ({"description": "  "}, "Please tell us what is wrong."),
        ({"website": "http://spam.example"}, "Leave this field empty"),
        ({"started": ""}, "The form was incomplete."),
    ],
)
def test_a_wrong_report_is_refused_in_plain_words_and_nothing_is_stored(
    client, reported_article, overrides, message
):
    response = client.post(report_url(reported_article), report_data(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    if "description" not in overrides:
        assert "The vote was on Tuesday, not Monday." in response.content.decode()
    assert ErrorReport.objects.count() == 0
    assert mail.outbox == []


def test_reports_are_limited_per_connection_apart_from_enquiries(client, reported_article, settings):
    settings.ENQUIRIES_PER_IP_PER_HOUR = 2
    for number in range(2):
        response = client.post(report_url(reported_article), report_data(email=f"r{number}@example.org"))
        assert response.status_code == 302

    refused = client.post(report_url(reported_article), report_data(email="r9@example.org"))

    assert "Too many messages have been sent from your connection" in refused.content.decode()
    assert ErrorReport.objects.count() == 2
    # The newsroom's enquiry form keeps its own allowance.
    enquiry = client.post(
        f"/enquiries/article/{reported_article.pk}/",
        {
            "name": "Rita",
            "email": "rita@example.org",
            "message": "A question.",
            "website": "",
            "started": shown_a_minute_ago("enquiry"),
        },
    )
    assert enquiry.status_code == 302


def test_unpublished_articles_have_no_report_form(client):
    draft = ArticleFactory(status="draft", publish_at=None)

    assert client.get(report_url(draft)).status_code == 404


# The corrections queue -----------------------------------------------------------------------


@pytest.fixture
def report(reported_article):
    return ErrorReport.objects.create(
        article=reported_article,
        description="The vote was on Tuesday, not Monday.",
        name="Rita Reader",
        email="rita@example.org",
    )


def publish_url(report):
    return reverse("admin:enquiries_errorreport_publish", args=[report.pk])


def decline_url(report):
    return reverse("admin:enquiries_errorreport_decline", args=[report.pk])


def test_the_queue_lists_open_reports_oldest_first(client, reported_article, editor):
    older = ErrorReport.objects.create(
        article=reported_article, description="Older one", email="a@example.org"
    )
    ErrorReport.objects.create(article=reported_article, description="Newer one", email="b@example.org")
    ErrorReport.objects.create(
        article=reported_article,
        description="Already declined",
        email="c@example.org",
        status="declined",
        handled_at=older.created_at,
    )
    client.force_login(editor)

    page = client.get(reverse("admin:enquiries_errorreport_changelist")).content.decode()

    assert page.index("Older one") < page.index("Newer one")
    assert "Already declined" not in page
    everything = client.get(
        reverse("admin:enquiries_errorreport_changelist") + "?status=all"
    ).content.decode()
    assert "Already declined" in everything


def test_an_editor_publishes_a_correction_from_a_report_in_one_step(
    client, report, reported_article, desk_editor, django_capture_on_commit_callbacks
):
    client.force_login(desk_editor)
    change_page = client.get(reverse("admin:enquiries_errorreport_change", args=[report.pk])).content.decode()
    assert f'href="{publish_url(report)}">Publish as a correction</a>' in change_page
    form_page = client.get(publish_url(report)).content.decode()
    assert "The vote was on Tuesday, not Monday.</textarea>" in form_page  # prefilled from the report
    client.get(reported_article.get_absolute_url())  # the page is now in the page cache

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            publish_url(report),
            {"text": "An earlier version said the vote was on Monday. It was on Tuesday."},
        )

    assert response.status_code == 302
    correction = Correction.objects.get()
    report.refresh_from_db()
    assert (report.status, report.correction, report.handled_by) == ("corrected", correction, desk_editor)
    reported_article.refresh_from_db()
    assert reported_article.revised_at == correction.published_at
    client.logout()
    article_page = client.get(reported_article.get_absolute_url()).content.decode()
    assert "An earlier version said the vote was on Monday. It was on Tuesday." in article_page
    assert "It was on Tuesday." in client.get("/corrections/").content.decode()
    [told] = to("rita@example.org")
    assert "We have corrected" in told.subject
    assert "It was on Tuesday." in told.body


def test_a_report_becomes_one_correction_however_often_the_form_is_sent(client, report, editor):
    client.force_login(editor)
    client.post(publish_url(report), {"text": "Corrected once."})

    again = client.post(publish_url(report), {"text": "Corrected twice."}, follow=True)

    assert Correction.objects.count() == 1
    assert "This report is already corrected." in again.content.decode()


def test_an_empty_correction_is_refused_and_the_report_stays_open(client, report, editor):
    client.force_login(editor)

    response = client.post(publish_url(report), {"text": "   "})

    assert "Write the correction readers will see." in response.content.decode()
    report.refresh_from_db()
    assert report.status == "new"
    assert Correction.objects.count() == 0


def test_an_editor_declines_a_report_and_the_reader_is_told_why(
    client, report, editor, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    refused = client.post(decline_url(report), {"reason": ""})
    assert "Say briefly why: the reader is told." in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(decline_url(report), {"reason": "The minutes show the vote was on <b>Monday</b>."})

    report.refresh_from_db()
    assert (report.status, report.handled_by) == ("declined", editor)
    assert Correction.objects.count() == 0
    [told] = to("rita@example.org")
    assert "The minutes show the vote was on <b>Monday</b>." in told.body
    assert "&lt;b&gt;Monday&lt;/b&gt;" in html_body(told)


@pytest.mark.parametrize("persona", ["writer", "moderator"])
def test_writers_and_moderators_cannot_publish_or_decline(client, report, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(publish_url(report)).status_code == 403
    assert client.post(publish_url(report), {"text": "Sneaky."}).status_code == 403
    assert client.post(decline_url(report), {"reason": "Sneaky."}).status_code == 403
    report.refresh_from_db()
    assert report.status == "new"
    assert Correction.objects.count() == 0


def test_the_chief_editor_may_publish_too(client, report, chief_editor):
    client.force_login(chief_editor)

    client.post(publish_url(report), {"text": "Corrected by the chief."})

    assert Correction.objects.get().text == "Corrected by the chief."


# The desk ------------------------------------------------------------------------------------


def test_the_desk_shows_the_corrections_pending_for_the_editors_sections_oldest_first(
    client, reported_article, desk_editor, editor
):
    newer_story = ArticleFactory(headline="Bus lanes to open in May", section=reported_article.section)
    ErrorReport.objects.create(article=reported_article, description="First", email="a@example.org")
    ErrorReport.objects.create(article=newer_story, description="Second", email="b@example.org")
    other_desk = SectionFactory(name="Sport", slug="sport")
    other_desk.desk_editors.add(editor)
    ErrorReport.objects.create(
        article=ArticleFactory(headline="Cup final goes to penalties", section=other_desk),
        description="Wrong score",
        email="c@example.org",
    )
    client.force_login(desk_editor)

    pending = pending_part(client.get("/admin/").content.decode())

    assert pending.startswith("Corrections pending (2)")
    assert pending.index(reported_article.headline) < pending.index("Bus lanes to open in May")
    assert "Cup final goes to penalties" not in pending
    client.force_login(editor)
    pending = pending_part(client.get("/admin/").content.decode())
    assert pending.startswith("Corrections pending (1)")
    assert "Cup final goes to penalties" in pending


def pending_part(html):
    start = html.index("Corrections pending")
    return html[start : html.index("</ul>", start)]
