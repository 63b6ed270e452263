"""The rights staff reserve in the admin reach machines: the TDMRep header and file, robots.txt
rules for named AI crawlers, and each article's licence in its JSON-LD."""

import json
import re

import pytest
from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse
from django.urls import reverse

from newsroom.middleware import RightsReservationMiddleware
from newsroom.models import AI_CRAWLERS, SiteSettings
from tests.admin_forms import submit_change_form
from tests.factories import ArticleFactory, SourceFactory, singleton_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def settings_url():
    return reverse("admin:newsroom_sitesettings_change", args=[singleton_row(SiteSettings).pk])


def robots_groups(text):
    """{user-agent: [its rules]} of a robots.txt."""
    groups, agent = {}, None
    for line in text.splitlines():
        if line.startswith("User-agent:"):
            agent = line.split(":", 1)[1].strip()
            groups[agent] = []
        elif line and agent:
            groups[agent].append(line)
    return groups


def article_json_ld(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    blocks = [
        json.loads(b) for b in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html)
    ]
    return next(block for block in blocks if block.get("headline"))


def test_out_of_the_box_every_page_reserves_mining_rights_and_ai_crawlers_are_kept_out(client):
    article = ArticleFactory()

    for url in ["/", article.get_absolute_url()]:
        assert client.get(url)["tdm-reservation"] == "1"
    assert client.get("/.well-known/tdmrep.json").json() == [{"location": "/", "tdm-reservation": 1}]
    groups = robots_groups(client.get("/robots.txt").content.decode())
    for crawler in AI_CRAWLERS:
        assert groups[crawler] == ["Disallow: /"]
    # Search engines keep reading everything they could before.
    assert "Disallow: /" not in groups["*"]


def test_staff_name_a_policy_and_the_crawlers_and_machines_see_it_at_once(
    client, chief_editor, settings_url, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    client.get(article.get_absolute_url())  # kept in the page cache with the old header

    with django_capture_on_commit_callbacks(execute=True):
        response = submit_change_form(
            chief_editor,
            settings_url,
            tdm_policy_url="/about/licensing/",
            blocked_crawlers="GPTBot\r\n\r\nExampleMiner_2\r\n",
        )

    assert response.status_code == 302
    policy = settings.SITE_URL + "/about/licensing/"
    assert client.get(article.get_absolute_url())["tdm-policy"] == policy
    assert client.get("/.well-known/tdmrep.json").json() == [
        {"location": "/", "tdm-reservation": 1, "tdm-policy": policy}
    ]
    groups = robots_groups(client.get("/robots.txt").content.decode())
    assert set(groups) == {"GPTBot", "ExampleMiner_2", "*"}


def test_rights_not_reserved_say_so_and_give_no_policy(
    client, chief_editor, settings_url, django_capture_on_commit_callbacks
):
    client.get("/")  # kept with the old header
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_change_form(
            chief_editor, settings_url, tdm_reservation="", tdm_policy_url="/about/", blocked_crawlers=""
        )

    assert response.status_code == 302
    page = client.get("/")
    assert page["tdm-reservation"] == "0"
    assert "tdm-policy" not in page
    assert client.get("/.well-known/tdmrep.json").json() == [{"location": "/", "tdm-reservation": 0}]
    assert list(robots_groups(client.get("/robots.txt").content.decode())) == ["*"]


@pytest.mark.parametrize(
    "bad_line",
    ["Allow: /", "GPTBot\nDisallow:", "Evil Bot", "Bot<script>", "x" * 61, "Sitemap: https://evil.example/"],
)
def test_a_line_that_is_not_a_crawler_name_is_refused_and_the_list_kept(
    client, chief_editor, settings_url, bad_line
):
    response = submit_change_form(chief_editor, settings_url, blocked_crawlers=f"GPTBot\n{bad_line}")

    assert response.status_code == 200
    assert "is not a crawler&#x27;s name" in response.content.decode()
    assert singleton_row(SiteSettings).blocked_crawlers == "\n".join(AI_CRAWLERS)
    robots = client.get("/robots.txt").content.decode()
    assert "evil.example" not in robots
    assert "Allow: /" not in robots


def test_an_article_names_the_sites_licence_and_its_copyright(
    client, chief_editor, settings_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_change_form(chief_editor, settings_url, licence_url="https://example.org/terms/")
    article = ArticleFactory()

    data = article_json_ld(client, article)

    assert data["license"] == "https://example.org/terms/"
    assert data["copyrightHolder"]["name"]
    assert data["copyrightNotice"].endswith("All rights reserved")
    assert data["copyrightYear"] == article.publish_at.year


def test_a_partners_article_is_the_partners_under_the_partners_licence(client):
    partner = SourceFactory(
        name="Coast Institute", licence_url="https://creativecommons.org/licenses/by/4.0/"
    )
    syndicated = ArticleFactory(source=partner)
    own = ArticleFactory(licence_url="https://creativecommons.org/licenses/by-sa/4.0/")

    partner_data = article_json_ld(client, syndicated)
    own_data = article_json_ld(client, own)

    assert partner_data["copyrightHolder"]["name"] == "Coast Institute"
    assert partner_data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert own_data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    # The site's "All rights reserved" describes the site's licence, not these.
    assert "All rights reserved" not in partner_data["copyrightNotice"]


def test_a_licence_address_that_is_not_a_web_address_is_refused(client, chief_editor, settings_url):
    response = submit_change_form(chief_editor, settings_url, licence_url="javascript:alert(1)")

    assert response.status_code == 200
    assert singleton_row(SiteSettings).licence_url == ""


def test_a_page_is_served_without_the_header_when_the_settings_cannot_be_read(rf, monkeypatch):
    def database_gone():
        raise OperationalError("the database is restarting")

    monkeypatch.setattr(SiteSettings, "current", database_gone)
    middleware = RightsReservationMiddleware(lambda request: HttpResponse("<p>A page.</p>"))

    response = middleware(rf.get("/politics/"))

    assert response.status_code == 200
    assert "tdm-reservation" not in response


def test_error_pages_carry_no_rights_header(client):
    response = client.get("/no-such-page/at-all/")

    assert response.status_code == 404
    assert "tdm-reservation" not in response
