"""Editors answer enquiries and review the share log in the admin."""

import pytest

from enquiries.models import Enquiry, Share, ShareRecipient
from tests.factories import ArticleFactory


def make_share(article, *, sender_email, ip, recipients, note=""):
    share = Share.objects.create(
        article=article, sender_name="Sam Sender", sender_email=sender_email, ip_address=ip, note=note
    )
    for email in recipients:
        ShareRecipient.objects.create(share=share, email=email)
    return share


def make_enquiry(article=None, **fields):
    defaults = {
        "kind": "article" if article else "subscribe",
        "name": "Erin Enquirer",
        "email": "erin@example.org",
        "message": "A question.",
        "sent_to": "desk@example.org",
    }
    return Enquiry.objects.create(article=article, **{**defaults, **fields})


@pytest.mark.django_db
def test_editors_search_the_share_log_by_recipient_sender_or_ip_address(client, editor, article):
    make_share(
        article, sender_email="spammer@example.org", ip="203.0.113.66", recipients=["victim@example.net"]
    )
    make_share(article, sender_email="friend@example.org", ip="198.51.100.1", recipients=["pal@example.net"])
    client.force_login(editor)

    listing = client.get("/admin/enquiries/share/")
    assert listing.status_code == 200
    assert "spammer@example.org" in listing.content.decode()
    assert "friend@example.org" in listing.content.decode()

    for query in ["victim@example.net", "spammer", "203.0.113.66"]:
        found = client.get("/admin/enquiries/share/", {"q": query}).content.decode()
        assert "spammer@example.org" in found
        assert "friend@example.org" not in found


@pytest.mark.django_db
def test_editors_filter_the_share_log_by_delivery_and_note(client, editor, article):
    sent = make_share(
        article, sender_email="sent@example.org", ip="203.0.113.1", recipients=["a@example.net"], note="Hi"
    )
    sent.recipients.update(sent_at="2026-01-01T10:00:00Z")
    make_share(article, sender_email="waiting@example.org", ip="203.0.113.2", recipients=["b@example.net"])
    client.force_login(editor)

    pending = client.get("/admin/enquiries/share/", {"delivery": "pending"}).content.decode()
    with_note = client.get("/admin/enquiries/share/", {"note": "yes"}).content.decode()

    assert "waiting@example.org" in pending
    assert "sent@example.org" not in pending
    assert "sent@example.org" in with_note
    assert "waiting@example.org" not in with_note


@pytest.mark.django_db
def test_nobody_adds_shares_by_hand_and_editors_cannot_delete_them(client, editor, article):
    share = make_share(article, sender_email="s@example.org", ip="203.0.113.1", recipients=["a@example.net"])
    client.force_login(editor)

    assert client.get("/admin/enquiries/share/add/").status_code == 403
    assert client.get(f"/admin/enquiries/share/{share.pk}/delete/").status_code == 403
    detail = client.get(f"/admin/enquiries/share/{share.pk}/change/").content.decode()
    assert "a@example.net" in detail


@pytest.mark.django_db
def test_editors_list_new_enquiries_and_mark_them_answered(client, editor, article):
    about_article = make_enquiry(article, name="Article Asker")
    other_article = ArticleFactory(headline="A different story")
    make_enquiry(other_article, name="Other Asker", state="answered")
    subscription = make_enquiry(kind="subscribe", name="Subscription Asker")
    client.force_login(editor)

    new_only = client.get("/admin/enquiries/enquiry/", {"state__exact": "new"}).content.decode()
    assert "Article Asker" in new_only
    assert "Subscription Asker" in new_only
    assert "Other Asker" not in new_only
    by_kind = client.get("/admin/enquiries/enquiry/", {"kind__exact": "subscribe"}).content.decode()
    assert "Subscription Asker" in by_kind
    assert "Article Asker" not in by_kind
    searched = client.get("/admin/enquiries/enquiry/", {"q": "housing plan"}).content.decode()
    assert "Article Asker" in searched
    assert "Other Asker" not in searched

    response = client.post(
        "/admin/enquiries/enquiry/",
        {"action": "mark_answered", "_selected_action": [about_article.pk, subscription.pk]},
    )

    assert response.status_code == 302
    assert set(Enquiry.objects.answered().values_list("name", flat=True)) == {
        "Article Asker",
        "Other Asker",
        "Subscription Asker",
    }


@pytest.mark.django_db
def test_writers_do_not_see_enquiries_or_the_share_log(client, writer):
    client.force_login(writer)

    assert client.get("/admin/enquiries/enquiry/").status_code == 403
    assert client.get("/admin/enquiries/share/").status_code == 403
