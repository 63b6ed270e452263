"""The ninjs feed for partners, read as a partner's software reads it: validated against the
published IPTC ninjs 3.1 schema, vendored in tests/syndication/."""

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import Draft202012Validator

from articles.models import FrontPage, FrontPageSlot
from newsroom.checks import partner_tokens_are_long
from newsroom.models import SiteSettings
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    LiveCoverageFactory,
    SectionFactory,
    SourceFactory,
    singleton_row,
)

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parent.parent / "syndication" / "ninjs-schema_3.1.json").read_text())


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = "https://ledger.example.org"


def ninjs_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/json")
    document = response.json()
    validator = Draft202012Validator(SCHEMA)
    for item in document["items"]:
        errors = sorted(validator.iter_errors(item), key=str)
        assert not errors, "\n".join(f"{list(error.absolute_path)}: {error.message}" for error in errors)
    return document


def items_by_headline(document):
    return {item["headlines"][0]["value"]: item for item in document["items"]}


def test_the_feed_validates_against_the_ninjs_schema_and_carries_what_partners_need(client):
    politics = SectionFactory(name="Politics", slug="politics")
    ada = AuthorFactory(name="Ada Lovelace")
    article = ArticleFactory(
        headline="Council <b>votes</b> on the budget",
        section=politics,
        authors=[ada],
        tags=["Budget"],
        body="<p>The vote was close.</p>",
    )
    document = ninjs_of(client, "/feed/ninjs/")
    assert document["standard"] == {
        "name": "ninjs",
        "version": "3.1",
        "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#",
    }
    [item] = document["items"]
    assert item["uri"].startswith("tag:ledger.example.org,")
    assert item["type"] == "text"
    assert item["headlines"] == [{"value": "Council <b>votes</b> on the budget"}]
    assert item["bodies"] == [
        {"role": "main", "contentType": "text/html", "value": "<p>The vote was close.</p>"}
    ]
    assert item["by"] == "Ada Lovelace"
    assert {"name": "Politics", "rel": "section", "uri": "https://ledger.example.org/politics/"} in item[
        "subjects"
    ]
    assert {"name": "Budget", "rel": "tag"} in item["subjects"]
    assert item["urgency"] == 5
    assert item["copyrightHolder"] == "The Civic Ledger"
    assert "syndication agreement" in item["usageTerms"]
    assert item["altIds"] == [
        {"role": "url", "value": "https://ledger.example.org" + article.get_absolute_url()}
    ]
    assert datetime.fromisoformat(item["firstCreated"]) == article.first_published_at.replace(microsecond=0)
    assert "embargoedUntil" not in item


def test_drafts_and_scheduled_articles_never_reach_partners(client):
    ArticleFactory(headline="Out now")
    ArticleFactory(headline="Still a draft", status="draft", publish_at=None)
    ArticleFactory(headline="Under embargo", publish_at=timezone.now() + timedelta(hours=3))
    document = ninjs_of(client, "/feed/ninjs/")
    assert list(items_by_headline(document)) == ["Out now"]
    assert "Under embargo" not in json.dumps(document)


def test_premium_articles_give_their_standfirst_only(client):
    ArticleFactory(
        headline="Inside the deal",
        is_premium=True,
        standfirst="What the council agreed.",
        body="<p>The secret terms subscribers pay for.</p>",
    )
    document = ninjs_of(client, "/feed/ninjs/")
    item = items_by_headline(document)["Inside the deal"]
    assert item["representationType"] == "partial"
    assert item["bodies"] == [
        {"role": "summary", "contentType": "text/plain", "value": "What the council agreed."}
    ]
    assert "secret terms" not in json.dumps(document)


def test_urgency_follows_live_coverage_and_the_front_page(client):
    live = ArticleFactory(headline="Live: the storm")
    LiveCoverageFactory(article=live)
    lead = ArticleFactory(headline="The lead story")
    home, _ = FrontPage.objects.get_or_create(section=None)
    FrontPageSlot.objects.create(page=home, article=lead, position=1)
    ArticleFactory(headline="An ordinary day")
    items = items_by_headline(ninjs_of(client, "/feed/ninjs/"))
    assert items["Live: the storm"]["urgency"] == 2
    assert items["The lead story"]["urgency"] == 3
    assert items["An ordinary day"]["urgency"] == 5


def test_a_partners_article_keeps_the_partners_rights(client):
    partner = SourceFactory(name="Harbour Gazette", attribution="First published by the Harbour Gazette.")
    ArticleFactory(headline="Ferry timetable changes", source=partner)
    item = items_by_headline(ninjs_of(client, "/feed/ninjs/"))["Ferry timetable changes"]
    assert item["copyrightHolder"] == "Harbour Gazette"
    assert item["usageTerms"].startswith("First published by the Harbour Gazette.")
    assert item["infoSources"] == [{"name": "Harbour Gazette", "role": "originator"}]


def test_each_item_links_the_licence_staff_set_as_its_json_ld_does(client):
    settings_row = singleton_row(SiteSettings)
    settings_row.licence_url = "https://ledger.example.org/terms/"
    settings_row.save()
    partner = SourceFactory(
        name="Harbour Gazette", licence_url="https://creativecommons.org/licenses/by/4.0/"
    )
    ArticleFactory(headline="Ferry timetable changes", source=partner)
    ArticleFactory(headline="Tram depot expands")
    ArticleFactory(
        headline="Open data release", licence_url="https://creativecommons.org/licenses/by-sa/4.0/"
    )

    items = items_by_headline(ninjs_of(client, "/feed/ninjs/"))

    assert items["Ferry timetable changes"]["rightsInfo"] == {
        "linkedRights": "https://creativecommons.org/licenses/by/4.0/"
    }
    assert items["Tram depot expands"]["rightsInfo"] == {"linkedRights": "https://ledger.example.org/terms/"}
    assert items["Open data release"]["rightsInfo"] == {
        "linkedRights": "https://creativecommons.org/licenses/by-sa/4.0/"
    }


def test_without_a_licence_address_no_item_claims_one(client):
    ArticleFactory(headline="Tram depot expands")

    assert "rightsInfo" not in items_by_headline(ninjs_of(client, "/feed/ninjs/"))["Tram depot expands"]


def test_a_section_feed_holds_that_section_only(client):
    politics, sport = SectionFactory(slug="politics"), SectionFactory(slug="sport")
    ArticleFactory(headline="Budget passes", section=politics)
    ArticleFactory(headline="Cup final", section=sport)
    document = ninjs_of(client, "/politics/feed/ninjs/")
    assert list(items_by_headline(document)) == ["Budget passes"]
    assert document["uri"] == "https://ledger.example.org/politics/feed/ninjs/"
    assert client.get("/no-such-section/feed/ninjs/").status_code == 404


def test_the_feed_runs_the_same_few_queries_for_2_or_20_articles(client):
    def queries(*, cold):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            ninjs_of(client, "/feed/ninjs/")
        return len(captured)

    # The row the migration made, as every site has it (a transactional test run earlier in
    # this process empties the table).
    singleton_row(SiteSettings)
    for _ in range(2):
        ArticleFactory(tags=["Budget"], authors=[AuthorFactory(), AuthorFactory()])
    few = queries(cold=True)
    for _ in range(18):
        ArticleFactory(tags=["Budget", "Water"], source=SourceFactory())
    # With the cache cold, the site settings (their row and sister publications) come too.
    assert queries(cold=True) == few <= 4
    # Kept afterwards, as on every page.
    assert queries(cold=False) <= 2


PARTNER_TOKEN = "partner-token-" + "x" * 40


@pytest.fixture
def partner_tokens(settings):
    settings.NINJS_PARTNER_TOKENS = ["another-partner-" + "y" * 40, PARTNER_TOKEN]
    settings.NINJS_EMBARGO_HOURS = 48


def as_partner(token=PARTNER_TOKEN):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_partner_gets_scheduled_articles_under_embargo_and_the_public_never_does(client, partner_tokens):
    soon = timezone.now() + timedelta(hours=6)
    ArticleFactory(headline="Budget passes", publish_at=timezone.now() - timedelta(hours=1))
    ArticleFactory(headline="Minister to resign tonight", publish_at=soon)
    ArticleFactory(headline="Next week's story", publish_at=timezone.now() + timedelta(days=5))
    ArticleFactory(headline="A draft", status="draft", publish_at=None)

    public = client.get("/feed/ninjs/")
    partner = client.get("/feed/ninjs/", **as_partner())

    assert set(items_by_headline(public.json())) == {"Budget passes"}
    items = items_by_headline(partner.json())
    assert set(items) == {"Budget passes", "Minister to resign tonight"}
    assert datetime.fromisoformat(items["Minister to resign tonight"]["embargoedUntil"]) == soon.replace(
        microsecond=0
    )
    assert "embargoedUntil" not in items["Budget passes"]
    # Each embargoed item still validates against the schema.
    validator = Draft202012Validator(SCHEMA)
    assert not list(validator.iter_errors(items["Minister to resign tonight"]))
    # The partner's answer is theirs alone; the public one names what it varies by.
    assert "private" in partner["Cache-Control"]
    assert "no-store" in partner["Cache-Control"]
    assert "Authorization" in public["Vary"]


def test_the_public_feed_cached_for_readers_never_serves_a_partner_its_embargoed_copy(
    client, partner_tokens, settings
):
    settings.PAGE_CACHE_ENABLED = True
    ArticleFactory(headline="Minister to resign tonight", publish_at=timezone.now() + timedelta(hours=6))

    partner = client.get("/feed/ninjs/", **as_partner())
    public = client.get("/feed/ninjs/")

    assert "Minister to resign tonight" in items_by_headline(partner.json())
    assert "Minister to resign tonight" not in items_by_headline(public.json())


@pytest.mark.parametrize(
    "header", ["Bearer wrong-token", "Bearer ", "bearer another-token", "Bearer " + PARTNER_TOKEN[:-1]]
)
def test_a_token_we_do_not_know_is_refused_in_plain_words(client, partner_tokens, header):
    ArticleFactory(headline="Minister to resign tonight", publish_at=timezone.now() + timedelta(hours=6))

    response = client.get("/feed/ninjs/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert "We do not know that token" in response.json()["error"]
    assert "Minister" not in response.content.decode()


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", f"Token {PARTNER_TOKEN}"])
def test_credentials_of_another_kind_get_the_public_feed(client, partner_tokens, header):
    # A staging site behind a password, say: its Authorization header is not meant for us.
    ArticleFactory(headline="Budget passes")
    ArticleFactory(headline="Minister to resign tonight", publish_at=timezone.now() + timedelta(hours=6))

    response = client.get("/feed/ninjs/", HTTP_AUTHORIZATION=header)

    assert set(items_by_headline(response.json())) == {"Budget passes"}


def test_with_no_partners_configured_every_token_is_refused(client, settings):
    settings.NINJS_PARTNER_TOKENS = []

    assert client.get("/feed/ninjs/", **as_partner()).status_code == 401


def test_a_section_feed_gives_a_partner_that_sections_embargoed_articles_only(client, partner_tokens):
    politics = SectionFactory(name="Politics", slug="politics")
    ArticleFactory(headline="Vote tonight", section=politics, publish_at=timezone.now() + timedelta(hours=2))
    ArticleFactory(headline="Clinic opens", publish_at=timezone.now() + timedelta(hours=2))

    items = items_by_headline(ninjs_of_partner(client, "/politics/feed/ninjs/"))

    assert set(items) == {"Vote tonight"}


def ninjs_of_partner(client, url):
    response = client.get(url, **as_partner())
    assert response.status_code == 200
    return response.json()


def test_a_short_partner_token_fails_the_deploy_check(settings):
    settings.NINJS_PARTNER_TOKENS = ["short"]
    errors = partner_tokens_are_long(None)

    assert [error.id for error in errors] == ["newsroom.E001"]
    settings.NINJS_PARTNER_TOKENS = [PARTNER_TOKEN]
    assert partner_tokens_are_long(None) == []
