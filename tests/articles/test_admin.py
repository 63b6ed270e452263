"""The article admin as editors use it: the list, the form (bylines, tags, created_by), the
warning on a save over somebody else's newer change, the planning page and the other
editorial models."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles import services
from articles.models import Article, ArticleAuthor
from tests.articles.editorial_helpers import (
    ADD_URL,
    CHANGELIST_URL,
    article_form,
    change_url,
    follow_messages,
)
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_state_section_authors_source_and_publish_time(client, editor):
    source = SourceFactory(name="Fiscal Institute")
    first, second = AuthorFactory(name="Ada Byline"), AuthorFactory(name="Ben Byline")
    ArticleFactory(headline="Syndicated budget analysis", source=source, authors=[first, second])
    ArticleFactory(headline="Tomorrow's story", publish_at=timezone.now() + timedelta(days=1))
    client.force_login(editor)

    page = client.get(CHANGELIST_URL).content.decode()

    assert "Syndicated budget analysis" in page
    assert "Fiscal Institute" in page
    assert "Ada Byline, Ben Byline" in page
    assert "Scheduled" in page
    for heading in ("State", "Section", "Authors", "Source", "Publish at"):
        assert f">{heading}<" in page or f">{heading}</a>" in page


def test_the_list_filters_by_state_source_and_author_and_searches(client, editor, writer):
    source = SourceFactory(name="Fiscal Institute")
    ada = AuthorFactory(name="Ada Byline")
    ArticleFactory(headline="From the partner", source=source)
    ArticleFactory(headline="By Ada", authors=[ada])
    ArticleFactory(headline="Coming soon", publish_at=timezone.now() + timedelta(hours=3))
    client.force_login(editor)

    def headlines(query):
        response = client.get(CHANGELIST_URL, query)
        assert response.status_code == 200
        return {article.headline for article in response.context["cl"].result_list}

    assert headlines({"state": "scheduled"}) == {"Coming soon"}
    assert headlines({"source__id__exact": source.pk}) == {"From the partner"}
    assert headlines({"author": ada.pk}) == {"By Ada"}
    assert headlines({"author": "not-a-number"}) == set()
    assert headlines({"q": "partner"}) == {"From the partner"}


def test_the_author_filter_offers_the_newsroom_s_own_writers_not_every_byline(client, editor, writer):
    staff_author = writer.author_profile
    guest = AuthorFactory(name="Guest Contributor")
    ArticleFactory(headline="By Wendy", authors=[staff_author])
    ArticleFactory(headline="By a guest", authors=[guest])
    client.force_login(editor)

    page = client.get(CHANGELIST_URL).content.decode()

    assert f'?author={staff_author.pk}"' in page
    assert "Wendy Writer</a>" in page
    assert "Guest Contributor</a>" not in page
    # Guests are found by name through the search box, which searches bylines.
    found = client.get(CHANGELIST_URL, {"q": "Guest Contributor"}).context["cl"].result_list
    assert [article.headline for article in found] == ["By a guest"]


def test_the_list_runs_a_fixed_number_of_queries(client, editor, django_assert_max_num_queries):
    for _ in range(12):
        ArticleFactory(authors=[AuthorFactory(), AuthorFactory()], source=SourceFactory())
    client.force_login(editor)
    client.get(CHANGELIST_URL)

    with django_assert_max_num_queries(20):
        client.get(CHANGELIST_URL)


def test_an_article_is_written_with_an_ordered_byline_roles_and_tags(client, editor):
    section = SectionFactory()
    ada, ben = AuthorFactory(name="Ada Byline"), AuthorFactory(name="Ben Byline")
    housing = Tag.objects.create(name="Housing")
    client.force_login(editor)
    data = article_form(section=section.pk, authors=[ben, ada], roles={ada: "Data"}, tags=[housing])
    data["new_tags"] = "Budgets, local government"

    response = client.post(ADD_URL, data | {"_save_draft": "Save draft"})

    follow_messages(client, response)
    article = Article.objects.get(slug="council-approves-the-new-library")
    assert [(b.author.name, b.display_role) for b in article.bylines.all()] == [
        ("Ben Byline", "Reporter"),
        ("Ada Byline", "Data"),
    ]
    assert article.author_names == "Ben Byline, Ada Byline"
    assert sorted(article.tags.names()) == ["Budgets", "Housing", "local government"]
    assert article.created_by == editor
    assert article.history.first().author_names == "Ben Byline, Ada Byline"


def test_the_byline_order_can_be_changed(client, editor):
    ada, ben = AuthorFactory(name="Ada Byline"), AuthorFactory(name="Ben Byline")
    article = ArticleFactory(authors=[ada, ben])
    client.force_login(editor)

    follow_messages(client, client.post(change_url(article), article_form(article, authors=[ben, ada])))

    assert list(ArticleAuthor.objects.filter(article=article).values_list("author__name", flat=True)) == [
        "Ben Byline",
        "Ada Byline",
    ]


def test_author_and_tag_autocomplete_answer_the_article_form(client, editor):
    AuthorFactory(name="Ada Byline")
    Tag.objects.create(name="Housing")
    client.force_login(editor)
    autocomplete = reverse("admin:autocomplete")

    authors = client.get(
        autocomplete,
        {"app_label": "articles", "model_name": "articleauthor", "field_name": "author", "term": "Ada"},
    ).json()
    tags = client.get(
        autocomplete, {"app_label": "articles", "model_name": "article", "field_name": "tags", "term": "hous"}
    ).json()

    assert [result["text"] for result in authors["results"]] == ["Ada Byline"]
    assert [result["text"] for result in tags["results"]] == ["Housing"]


def test_the_form_offers_view_on_site_only_for_published_articles(client, editor):
    live = ArticleFactory()
    draft = ArticleFactory(status="draft", publish_at=None)
    client.force_login(editor)

    assert live.get_absolute_url() in client.get(change_url(live)).content.decode()
    draft_page = client.get(change_url(draft)).content.decode()
    assert "View on site" not in draft_page
    assert reverse("admin:articles_article_preview", args=[draft.pk]) in draft_page


# Concurrent editing -------------------------------------------------------------------------


def test_a_save_over_a_newer_change_is_refused_naming_who_and_when_and_keeps_the_input(client, editor):
    article = ArticleFactory(headline="Original headline")
    opened = article_form(article)  # the first editor opens the form...
    colleague = UserFactory(display_name="Carla Colleague", roles=["Editor"])
    client.force_login(colleague)
    follow_messages(client, client.post(change_url(article), article_form(article, standfirst="Her update.")))
    # She leaves the page, letting go of the edit lock (articles/editing.py) her save held.
    client.post(reverse("admin:articles_article_release", args=[article.pk]))
    changed_at = timezone.localtime(article.history.first().history_date)

    client.force_login(editor)  # ...and saves after the colleague did.
    response = client.post(change_url(article), opened | {"headline": "My better headline"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Carla Colleague at {changed_at:%H:%M} on {changed_at.day} {changed_at:%B %Y}" in page
    assert "changed this article after you opened it" in page
    assert 'value="My better headline"' in page
    article.refresh_from_db()
    assert article.headline == "Original headline"
    assert article.standfirst == "Her update."


def test_after_the_warning_saving_again_replaces_the_newer_version(client, editor):
    article = ArticleFactory(headline="Original headline")
    opened = article_form(article)
    # Any other save in between, here a colleague withdrawing it.
    services.withdraw_article(article=article, by=UserFactory(roles=["Editor"]))
    client.force_login(editor)
    warned = client.post(change_url(article), opened | {"headline": "My better headline"})
    refreshed_version = warned.context["adminform"].form["loaded_version"].value()

    response = client.post(
        change_url(article), opened | {"headline": "My better headline", "loaded_version": refreshed_version}
    )

    follow_messages(client, response)
    article.refresh_from_db()
    assert article.headline == "My better headline"


def test_each_save_bumps_the_version(editor):
    article = ArticleFactory()
    version = article.version

    article.standfirst = "New summary."
    article.save()
    services.withdraw_article(article=article, by=editor)

    article.refresh_from_db()
    assert article.version == version + 2


# Planning -----------------------------------------------------------------------------------


def test_planning_lists_review_and_scheduled_articles_by_day(client, editor):
    tomorrow = timezone.now() + timedelta(days=1)
    in_review = ArticleFactory(headline="Waiting for an editor", status="review", publish_at=None)
    ArticleFactory(headline="Going out tomorrow", publish_at=tomorrow)
    ArticleFactory(headline="Leaving tomorrow", withdraw_at=tomorrow)
    ArticleFactory(headline="Already live")
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_planning")).content.decode()

    assert "Waiting for an editor" in page
    assert "Going out tomorrow" in page
    assert "Leaving tomorrow" in page
    assert "Already live" not in page
    assert timezone.localtime(tomorrow).strftime("%A") in page
    assert reverse("admin:articles_article_change", args=[in_review.pk]) in page
    assert reverse("admin:articles_article_planning") in client.get(CHANGELIST_URL).content.decode()


# Around articles ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", ["section", "source", "sponsor", "slugredirect"], ids=lambda model: f"{model} list"
)
def test_editors_manage_the_editorial_models(client, editor, model):
    client.force_login(editor)

    assert client.get(reverse(f"admin:articles_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:authors_author_changelist")).status_code == 200


def test_a_source_keeps_its_import_settings_and_refuses_import_without_a_feed(client, editor):
    section = SectionFactory()
    client.force_login(editor)
    data = {
        "name": "Fiscal Institute",
        "slug": "fiscal-institute",
        "website": "https://fiscal.example.org/",
        "attribution": "First published by the Fiscal Institute.",
        "feed_url": "",
        "import_active": "on",
        "import_mode": "draft",
        "default_section": section.pk,
        "default_tags": "",
    }

    response = client.post(reverse("admin:articles_source_add"), data)

    assert response.status_code == 200
    assert "Give the feed&#x27;s address to import it." in response.content.decode()


def test_old_addresses_are_listed_but_not_made_by_hand(client, editor):
    client.force_login(editor)

    assert client.get(reverse("admin:articles_slugredirect_add")).status_code == 403
