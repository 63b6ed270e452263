"""Each demo article reads as one story: no paragraph of one topic's story turns up in a story
about another topic, in the hand-written stories or in the generated benchmark articles."""

import re
from collections import defaultdict

from django.utils.html import escape

from demo.paragraphs import NEXT_STEPS, OPINION_CLOSES
from demo.stories import STORIES, body_html
from demo.synthetic import TOPICS, ArticleWriter

PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


def shared_across_topics(bodies_by_topic):
    """{paragraph: topics} for every paragraph found in the bodies of more than one topic."""
    topics_of = defaultdict(set)
    for topic, body in bodies_by_topic:
        for paragraph in PARAGRAPH.findall(body):
            topics_of[paragraph].add(topic)
    return {paragraph: topics for paragraph, topics in topics_of.items() if len(topics) > 1}


def test_the_checker_finds_a_paragraph_shared_by_two_topics():
    bodies = [("budget", "<p>Same words.</p><p>Budget words.</p>"), ("courts", "<p>Same words.</p>")]
    assert shared_across_topics(bodies) == {"Same words.": {"budget", "courts"}}


def test_no_hand_written_story_borrows_a_paragraph_from_another_topic():
    shared = shared_across_topics((story.topic, body_html(story)) for story in STORIES)
    assert shared == {}, shared


def test_every_hand_written_story_closes_on_its_own_topic():
    for story in STORIES:
        if story.sponsor:
            continue
        last = PARAGRAPH.findall(body_html(story))[-1]
        if story.section == "opinion":
            assert last == escape(OPINION_CLOSES[story.topic]), story.headline
        elif story.section != "analysis":
            assert last == escape(NEXT_STEPS[story.topic]), story.headline


def test_no_generated_article_shares_a_paragraph_with_another_topic():
    # Two thousand articles: more than a small seed makes, and the same text for a given seed.
    writer = ArticleWriter(seed=23)
    articles = [writer.article() for _ in range(2000)]

    assert {article.topic for article in articles} == set(TOPICS)
    shared = shared_across_topics((article.topic, article.body) for article in articles)
    assert shared == {}, list(shared.items())[:3]


def test_every_generated_paragraph_names_its_own_subject():
    writer = ArticleWriter(seed=5)
    for _ in range(500):
        article = writer.article()
        phrases = TOPICS[article.topic][0]
        for paragraph in PARAGRAPH.findall(article.body):
            assert any(phrase in paragraph for phrase in phrases), paragraph


def test_subject_phrases_belong_to_one_topic_each():
    owners = defaultdict(set)
    for topic, (phrases, _, _) in TOPICS.items():
        for phrase in phrases:
            owners[phrase].add(topic)
    assert {phrase: topics for phrase, topics in owners.items() if len(topics) > 1} == {}
