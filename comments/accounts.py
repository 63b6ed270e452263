"""What the comments app adds to a reader's account: a panel on the account page, a section of
"download my data", and anonymisation when the account is deleted. All three are registered
with accounts in this app's AppConfig.ready()."""

from django.db.models import Q
from django.utils import timezone

from accounts.models import DELETED_ACCOUNT_NAME
from accounts.panels import AccountPanel
from comments.forms import suspension_message
from comments.models import Appeal, Comment, Report, StatementOfReasons, Suspension, ThreadFollow
from newsroom import changes


def comments_panel(request):
    user = request.user
    comments = (
        Comment.objects.filter(user=user, deleted_at__isnull=True)
        .select_related("article__section")
        .order_by("-submit_date")[:5]
    )
    items = []
    suspension = Suspension.objects.active().filter(user=user).order_by("ends_at").last()
    if suspension is not None:
        items.append({"text": suspension_message(suspension)})
    for comment in comments:
        when = timezone.localtime(comment.submit_date).strftime("%-d %b %Y")
        items.append(
            {
                "text": f"On “{comment.article.headline}”",
                "url": comment.get_absolute_url() if comment.is_visible else "",
                "note": f"{comment.state_label}, {when}",
            }
        )
    return AccountPanel(
        title="Your comments",
        template_name="accounts/panels/_links.html",
        context={"items": items, "empty_text": "You have not commented yet."},
    )


def export_comments(user):
    comments = Comment.objects.filter(user=user).select_related("article__section", "removal_reason")
    return {
        "comments": [
            {
                "article": comment.article.headline,
                "article_url": comment.article.get_absolute_url(),
                "text": comment.comment,
                "posted_at": comment.submit_date,
                "edited_at": comment.edited_at,
                "deleted_at": comment.deleted_at,
                "state": comment.state_label,
                "removal_reason": comment.removal_reason.name if comment.removal_reason else None,
                "in_reply_to": comment.parent_id if comment.parent_id != comment.pk else None,
            }
            for comment in comments.order_by("submit_date")
        ],
        "reports_you_made": [
            {
                "comment": report.comment_id,
                "reason": report.reason.name,
                "note": report.note,
                "at": report.created_at,
            }
            for report in Report.objects.filter(reporter=user).select_related("reason")
        ],
        "threads_you_follow": [
            {"thread": follow.thread_id, "email": follow.email, "since": follow.created_at}
            for follow in ThreadFollow.objects.filter(Q(user=user) | Q(email__iexact=user.email))
        ],
        "suspensions": [
            {"reason": s.reason, "from": s.starts_at, "until": s.ends_at, "lifted_at": s.lifted_at}
            for s in Suspension.objects.filter(user=user)
        ],
        "decisions_about_you": [
            {
                "decision": statement.get_decision_display(),
                "comment": statement.comment_id,
                "rule": statement.clause.name if statement.clause else statement.held_by_check,
                "automated": statement.automated,
                "at": statement.created_at,
            }
            for statement in StatementOfReasons.objects.filter(user=user).select_related("clause")
        ],
        "your_appeals": [
            {
                "decision_appealed": appeal.statement.get_decision_display(),
                "text": appeal.text,
                "at": appeal.created_at,
                "outcome": appeal.get_outcome_display() or "Waiting for a moderator",
                "decided_at": appeal.decided_at,
            }
            for appeal in Appeal.objects.filter(appellant=user).select_related("statement")
        ],
    }


def anonymise_comments(sender, user, **kwargs):
    """On account deletion the comments stay (discussions keep their shape) but no longer say
    who wrote them: they show as written by a deleted account."""
    comments = Comment.objects.filter(user=user)
    article_ids = set(comments.values_list("article_id", flat=True))
    comments.update(user=None, user_name=DELETED_ACCOUNT_NAME, user_email="", ip_address=None)
    ThreadFollow.objects.filter(Q(user=user) | Q(email__iexact=user.email)).delete()
    for article_id in article_ids:
        changes.comments_changed(article_id)
