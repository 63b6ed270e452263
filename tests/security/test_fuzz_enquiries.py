"""Generated and hostile submissions to "Email this article" and the three enquiry forms."""

import re

import pytest
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from enquiries.checks import normalise_newlines
from enquiries.models import Enquiry, Share, ShareRecipient
from tests.enquiries.conftest import shown_a_minute_ago
from tests.factories import ArticleFactory, SectionFactory
from tests.security.hostile import (
    Example,
    assert_no_server_error,
    emails,
    field,
    flatten,
    form,
    names,
    prose,
)

pytestmark = pytest.mark.django_db

share_stamps = st.builds(shown_a_minute_ago, st.just("share"))
enquiry_stamps = st.builds(shown_a_minute_ago, st.just("enquiry"))
good_emails = st.sampled_from(["sam@example.org", "Ada.Lovelace+news@example.co.uk", "o'neil@example.net"])
phones = st.sampled_from(["", "+44 20 7946 0000", "(020) 7946-0000"])

share_form = form(
    sender_name=field(names),
    sender_email=field(good_emails, emails),
    recipients=field(
        st.lists(good_emails, min_size=1, max_size=3, unique=True).map(", ".join),
        st.one_of(emails, st.lists(emails, min_size=2, max_size=8).map(", ".join)),
    ),
    note=field(st.just("")),
    website=field(st.just("")),
    started=field(share_stamps),
)

enquiry_form = form(
    name=field(names),
    email=field(good_emails, emails),
    phone=field(phones),
    message=field(prose),
    website=field(st.just("")),
    started=field(enquiry_stamps),
)


@pytest.fixture
def article(db):
    section = SectionFactory(name="Politics", slug="politics", editorial_email="politics@example.org")
    return ArticleFactory(headline="Council approves the housing plan", section=section)


@given(data=share_form)
def test_email_this_article_survives_any_submission(client, article, data):
    with Example(Share, ShareRecipient) as example:
        response = example.request(client.post, f"/enquiries/email/{article.pk}/", data)
        assert_no_server_error(response)
        if response.status_code != 302:
            example.assert_unchanged(response)
            return
        share = Share.objects.order_by("-pk").first()
        assert share.sender_name == flatten(data["sender_name"]).strip()
        assert share.sender_email == flatten(data["sender_email"]).strip()
        typed = [part for part in re.split(r"[,;\s]+", flatten(data["recipients"])) if part]
        expected, seen = [], set()
        for address in typed:
            if address.casefold() not in seen:
                seen.add(address.casefold())
                expected.append(address)
        assert [r.email for r in share.recipients.order_by("pk")] == expected
        page = client.get(response["Location"])
        assert page.status_code == 200


@pytest.mark.parametrize(
    "address",
    ["/enquiries/article/{article}/", "/enquiries/subscribe/", "/enquiries/advertise/"],
    ids=["article enquiry", "subscribe enquiry", "advertise enquiry"],
)
@given(data=enquiry_form)
def test_enquiry_forms_survive_any_submission(client, article, address, data):
    with Example(Enquiry) as example:
        response = example.request(client.post, address.format(article=article.pk), data)
        assert_no_server_error(response)
        if response.status_code != 302:
            example.assert_unchanged(response)
            return
        enquiry = Enquiry.objects.order_by("-pk").first()
        assert enquiry.name == flatten(data["name"]).strip()
        assert enquiry.email == flatten(data["email"]).strip()
        assert enquiry.message == normalise_newlines(flatten(data["message"])).strip()
        thanks = client.get(response["Location"]).content.decode()
        assert f"Thank you, {escape(enquiry.name)}." in thanks
        if "<" in enquiry.name:
            assert f"Thank you, {enquiry.name}." not in thanks
