"""The comments region on the article page: threads, order, pages, permalinks, safe text, and
the query budget. The region is the same for every reader: the form is fetched separately."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from comments.services import comment_counts
from tests.comments.conftest import post_url
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]


def add(article, text, *, user=None, parent=None, **fields):
    """A published comment, saved the way the services save one (xtd threads it)."""
    user = user or UserFactory()
    comment = Comment(
        article=article,
        content_object=article,
        site_id=1,
        user=user,
        user_name=user.public_name,
        user_email=user.email,
        comment=text,
        parent_id=parent.pk if parent else 0,
        published_at=timezone.now(),
        **fields,
    )
    comment.save()
    return comment


def page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def region(html):
    return html[html.index('id="comments"') :]


def test_comments_show_threaded_with_name_time_and_permalink(client, article):
    alice = UserFactory(display_name="Alice Able")
    top = add(article, "The budget is too thin.", user=alice)
    reply = add(article, "I disagree.", parent=top, user=UserFactory(display_name="Bob Baker"))

    html = region(page(client, article))

    assert 'Comments <span class="discussion__count">(2)</span>' in html
    top_block = html[html.index(f'id="comment-{top.pk}"') :]
    assert "Alice Able" in top_block
    assert f'href="/comments/{top.pk}/"' in top_block
    assert "<time datetime=" in top_block
    # The reply sits in a nested list inside its parent's item.
    assert top_block.index("comment-list--replies") < top_block.index(f'id="comment-{reply.pk}"')
    assert "Bob Baker" in html


def test_the_region_carries_no_form_and_no_csrf_token_so_the_page_can_be_shared(client, commenter, article):
    add(article, "Hello.")

    html = page(client, article)

    assert "csrfmiddlewaretoken" not in html
    assert 'data-form-url="/comments/article/' in html
    assert f'href="{post_url(article)}"' in html  # the no-JavaScript way to comment
    assert "comment guidelines" in html
    assert not client.cookies.get("csrftoken")


def test_the_form_fragment_is_uncached_and_holds_the_form(client, commenter, article):
    client.force_login(commenter)

    response = client.get(f"/comments/article/{article.pk}/form/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    html = response.content.decode()
    assert "csrfmiddlewaretoken" in html
    assert 'name="security_hash"' in html
    assert '<label for="id_comment">Your comment</label>' in html
    assert "comment guidelines" in html


def test_newest_first_by_default_and_oldest_first_on_request(client, article):
    first = add(article, "Earliest thoughts.")
    second = add(article, "Later thoughts.")

    newest = region(page(client, article))
    oldest = region(page(client, article, "?comments_order=oldest"))

    assert newest.index(f'id="comment-{second.pk}"') < newest.index(f'id="comment-{first.pk}"')
    assert oldest.index(f'id="comment-{first.pk}"') < oldest.index(f'id="comment-{second.pk}"')
    assert 'aria-current="true">oldest first' in oldest


def test_long_discussions_are_paginated_and_a_permalink_opens_the_right_page(client, article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 3
    comments = [add(article, f"Comment number {n}.") for n in range(7)]
    oldest = comments[0]

    first_page = region(page(client, article))
    assert "Page 1 of 3" in first_page
    assert f'id="comment-{oldest.pk}"' not in first_page

    response = client.get(f"/comments/{oldest.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?comments_page=3#comment-{oldest.pk}"
    assert f'id="comment-{oldest.pk}"' in region(page(client, article, "?comments_page=3"))


def test_a_reply_permalink_opens_the_page_of_its_thread(client, article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    old_thread = add(article, "Old thread.")
    reply = add(article, "Late reply to the old thread.", parent=old_thread)
    add(article, "Newer one.")
    add(article, "Newest one.")

    response = client.get(f"/comments/{reply.pk}/")

    assert response["Location"].endswith(f"?comments_page=2#comment-{reply.pk}")


def test_hostile_text_is_shown_as_inert_text(client, article):
    hostile = (
        "<script>alert('x')</script>\n"
        '<img src=x onerror="alert(1)">\n'
        "javascript:alert(document.cookie)\n"
        '<a href="javascript:alert(2)">click</a>\n'
        'https://example.org/" onmouseover="alert(3)'
    )
    add(article, hostile)

    html = region(page(client, article))

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<img" not in html
    assert 'href="javascript:' not in html
    assert ' onerror="' not in html
    assert ' onmouseover="' not in html
    # The one real web address became a safe link, cut where the quote began.
    assert '<a href="https://example.org/" rel="nofollow ugc noopener">https://example.org/</a>' in html


def test_line_breaks_are_kept_and_links_made_clickable(client, article):
    add(article, "First line\nsecond line\n\nNew paragraph, see https://example.org/report?a=1&b=2.")

    html = region(page(client, article))

    assert "<p>First line<br>second line</p>" in html
    assert (
        '<a href="https://example.org/report?a=1&amp;b=2" rel="nofollow ugc noopener">'
        "https://example.org/report?a=1&amp;b=2</a>." in html
    )


def test_held_removed_and_deleted_comments_are_not_shown(client, article):
    add(article, "Visible one.")
    add(article, "Held one.", is_public=False)
    add(article, "Removed one.", is_removed=True)
    add(article, "Deleted one.", deleted_at=timezone.now())

    html = region(page(client, article))

    assert "Visible one." in html
    for hidden in ("Held one.", "Removed one.", "Deleted one."):
        assert hidden not in html
    assert "(1)</span>" in html


def test_a_removed_comment_with_replies_leaves_a_placeholder(client, article):
    parent = add(article, "Rude remark.", is_removed=True)
    add(article, "A calm answer.", parent=parent)

    html = region(page(client, article))

    assert "Rude remark." not in html
    assert "Comment removed by a moderator." in html
    assert "A calm answer." in html


def test_an_edited_comment_carries_an_edited_mark(client, article):
    add(article, "Fixed a typo.", edited_at=timezone.now())

    assert "(edited <time" in region(page(client, article))


def test_comment_counts_for_a_listing_come_from_one_query(article):
    other = ArticleFactory()
    quiet = ArticleFactory()
    for n in range(3):
        add(article, f"On the first {n}.")
    add(other, "On the second.")
    add(other, "Held.", is_public=False)

    with CaptureQueriesContext(connection) as queries:
        counts = comment_counts([article, other, quiet])

    assert len(queries) == 1
    assert counts == {article.pk: 3, other.pk: 1, quiet.pk: 0}


def test_an_article_with_500_comments_renders_its_region_in_a_fixed_number_of_queries(
    client, article, django_assert_max_num_queries
):
    users = [UserFactory() for _ in range(20)]
    roots = [add(article, f"Thread {n}.", user=users[n % 20]) for n in range(250)]
    for n, root in enumerate(roots):
        add(article, f"Reply {n}.", parent=root, user=users[(n + 1) % 20])
    assert Comment.objects.visible().filter(article=article).count() == 500
    article_alone = client.get(article.get_absolute_url())  # warm the site's own caches
    assert article_alone.status_code == 200

    from django.template import Context, Template

    template = Template("{% load comment_tags %}{% article_comments article %}")
    with django_assert_max_num_queries(7):
        html = template.render(Context({"article": article}))

    assert "(500)</span>" in html
    assert len(re.findall(r'class="comment comment--level-1"', html)) == 20  # one page of threads


def test_a_permalink_to_a_comment_that_is_not_shown_is_not_found(client, article):
    held = add(article, "Held.", is_public=False)
    draft = ArticleFactory(status="draft", publish_at=None)
    on_draft = add(draft, "On a draft.")

    assert client.get(f"/comments/{on_draft.pk}/").status_code == 404
    # A held comment's address still leads to the article (its page), without showing it.
    response = client.get(f"/comments/{held.pk}/")
    assert response.status_code == 302
    assert "Held." not in region(page(client, article))


def test_the_article_page_query_count_does_not_grow_with_comments(
    client, article, django_assert_max_num_queries
):
    add(article, "With a reply.", parent=add(article, "The first thread."))
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(article.get_absolute_url())
    for n in range(60):
        root = add(article, f"Thread {n}.")
        add(article, f"Reply {n}.", parent=root)

    with django_assert_max_num_queries(len(few)):
        client.get(article.get_absolute_url())


def test_publish_time_in_the_future_means_comments_wait(client, commenter):
    scheduled = ArticleFactory(publish_at=timezone.now() + timedelta(hours=2))
    client.force_login(commenter)

    assert client.get(post_url(scheduled)).status_code == 404
