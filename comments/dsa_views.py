"""Reader pages for the Digital Services Act: appealing a decision, sending a notice of illegal
content, and the transparency report. The moderators' side is in staff_views.py."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from comments import dsa, transparency
from comments.forms import AppealForm, NoticeForm
from comments.models import Comment, Suspension
from comments.services import CommentRefused
from newsroom.lib.client_ip import client_ip
from newsroom.lib.numbers import parse_id
from newsroom.lib.urls import absolute_url


def _refused(request, title, message, *, status, comment=None):
    return render(
        request,
        "comments/refused.html",
        {"title": title, "message": message, "comment": comment},
        status=status,
    )


def _appeal(request, *, find_statement, comment=None, suspension=None):
    """One page for both kinds of appeal: who may appeal and whether there is anything to appeal
    is the service's answer; the form only checks the text."""
    if (comment or suspension).user_id != request.user.pk:
        return _refused(
            request, "You cannot appeal this decision", "You can appeal only decisions about you.", status=403
        )
    try:
        statement = find_statement()
    except CommentRefused as refused:
        return _refused(request, "There is nothing to appeal", str(refused), status=400)
    existing = dsa.already_appealed(statement)
    if existing is not None:
        return render(request, "comments/appealed.html", {"appeal": existing, "again": True}, status=400)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = dsa.file_appeal(statement=statement, by=request.user, text=form.cleaned_data["text"])
        except CommentRefused as refused:
            form.add_error(None, str(refused))
        else:
            return render(request, "comments/appealed.html", {"appeal": appeal, "again": False})
    return render(
        request,
        "comments/appeal.html",
        {"statement": statement, "comment": comment, "suspension": suspension, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def appeal_removal(request, comment_id):
    comment = get_object_or_404(Comment.objects.select_related("article__section"), pk=comment_id)
    return _appeal(
        request,
        find_statement=lambda: dsa.removal_statement(comment=comment, user=request.user),
        comment=comment,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def appeal_suspension(request, suspension_id):
    suspension = get_object_or_404(Suspension, pk=suspension_id)
    return _appeal(
        request,
        find_statement=lambda: dsa.suspension_statement(suspension=suspension, user=request.user),
        suspension=suspension,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def notice(request):
    """The public form to tell us a comment is illegal. Opened from a comment's "Report illegal
    content" link, its address is filled in."""
    initial = {}
    comment_id = parse_id(request.GET.get("comment"))
    if comment_id is not None:
        initial["location"] = absolute_url(f"/comments/{comment_id}/")
    form = NoticeForm(
        request.POST or None, initial=initial, ip_address=client_ip(request), hosts=[request.get_host()]
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sent = dsa.file_notice(
            comment=form.comment,
            location=data["location"],
            name=data["name"],
            email=data["email"],
            legal_ground=data["legal_ground"],
            explanation=data["explanation"],
        )
        return render(request, "comments/notice_sent.html", {"notice": sent})
    return render(request, "comments/notice.html", {"form": form}, status=400 if form.errors else 200)


# The counts change with every decision, and four aggregate queries are cheap: never kept.
@never_cache
@require_safe
def transparency_report(request):
    year = parse_id(request.GET.get("year"))
    half = parse_id(request.GET.get("half"))
    period = transparency.period_for(year=year, half=half)
    message = ""
    if period is None:
        message = "We have no report for that year, so this page shows the last 12 months."
        period = transparency.last_twelve_months()
    report = transparency.build(period)
    today = timezone.localdate()
    return render(
        request,
        "comments/transparency.html",
        {
            "report": report,
            "message": message,
            "years": list(range(today.year, today.year - 5, -1)),
            "chosen_year": year if message == "" else None,
            "chosen_half": half,
        },
    )
