"""The schema.org JSON-LD of the home page, an article, a live page and an author page: every
block parses, names its type and carries the properties search engines require or recommend
for it (Google's article, live blog, profile page and organisation guidance)."""

import json
import re

import pytest

from articles import live
from newsroom.models import PolicyPage
from tests.factories import ArticleFactory, AuthorFactory, LiveCoverageFactory, SectionFactory

pytestmark = pytest.mark.django_db

SITE = "https://ledger.example.org"
BLOCK = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def policies():
    PolicyPage.objects.create(kind="corrections", title="How we correct mistakes", body="<p>We say so.</p>")
    PolicyPage.objects.create(kind="ethics", title="Our ethics", body="<p>We check.</p>")
    PolicyPage.objects.create(kind="masthead", title="Who we are", body="<p>The desk.</p>")


@pytest.fixture
def author():
    return AuthorFactory(
        name="Ada Writer",
        slug="ada-writer",
        role="Political editor",
        expertise="Elections, the Assembly",
        fediverse_handle="@ada@social.example.org",
    )


def blocks_of(client, url):
    """Every JSON-LD block of the page at `url`, parsed, by @type."""
    response = client.get(url)
    assert response.status_code == 200
    found = [json.loads(text) for text in BLOCK.findall(response.content.decode())]
    assert found, f"no JSON-LD on {url}"
    for data in found:
        assert data["@context"] == "https://schema.org"
    return {data["@type"]: data for data in found}


def assert_organization(data):
    assert data["@type"] == "NewsMediaOrganization"
    assert data["name"]
    assert data["url"] == SITE + "/"
    assert data["logo"]["url"].startswith(SITE + "/static/")


def assert_article(data, url):
    for required in ("headline", "datePublished", "dateModified", "mainEntityOfPage"):
        assert data[required], required
    assert data["mainEntityOfPage"] == SITE + url
    assert data["author"]
    assert all(person["name"] for person in data["author"])
    assert_organization(data["publisher"])


def test_the_home_page_names_the_organisation_and_each_of_its_policy_pages(client, policies):
    ArticleFactory()

    organization = blocks_of(client, "/")["NewsMediaOrganization"]

    assert_organization(organization)
    assert organization["correctionsPolicy"] == SITE + "/about/corrections/"
    assert organization["ethicsPolicy"] == SITE + "/about/ethics/"
    assert organization["masthead"] == SITE + "/about/masthead/"
    # Only the pages that exist are named: no address that would answer 404.
    assert "noBylinesPolicy" not in organization
    assert "ownershipFundingInfo" not in organization


def test_an_article_is_a_news_article_with_its_publisher_its_dateline_and_breadcrumbs(
    client, author, policies
):
    article = ArticleFactory(
        headline="Assembly passes the budget",
        section=SectionFactory(name="Politics", slug="politics"),
        authors=[author],
        dateline="BRUSSELS",
    )
    url = article.get_absolute_url()

    found = blocks_of(client, url)

    data = found["NewsArticle"]
    assert_article(data, url)
    assert data["author"][0] == {
        "@type": "Person",
        "name": "Ada Writer",
        "url": SITE + "/authors/ada-writer/",
        "jobTitle": "Political editor",
    }
    assert data["dateline"] == "BRUSSELS"
    assert data["publisher"]["correctionsPolicy"] == SITE + "/about/corrections/"
    assert "image" not in data  # the article has none: no empty image list either
    crumbs = found["BreadcrumbList"]["itemListElement"]
    assert [(crumb["position"], crumb["name"], crumb["item"]) for crumb in crumbs] == [
        (1, "Home", SITE + "/"),
        (2, "Politics", SITE + "/politics/"),
    ]


@pytest.mark.parametrize(
    ("type_of_work", "schema_type"),
    [
        ("analysis", "AnalysisNewsArticle"),
        ("opinion", "OpinionNewsArticle"),
        ("review", "ReviewNewsArticle"),
    ],
)
def test_each_type_of_work_has_its_own_schema_type(client, type_of_work, schema_type):
    article = ArticleFactory(type_of_work=type_of_work)

    data = blocks_of(client, article.get_absolute_url())[schema_type]

    assert_article(data, article.get_absolute_url())


def test_a_live_page_is_a_live_blog_posting_with_its_updates(client):
    article = ArticleFactory(headline="Budget day, as it happens")
    LiveCoverageFactory(article=article)
    live.post_entry(article=article, by=None, body="<p>The minister arrives.</p>")
    url = article.get_absolute_url()

    data = blocks_of(client, url)["LiveBlogPosting"]

    assert_article(data, url)
    assert data["coverageStartTime"]
    [update] = data["liveBlogUpdate"]
    assert update["@type"] == "BlogPosting"
    assert update["articleBody"] == "The minister arrives."
    assert update["datePublished"]


def test_an_author_page_is_a_profile_page_about_a_person(client, author):
    data = blocks_of(client, "/authors/ada-writer/")["ProfilePage"]

    person = data["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Ada Writer"
    assert person["url"] == SITE + "/authors/ada-writer/"
    assert person["jobTitle"] == "Political editor"
    assert person["knowsAbout"] == ["Elections", "the Assembly"]
    assert person["sameAs"] == ["https://social.example.org/@ada"]
