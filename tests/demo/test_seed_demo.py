"""`manage.py seed_demo`: the demo users, content and pictures, idempotence, and the bulk
loader behind `--articles N`."""

import io
import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from PIL import Image
from procrastinate.contrib.django.models import ProcrastinateJob
from taggit.models import Tag

from accounts.models import User
from accounts.roles import EDITOR, MODERATOR, WRITER
from articles.models import Article, ArticleAuthor, Correction, Section, Source, Sponsor, TaggedArticle
from authors.models import Author
from comments.models import Comment
from demo import bulk
from demo.seed import DEMO_PASSWORD
from newsroom.lib.sanitize import plain_text
from newsroom.models import PolicyPage
from planning.models import PlannedStory


def run_seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("seed-media")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, media_root):
    """Seed once for the module inside a transaction that is rolled back at the end, as
    setUpTestData does: each test still runs in its own savepoint on top of it."""
    with override_settings(MEDIA_ROOT=media_root), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield run_seed()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(demo, db, media_root, settings):
    settings.MEDIA_ROOT = media_root
    cache.clear()
    return demo


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Section,
            Source,
            Sponsor,
            Author,
            Article,
            ArticleAuthor,
            TaggedArticle,
            Correction,
        )
    }


# Users ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("editor@example.com", EDITOR),
        ("writer@example.com", WRITER),
        ("moderator@example.com", MODERATOR),
    ],
)
def test_staff_demo_users_sign_into_the_admin_with_the_demo_password(seeded, client, email, role):
    user = User.objects.get(email=email)
    assert list(user.groups.values_list("name", flat=True)) == [role]
    response = client.post("/admin/login/?next=/admin/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("email", ["reader@example.com", "subscriber@example.com"])
def test_reader_demo_users_have_the_password_but_no_admin_access(seeded, client, email):
    user = User.objects.get(email=email)
    assert user.check_password(DEMO_PASSWORD)
    assert not user.is_staff
    assert not user.groups.exists()


def test_the_demo_writer_has_an_author_profile_with_bylines(seeded):
    writer = User.objects.get(email="writer@example.com")
    assert writer.author_profile.name == "Walter Quinn"
    assert writer.author_profile.bylines.filter(article__in=Article.objects.published()).count() >= 10


def test_the_demo_logins_are_written_for_make_run(seeded, settings):
    logins = (Path(settings.VAR_DIR) / "demo-logins.txt").read_text()
    assert DEMO_PASSWORD in logins
    assert "editor@example.com" in logins
    assert "subscriber@example.com" in logins


def test_the_demo_has_a_chief_editor_who_can_reach_the_site_settings(seeded, client, settings):
    logins = (Path(settings.VAR_DIR) / "demo-logins.txt").read_text()
    assert "chief@example.com" in logins
    assert "Chief editor" in logins
    assert client.login(email="chief@example.com", password=DEMO_PASSWORD)

    page = client.get("/admin/newsroom/sitesettings/1/change/")

    assert page.status_code == 200
    assert 'name="_save"' in page.content.decode()


def test_the_demo_names_its_publisher_and_sister_publications_on_every_page(seeded, client):
    article = Article.objects.published().select_related("section").first()

    html = client.get(article.get_absolute_url()).content.decode()

    assert "published by Ledger Media Cooperative" in html
    assert "The Harbour Gazette" in html
    assert "Valley Weekly" in html


# Content --------------------------------------------------------------------------------------


def test_the_demo_has_sections_authors_partners_and_sponsors(seeded):
    assert {"news", "opinion", "analysis"} <= set(Section.objects.values_list("slug", flat=True))
    assert Section.objects.count() >= 5
    assert Section.objects.filter(sponsor__isnull=False).count() == 1
    assert Author.objects.count() >= 10
    assert not Author.objects.filter(role="").exists()
    assert not Author.objects.filter(bio="").exists()
    assert Source.objects.count() == 4
    assert Source.objects.exclude(feed_url="").filter(import_active=False).count() == 1
    assert Sponsor.objects.count() == 2


def test_the_demo_articles_cover_every_state(seeded):
    visible = Article.objects.published()
    assert 45 <= visible.count() <= 60
    assert Article.objects.filter(status=Article.Status.DRAFT).count() >= 3
    assert Article.objects.in_review().count() >= 2
    assert Article.objects.scheduled().count() == 2
    assert Article.objects.filter(status=Article.Status.WITHDRAWN).count() == 1
    assert 55 <= Article.objects.count() <= 70


def test_the_demo_articles_include_every_kind_of_piece(seeded):
    visible = Article.objects.published()
    assert visible.filter(is_premium=True).count() >= 4
    assert visible.filter(sponsor__isnull=False).count() == 1
    assert visible.exclude(video_url="").count() == 1
    syndicated = visible.filter(source__isnull=False)
    assert syndicated.count() >= 3
    assert not syndicated.filter(original_url="").exists()
    assert Correction.objects.filter(article__in=visible).count() >= 1


def test_the_demo_shows_its_trust_indicators_and_all_six_policy_pages(seeded, client):
    visible = Article.objects.published()
    types = set(visible.values_list("type_of_work", flat=True))
    assert {"news", "analysis", "opinion", "sponsored", "live"} <= types
    noted = visible.exclude(dateline="").exclude(sources_and_method="").first()
    assert noted is not None
    assert Author.objects.exclude(fediverse_handle="").exclude(expertise="").exclude(contact="").exists()
    assert PolicyPage.objects.count() == len(PolicyPage.Kind)

    html = client.get(noted.get_absolute_url()).content.decode()

    assert '<aside class="sources-box"' in html
    for kind in PolicyPage.Kind:
        assert f'href="/about/{kind}/"' in html


def test_every_published_demo_article_is_complete(seeded):
    headlines, standfirsts = set(), set()
    for article in Article.objects.published().prefetch_related("bylines", "tags"):
        assert article.section_id, article.headline
        assert article.bylines.all(), article.headline
        assert article.author_names, article.headline
        assert len(plain_text(article.body).split()) >= 200, article.headline
        assert 3 <= len(article.tags.all()) <= 5, article.headline
        # Only corrected pieces say "Updated"; seeding is not an edit.
        assert article.was_updated == article.corrections.exists(), article.headline
        headlines.add(article.headline)
        standfirsts.add(article.standfirst)
    # Every headline and standfirst is its own, not a template with a number in it.
    assert len(headlines) == len(standfirsts) == Article.objects.published().count()


def test_some_demo_bylines_carry_several_authors_and_a_role(seeded):
    shared = [article for article in Article.objects.published() if article.bylines.count() > 1]
    assert len(shared) >= 5
    assert ArticleAuthor.objects.exclude(role="").exists()


def test_a_demo_article_reads_on_its_page_with_its_byline_and_picture(seeded, client):
    article = Article.objects.published().filter(is_premium=False).exclude(featured_image="").first()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert article.headline.replace("'", "&#x27;") in page
    assert article.bylines.first().author.name in page


def test_the_demo_advertising_page_shows_a_rate_card(seeded, client):
    page = client.get("/advertise/").content.decode()

    assert "Our readers run councils" in page
    assert "£1,250.00</strong> per week" in page
    assert "Price on request" in page


def test_the_demo_has_a_live_page_with_a_pinned_and_a_corrected_entry(seeded, client):
    article = Article.objects.published().get(live__isnull=False)
    entries = list(article.live_entries.all())

    page = client.get(article.get_absolute_url()).content.decode()

    assert len(entries) == 8
    assert sum(entry.pinned for entry in entries) == 1
    assert [entry for entry in entries if entry.correction_note and entry.corrected_at]
    assert "Latest updates" in page
    assert "Key points so far" in page
    assert "An earlier version gave the Fiscal Council" in page


def test_the_demo_writer_has_assignments_on_the_story_budget_one_of_them_late(seeded, client):
    writer = User.objects.get(email="writer@example.com")
    client.force_login(writer)

    desk = client.get("/admin/").content.decode()

    assert PlannedStory.objects.assigned_to(writer).open().count() >= 3
    assert PlannedStory.objects.assigned_to(writer).overdue().exists()
    assert "My assignments" in desk
    assert "ferry timetable cuts" in desk
    # The live page was planned too, and the budget links to it.
    assert PlannedStory.objects.filter(article__live__isnull=False).exists()


def test_the_demo_finds_words_spelt_wrong_and_without_their_accents(seeded, client):
    response = client.get("/search/", {"q": "assembley budjet"})

    assert response.context["suggestion"] == "assembly budget"


def test_demo_pictures_are_real_images_of_the_right_size(seeded):
    featured = Article.objects.exclude(featured_image="")
    assert featured.count() >= Article.objects.count() // 2
    for article in featured:
        assert article.image_alt, article.headline
        assert article.image_caption, article.headline
        assert article.image_credit, article.headline
        with Image.open(article.featured_image.path) as image:
            assert (image.format, image.size) == ("JPEG", (1600, 900))
    for author in Author.objects.all():
        with Image.open(author.photo.path) as image:
            assert image.format == "PNG"
            assert image.size[0] == image.size[1] >= 200
    for organisation in [*Source.objects.all(), *Sponsor.objects.all()]:
        with Image.open(organisation.logo.path) as image:
            image.verify()


def test_loading_the_demo_emails_nobody(seeded):
    # The demo's stories go through the workflow (sent for review, published), which tells
    # editors and authors in service; a demo load is history, not news to anyone.
    assert not ProcrastinateJob.objects.filter(args__template="email/desk_notice").exists()
    assert Article.objects.in_review().exists()  # the workflow did run


def test_a_second_run_adds_nothing(seeded, media_root):
    before = counts()
    files_before = sorted(path for path in media_root.rglob("*") if path.is_file())

    output = run_seed()

    assert counts() == before
    assert sorted(path for path in media_root.rglob("*") if path.is_file()) == files_before
    assert "articles: 0 created" in output
    assert "users: 0 created, 6 already there" in output
    assert "site settings: 0 created, 1 already there" in output
    assert "sister publications: 0 created, 2 already there" in output
    assert "advertising options: 0 created, 3 already there" in output
    assert "policy pages: 0 created, 6 already there" in output


# Generated articles for benchmarks ------------------------------------------------------------


def test_generated_articles_are_added_with_bylines_and_tags_that_readers_can_find(seeded, client):
    articles_before = Article.objects.count()
    published_before = Article.objects.published().count()
    last_id = Article.objects.order_by("-id").values_list("id", flat=True).first()

    output = run_seed("--articles", "300", "--authors", "40", "--seed", "7")

    new = Article.objects.filter(id__gt=last_id)
    assert Article.objects.count() == articles_before + 300
    assert new.count() == 300
    assert Article.objects.published().count() - published_before == new.published().count() > 250
    assert not new.filter(bylines__isnull=True).exists()
    assert not new.filter(tags__isnull=True).exists()
    assert not new.filter(section__isnull=True).exists()
    assert new.values("bylines__author").distinct().count() > 10
    assert "Added 300 articles" in output

    # The generated search column is filled in for bulk rows: full-text search finds them.
    article = next(a for a in new.published() if re.fullmatch(r"[A-Za-z ]+", a.headline))
    query = SearchQuery(article.headline, search_type="plain", config="english")
    assert article in Article.objects.published().filter(search=query)
    response = client.get("/search/", {"q": article.headline})
    assert article.headline in [result.headline for result in response.context["results"]]


def test_generated_articles_span_the_archive_oldest_first_as_a_newsroom_writes_them(seeded):
    last_id = Article.objects.order_by("-id").values_list("id", flat=True).first()
    run_seed("--articles", "200", "--authors", "20", "--seed", "5")

    # Published and scheduled ones in id order are in time order: the ones scheduled for the
    # next fortnight were written last, as a newsroom writes them.
    new = Article.objects.filter(id__gt=last_id)
    published = list(new.published().order_by("id").values_list("publish_at", flat=True))
    assert len(published) > 150
    assert published == sorted(published)
    assert published[-1] - published[0] > timedelta(days=3 * 365)
    scheduled = list(new.scheduled().order_by("id").values_list("id", "publish_at"))
    assert scheduled
    assert [when for _, when in scheduled] == sorted(when for _, when in scheduled)
    assert scheduled[0][0] > new.published().order_by("-id").values_list("id", flat=True).first()


def test_running_articles_again_adds_as_many_again_without_slug_collisions(seeded):
    run_seed("--articles", "120", "--authors", "20", "--seed", "3")
    # The same seed produces the same text: only the ids keep the slugs apart.
    run_seed("--articles", "120", "--authors", "20", "--seed", "3")
    generated = Article.objects.filter(bylines__author__slug__regex=r"-\d+$").distinct()
    assert generated.count() == 240
    assert Author.objects.filter(slug__regex=r"-\d+$").count() == 20


def index_names():
    return {name for name, _ in bulk.secondary_indexes(bulk.LOADED_TABLES)}


def test_a_large_load_rebuilds_the_indexes_it_set_aside(seeded, monkeypatch):
    monkeypatch.setattr(bulk, "SET_ASIDE_MIN_ROWS", 10)
    before = index_names()
    assert "article_search_week_gin" in before

    output = run_seed("--articles", "50", "--authors", "10")

    assert index_names() == before
    assert "indexes set aside and rebuilt" in output
    query = SearchQuery("Harbourton", config="english")
    assert Article.objects.filter(search=query).exists()


def test_a_failed_load_still_rebuilds_the_indexes(seeded, monkeypatch):
    monkeypatch.setattr(bulk, "SET_ASIDE_MIN_ROWS", 10)
    before = index_names()
    articles_before = Article.objects.count()

    def broken(self, *args):
        raise RuntimeError("generator failed")

    monkeypatch.setattr(bulk.ArticleLoader, "_generate", broken)
    with pytest.raises(RuntimeError, match="generator failed"):
        run_seed("--articles", "50", "--authors", "10")

    assert index_names() == before
    assert Article.objects.count() == articles_before


# Benchmark scale: comments, tags and authors that grow with --articles -------------------------


def generated_comments():
    return Comment.objects.filter(user__email__startswith="commenter-")


def test_generated_comments_crowd_onto_a_few_hot_published_articles(seeded, client):
    output = run_seed("--articles", "1500", "--comments", "3000", "--seed", "5")

    comments = generated_comments()
    assert comments.count() == 3000
    assert "Added 3,000 comments" in output
    # Every one is on an article readers can see.
    assert not comments.exclude(article__in=Article.objects.published()).exists()
    per_article = sorted(
        comments.values("article").annotate(n=Count("pk")).values_list("n", flat=True), reverse=True
    )
    top_share = sum(per_article[: Article.objects.published().count() // 100]) / 3000
    assert top_share > 0.5, f"the top 1% of articles hold only {top_share:.0%} of the comments"
    # Most published articles have no discussion at all.
    assert len(per_article) < Article.objects.published().count() / 2

    # About a third are replies, each in the thread of an earlier comment on the same article.
    replies = comments.filter(level=1)
    assert 700 < replies.count() < 1400
    for reply in replies.order_by("?")[:50]:
        root = Comment.objects.get(pk=reply.thread_id)
        assert root.level == 0
        assert root.article_id == reply.article_id
        assert root.submit_date <= reply.submit_date
    for root in comments.filter(level=0, nested_count__gt=0)[:50]:
        assert comments.filter(thread_id=root.pk, level=1).count() == root.nested_count

    # The hottest story shows its discussion to readers.
    hottest = comments.values("article").annotate(n=Count("pk")).order_by("-n").first()["article"]
    article = Article.objects.get(pk=hottest)
    page = unescape(client.get(article.get_absolute_url()).content.decode())
    assert Comment.objects.visible().filter(article=article).count() > 20
    shown = [
        text
        for text in comments.visible().filter(article=article).values_list("comment", flat=True)
        if text in page
    ]
    assert len(shown) >= 10


def test_generated_articles_carry_a_few_tags_from_a_long_tailed_vocabulary(seeded):
    tags_before = Tag.objects.count()
    last_id = Article.objects.order_by("-id").values_list("id", flat=True).first()

    run_seed("--articles", "2000", "--comments", "0", "--seed", "11")

    new = Article.objects.filter(id__gt=last_id)
    per_article = list(new.annotate(n=Count("tags")).values_list("n", flat=True))
    assert min(per_article) >= 2
    assert max(per_article) <= 7
    assert Tag.objects.count() - tags_before >= 50
    uses = sorted(
        TaggedArticle.objects.filter(content_object__in=new)
        .values("tag")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True),
        reverse=True,
    )
    # A long tail: the busiest tag is on more than a tenth of the articles, while a quarter of
    # the tags are each on fewer than one in fifty.
    assert uses[0] > 200
    assert uses[3 * len(uses) // 4] < 40


def test_the_author_pool_and_comments_grow_with_the_number_of_articles(seeded):
    output = run_seed("--articles", "400", "--seed", "13")

    assert "bylines from a pool of 300 authors" in output  # at least 300, one per 100 articles
    assert generated_comments().count() == 200  # half as many comments as articles by default


def test_running_comments_again_adds_as_many_again_and_the_plain_seed_adds_none(seeded):
    run_seed("--articles", "300", "--comments", "400", "--seed", "17")
    comments_before = generated_comments().count()
    commenters_before = User.objects.filter(email__startswith="commenter-").count()

    run_seed()
    assert generated_comments().count() == comments_before

    run_seed("--comments", "400", "--seed", "19")
    assert generated_comments().count() == comments_before + 400
    assert User.objects.filter(email__startswith="commenter-").count() == commenters_before
    # The threads of both runs hold together: every reply's root exists, on the same article.
    orphans = (
        generated_comments()
        .filter(level=1)
        .exclude(thread_id__in=generated_comments().filter(level=0).values("pk"))
    )
    assert not orphans.exists()


def test_negative_comment_counts_are_refused_in_plain_words(seeded):
    with pytest.raises(CommandError, match="--comments must be zero or more, not -5"):
        run_seed("--comments", "-5")
