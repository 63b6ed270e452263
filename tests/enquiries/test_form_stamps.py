"""The stamp each form page carries sends one message: sent back again (by a reader pressing
Back, or by a script replaying it) it is refused in plain words and nothing more is sent. It
works only on the form it came from, and a refusal by a rate limit gives it back."""

import time
from unittest import mock

import pytest

from enquiries import checks
from enquiries.models import Enquiry, Share, ShareRecipient
from newsroom.lib import ratelimit
from tests.concurrency import at_the_same_moment
from tests.enquiries.conftest import email_url, enquiry_data, share_data

pytestmark = pytest.mark.django_db

ALREADY_SENT = "This form has already been sent, so nothing was sent this time."
RELOAD = "reload the page and fill in the form again"
INCOMPLETE = "The form was incomplete."

ENQUIRY_PAGES = ["/enquiries/subscribe/", "/enquiries/advertise/", "article"]


def enquiry_page(page, article):
    return f"/enquiries/article/{article.pk}/" if page == "article" else page


def test_a_share_sent_twice_with_one_stamp_is_sent_once(client, article):
    data = share_data(recipients="friend@example.net")
    first = client.post(email_url(article), data)
    again = client.post(email_url(article), data)
    with_other_people = client.post(email_url(article), {**data, "recipients": "someone-else@example.net"})

    assert first.status_code == 302
    for replay in (again, with_other_people):
        assert replay.status_code == 200
        page = replay.content.decode()
        assert ALREADY_SENT in page
        assert RELOAD in page
    assert list(ShareRecipient.objects.values_list("email", flat=True)) == ["friend@example.net"]


@pytest.mark.parametrize("page", ENQUIRY_PAGES)
def test_an_enquiry_sent_twice_with_one_stamp_is_sent_once(client, article, page):
    data = enquiry_data()
    assert client.post(enquiry_page(page, article), data).status_code == 302

    replayed = client.post(enquiry_page(page, article), {**data, "message": "And another thing."})

    assert ALREADY_SENT in replayed.content.decode()
    assert Enquiry.objects.count() == 1


def test_a_stamp_used_on_one_enquiry_page_is_used_on_all_of_them(client, article):
    data = enquiry_data()
    assert client.post("/enquiries/subscribe/", data).status_code == 302

    for page in ("/enquiries/advertise/", f"/enquiries/article/{article.pk}/"):
        assert ALREADY_SENT in client.post(page, data).content.decode()
    assert Enquiry.objects.count() == 1


def test_a_stamp_from_one_kind_of_form_is_refused_by_the_other(client, article):
    share_stamp = share_data()["started"]
    enquiry_stamp = enquiry_data()["started"]

    on_enquiry = client.post("/enquiries/subscribe/", enquiry_data(started=share_stamp))
    on_share = client.post(email_url(article), share_data(started=enquiry_stamp))

    assert INCOMPLETE in on_enquiry.content.decode()
    assert INCOMPLETE in on_share.content.decode()
    assert (Share.objects.count(), Enquiry.objects.count()) == (0, 0)


def test_a_stamp_of_the_old_kind_without_a_nonce_is_refused(client, article):
    from django.core import signing

    old = signing.dumps(time.time() - 60, salt=checks.STAMP_SALT)
    no_nonce = signing.dumps({"form": "share", "at": time.time() - 60}, salt=checks.STAMP_SALT)

    for stamp in (old, no_nonce):
        assert INCOMPLETE in client.post(email_url(article), share_data(started=stamp)).content.decode()
    assert Share.objects.count() == 0


def test_the_page_after_a_replay_carries_a_fresh_stamp(client, article):
    data = share_data()
    client.post(email_url(article), data)

    replayed = client.post(email_url(article), data).content.decode()

    assert f'name="started" value="{data["started"]}"' not in replayed
    assert 'name="started" value="' in replayed


def test_a_reader_fixing_a_mistake_sends_with_the_same_stamp_once(client, article):
    data = share_data(recipients="not-an-address")
    assert client.post(email_url(article), data).status_code == 200

    fixed = client.post(email_url(article), {**data, "recipients": "friend@example.net"})
    again = client.post(email_url(article), {**data, "recipients": "friend@example.net"})

    assert fixed.status_code == 302
    assert ALREADY_SENT in again.content.decode()


def test_a_share_refused_by_a_limit_can_be_sent_later_with_the_same_stamp(client, article, settings):
    settings.SHARE_PER_RECIPIENT_PER_DAY = 1
    assert client.post(email_url(article), share_data(recipients="popular@example.net")).status_code == 302
    data = share_data(recipients="popular@example.net, other@example.net")

    refused = client.post(email_url(article), data)
    without_the_full_address = client.post(email_url(article), {**data, "recipients": "other@example.net"})

    assert "popular@example.net has already been sent the most articles" in refused.content.decode()
    assert without_the_full_address.status_code == 302


def test_of_parallel_submissions_with_one_stamp_exactly_one_uses_it():
    stamp = checks.read_stamp(checks.form_stamp("share", at=time.time() - 60), form="share")
    outcomes = at_the_same_moment(*[lambda: checks.use_stamp(stamp)] * 12, expected=checks.StampProblem)

    refused = [outcome for outcome in outcomes if isinstance(outcome, checks.StampProblem)]
    assert len(refused) == 11


def test_when_used_stamps_cannot_be_recorded_nothing_is_sent(client, article):
    broken = mock.Mock(**{"add.side_effect": ConnectionError("the counters are down")})
    with mock.patch.object(ratelimit, "counters", broken):
        response = client.post(email_url(article), share_data())

    assert "because of a fault on our side, so nothing was sent" in response.content.decode()
    assert Share.objects.count() == 0
