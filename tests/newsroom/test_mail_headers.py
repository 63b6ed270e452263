"""List-* headers reach the wire as written: one-click unsubscribe works in Gmail and Yahoo for
any length of link, whichever way a message is built."""

import pytest

from newsroom.lib.mail import URLListHeader, build_email, list_unsubscribe_headers
from tests.mailserver import assert_one_click_unsubscribe, raw_header, smtp_server

# build_email looks up the suppression list.
pytestmark = pytest.mark.django_db

NOTICE = {"title": "Header check", "paragraphs": ["Nothing to see."]}


def url_of_length(length):
    base = "https://news.example.org/u/"
    return base + "a" * (length - len(base))


@pytest.mark.parametrize("length", [40, 120, 300])
def test_a_one_click_link_of_any_length_crosses_smtp_unencoded(settings, length):
    url = url_of_length(length)
    with smtp_server(settings) as received:
        headers = list_unsubscribe_headers(url, mailto="unsubscribe@example.org")
        build_email("email/notice", NOTICE, to=["reader@example.org"], headers=headers).send()

    [raw] = received
    assert assert_one_click_unsubscribe(raw) == url
    mailto = "<mailto:unsubscribe@example.org?subject=unsubscribe>"
    assert raw_header(raw, "List-Unsubscribe").endswith(mailto)


@pytest.mark.parametrize("length", [40, 120, 300])
def test_a_header_that_came_through_the_task_queue_as_plain_text_is_kept_whole(settings, length):
    # Tasks receive their arguments as JSON, so the header arrives as a plain string.
    url = url_of_length(length)
    with smtp_server(settings) as received:
        build_email(
            "email/notice",
            NOTICE,
            to=["reader@example.org"],
            headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        ).send()

    [raw] = received
    assert assert_one_click_unsubscribe(raw) == url


@pytest.mark.parametrize(
    "url",
    ["https://news.example.org/u/a b/", "https://news.example.org/u/a>b", "https://nëws.example.org/u/", ""],
)
def test_a_link_that_cannot_stand_in_the_header_is_refused_when_the_message_is_built(url):
    with pytest.raises(ValueError, match="List-Unsubscribe"):
        URLListHeader("List-Unsubscribe", [url] if url else [])
