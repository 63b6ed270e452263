"""Scoring new comments: how likely a comment is to need a person to read it before it appears.

A scorer takes a Submission (the text, the article, who is posting and their record) and
returns a Score from 0 (reads like an ordinary comment) to 1 (almost certainly needs a
moderator), with a short reason a moderator can read, or raises CouldNotScore saying why it
could not answer. `comments.moderation.decide` asks it only about comments every other check
would publish, and compares the score with the policy's threshold: a score can hold a
comment, never publish one.

Two scorers ship, chosen by COMMENT_SCORER: `local`, the signals below computed here with no
outside service, and `http`, which asks a scoring service of the deployer's choosing (no one
vendor: Google's Perspective API, the usual choice, is being shut down).
"""

import hashlib
import hmac
import http.client
import json
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

SIGNATURE_HEADER = "X-Newsroom-Signature"
# A score is a number and a sentence; anything longer is not an answer we asked for.
MAX_ANSWER_BYTES = 64 * 1024


@dataclass(frozen=True)
class Submission:
    """A new comment as a scorer sees it. `recent_texts` are the commenter's other comments of
    the last day (any article), newest first; `approved` and `removed` count their record."""

    text: str
    article_id: int
    article_url: str
    user_id: int | None = None
    email: str = ""
    approved: int = 0
    removed: int = 0
    recent_texts: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Score:
    value: float
    reason: str


class CouldNotScore(Exception):
    """The scorer gave no usable answer; the message says why, for the log."""


def configured_scorer():
    """The scorer the settings name. Both kinds are written here, so settings name a kind,
    never a dotted path to code."""
    if settings.COMMENT_SCORER == "http":
        return HttpScorer(
            url=settings.COMMENT_SCORER_URL,
            secret=settings.COMMENT_SCORER_SECRET,
            timeout=settings.COMMENT_SCORER_TIMEOUT_MS / 1000,
        )
    return LocalScorer()


def _between_0_and_1(value):
    return min(max(value, 0.0), 1.0)


# The local scorer's signals ------------------------------------------------------------------
# Each is a pure function of the text (and the record) returning a Score; 0 means "nothing of
# this kind here". The numbers were chosen so ordinary writing stays well under the default
# threshold (0.8) and only the plain cases reach it.

# Shorter texts ("I AGREE", "NHS") are not shouting, just short.
SHOUTING_MIN_LETTERS = 20
# Runs of up to this many of one character are ordinary ("Nooo", "!!!", "...").
ORDINARY_CHARACTER_RUN = 4
# Below this many words, a text is too short for its variety to mean anything.
REPETITION_MIN_WORDS = 8
# Short replies ("Well said.") are fine to post on several articles.
SAME_TEXT_MIN_CHARACTERS = 30
# A record this long is enough to judge by its share of removals; shorter ones count for less.
HISTORY_FULL_WEIGHT_COMMENTS = 4


def shouting(text):
    """Mostly capital letters, over a minimum length: half capitals scores 0, all capitals 1."""
    cased = [character for character in text if character.isupper() or character.islower()]
    if len(cased) < SHOUTING_MIN_LETTERS:
        return Score(0.0, "")
    share = sum(character.isupper() for character in cased) / len(cased)
    value = _between_0_and_1((share - 0.5) / 0.5)
    return Score(value, f"Written mostly in capital letters ({share:.0%} of {len(cased)} letters).")


def repeated_character(text):
    """One character many times in a row: a run of 12 or more scores 1."""
    longest, character = 0, ""
    for match in re.finditer(r"(\S)\1*", text):
        if len(match.group(0)) > longest:
            longest, character = len(match.group(0)), match.group(1)
    value = _between_0_and_1((longest - ORDINARY_CHARACTER_RUN) / 8)
    return Score(value, f"The character “{character}” {longest} times in a row.")


def repeated_words(text):
    """The same few words over and over: scored by how few of the words are different. Ordinary
    writing uses well over half its words once; "buy now buy now buy now..." a fifth."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < REPETITION_MIN_WORDS:
        return Score(0.0, "")
    different = len(set(words))
    variety = different / len(words)
    value = _between_0_and_1((0.75 - variety) / 0.5)
    common, times = Counter(words).most_common(1)[0]
    return Score(
        value,
        f"The same words over and over: {len(words)} words, {different} different "
        f"(“{common}” {times} times).",
    )


def _comparable(text):
    return " ".join(re.findall(r"\w+", text.lower()))


def same_text_again(text, recent_texts):
    """The same text as another comment the commenter posted lately (on this article a repeat is
    refused outright, so this catches the same text across articles)."""
    mine = _comparable(text)
    if len(mine) < SAME_TEXT_MIN_CHARACTERS:
        return Score(0.0, "")
    if any(_comparable(other) == mine for other in recent_texts):
        return Score(1.0, "The same text as another comment they posted in the last day.")
    return Score(0.0, "")


def removal_history(approved, removed):
    """The share of the commenter's comments that moderators removed, counting for less while
    the record is short: one removal out of one comment is not yet a pattern."""
    total = approved + removed
    if not removed:
        return Score(0.0, "")
    weight = min(total / HISTORY_FULL_WEIGHT_COMMENTS, 1.0)
    value = _between_0_and_1(removed / total * weight)
    return Score(value, f"{removed} of their {total} comments were removed by moderators.")


class LocalScorer:
    """The signals above, with no outside service: the highest one is the score."""

    name = "local"

    def score(self, submission):
        signals = [
            shouting(submission.text),
            repeated_character(submission.text),
            repeated_words(submission.text),
            same_text_again(submission.text, submission.recent_texts),
            removal_history(submission.approved, submission.removed),
        ]
        strongest = max(signals, key=lambda signal: signal.value)
        if strongest.value == 0:
            return Score(0.0, "Nothing unusual.")
        return strongest


# The HTTP scorer ------------------------------------------------------------------------------


def commenter_pseudonym(submission, secret):
    """A stable name for the commenter that the scoring service can group by but not read: an
    HMAC of the account id, or of the address for comments without an account."""
    who = f"user:{submission.user_id}" if submission.user_id else f"email:{submission.email.lower()}"
    return hmac.new(secret.encode(), who.encode(), hashlib.sha256).hexdigest()


def signature(secret, body):
    """What the service checks the request by: HMAC-SHA256 of the raw body, in hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class HttpScorer:
    """POSTs the comment as JSON to a scoring service and reads {"score": 0..1, "reason": "..."}.

    The body is signed (SIGNATURE_HEADER) with COMMENT_SCORER_SECRET, so the service can refuse
    anyone else, and carries no address or account id, only a pseudonym. The whole exchange,
    connecting included, shares one time budget; anything but a 200 with a score in range is
    CouldNotScore.
    """

    name = "http"

    def __init__(self, *, url, secret, timeout):
        self.url = url
        self.secret = secret
        self.timeout = timeout

    def payload(self, submission):
        return {
            "text": submission.text,
            "article_id": submission.article_id,
            "article_url": submission.article_url,
            "commenter": commenter_pseudonym(submission, self.secret),
            "commenter_has_account": submission.user_id is not None,
            "commenter_approved_comments": submission.approved,
            "commenter_removed_comments": submission.removed,
            # Lets the service refuse a replayed request.
            "sent_at": timezone.now().isoformat(),
        }

    def score(self, submission):
        body = json.dumps(self.payload(submission)).encode()
        status, answer = self._post(body)
        if status != 200:
            raise CouldNotScore(f"it answered HTTP {status}")
        return self._read(answer)

    def _post(self, body):
        deadline = time.monotonic() + self.timeout
        parts = urlsplit(self.url)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        connection = connection_class(parts.hostname, parts.port, timeout=self.timeout)
        try:
            connection.connect()
            # The connection lets go of its socket once the answer is in; the answer reads on.
            sock = connection.sock
            # Each step gets what is left of the budget, so a slow connect and a slow answer
            # together still stop at the timeout.
            sock.settimeout(self._left(deadline))
            connection.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                    SIGNATURE_HEADER: signature(self.secret, body),
                },
            )
            sock.settimeout(self._left(deadline))
            response = connection.getresponse()
            answer = bytearray()
            while not response.isclosed() and len(answer) <= MAX_ANSWER_BYTES:
                # read1 returns what one receive brings, so a service trickling bytes meets
                # the deadline here rather than a fresh socket timeout for every byte.
                sock.settimeout(self._left(deadline))
                chunk = response.read1(16 * 1024)
                if not chunk:
                    break
                answer += chunk
            return response.status, bytes(answer)
        except TimeoutError:
            raise CouldNotScore(f"no answer within {self.timeout * 1000:g} ms") from None
        except ConnectionRefusedError:
            raise CouldNotScore("the connection was refused") from None
        except http.client.HTTPException as error:
            raise CouldNotScore(f"its answer was not valid HTTP ({type(error).__name__})") from None
        except OSError as error:
            raise CouldNotScore(f"could not reach it ({error.strerror or error})") from None
        finally:
            connection.close()

    def _left(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def _read(self, answer):
        if len(answer) > MAX_ANSWER_BYTES:
            raise CouldNotScore(f"its answer was longer than {MAX_ANSWER_BYTES} bytes")
        try:
            data = json.loads(answer)
        except ValueError:
            raise CouldNotScore("its answer was not JSON") from None
        if not isinstance(data, dict):
            raise CouldNotScore("its answer was not a JSON object")
        value = data.get("score")
        # bool is an int to Python, but true is not a score.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise CouldNotScore(f"its score was not a number ({str(value)[:40]!r})")
        if not 0 <= value <= 1:
            raise CouldNotScore(f"its score {value:g} was outside 0 to 1")
        reason = data.get("reason")
        reason = " ".join(reason.split()) if isinstance(reason, str) else ""
        return Score(float(value), reason or "The scoring service gave no reason.")
