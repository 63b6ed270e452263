"""The publisher's policy pages: public at /about/<kind>/, linked from every page's footer,
kept by the chief editor in the admin, and never a way to put script on the site."""

import pytest
from django.test import Client
from django.urls import reverse

from newsroom.models import PolicyPage
from tests.admin_forms import submit_change_form
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ethics():
    return PolicyPage.objects.create(
        kind="ethics", title="Our ethics", body="<p>We give people a fair chance to answer.</p>"
    )


def test_a_policy_page_shows_its_title_and_text_at_its_own_address(client, ethics):
    response = client.get("/about/ethics/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="policy-title">Our ethics</h1>' in html
    assert "<p>We give people a fair chance to answer.</p>" in html
    assert "Last updated" in html


def test_a_policy_nobody_has_written_is_not_found(client, ethics):
    assert client.get("/about/masthead/").status_code == 404
    assert client.get("/about/no-such-policy/").status_code == 404


def test_the_anonymous_policy_page_sets_no_cookie_and_may_be_cached(client, ethics):
    response = client.get("/about/ethics/")

    assert not response.cookies
    assert "private" not in response.get("Cache-Control", "")


def test_every_page_footer_links_to_the_policies_in_a_fixed_order(client, ethics):
    PolicyPage.objects.create(kind="corrections", title="How we correct mistakes", body="<p>Openly.</p>")
    article = ArticleFactory()

    for url in ("/", article.get_absolute_url(), "/about/ethics/"):
        html = client.get(url).content.decode()
        assert "How we work" in html
        assert html.index('href="/about/corrections/">How we correct mistakes') < html.index(
            'href="/about/ethics/">Our ethics'
        )


def test_no_footer_section_when_there_are_no_policy_pages(client):
    assert "How we work" not in client.get("/").content.decode()


def test_script_in_a_policy_body_is_removed_when_saved(client):
    PolicyPage.objects.create(
        kind="masthead",
        title="Who we are",
        body='<p onclick="steal()">The desk</p><script>alert(1)</script><a href="javascript:alert(1)">x</a>',
    )

    html = client.get("/about/masthead/").content.decode()

    assert "The desk" in html
    assert "alert(1)" not in html
    assert "onclick" not in html
    assert "javascript:" not in html


def test_the_chief_editor_edits_a_policy_and_readers_see_it_at_once(
    client, chief_editor, ethics, django_capture_on_commit_callbacks
):
    assert "fair chance" in client.get("/about/ethics/").content.decode()  # cached the old text
    assert 'href="/about/ethics/">Our ethics' in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = submit_change_form(
            chief_editor,
            reverse("admin:newsroom_policypage_change", args=[ethics.pk]),
            title="Our standards",
            body="<p>We name our sources.</p>",
        )

    assert response.status_code == 302
    assert "We name our sources." in client.get("/about/ethics/").content.decode()
    # The footer is kept under the site generation: the save moved it.
    assert 'href="/about/ethics/">Our standards' in client.get("/").content.decode()


def test_editors_may_read_the_policies_but_not_change_them(editor, ethics):
    desk = Client()
    desk.force_login(editor)
    url = reverse("admin:newsroom_policypage_change", args=[ethics.pk])

    page = desk.get(url).content.decode()
    desk.post(url, {"kind": "ethics", "title": "Changed", "body": "<p>Changed</p>"})

    assert "We give people a fair chance" in page
    assert 'name="_save"' not in page
    ethics.refresh_from_db()
    assert ethics.title == "Our ethics"


def test_each_kind_has_one_page(chief_editor, ethics):
    desk = Client()
    desk.force_login(chief_editor)

    response = desk.post(
        reverse("admin:newsroom_policypage_add"),
        {"kind": "ethics", "title": "A second ethics page", "body": "<p>Again</p>"},
    )

    assert response.status_code == 200
    assert "There is already a page for this policy: edit that one instead." in response.content.decode()
    assert PolicyPage.objects.count() == 1
