"""How many comments one reader may post: counted atomically per account (or per address without
one), in a window that slides, refused in plain words, and refused too when we cannot count."""

from datetime import timedelta
from functools import partial
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from newsroom.lib import ratelimit
from tests.comments.conftest import form_data, post_url
from tests.concurrency import at_the_same_moment
from tests.scale_out.processes import free_port

pytestmark = pytest.mark.django_db

TOO_MANY = "comments in the last minute, the most we accept. Wait"
FAULT = "We cannot take comments for a moment because of a fault on our side, so yours was not posted."


def post(client, article, text):
    return client.post(post_url(article), form_data(article, text))


def next_hour():
    # Soon after the article was published, on the turn of a minute.
    return (timezone.now() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)


def test_a_reader_is_limited_to_a_few_comments_a_minute(client, commenter, article, policy, settings):
    settings.COMMENTS_PER_MINUTE = 2
    client.force_login(commenter)
    post(client, article, "One.")
    post(client, article, "Two.")

    response = post(client, article, "Three.")

    assert response.status_code == 400
    assert f"You have posted 2 {TOO_MANY}" in response.content.decode()
    assert Comment.objects.count() == 2


def test_the_wait_the_refusal_names_is_the_wait_that_works(client, commenter, article, policy, settings):
    settings.COMMENTS_PER_MINUTE = 2
    client.force_login(commenter)
    with time_machine.travel(next_hour() + timedelta(seconds=10), tick=False) as clock:
        post(client, article, "One.")
        clock.shift(20)
        post(client, article, "Two.")
        refused = post(client, article, "Three.").content.decode()
        seconds = int(refused.split(TOO_MANY, 1)[1].split()[0])

        clock.shift(seconds - 1)
        assert TOO_MANY in post(client, article, "Three, again.").content.decode()
        clock.shift(1)
        assert post(client, article, "Three, at last.").status_code == 302

    assert seconds == 40
    assert Comment.objects.count() == 3


@pytest.mark.parametrize("second", [58, 59.5])
def test_a_burst_at_the_turn_of_a_minute_gets_the_limit_not_twice_it(
    client, commenter, article, policy, settings, second
):
    settings.COMMENTS_PER_MINUTE = 3
    client.force_login(commenter)
    with time_machine.travel(next_hour(), tick=False) as clock:
        clock.shift(second)
        before = [post(client, article, f"Before {n}.") for n in range(3)]
        clock.shift(61 - second)
        after = [post(client, article, f"After {n}.") for n in range(3)]

    assert [response.status_code for response in before] == [302, 302, 302]
    assert [response.status_code for response in after] == [400, 400, 400]
    assert Comment.objects.count() == 3


def test_readers_are_counted_apart(client, commenter, make_commenter, article, policy, settings):
    settings.COMMENTS_PER_MINUTE = 1
    other = Client()
    other.force_login(make_commenter(email="other@example.org", display_name="Otto"))
    client.force_login(commenter)

    assert post(client, article, "Mine.").status_code == 302
    assert post(other, article, "Theirs.").status_code == 302
    assert post(client, article, "Mine again.").status_code == 400


def test_without_an_account_the_limit_is_per_address_whatever_the_name_given(
    client, article, anonymous_allowed, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_PER_MINUTE = 2

    def visit(text, name, ip):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                post_url(article),
                form_data(article, text, name=name, email=f"{name.split()[0].lower()}@example.org"),
                REMOTE_ADDR=ip,
            )

    for number in range(2):
        assert visit(f"Thought {number}.", f"Visitor{number} V", "198.51.100.20").status_code == 200
    refused = visit("Thought 3.", "Someone Else", "198.51.100.20")
    elsewhere = visit("Thought 4.", "Someone Else", "198.51.100.21")

    assert refused.status_code == 400
    assert f"You have posted 2 {TOO_MANY}" in refused.content.decode()
    assert elsewhere.status_code == 200
    assert len(mail.outbox) == 3  # a confirmation link for each accepted comment, none for the refused


# Parallel posts -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("limit", [1, 3])
def test_twelve_parallel_posts_are_held_to_the_limit(commenter, article, policy, settings, limit):
    settings.COMMENTS_PER_MINUTE = limit
    clients = [Client() for _ in range(12)]
    for each in clients:
        each.force_login(commenter)

    responses = at_the_same_moment(
        *[partial(post, each, article, f"Parallel comment {n}.") for n, each in enumerate(clients)]
    )

    assert Comment.objects.count() == limit
    assert sorted(response.status_code for response in responses) == [302] * limit + [400] * (12 - limit)
    assert sum(TOO_MANY in response.content.decode() for response in responses) == 12 - limit


# When the counters cannot be reached ----------------------------------------------------------


def counters_down():
    down = ConnectionError("the counters are down")
    broken = mock.Mock(**{f"{name}.side_effect": down for name in ("add", "incr", "decr", "get_many")})
    return mock.patch.object(ratelimit, "counters", broken)


def test_a_signed_in_reader_is_refused_in_plain_words_and_nothing_is_stored(
    client, commenter, article, policy
):
    client.force_login(commenter)
    with counters_down():
        response = post(client, article, "Posted while the counters were down.")

    assert response.status_code == 400
    page = response.content.decode()
    assert FAULT in page
    assert "your text is still in the form" in page
    assert "Posted while the counters were down." in page
    assert Comment.objects.count() == 0
    assert mail.outbox == []


def test_a_comment_without_an_account_is_refused_and_no_link_is_emailed(
    client, article, anonymous_allowed, django_capture_on_commit_callbacks
):
    with counters_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            post_url(article), form_data(article, "Hello.", name="Val Visitor", email="val@example.org")
        )

    assert response.status_code == 400
    assert FAULT in response.content.decode()
    assert Comment.objects.count() == 0
    assert mail.outbox == []


def test_with_a_real_redis_stopped_the_comment_is_refused(client, commenter, article, policy, settings):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "newsroom.lib.rediscache.CountingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    client.force_login(commenter)

    response = post(client, article, "Nobody is counting.")

    assert FAULT in response.content.decode()
    assert Comment.objects.count() == 0
