"""The links the article page and the footer include: plain links, no form, no token."""

import pytest
from django.template.loader import render_to_string


@pytest.mark.django_db
def test_the_article_actions_link_to_the_share_and_enquiry_pages(article):
    html = render_to_string("enquiries/_article_actions.html", {"article": article})

    assert f'<a href="/enquiries/email/{article.pk}/">Email this article</a>' in html
    assert f'<a href="/enquiries/article/{article.pk}/">Article enquiry</a>' in html
    assert "<form" not in html
    assert "csrfmiddlewaretoken" not in html


def test_the_footer_contacts_link_to_the_subscribe_and_advertise_forms():
    html = render_to_string("enquiries/_footer_contacts.html")

    assert '<a href="/enquiries/subscribe/">To subscribe</a>' in html
    assert '<a href="/enquiries/advertise/">To advertise</a>' in html
    assert '<a href="/advertise/">View&nbsp;options</a>' in html
    assert "<form" not in html


def test_the_footer_links_the_store_for_the_magazine_and_pdf_reports_when_there_is_one():
    html = render_to_string("enquiries/_footer_contacts.html", {"store_url": "https://store.example.com/"})

    link = '<a href="https://store.example.com/">View&nbsp;store</a>'
    assert f"The printed magazine and PDF reports: {link}" in html
    assert "View&nbsp;store" not in render_to_string("enquiries/_footer_contacts.html", {"store_url": ""})
