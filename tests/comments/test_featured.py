"""Editors' picks: moderators mark comments that add to the story; readers find them first,
labelled, and under the Featured order. Nobody else can pick, and a comment taken down is
never shown as a pick."""

import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import services
from comments.models import Comment, ModerationLogEntry
from newsroom.lib.generations import article_generation
from tests.comments.test_display import add, page, region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]

PICK_LABEL = "Editors’ pick</span>"


def feature(client, comment, featured="1", next_url=""):
    return client.post(f"/comments/{comment.pk}/feature/", {"featured": featured, "next": next_url})


def order_of(html, *comments):
    return sorted(comments, key=lambda comment: html.index(f'id="comment-{comment.pk}"'))


def test_a_moderator_picks_a_comment_and_readers_see_it_first_with_the_label(
    client, moderator, article, django_capture_on_commit_callbacks
):
    older = add(article, "Residents were not consulted on the route.")
    newer = add(article, "Great news for cyclists.")
    client.force_login(moderator)
    before = article_generation(article.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = feature(client, older, next_url=f"{article.get_absolute_url()}#comment-{older.pk}")

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{older.pk}"
    assert article_generation(article.pk) > before  # the cached page drops
    client.logout()
    html = region(page(client, article))
    assert order_of(html, older, newer) == [older, newer]
    card = html[html.index(f'id="comment-{older.pk}"') : html.index(f'id="comment-{newer.pk}"')]
    assert PICK_LABEL in card
    assert PICK_LABEL not in html[html.index(f'id="comment-{newer.pk}"') :]
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.actor, entry.comment) == ("featured", moderator, older)


def test_unpicking_puts_the_comment_back_in_its_place_and_is_logged(client, moderator, article):
    older = add(article, "An older thought.")
    newer = add(article, "A newer thought.")
    services.feature_comment(comment=older, by=moderator)
    client.force_login(moderator)

    assert feature(client, older, featured="0").status_code == 302

    html = region(page(client, article))
    assert order_of(html, older, newer) == [newer, older]
    assert PICK_LABEL not in html
    actions = list(ModerationLogEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["featured", "unfeatured"]


def test_the_featured_order_shows_only_threads_with_a_pick_and_pages_keep_it(
    client, moderator, article, settings
):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    picks = []
    for n in range(5):
        root = add(article, f"Thread {n}.")
        if n % 2 == 0:
            reply = add(article, f"A reply worth reading {n}.", parent=root)
            services.feature_comment(comment=reply, by=moderator)
            picks.append(reply)

    first = region(page(client, article, "?comments_order=featured"))
    second = region(page(client, article, "?comments_order=featured&comments_page=2"))

    assert 'aria-current="true">featured (3)</a>' in first
    assert first.count(PICK_LABEL) == 2
    assert second.count(PICK_LABEL) == 1
    assert "Thread 1." not in first + second
    assert "Thread 3." not in first + second
    assert "comments_order=featured&amp;comments_page=2" in first
    # The latest pick leads.
    assert order_of(first, picks[2], picks[1]) == [picks[2], picks[1]]
    assert f'id="comment-{picks[0].pk}"' in second


def test_the_featured_order_without_picks_says_so(client, article):
    add(article, "Nobody picked me.")

    html = region(page(client, article, "?comments_order=featured"))

    assert "No editors’ picks yet." in html
    assert "Nobody picked me." not in html


def test_a_removed_or_deleted_pick_is_never_shown_as_a_pick(client, moderator, article, reasons):
    removed = add(article, "Picked, then removed.")
    deleted = add(article, "Picked, then deleted.")
    kept = add(article, "Picked and kept.")
    for comment in (removed, deleted, kept):
        services.feature_comment(comment=comment, by=moderator)
    add(article, "A reply keeps the removed one's thread.", parent=removed)
    services.remove_comment(comment=removed, by=moderator, reason=reasons["spam"])
    services.delete_comment(comment=deleted, by=deleted.user)

    default = region(page(client, article))
    featured = region(page(client, article, "?comments_order=featured"))

    assert default.count(PICK_LABEL) == 1
    assert featured.count(PICK_LABEL) == 1
    assert "Picked and kept." in featured
    assert "Picked, then removed." not in default + featured
    assert "featured (1)" in default


def test_a_comment_readers_cannot_see_cannot_be_picked(client, moderator, article):
    held = add(article, "Waiting for a moderator.", is_public=False)
    client.force_login(moderator)

    response = feature(client, held, next_url="/comments/moderation/")
    assert response.status_code == 302
    messages = [str(message) for message in response.wsgi_request._messages]

    held.refresh_from_db()
    assert held.featured_at is None
    assert messages == ["Only a comment readers can see can be an editors' pick."]
    assert not ModerationLogEntry.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "reader", "writer", "editor"])
def test_only_moderators_can_pick_comments(client, article, who, request):
    comment = add(article, "Pick me.")
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    assert feature(client, comment).status_code == 403
    services.feature_comment(comment=comment, by=None)
    assert feature(client, comment, featured="0").status_code == 403

    comment.refresh_from_db()
    assert comment.featured_at is not None
    assert list(ModerationLogEntry.objects.values_list("action", flat=True)) == ["featured"]


def test_picking_refuses_a_get_and_an_unclear_choice(client, moderator, article):
    comment = add(article, "Pick me.")
    client.force_login(moderator)

    assert client.get(f"/comments/{comment.pk}/feature/").status_code == 405
    response = feature(client, comment, featured="maybe")
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.featured_at is None


def test_moderators_pick_from_the_queue_and_the_commenter_page(client, moderator, article):
    comment = add(article, "From the queue.")
    client.force_login(moderator)

    queue = client.get("/comments/moderation/?tab=all").content.decode()
    assert f'formaction="/comments/{comment.pk}/feature/" name="featured" value="1"' in queue
    response = feature(client, comment, next_url="/comments/moderation/?tab=all")
    assert response["Location"] == "/comments/moderation/?tab=all"
    queue = client.get("/comments/moderation/?tab=all").content.decode()
    assert "<strong>Editors’ pick</strong>" in queue
    assert "Remove from editors’ picks" in queue

    commenter = client.get(f"/comments/moderation/commenters/{comment.user_id}/").content.decode()
    assert "Remove from editors’ picks" in commenter
    # An address elsewhere is not followed.
    assert feature(client, comment, "0", "https://example.com/")["Location"] == "/comments/moderation/"


def test_the_pick_button_comes_only_in_a_moderators_form_fragment(client, moderator, commenter, article):
    add(article, "A comment.")
    fragment_url = f"/comments/article/{article.pk}/form/"

    shared = page(client, article)
    assert "data-pick-form" not in shared
    assert "Make editors’ pick" not in shared
    assert "data-pick-form" not in client.get(fragment_url).content.decode()
    client.force_login(commenter)
    assert "data-pick-form" not in client.get(fragment_url).content.decode()
    client.force_login(moderator)
    fragment = client.get(fragment_url)
    assert 'action="/comments/2147483647/feature/" data-pick-form' in fragment.content.decode()
    assert "no-store" in fragment["Cache-Control"] or "private" in fragment["Cache-Control"]


def test_a_permalink_finds_a_pick_on_the_first_page(client, moderator, article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    oldest = add(article, "The first word.")
    middle = add(article, "Somewhere in between.")
    for n in range(3):
        add(article, f"Later {n}.")

    def page_of(comment):
        location = client.get(f"/comments/{comment.pk}/")["Location"]
        found = re.search(r"comments_page=(\d+)", location)
        return int(found.group(1)) if found else 1

    assert (page_of(oldest), page_of(middle)) == (3, 2)
    services.feature_comment(comment=oldest, by=moderator)
    # The pick leads; everything else moves one place down.
    assert (page_of(oldest), page_of(middle)) == (1, 3)


def render_region(article, order):
    """The comments region as the article page renders it, and the queries that took."""
    template = Template("{% load comment_tags %}{% article_comments article %}")
    request = RequestFactory().get("/", {"comments_order": order})
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"article": article, "request": request}))
    return html, len(queries)


def test_many_picks_cost_no_more_queries_than_one(client, moderator, article, settings):
    settings.FRAGMENT_CACHE_ENABLED = False  # count the region's own queries every time
    users = [add(article, "Seed.").user for _ in range(3)]
    services.feature_comment(comment=add(article, "The only pick.", user=users[0]), by=moderator)
    client.get(article.get_absolute_url())  # warm the site's own kept rows
    one_pick = {order: render_region(article, order)[1] for order in ("newest", "featured")}

    for n in range(60):
        root = add(article, f"Thread {n}.", user=users[n % 3])
        reply = add(article, f"Reply {n}.", parent=root, user=users[(n + 1) % 3])
        services.feature_comment(comment=reply if n % 2 else root, by=moderator)
    assert Comment.objects.picks().filter(article=article).count() == 61

    for order in ("newest", "featured"):
        html, queries = render_region(article, order)
        assert queries <= one_pick[order], order
        assert html.count(PICK_LABEL) == 20  # a page of threads, each with its pick
    assert one_pick["newest"] <= 3


def test_a_pick_keeps_its_time_and_a_second_pick_changes_nothing(moderator, article):
    comment = add(article, "Pick me twice.")
    services.feature_comment(comment=comment, by=moderator)
    first = Comment.objects.get(pk=comment.pk).featured_at

    services.feature_comment(comment=Comment.objects.get(pk=comment.pk), by=moderator)

    assert Comment.objects.get(pk=comment.pk).featured_at == first
    assert ModerationLogEntry.objects.count() == 1
    assert first <= timezone.now()
