"""The moderation queue, commenter pages and the moderation log, for the Moderator role.

Editors may read comments in the admin, but deciding on them needs `moderate_comment`, which
only the Moderator role carries.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles.models import Article
from comments import dsa, services
from comments.forms import (
    AppealDecisionForm,
    ModerationActionForm,
    NoticeDecisionForm,
    SuspendForm,
    active_reasons,
)
from comments.models import Appeal, Comment, CommentPolicy, ModerationLogEntry, Notice, Report, Suspension
from newsroom.lib.numbers import parse_id

MODERATE = "comments.moderate_comment"
TABS = {
    # Notices of illegal content come first: the law asks for them to be handled promptly.
    "notices": "Notices of illegal content",
    "appeals": "Appeals",
    "held": "Held",
    "reported": "Reported",
    "all": "All",
}
QUEUE_PAGE_SIZE = 50


def _queue(tab, query):
    comments = Comment.objects.select_related("user", "article__section", "removal_reason")
    if tab == "held":
        comments = comments.held().order_by("submit_date")
    elif tab == "reported":
        comments = comments.reported().order_by("submit_date")
    else:
        comments = comments.order_by("-submit_date")
    if query:
        headline_match = Article.objects.filter(headline__icontains=query).values("pk")
        comments = comments.filter(
            Q(comment__icontains=query)
            | Q(user_name__icontains=query)
            | Q(user_email__icontains=query)
            | Q(user__email__icontains=query)
            | Q(user__display_name__icontains=query)
            | Q(article__in=headline_match)
        )
    return comments.annotate(
        open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True), distinct=True)
    )


def commenter_histories(user_ids):
    """{user id: counts of approved, removed and reported comments}, in one query."""
    rows = (
        Comment.objects.filter(user_id__in=user_ids)
        .order_by()
        .values("user_id")
        .annotate(
            approved=Count("pk", filter=Q(published_at__isnull=False, is_removed=False), distinct=True),
            removed=Count("pk", filter=Q(is_removed=True), distinct=True),
            reports=Count("reports", distinct=True),
        )
    )
    return {row["user_id"]: row for row in rows}


def anonymous_histories(emails):
    """{lower-cased address: counts of approved and removed comments} of commenters without an
    account, in one query: the policy judges them by their address."""
    if not emails:
        return {}
    rows = (
        Comment.objects.filter(user__isnull=True)
        .annotate(address=Lower("user_email"))
        .filter(address__in=emails)
        .order_by()
        .values("address")
        .annotate(
            approved=Count("pk", filter=Q(published_at__isnull=False, is_removed=False)),
            removed=Count("pk", filter=Q(is_removed=True)),
        )
    )
    return {row["address"]: row for row in rows}


def answered_comments(rows):
    """{id: comment} of the comments the replies among `rows` answer, in one query: a reply
    means little to a moderator without what it replies to."""
    parent_ids = {row.parent_id for row in rows if row.parent_id != row.pk}
    if not parent_ids:
        return {}
    return Comment.objects.select_related("user").in_bulk(parent_ids)


def queue_state(comment, history, policy):
    """What the queue says of a comment's state. A comment held because its commenter was new
    is labelled so only while the policy still counts them as new: comments approved since
    (or a policy that no longer holds new commenters) change what the moderator is told."""
    if comment.held_reason != Comment.HeldReason.NEW_COMMENTER or not comment.is_held:
        return comment.state_label
    approved = history["approved"] if history else 0
    needed = policy.hold_first_comments
    if approved < needed:
        return f"New commenter: {approved} of the first {needed} comments approved"
    return f"Held as a new commenter; {approved} comment{pluralize(approved)} approved since"


@never_cache
@login_required
@permission_required(MODERATE, raise_exception=True)
@require_safe
def queue(request):
    counts = {"notices": Notice.objects.pending().count(), "appeals": Appeal.objects.pending().count()}
    default = "notices" if counts["notices"] else "held"
    tab = request.GET.get("tab", default)
    tab = tab if tab in TABS else default
    if tab == "notices":
        return _notices(request, counts)
    if tab == "appeals":
        return _appeals(request, counts)
    query = request.GET.get("q", "").strip()
    page = Paginator(_queue(tab, query), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    histories = commenter_histories({row.user_id for row in rows if row.user_id})
    anonymous = anonymous_histories({row.user_email.lower() for row in rows if not row.user_id})
    parents = answered_comments(rows)
    policy = CommentPolicy.current()
    for row in rows:
        row.history = histories.get(row.user_id) if row.user_id else anonymous.get(row.user_email.lower())
        row.state_shown = queue_state(row, row.history, policy)
        row.answers = parents.get(row.parent_id) if row.parent_id != row.pk else None
        row.open_report_list = []
    reports = Report.objects.filter(comment__in=rows, resolved_at__isnull=True).select_related("reason")
    by_comment = {row.pk: row for row in rows}
    for report in reports:
        by_comment[report.comment_id].open_report_list.append(report)
    counts.update(Comment.objects.queue_counts())
    return render(
        request,
        "comments/moderation/queue.html",
        {
            "tab": tab,
            "tabs": [(key, label, counts.get(key)) for key, label in TABS.items()],
            "query": query,
            "page": page,
            "rows": rows,
            "reasons": active_reasons(),
            "section": "queue",
        },
    )


def _back(request):
    """Where a moderator's button returns to: the posted `next`, if it is a path of ours."""
    back = request.POST.get("next", "")
    # Only a path of ours: redirect() reads anything else without a slash as a view name, and
    # "javascript%3Aalert(1)" (which the host check allows) was a server error.
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = reverse("comments:moderation-queue")
    return back


@login_required
@permission_required(MODERATE, raise_exception=True)
@require_POST
def decide(request):
    """Approve, remove or mark as reviewed: one comment (its row's button) or many (the
    checkboxes and the bulk buttons). Both post the same form fields."""
    data = request.POST.copy()
    single = data.get("single", "")
    if single:
        action, _, comment_id = single.partition(":")
        data.setlist("comments", [comment_id])
        data["action"] = action
        data["reason"] = data.get(f"reason-{comment_id}", "")
    form = ModerationActionForm(data)
    back = _back(request)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    action = form.cleaned_data["action"]
    note = form.cleaned_data["note"]
    comments = form.cleaned_data["comments"].select_related("article__section", "user")
    for comment in comments:
        if action == "approve":
            services.approve_comment(comment=comment, by=request.user, note=note)
        elif action == "remove":
            services.remove_comment(
                comment=comment, by=request.user, reason=form.cleaned_data["reason"], note=note
            )
        elif action == "hold":
            services.hold_comment(
                comment=comment, by=request.user, reason=form.cleaned_data["reason"], note=note
            )
        else:
            services.mark_reviewed(comment=comment, by=request.user, note=note)
    done = {"approve": "Approved", "remove": "Removed", "hold": "Held", "review": "Marked as reviewed"}[
        action
    ]
    count = len(comments)
    messages.success(request, f"{done}: {count} comment{'s' if count != 1 else ''}.")
    return redirect(back)


# No login_required: a button on a cached article page or in the queue posts here, and a
# signed-out POST has nothing to come back to after signing in. It is refused (403) like a
# reader's.
@permission_required(MODERATE, raise_exception=True)
@require_POST
def feature(request, comment_id):
    """Make a comment an editors' pick (featured=1) or take it out of the picks (featured=0),
    from the queue, a commenter's page or the comment's own card on the article page."""
    comment = get_object_or_404(Comment.objects.select_related("article", "user"), pk=comment_id)
    wanted = request.POST.get("featured")
    back = _back(request)
    if wanted not in {"0", "1"}:
        messages.error(request, "Choose whether the comment should be an editors' pick.")
        return redirect(back)
    try:
        if wanted == "1":
            services.feature_comment(comment=comment, by=request.user)
            messages.success(request, f"The comment by {comment.author_name} is now an editors' pick.")
        else:
            services.unfeature_comment(comment=comment, by=request.user)
            messages.success(request, f"The comment by {comment.author_name} is no longer an editors' pick.")
    except services.CommentRefused as refused:
        messages.error(request, str(refused))
    return redirect(back)


@never_cache
@login_required
@permission_required(MODERATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def commenter(request, user_id):
    """One reader's record: their comments, reports, suspensions; suspend or lift."""
    person = get_object_or_404(get_user_model(), pk=user_id)
    form = SuspendForm(request.POST or None)
    if request.method == "POST":
        lift = request.POST.get("lift")
        if lift:
            suspension = get_object_or_404(Suspension, pk=parse_id(lift), user=person)
            services.lift_suspension(suspension=suspension, by=request.user)
            messages.success(request, f"Suspension of {person.public_name} lifted.")
            return redirect("comments:moderation-commenter", user_id=person.pk)
        if form.is_valid():
            services.suspend_commenter(
                user=person,
                by=request.user,
                duration=form.cleaned_data["duration"],
                reason=form.cleaned_data["reason"],
                clause=form.cleaned_data["clause"],
            )
            messages.success(request, f"{person.public_name} is suspended from commenting.")
            return redirect("comments:moderation-commenter", user_id=person.pk)
    return render(
        request,
        "comments/moderation/commenter.html",
        {
            "person": person,
            "form": form,
            "history": commenter_histories([person.pk]).get(person.pk),
            "active": Suspension.objects.active().filter(user=person),
            "suspensions": Suspension.objects.filter(user=person).select_related("created_by"),
            "comments": Comment.objects.filter(user=person)
            .select_related("article__section", "removal_reason")
            .order_by("-submit_date")[:50],
            "section": "queue",
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@permission_required("comments.view_moderationlogentry", raise_exception=True)
@require_safe
def log(request):
    entries = ModerationLogEntry.objects.select_related("actor", "subject", "reason", "comment__article")
    query = request.GET.get("q", "").strip()
    if query:
        matches = (
            Q(actor__email__icontains=query)
            | Q(subject__email__icontains=query)
            | Q(note__icontains=query)
            | Q(comment__comment__icontains=query)
        )
        if parse_id(query) is not None:
            matches |= Q(comment_id=parse_id(query))
        entries = entries.filter(matches)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "comments/moderation/log.html",
        {"page": page, "query": query, "can_moderate": request.user.has_perm(MODERATE), "section": "log"},
    )


# Notices of illegal content and appeals (comments/dsa.py) ------------------------------------


def _tabs(counts):
    return [(key, label, counts.get(key)) for key, label in TABS.items()]


def _notices(request, counts):
    notices = list(
        Notice.objects.pending()
        .select_related("comment__article__section", "comment__user", "comment__removal_reason")
        .order_by("created_at", "id")[:QUEUE_PAGE_SIZE]
    )
    return render(
        request,
        "comments/moderation/notices.html",
        {
            "tab": "notices",
            "tabs": _tabs(counts),
            "notices": notices,
            "reasons": active_reasons(),
            "section": "queue",
        },
    )


def _appeals(request, counts):
    appeals = list(
        Appeal.objects.pending()
        .select_related(
            "appellant",
            "statement__clause",
            "statement__decided_by",
            "statement__comment__article__section",
            "statement__suspension",
        )
        .order_by("created_at", "id")[:QUEUE_PAGE_SIZE]
    )
    for appeal in appeals:
        appeal.refusal = dsa.may_decide_appeal(appeal, request.user)
    return render(
        request,
        "comments/moderation/appeals.html",
        {"tab": "appeals", "tabs": _tabs(counts), "appeals": appeals, "section": "queue"},
    )


@login_required
@permission_required(MODERATE, raise_exception=True)
@require_POST
def decide_appeal(request, appeal_id):
    appeal = get_object_or_404(Appeal.objects.select_related("statement"), pk=appeal_id)
    form = AppealDecisionForm(request.POST)
    back = reverse("comments:moderation-queue") + "?tab=appeals"
    if not form.is_valid():
        messages.error(request, "Choose whether to uphold the decision or reinstate.")
        return redirect(back)
    refusal = dsa.may_decide_appeal(appeal, request.user)
    if refusal:
        # The service refuses too; here the moderator gets a page that says why, with a 403.
        return render(
            request,
            "comments/refused.html",
            {"title": "You cannot decide this appeal", "message": refusal},
            status=403,
        )
    reinstate = form.cleaned_data["outcome"] == "reinstate"
    try:
        dsa.decide_appeal(appeal=appeal, by=request.user, reinstate=reinstate, note=form.cleaned_data["note"])
    except services.CommentRefused as refused:
        messages.error(request, str(refused))
        return redirect(back)
    messages.success(request, "Reinstated on appeal." if reinstate else "The decision is upheld on appeal.")
    return redirect(back)


@login_required
@permission_required(MODERATE, raise_exception=True)
@require_POST
def decide_notice(request, notice_id):
    notice = get_object_or_404(Notice, pk=notice_id)
    form = NoticeDecisionForm(request.POST)
    back = reverse("comments:moderation-queue") + "?tab=notices"
    if not form.is_valid():
        messages.error(request, "Choose whether to remove the comment or take no action.")
        return redirect(back)
    remove = form.cleaned_data["outcome"] == "remove"
    try:
        dsa.decide_notice(
            notice=notice,
            by=request.user,
            remove=remove,
            clause=form.cleaned_data["clause"],
            note=form.cleaned_data["note"],
        )
    except services.CommentRefused as refused:
        messages.error(request, str(refused))
        return redirect(back)
    messages.success(
        request,
        "Comment removed; the sender of the notice is told." if remove else "No action; the sender is told.",
    )
    return redirect(back)
