"""Statements of reasons: what a commenter is told whenever we restrict them.

The Digital Services Act (Art. 17) asks that every removal, hold and suspension comes with a
statement: the rule applied, whether a person or an automatic check decided, the facts, and
what the person can do about it. `record_statement` is called inside the transaction of the
decision it explains, so a decision that rolls back leaves no statement, and its email is
queued for after the commit, once, like every other comment email.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, Guidelines, StatementOfReasons
from comments.tasks import send_comment_email
from newsroom.lib.jobs import defer_on_commit
from newsroom.lib.urls import absolute_url

Decision = StatementOfReasons.Decision

# What each automatic check is called on the guidelines page, where it has an anchor.
CHECKS = {
    Comment.HeldReason.PREMODERATION: "Every comment on this article is read first",
    Comment.HeldReason.NEW_COMMENTER: "A new commenter's first comments are read first",
    Comment.HeldReason.LINKS: "Comments with many links are read first",
    Comment.HeldReason.BLOCKED_WORD: "Comments with words on our list are read first",
    Comment.HeldReason.REPORTS: "Comments several readers report are hidden until read",
    Comment.HeldReason.SCORE: "Comments our automatic scoring flags are read first",
    Comment.HeldReason.REMOVED_BEFORE: "Commenters with several removed comments are read first",
}
CHECK_EXPLANATIONS = {
    Comment.HeldReason.PREMODERATION: "On some articles a moderator reads every comment before it "
    "appears, usually because the subject draws abuse or is before a court.",
    Comment.HeldReason.NEW_COMMENTER: "A moderator reads the first few comments of every new commenter "
    "before they appear, to keep out spam and abuse.",
    Comment.HeldReason.LINKS: "A comment with more links than most waits for a moderator, because that "
    "is how most spam looks.",
    Comment.HeldReason.BLOCKED_WORD: "A comment containing a word or phrase on our list waits for a "
    "moderator, who decides whether it breaks a rule in its context.",
    Comment.HeldReason.REPORTS: "When several readers report a comment it is hidden until a moderator "
    "has read it and decided.",
    Comment.HeldReason.SCORE: "Each new comment is scored automatically for signs of abuse or spam, "
    "such as shouting or the same words repeated; a high score means a moderator reads it first. "
    "A score never publishes a comment and never removes one: a person decides.",
    Comment.HeldReason.REMOVED_BEFORE: "When several of a commenter's comments have been removed under "
    "these guidelines, a moderator reads their new comments before they appear.",
}


def _guidelines_updated():
    # Blank until staff first save the guidelines: until then they are the defaults.
    updated_at = Guidelines.current().updated_at
    return updated_at.strftime("%-d %B %Y") if updated_at else ""


def _excerpt(text, length=500):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def clause_url(clause):
    return absolute_url(reverse("comments:guidelines") + f"#rule-{clause.slug}")


def check_url(held_reason):
    return absolute_url(reverse("comments:guidelines") + f"#check-{held_reason}")


def appeal_url(statement):
    if statement.decision == Decision.SUSPENDED:
        return absolute_url(
            reverse("comments:appeal-suspension", kwargs={"suspension_id": statement.suspension_id})
        )
    return absolute_url(reverse("comments:appeal-removal", kwargs={"comment_id": statement.comment_id}))


def _what_you_can_do(statement, *, ends_at=None):
    if statement.decision == Decision.HELD and not statement.automated:
        return (
            "You do not need to do anything: a moderator has taken your comment off the page while they "
            "look into it, and will either put it back or remove it and tell you why."
        )
    if statement.decision == Decision.HELD:
        return (
            "You do not need to do anything: a moderator will read your comment and either publish it "
            "or tell you why not. You can still edit or delete it in the first "
            f"{settings.COMMENTS_EDIT_MINUTES} minutes after posting."
        )
    if statement.decision == Decision.SUSPENDED:
        wait = (
            f"wait until {timezone.localtime(ends_at):%-d %B %Y, %H:%M}, when you can comment again"
            if ends_at
            else "this suspension has no end date"
        )
        if statement.user_id:
            return (
                "If you think we got this wrong, you can appeal once, using the link below: a moderator "
                f"who did not take this decision will look at it again. Otherwise {wait}."
            )
        return f"Otherwise {wait}."
    if statement.user_id:
        return (
            "If you think we got this wrong, you can appeal once, using the link below: a moderator who "
            "did not take this decision will look at it again. You can also post a new comment that "
            "keeps to the guidelines."
        )
    return (
        "You posted without an account, so this decision cannot be appealed online. You can post a new "
        "comment that keeps to the guidelines."
    )


def record_statement(
    *, decision, user, address, by=None, clause=None, held_by_check="", comment=None, suspension=None,
    explanation="", article=None,
):  # fmt: skip
    """Store the statement for one decision and email it to `address` after the commit (when
    there is one). `by` is the moderator; None means the automatic checks decided."""
    statement = StatementOfReasons.objects.create(
        decision=decision,
        comment=comment,
        suspension=suspension,
        user=user,
        clause=clause,
        held_by_check=held_by_check,
        automated=by is None,
        decided_by=by,
        facts=_excerpt(comment.comment) if comment is not None else "",
        explanation=explanation[:500],
    )
    if not address:
        return statement
    article = article or (comment.article if comment is not None else None)
    context = {
        "name": user.public_name if user is not None else (comment.user_name if comment else ""),
        "decision": decision,
        "decision_label": statement.get_decision_display(),
        "article_title": article.headline if article else "",
        "article_url": absolute_url(article.get_absolute_url()) if article else "",
        "clause_name": clause.name if clause else CHECKS.get(held_by_check, ""),
        "clause_description": clause.description if clause else CHECK_EXPLANATIONS.get(held_by_check, ""),
        "clause_url": clause_url(clause) if clause else check_url(held_by_check),
        "automated": statement.automated,
        "facts": statement.facts,
        "explanation": statement.explanation,
        "what_you_can_do": _what_you_can_do(statement, ends_at=suspension.ends_at if suspension else None),
        "appeal_url": appeal_url(statement) if statement.is_appealable else "",
        "guidelines_url": absolute_url(reverse("comments:guidelines")),
        "guidelines_updated": _guidelines_updated(),
        "statement_id": statement.pk,
    }
    defer_on_commit(send_comment_email, template="email/statement_of_reasons", context=context, to=[address])
    return statement
