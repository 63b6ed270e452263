"""What search engines and social networks read: canonical links, descriptions, Open Graph,
Twitter cards and the JSON-LD NewsArticle."""

import json
import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = "https://ledger.example.org"


@pytest.fixture
def article(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = BytesIO()
    Image.new("RGB", (1600, 900), (90, 20, 30)).save(buffer, format="JPEG")
    return ArticleFactory(
        headline="Council delays the budget vote",
        seo_description="Why the vote moved, and what it means for clinics.",
        section=SectionFactory(name="Politics", slug="politics"),
        tags=["Budget"],
        authors=[
            AuthorFactory(name="Ada Writer", slug="ada-writer", role="Political Editor"),
            AuthorFactory(name="Ben Reporter", slug="ben-reporter", role=""),
        ],
        featured_image=SimpleUploadedFile("vote.jpg", buffer.getvalue(), content_type="image/jpeg"),
        image_alt="The council chamber",
    )


def meta(html, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    return match.group(1) if match else None


def json_ld(html):
    """The page's NewsArticle (its BreadcrumbList is another block: tests/articles/test_breadcrumbs.py)."""
    blocks = re.findall(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S)
    articles = [data for data in map(json.loads, blocks) if data["@type"] == "NewsArticle"]
    assert len(articles) == 1
    return articles[0]


def test_article_page_has_canonical_description_open_graph_and_twitter_tags(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    address = "https://ledger.example.org" + article.get_absolute_url()
    assert f'<link rel="canonical" href="{address}">' in html
    assert meta(html, "name", "description") == "Why the vote moved, and what it means for clinics."
    assert meta(html, "property", "og:type") == "article"
    assert meta(html, "property", "og:title") == "Council delays the budget vote"
    assert meta(html, "property", "og:url") == address
    assert meta(html, "property", "og:image").startswith("https://ledger.example.org/media/cache/")
    assert meta(html, "property", "og:image:alt") == "The council chamber"
    assert meta(html, "property", "article:section") == "Politics"
    assert meta(html, "name", "twitter:card") == "summary_large_image"
    assert meta(html, "name", "twitter:title") == "Council delays the budget vote"


def test_json_ld_describes_a_news_article_with_authors_publisher_and_image(client, article):
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Council delays the budget vote"
    assert data["datePublished"] == timezone.localtime(article.publish_at).isoformat(timespec="milliseconds")
    assert "dateModified" in data
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Ada Writer",
            "url": "https://ledger.example.org/authors/ada-writer/",
            "jobTitle": "Political Editor",
        },
        {
            "@type": "Person",
            "name": "Ben Reporter",
            "url": "https://ledger.example.org/authors/ben-reporter/",
        },
    ]
    publisher = data["publisher"]
    assert publisher["@type"] == "NewsMediaOrganization"
    assert publisher["name"] == "The Civic Ledger"
    assert publisher["url"] == "https://ledger.example.org/"
    assert publisher["logo"]["url"].startswith("https://ledger.example.org/static/img/")
    assert data["image"]
    assert all(url.startswith("https://ledger.example.org/media/cache/") for url in data["image"])
    assert data["mainEntityOfPage"] == "https://ledger.example.org" + article.get_absolute_url()
    assert data["keywords"] == ["Budget"]


def test_json_ld_cannot_be_broken_out_of_by_a_headline(client):
    article = ArticleFactory(headline="</script><script>alert(1)</script> & more")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["headline"] == "</script><script>alert(1)</script> & more"


def test_syndicated_article_names_the_original_as_canonical(client):
    article = ArticleFactory(source=SourceFactory(), original_url="https://partner.example.org/story/9")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="https://partner.example.org/story/9">' in html
    assert meta(html, "property", "og:url") == "https://partner.example.org/story/9"
    assert json_ld(html)["mainEntityOfPage"] == "https://partner.example.org/story/9"


def test_description_falls_back_to_the_standfirst(client):
    article = ArticleFactory(standfirst="A short summary of the story.", seo_description="")
    html = client.get(article.get_absolute_url()).content.decode()
    assert meta(html, "name", "description") == "A short summary of the story."
    assert meta(html, "name", "twitter:card") == "summary"


def test_listing_pages_have_canonical_and_titles(client):
    SectionFactory(name="Politics", slug="politics", description="Parliament and parties.")
    html = client.get("/politics/").content.decode()
    assert '<link rel="canonical" href="https://ledger.example.org/politics/">' in html
    assert "<title>Politics · The Civic Ledger</title>" in html
    assert meta(html, "name", "description") == "Parliament and parties."
