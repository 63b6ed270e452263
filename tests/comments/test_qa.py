"""Reader Q&A: on an article whose comment policy opens it, first comments are questions and
a reply from one of the article's authors or named experts is the answer. Nobody else's reply
counts, and the page lists what has been answered."""

import pytest
from django.urls import reverse

from accounts.roles import WRITER
from articles.models import ArticleAuthor
from comments.models import ArticleCommentPolicy
from newsroom.lib.generations import article_generation
from tests.admin_forms import submit_change_form
from tests.comments.conftest import form_data, post_url
from tests.comments.test_display import add, page, region
from tests.comments.test_featured import render_region
from tests.factories import AuthorFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy")]

ANSWER = '<span class="comment__label comment__label--answer">Answer</span>'
ANSWERED = '<span class="comment__label comment__label--answered">Answered</span>'


@pytest.fixture
def reporter(db):
    """The article's author, with an account."""
    user = UserFactory(email="rhea@example.org", display_name="Rhea Reporter", roles=[WRITER], verified=True)
    AuthorFactory(name="Rhea Reporter", slug="rhea-reporter", role="Housing correspondent", user=user)
    return user


@pytest.fixture
def qa_article(article, reporter):
    ArticleAuthor.objects.create(article=article, author=reporter.author_profile, position=1)
    ArticleCommentPolicy.objects.create(
        article=article, qa_enabled=True, qa_intro="Rhea answers your questions until Friday."
    )
    return article


def card_of(html, comment):
    start = html.index(f'id="comment-{comment.pk}"')
    end = html.find('<li class="comment', start + 1)
    return html[start : end if end != -1 else len(html)]


def test_the_authors_reply_is_the_answer_and_the_question_is_listed_as_answered(client, qa_article, reporter):
    question = add(qa_article, "When will the first homes be finished?")
    waiting = add(qa_article, "Who pays for the new school?")
    answer = add(qa_article, "The council expects the first in 2028.", parent=question, user=reporter)

    html = region(page(client, qa_article))

    assert "Reader Q&amp;A" in html
    assert "Rhea answers your questions until Friday." in html
    assert "<strong>1</strong> answered · <strong>1</strong> waiting for an answer" in html
    listed = html[html.index("Questions answered") : html.index("</ol>", html.index("Questions answered"))]
    assert f'href="/comments/{question.pk}/">When will the first homes be finished?</a>' in listed
    assert "Who pays" not in listed
    assert ANSWERED in card_of(html, question)
    assert 'class="comment comment--level-0 comment--answered"' in html
    assert ANSWER in card_of(html, answer)
    assert "Article author · Housing correspondent" in card_of(html, answer)
    assert ANSWERED not in card_of(html, waiting)
    assert "Ask a question" in html


def test_a_readers_reply_to_a_question_is_not_an_answer(client, qa_article, commenter):
    question = add(qa_article, "Is the bus route changing?")
    add(qa_article, "I heard it is.", parent=question, user=commenter)

    html = region(page(client, qa_article))

    assert ANSWER not in html
    assert ANSWERED not in html
    assert "<strong>0</strong> answered · <strong>1</strong> waiting for an answer" in html
    assert "Questions answered" not in html


def test_a_writer_who_is_not_an_author_or_expert_cannot_answer(client, qa_article, writer):
    question = add(qa_article, "What about parking?")
    add(qa_article, "Speaking as a journalist: plenty.", parent=question, user=writer)

    html = region(page(client, qa_article))

    assert ANSWER not in html
    assert "<strong>0</strong> answered" in html


def test_a_named_expert_answers_with_their_role(client, qa_article):
    expert = UserFactory(display_name="Dr Pat Planner")
    AuthorFactory(name="Pat Planner", slug="pat-planner", role="Urban planner", user=expert)
    qa_article.comment_policy.qa_experts.add(expert)
    question = add(qa_article, "Is the density sensible?")
    answer = add(qa_article, "For a site this close to the station, yes.", parent=question, user=expert)

    html = region(page(client, qa_article))

    assert "Expert · Urban planner" in card_of(html, answer)
    assert ANSWERED in card_of(html, question)


def test_without_qa_an_authors_reply_is_an_ordinary_comment(client, article, reporter):
    ArticleAuthor.objects.create(article=article, author=reporter.author_profile, position=1)
    question = add(article, "When will the first homes be finished?")
    add(article, "In 2028.", parent=question, user=reporter)

    html = region(page(client, article))

    assert "Reader Q&amp;A" not in html
    assert ANSWER not in html
    assert "Write a comment" in html


def test_an_answer_posted_through_the_form_is_shown_at_once(
    client, qa_article, reporter, django_capture_on_commit_callbacks
):
    question = add(qa_article, "Will rents be capped?")
    client.force_login(reporter)
    before = article_generation(qa_article.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            post_url(qa_article), form_data(qa_article, "Yes, for ten years.", reply_to=question.pk)
        )

    assert response.status_code == 302
    assert article_generation(qa_article.pk) > before
    client.logout()
    html = region(page(client, qa_article))
    assert ANSWERED in card_of(html, question)
    assert "Yes, for ten years." in html


def test_question_text_in_the_answered_list_is_plain_text(client, qa_article, reporter):
    question = add(qa_article, '<script>alert("q")</script> <b>bold</b>?')
    add(qa_article, "No scripts here.", parent=question, user=reporter)

    html = region(page(client, qa_article))

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt;" in html


def test_a_moderator_opens_a_qa_with_an_intro_and_an_expert_in_the_admin(
    client, moderator, article, django_capture_on_commit_callbacks
):
    expert = UserFactory(display_name="Dr Pat Planner")
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_change_form(
            moderator,
            reverse("admin:comments_articlecommentpolicy_add"),
            article=str(article.pk),
            qa_enabled="on",
            qa_intro="Ask our planner anything.",
            qa_experts=str(expert.pk),
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    question = add(article, "Why here?")
    add(article, "Because of the station.", parent=question, user=expert)

    html = region(page(client, article))

    assert "Ask our planner anything." in html
    assert "Expert</span>" in html


def test_a_qa_page_with_many_questions_keeps_its_query_count(client, qa_article, reporter, settings):
    settings.FRAGMENT_CACHE_ENABLED = False  # count the region's own queries every time
    askers = [UserFactory() for _ in range(3)]
    first = add(qa_article, "The first question?", user=askers[0])
    add(qa_article, "The first answer.", parent=first, user=reporter)
    client.get(qa_article.get_absolute_url())  # warm the site's own kept rows
    _, few = render_region(qa_article, "newest")

    for n in range(60):
        question = add(qa_article, f"Question {n}?", user=askers[n % 3])
        if n % 2:
            add(qa_article, f"Answer {n}.", parent=question, user=reporter)
            add(qa_article, f"A reader's follow-up {n}.", parent=question, user=askers[(n + 1) % 3])

    html, many = render_region(qa_article, "newest")

    assert many <= few
    assert "<strong>31</strong> answered · <strong>30</strong> waiting for an answer" in html
    assert "And 1 more below." in html  # the list links to 30
    assert html.count(ANSWERED) == 10  # a page of 20 questions, every other one answered
