"""The automatic part of moderation: whether a new comment is published at once or waits.

`decide` reads the policy and the commenter's history and returns a Decision that says what
happens and, in plain words, why: the reader is told, and the moderator sees the same note in
the queue. It is the one place that decides: the words and links, the commenter's record, the
policy's pre-moderation and probation, and last the score (comments/scoring.py), asked only
about a comment all the rest would publish, so a score can hold a comment but never publish one.
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from comments import scoring
from comments.models import Comment
from comments.text import count_links
from newsroom.lib.urls import absolute_url

logger = logging.getLogger(__name__)
HeldReason = Comment.HeldReason


@dataclass(frozen=True)
class History:
    approved: int = 0
    removed: int = 0


@dataclass(frozen=True)
class Decision:
    publish: bool
    held_reason: str = ""
    reader_message: str = ""
    moderator_note: str = ""
    needs_review: bool = False


def _comments_by(*, user=None, email=""):
    """The comments of an account (or, without one, of an email address), or None for neither."""
    if user is not None and user.is_authenticated:
        return Comment.objects.filter(user=user)
    if email:
        return Comment.objects.filter(user__isnull=True, user_email__iexact=email)
    return None


def commenter_history(*, user=None, email=""):
    """Approved and removed comments of an account (or, without one, of an email address)."""
    comments = _comments_by(user=user, email=email)
    if comments is None:
        return History()
    counts = comments.aggregate(
        approved=Count("pk", filter=Q(published_at__isnull=False, is_removed=False)),
        removed=Count("pk", filter=Q(is_removed=True)),
    )
    return History(approved=counts["approved"], removed=counts["removed"])


# The same text posted again within this long counts against a comment's score.
RECENT_TEXTS_WINDOW = timedelta(days=1)
RECENT_TEXTS_LIMIT = 20


def recent_texts(*, user=None, email="", excluding=None):
    """The commenter's other comments of the last day, newest first, in one small query."""
    comments = _comments_by(user=user, email=email)
    if comments is None:
        return ()
    if excluding is not None:
        comments = comments.exclude(pk=excluding.pk)
    since = timezone.now() - RECENT_TEXTS_WINDOW
    texts = (
        comments.filter(submit_date__gte=since, deleted_at__isnull=True)
        .order_by("-submit_date")
        .values_list("comment", flat=True)[:RECENT_TEXTS_LIMIT]
    )
    return tuple(texts)


def find_word(text, words):
    """The first listed word or phrase that appears in `text` as a whole word, or None."""
    lowered = text.lower()
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered):
            return word
    return None


# moderation_note's column holds this many characters.
NOTE_LENGTH = 200


def _notes(*notes):
    """Several notes for the moderator in one line, cut to fit the column."""
    joined = " ".join(note for note in notes if note)
    return joined if len(joined) <= NOTE_LENGTH else joined[: NOTE_LENGTH - 1].rstrip() + "…"


def decide(*, policy, text, article, user=None, email="", editing=None):
    """Publish or hold a new comment (or the new text of `editing`, a comment), and why."""
    suspect = find_word(text, policy.suspect_words)
    suspect_note = f"Contains the suspect word “{suspect}”." if suspect else ""
    review = {"needs_review": True, "moderator_note": suspect_note} if suspect else {}

    blocked = find_word(text, policy.blocked_words)
    if blocked:
        return Decision(
            publish=False,
            held_reason=HeldReason.BLOCKED_WORD,
            reader_message=f"Your comment is waiting for a moderator because it contains “{blocked}”, "
            "a word our guidelines ask a moderator to check first.",
            moderator_note=f"Contains the blocked word “{blocked}”.",
        )
    links = count_links(text)
    if links > policy.site.max_links:
        return Decision(
            publish=False,
            held_reason=HeldReason.LINKS,
            reader_message=f"Your comment is waiting for a moderator because it has {links} links; "
            f"comments with more than {policy.site.max_links} are checked before they appear.",
            moderator_note=f"{links} links (the limit is {policy.site.max_links}).",
        )

    history = commenter_history(user=user, email=email)
    removed_limit = policy.site.hold_after_removed
    if editing is None and removed_limit and history.removed >= removed_limit:
        return Decision(
            publish=False,
            held_reason=HeldReason.REMOVED_BEFORE,
            reader_message="Your comment is waiting for a moderator because moderators have removed "
            "several of your earlier comments. A moderator reads your comments before they appear.",
            moderator_note=_notes(
                f"{history.removed} of their comments were removed before "
                f"(comments are held from {removed_limit}).",
                suspect_note,
            ),
            needs_review=bool(suspect),
        )

    if editing is None:
        decision = _by_policy(policy, history, review)
        if not decision.publish:
            return decision
    else:
        # The rules about who publishes at once were applied when the comment was posted; an
        # edit is judged on its words and its score.
        decision = Decision(publish=True, **review)
    if policy.site.hold_at_score is None:
        return decision  # scoring is off: no scorer, nor the query for its recent texts
    submission = scoring.Submission(
        text=text,
        article_id=article.pk,
        article_url=absolute_url(article.get_absolute_url()),
        user_id=user.pk if user is not None and user.is_authenticated else None,
        email=email,
        approved=history.approved,
        removed=history.removed,
        recent_texts=recent_texts(user=user, email=email, excluding=editing),
    )
    return _scored(decision, policy=policy, submission=submission)


def _by_policy(policy, history, review):
    """What the policy says of a comment whose words and links passed: trust, pre-moderation,
    new commenters."""
    trusted_after = policy.site.trusted_after_approved
    if trusted_after and history.approved >= trusted_after and history.removed == 0:
        return Decision(publish=True, **review)
    if policy.is_premoderated:
        return Decision(
            publish=False,
            held_reason=HeldReason.PREMODERATION,
            reader_message="A moderator reads every comment on this article before it appears. "
            "Yours is in the queue.",
            **review,
        )
    if history.approved < policy.site.hold_first_comments:
        return Decision(
            publish=False,
            held_reason=HeldReason.NEW_COMMENTER,
            reader_message="A moderator reads a new commenter’s first comments before they appear. "
            "Yours is in the queue.",
            **review,
        )
    return Decision(publish=True, **review)


def _scored(decision, *, policy, submission):
    """`decision` (a publish) kept, or turned into a hold by the score. A scorer that cannot
    answer holds or publishes as COMMENT_SCORER_UNAVAILABLE says, and the log says why."""
    threshold = policy.site.hold_at_score
    scorer = scoring.configured_scorer()
    try:
        score = scorer.score(submission)
    except scoring.CouldNotScore as failure:
        hold = settings.COMMENT_SCORER_UNAVAILABLE == "hold"
        logger.warning(
            "The %s comment scorer could not answer (%s); the comment on article %s was %s, "
            "as COMMENT_SCORER_UNAVAILABLE=%s says.",
            scorer.name,
            failure,
            submission.article_id,
            "held" if hold else "published",
            settings.COMMENT_SCORER_UNAVAILABLE,
        )
        if not hold:
            return decision
        return _held_by_score(
            decision,
            "our automatic check could not read it just now, so a person will before it appears.",
            f"The automatic scorer could not answer ({failure}).",
        )
    if score.value < threshold:
        return decision
    return _held_by_score(
        decision,
        "our automatic check asked for a person to read it before it appears.",
        f"Scored {score.value:.2f} (held from {threshold:g}): {score.reason}",
    )


def _held_by_score(decision, why, note):
    """`decision` (one that would publish) turned into a hold by the scoring check."""
    return Decision(
        publish=False,
        held_reason=HeldReason.SCORE,
        reader_message=f"Your comment is waiting for a moderator: {why}",
        moderator_note=_notes(note, decision.moderator_note),
        needs_review=decision.needs_review,
    )
