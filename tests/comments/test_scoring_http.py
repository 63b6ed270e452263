"""The HTTP scorer against a real scoring service on 127.0.0.1: it checks our signature, and
answers high, low, slowly, with an error, with nothing at all, or with garbage. Posting never
waits longer than the timeout, and COMMENT_SCORER_UNAVAILABLE decides what a comment does when
the service cannot answer."""

import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from comments.forms import CommentForm
from comments.models import Comment, Moderation
from comments.services import post_comment
from tests.comments.conftest import form_data, post_url

pytestmark = pytest.mark.django_db

SECRET = "a-shared-secret-the-service-also-knows"
TIMEOUT_MS = 500
# Posting does a few queries besides asking the service; this is all the slack it gets.
MARGIN_SECONDS = 0.75
TEXT = "The plan does not say where the money for the new homes comes from."


@dataclass
class Received:
    body: dict
    signed_correctly: bool


@dataclass
class ScoringService:
    """What the fake service answers (status, body bytes, seconds to wait first) and what it
    was sent."""

    status: int = 200
    answer: bytes = b'{"score": 0.1, "reason": "Reads as ordinary."}'
    delay: float = 0.0
    # Seconds between the answer's bytes, after its headers come at once.
    trickle: float = 0.0
    secret: str = SECRET
    received: list = field(default_factory=list)
    url: str = ""

    def answers(self, status=200, delay=0.0, **payload):
        self.status, self.delay = status, delay
        self.answer = json.dumps(payload).encode()


def handler_for(service):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            expected = "sha256=" + hmac.new(service.secret.encode(), body, hashlib.sha256).hexdigest()
            signed = hmac.compare_digest(self.headers.get("X-Newsroom-Signature", ""), expected)
            service.received.append(Received(json.loads(body), signed))
            if not signed:
                self.send_response(401)
                self.end_headers()
                return
            time.sleep(service.delay)
            try:
                self.send_response(service.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(service.answer)))
                self.end_headers()
                if service.trickle:
                    for byte in service.answer:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(service.trickle)
                self.wfile.write(service.answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # a slow answer nobody waited for

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def service(settings):
    service = ScoringService()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(service))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    service.url = f"http://127.0.0.1:{server.server_address[1]}/score"
    settings.COMMENT_SCORER = "http"
    settings.COMMENT_SCORER_URL = service.url
    settings.COMMENT_SCORER_SECRET = SECRET
    settings.COMMENT_SCORER_TIMEOUT_MS = TIMEOUT_MS
    settings.COMMENT_SCORER_UNAVAILABLE = "publish"
    yield service
    server.shutdown()
    server.server_close()


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post_through_the_service(commenter, article, text=TEXT):
    """post_comment, as the views call it, timed."""
    form = CommentForm(article, data=form_data(article, text), user=commenter, ip_address="192.0.2.7")
    assert form.is_valid(), form.errors
    started = time.monotonic()
    posted = post_comment(form=form, article=article, user=commenter, ip_address="192.0.2.7")
    return posted, time.monotonic() - started


def scorer_warnings(caplog):
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "comments.moderation" and record.levelno == logging.WARNING
    ]


# The service answers --------------------------------------------------------------------------


def test_a_high_score_holds_the_comment_with_the_services_reason(client, service, commenter, article, policy):
    service.answers(score=0.93, reason="Likely a personal attack.")
    client.force_login(commenter)

    response = client.post(post_url(article), form_data(article, TEXT))

    assert "our automatic check asked for a person to read it" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.is_held
    assert comment.held_reason == Comment.HeldReason.SCORE
    assert comment.moderation_note == "Scored 0.93 (held from 0.8): Likely a personal attack."
    assert [request.signed_correctly for request in service.received] == [True]


def test_a_low_score_publishes_the_comment(client, service, commenter, article, policy):
    service.answers(score=0.12, reason="Reads as ordinary.")
    client.force_login(commenter)

    response = client.post(post_url(article), form_data(article, TEXT))

    assert response.status_code == 302
    assert Comment.objects.get().is_visible
    assert TEXT in client.get(article.get_absolute_url()).content.decode()


def test_a_long_reason_is_cut_to_fit_the_queue_and_cannot_break_a_line(service, commenter, article, policy):
    service.answers(score=0.9, reason="Very\nlong " * 100)

    posted, _ = post_through_the_service(commenter, article)

    note = posted.comment.moderation_note
    assert len(note) <= 200
    assert note.startswith("Scored 0.90 (held from 0.8): Very long Very long")
    assert note.endswith("…")
    assert "\n" not in note


def test_the_threshold_itself_holds(service, commenter, article, policy):
    service.answers(score=0.8, reason="Borderline.")

    posted, _ = post_through_the_service(commenter, article)

    assert posted.comment.held_reason == Comment.HeldReason.SCORE


def test_the_service_is_sent_the_text_the_article_and_a_pseudonym_not_the_address(
    service, commenter, article, policy
):
    post_through_the_service(commenter, article)

    (request,) = service.received
    assert request.signed_correctly
    assert request.body["text"] == TEXT
    assert request.body["article_id"] == article.pk
    assert request.body["article_url"].endswith(article.get_absolute_url())
    assert request.body["commenter_has_account"] is True
    assert request.body["commenter_approved_comments"] == 0
    assert len(request.body["commenter"]) == 64
    assert commenter.email not in json.dumps(request.body)
    # The same commenter is the same pseudonym next time; the service can follow them.
    post_through_the_service(commenter, article, "A second, different comment on the plan.")
    assert service.received[1].body["commenter"] == request.body["commenter"]


def test_a_service_that_does_not_know_our_secret_cannot_be_answered_for(
    service, commenter, article, policy, settings, caplog
):
    # The service refuses a signature made with another secret: ours is checked, not just present.
    settings.COMMENT_SCORER_SECRET = "not-the-shared-secret"
    settings.COMMENT_SCORER_UNAVAILABLE = "hold"

    posted, _ = post_through_the_service(commenter, article)

    assert [request.signed_correctly for request in service.received] == [False]
    assert posted.comment.held_reason == Comment.HeldReason.SCORE
    assert "HTTP 401" in posted.comment.moderation_note


# The service cannot answer --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when_unavailable", "published", "held_reason"),
    [("publish", True, ""), ("hold", False, Comment.HeldReason.SCORE)],
)
def test_a_slow_service_never_holds_up_posting(
    service, commenter, article, policy, settings, caplog, when_unavailable, published, held_reason
):
    settings.COMMENT_SCORER_UNAVAILABLE = when_unavailable
    service.answers(score=0.99, reason="Too late to count.", delay=3)

    posted, took = post_through_the_service(commenter, article)

    assert took < TIMEOUT_MS / 1000 + MARGIN_SECONDS
    comment = posted.comment
    assert comment.is_visible is published
    assert comment.held_reason == held_reason
    (warning,) = scorer_warnings(caplog)
    assert "could not answer (no answer within 500 ms)" in warning
    assert ("held" if held_reason else "published") in warning


def test_a_service_trickling_its_answer_is_cut_off_at_the_timeout(
    service, commenter, article, policy, caplog
):
    # Each byte comes well within the timeout; the whole answer would take 10 seconds.
    service.answers(score=0.99, reason="Trickled.")
    service.trickle = 0.25

    posted, took = post_through_the_service(commenter, article)

    assert took < TIMEOUT_MS / 1000 + MARGIN_SECONDS
    assert posted.comment.is_visible
    (warning,) = scorer_warnings(caplog)
    assert "no answer within 500 ms" in warning


def test_held_because_the_service_was_down_the_moderator_sees_why(
    client, service, commenter, article, policy, settings, moderator
):
    settings.COMMENT_SCORER_UNAVAILABLE = "hold"
    service.answers(status=500, score=0.0)
    client.force_login(commenter)

    response = client.post(post_url(article), form_data(article, TEXT))

    assert "our automatic check could not read it just now" in response.content.decode()
    client.force_login(moderator)
    queue = client.get("/comments/moderation/?tab=held").content.decode()
    assert "Automatic score" in queue
    assert "The automatic scorer could not answer (it answered HTTP 500)." in queue


@pytest.mark.parametrize(
    ("status", "answer", "why"),
    [
        (500, b'{"score": 0.1, "reason": "fine"}', "it answered HTTP 500"),
        (200, b"<html>Service unavailable</html>", "its answer was not JSON"),
        (200, b'{"score": "abc", "reason": "fine"}', "its score was not a number ('abc')"),
        (200, b'{"score": 7, "reason": "fine"}', "its score 7 was outside 0 to 1"),
        (200, b'{"score": -0.5, "reason": "fine"}', "its score -0.5 was outside 0 to 1"),
        (200, b'{"score": true, "reason": "fine"}', "its score was not a number ('True')"),
        (200, b'{"reason": "no score at all"}', "its score was not a number ('None')"),
        (200, b"[0.3]", "its answer was not a JSON object"),
    ],
)
@pytest.mark.parametrize("when_unavailable", ["publish", "hold"])
def test_an_answer_that_is_not_a_score_counts_as_no_answer(
    service, commenter, article, policy, settings, caplog, status, answer, why, when_unavailable
):
    settings.COMMENT_SCORER_UNAVAILABLE = when_unavailable
    service.status, service.answer = status, answer

    posted, _ = post_through_the_service(commenter, article)

    comment = posted.comment
    if when_unavailable == "publish":
        assert comment.is_visible
        assert comment.moderation_note == ""
    else:
        assert comment.is_held
        assert comment.held_reason == Comment.HeldReason.SCORE
        assert comment.moderation_note == f"The automatic scorer could not answer ({why})."
    (warning,) = scorer_warnings(caplog)
    assert f"could not answer ({why})" in warning


@pytest.mark.parametrize(("when_unavailable", "published"), [("publish", True), ("hold", False)])
def test_a_service_that_refuses_connections_never_holds_up_posting(
    service, commenter, article, policy, settings, caplog, when_unavailable, published
):
    settings.COMMENT_SCORER_UNAVAILABLE = when_unavailable
    settings.COMMENT_SCORER_URL = f"http://127.0.0.1:{unused_port()}/score"

    posted, took = post_through_the_service(commenter, article)

    assert took < TIMEOUT_MS / 1000 + MARGIN_SECONDS
    assert posted.comment.is_visible is published
    (warning,) = scorer_warnings(caplog)
    assert "could not answer (the connection was refused)" in warning


# A score only ever holds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy_changes", "text", "held_reason"),
    [
        ({"moderation": Moderation.PRE}, TEXT, Comment.HeldReason.PREMODERATION),
        ({"blocked_words": "crook"}, "The mayor is a crook.", Comment.HeldReason.BLOCKED_WORD),
        ({"hold_first_comments": 2}, TEXT, Comment.HeldReason.NEW_COMMENTER),
        ({}, "https://a.example/ https://b.example/ https://c.example/", Comment.HeldReason.LINKS),
    ],
)
def test_the_lowest_score_never_publishes_what_the_policy_holds(
    service, commenter, article, policy, policy_changes, text, held_reason
):
    for name, value in policy_changes.items():
        setattr(policy, name, value)
    policy.save()
    service.answers(score=0.0, reason="Nothing wrong at all.")

    posted, _ = post_through_the_service(commenter, article, text)

    assert posted.comment.is_held
    assert posted.comment.held_reason == held_reason
    # Held anyway: the service was not even asked, and posting did not wait for it.
    assert service.received == []
