"""The automatic part of moderation: whether a new comment is published at once or waits.

`decide` reads the policy and the commenter's history and returns a Decision that says what
happens and, in plain words, why: the reader is told, and the moderator sees the same note in
the queue.
"""

import re
from dataclasses import dataclass

from django.db.models import Count, Q

from comments.models import Comment
from comments.text import count_links

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


def commenter_history(*, user=None, email=""):
    """Approved and removed comments of an account (or, without one, of an email address)."""
    if user is not None and user.is_authenticated:
        comments = Comment.objects.filter(user=user)
    elif email:
        comments = Comment.objects.filter(user__isnull=True, user_email__iexact=email)
    else:
        return History()
    counts = comments.aggregate(
        approved=Count("pk", filter=Q(published_at__isnull=False, is_removed=False)),
        removed=Count("pk", filter=Q(is_removed=True)),
    )
    return History(approved=counts["approved"], removed=counts["removed"])


def find_word(text, words):
    """The first listed word or phrase that appears in `text` as a whole word, or None."""
    lowered = text.lower()
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered):
            return word
    return None


def decide(*, policy, text, user=None, email=""):
    suspect = find_word(text, policy.suspect_words)
    review = (
        {"needs_review": True, "moderator_note": f"Contains the suspect word “{suspect}”."} if suspect else {}
    )

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
