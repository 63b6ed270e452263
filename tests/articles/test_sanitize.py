"""Hostile HTML in article bodies: removed on the way in, whether it comes through the admin
form or any other save."""

import pytest

from articles.models import Article
from newsroom.lib.sanitize import clean_body_html, plain_text
from tests.articles.editorial_helpers import ADD_URL, article_form, follow_messages
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

HOSTILE_BODY = """
<p onclick="steal()">Opening paragraph.</p>
<script>alert('script')</script>
<p><a href="javascript:alert('link')">a bad link</a> and <a href="JaVaScRiPt:alert('mixed')">another</a></p>
<iframe src="https://evil.example/frame"></iframe>
<p style="position:fixed;top:0">Styled paragraph.</p>
<style>body { display: none }</style>
<img src="x" onerror="alert('image')">
<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="data">
<svg onload="alert('svg')"><circle r="5"></circle></svg>
<form action="https://evil.example/"><input name="password"></form>
<p><a href="https://example.org/report" target="_blank" onmouseover="alert('hover')">a good link</a></p>
"""
FORBIDDEN = [
    "<script",
    "alert(",
    "onclick",
    "onerror",
    "onload",
    "onmouseover",
    "javascript:",
    "<iframe",
    "style=",
    "<style",
    "display: none",
    "<svg",
    "<form",
    "<input",
    "data:",
    'target="',
]


def assert_harmless(html):
    lowered = html.lower()
    for marker in FORBIDDEN:
        assert marker.lower() not in lowered, f"{marker} survived in {html}"
    assert "Opening paragraph." in html
    assert "Styled paragraph." in html
    assert '<a href="https://example.org/report" rel="noopener">a good link</a>' in html


def test_hostile_html_posted_through_the_admin_form_is_removed(client, editor):
    client.force_login(editor)

    response = client.post(ADD_URL, article_form(body=HOSTILE_BODY) | {"_save_draft": "Save draft"})

    follow_messages(client, response)
    assert_harmless(Article.objects.get().body)


def test_hostile_html_saved_directly_is_removed(editor):
    article = ArticleFactory(status="draft", publish_at=None)

    article.body = HOSTILE_BODY
    article.save()

    article.refresh_from_db()
    assert_harmless(article.body)


def test_hostile_html_never_reaches_the_reader_page(client):
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(body=clean_body_html(HOSTILE_BODY))

    page = client.get(article.get_absolute_url()).content.decode()

    assert "alert(" not in page
    assert "steal()" not in page
    assert "Opening paragraph." in page


def test_an_empty_editor_document_is_stored_as_an_empty_body():
    assert clean_body_html("<p></p>") == ""
    assert clean_body_html("<p><br></p>") == ""


def test_plain_text_drops_markup_and_decodes_entities():
    assert plain_text("<p>Fish &amp; <strong>chips</strong></p>") == "Fish & chips"
