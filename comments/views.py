"""Reader pages: posting (standalone page and the fragment the article page loads), permalinks,
editing, deleting, reporting, following, confirming and the guidelines.

The article page itself stays the same for every anonymous reader; everything here that
depends on who is asking is served uncached.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from articles.views import published_article_or_404
from comments import services
from comments.discussion import DEFAULT_ORDER, PAGE_PARAMETER, page_number_of
from comments.forms import CommentForm, EditCommentForm, ReportForm, suspension_message
from comments.models import Comment, EffectivePolicy, Guidelines, ModerationReason, Suspension
from comments.statements import CHECK_EXPLANATIONS, CHECKS
from newsroom.lib.client_ip import client_ip
from newsroom.lib.numbers import parse_id

# Stands in for a comment's id in the pick form's address until comments.js fills it in.
PICK_PLACEHOLDER = 2147483647


def _login_url(next_url):
    return redirect_to_login(next_url).url


def posting_state(request, article, policy):
    """Why this reader cannot post here, in words for them, and a link to fix it; or None."""
    closure = policy.closure(article)
    if closure.closed:
        return {"message": closure.message}
    user = request.user
    if not user.is_authenticated:
        if policy.site.allow_anonymous:
            return None
        return {
            "message": "Sign in to join the discussion.",
            "link": _login_url(article.get_absolute_url() + "#comments"),
            "link_text": "Sign in",
        }
    if not user.has_verified_email:
        return {
            "message": "Confirm your email address to comment: open the link we emailed you.",
            "link": reverse("account_email"),
            "link_text": "Manage your email address",
        }
    suspension = Suspension.objects.active().filter(user=user).order_by("ends_at").last()
    if suspension is not None:
        return {"message": suspension_message(suspension)}
    return None


def _form_context(request, article, *, form=None, reply_to=None):
    policy = EffectivePolicy.for_article(article)
    state = posting_state(request, article, policy)
    parent = None
    if reply_to:
        parent = Comment.objects.visible().filter(pk=reply_to, article=article).select_related("user").first()
    if state is None and form is None:
        form = CommentForm(
            article,
            user=request.user,
            policy=policy,
            initial={"reply_to": parent.pk if parent else 0},
        )
    own = []
    if request.user.is_authenticated:
        own = list(
            Comment.objects.filter(article=article, user=request.user, deleted_at__isnull=True)
            .only("pk", "submit_date", "comment", "is_public", "is_removed", "deleted_at", "user_id")
            .order_by("-submit_date")
        )
    now = timezone.now()
    return {
        "article": article,
        "form": form if state is None else None,
        "state": state,
        "parent": parent,
        "own_comments": own,
        "editable_ids": [c.pk for c in own if c.can_be_edited_by(request.user, now)],
        "post_url": reverse("comments:post", kwargs={"article_id": article.pk}),
        "guidelines_url": reverse("comments:guidelines"),
        "edit_minutes": settings.COMMENTS_EDIT_MINUTES,
        # Moderators get the pick button, which comments.js adds to every card: the shared
        # page never carries it.
        "can_pick": request.user.has_perm("comments.moderate_comment"),
        "pick_placeholder": PICK_PLACEHOLDER,
    }


@never_cache
@require_safe
def form_fragment(request, article_id):
    """The comment form for the article page, fetched by comments.js after the page loads."""
    article = published_article_or_404(article_id)
    context = _form_context(request, article)
    return render(request, "comments/_form_fragment.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def post(request, article_id):
    """The standalone page to write a comment; every comment form posts here, with or without
    JavaScript."""
    article = published_article_or_404(article_id)
    reply_to = parse_id(request.POST.get("reply_to") or request.GET.get("reply_to"))
    if request.method == "POST":
        policy = EffectivePolicy.for_article(article)
        form = CommentForm(
            article, data=request.POST, user=request.user, ip_address=client_ip(request), policy=policy
        )
        if form.is_valid():
            if request.user.is_authenticated:
                posted = services.post_comment(
                    form=form, article=article, user=request.user, ip_address=client_ip(request)
                )
                if posted.decision.publish:
                    return redirect(posted.comment)
                return render(
                    request,
                    "comments/posted.html",
                    {"article": article, "comment": posted.comment, "decision": posted.decision},
                )
            pending = services.request_confirmation(form=form, article=article, ip_address=client_ip(request))
            return render(
                request, "comments/confirmation_sent.html", {"article": article, "pending": pending}
            )
        context = _form_context(request, article, form=form, reply_to=reply_to)
        return render(request, "comments/post.html", context, status=400)
    if not request.user.is_authenticated and not EffectivePolicy.for_article(article).site.allow_anonymous:
        return redirect_to_login(request.get_full_path())
    return render(request, "comments/post.html", _form_context(request, article, reply_to=reply_to))


@require_safe
def permalink(request, comment_id):
    """A comment's lasting address: the article page that holds it, scrolled to it."""
    comment = get_object_or_404(Comment.objects.select_related("article__section"), pk=comment_id)
    if not comment.article.is_published:
        raise Http404("The article is not published.")
    page = page_number_of(comment, order=DEFAULT_ORDER)
    query = f"?{PAGE_PARAMETER}={page}" if page > 1 else ""
    return redirect(f"{comment.article.get_absolute_url()}{query}#comment-{comment.pk}")


def _own_comment(request, comment_id):
    comment = get_object_or_404(Comment.objects.select_related("article__section"), pk=comment_id)
    if comment.user_id != request.user.pk:
        raise PermissionDenied("This is not your comment.")
    return comment


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit(request, comment_id):
    comment = _own_comment(request, comment_id)
    if not comment.can_be_edited_by(request.user):
        return render(
            request,
            "comments/refused.html",
            {
                "title": "This comment can no longer be changed",
                "message": f"Comments can be changed for {settings.COMMENTS_EDIT_MINUTES} minutes after "
                "posting. You can still delete it.",
                "comment": comment,
            },
            status=403,
        )
    form = EditCommentForm(request.POST or None, initial={"comment": comment.comment})
    if request.method == "POST" and form.is_valid():
        held = services.edit_comment(comment=comment, text=form.cleaned_data["comment"], by=request.user)
        if held is not None:
            return render(
                request,
                "comments/posted.html",
                {"article": comment.article, "comment": comment, "decision": held},
            )
        return redirect(comment)
    return render(
        request, "comments/edit.html", {"comment": comment, "form": form}, status=400 if form.errors else 200
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete(request, comment_id):
    comment = _own_comment(request, comment_id)
    if comment.deleted_at:
        return redirect(comment.article)
    if request.method == "POST":
        services.delete_comment(comment=comment, by=request.user)
        return render(request, "comments/deleted.html", {"article": comment.article})
    return render(request, "comments/delete.html", {"comment": comment})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report(request, comment_id):
    comment = get_object_or_404(
        Comment.objects.visible().select_related("article__section", "user"), pk=comment_id
    )
    refusal = None
    if comment.user_id == request.user.pk:
        refusal = "You cannot report your own comment; you can edit or delete it instead."
    elif comment.reports.filter(reporter=request.user).exists():
        refusal = "You have already reported this comment. A moderator will look at it."
    if refusal:
        return render(
            request,
            "comments/refused.html",
            {"title": "You cannot report this comment", "message": refusal, "comment": comment},
        )
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_comment(
                comment=comment,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except services.CommentRefused as refused:
            return render(
                request,
                "comments/refused.html",
                {"title": "You cannot report this comment", "message": str(refused), "comment": comment},
            )
        return render(request, "comments/reported.html", {"comment": comment})
    return render(
        request,
        "comments/report.html",
        {"comment": comment, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def follow(request, comment_id):
    comment = get_object_or_404(Comment.objects.visible().select_related("article__section"), pk=comment_id)
    if request.method == "POST":
        services.follow_thread(comment=comment, user=request.user, email=request.user.email)
        return render(request, "comments/followed.html", {"comment": comment})
    return render(request, "comments/follow.html", {"comment": comment})


# Emailed links only show a button: mail scanners and link previews follow every link in a
# message, and must not be able to change anything by doing so.


# RFC 8058 one-click: mail programs POST to the List-Unsubscribe link of a reply email with no
# cookie or CSRF token. The signed token in the address is the proof.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unfollow(request, token):
    """Stop reply emails from the link in any of them, no sign-in: the signed link names the
    follow it ends. Opening the link asks; only the button stops the emails."""
    try:
        if request.method == "POST":
            thread = services.unfollow(token=token)
            return render(request, "comments/unfollowed.html", {"thread": thread})
        follow = services.follow_for_unfollow_link(token=token)
    except services.CommentRefused as refused:
        return render(
            request, "comments/refused.html", {"title": "Link not valid", "message": str(refused)}, status=400
        )
    if follow is None:
        return render(request, "comments/unfollowed.html", {"thread": None})
    return render(request, "comments/unfollow.html", {"follow": follow, "thread": follow.thread})


def _not_posted(request, refused):
    return render(
        request,
        "comments/refused.html",
        {"title": "Your comment was not posted", "message": str(refused)},
        status=400,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, key):
    """The link emailed to a commenter without an account. Opening it shows the comment and a
    button; only the button (a POST) posts it."""
    if request.method == "POST":
        try:
            posted = services.confirm_comment(key=key)
        except services.CommentRefused as refused:
            return _not_posted(request, refused)
        if posted.comment.is_public:
            return redirect(posted.comment)
        return render(
            request,
            "comments/posted.html",
            {"article": posted.comment.article, "comment": posted.comment, "decision": posted.decision},
        )
    try:
        pending = services.pending_comment(key=key)
    except services.CommentRefused as refused:
        return _not_posted(request, refused)
    return render(
        request,
        "comments/confirm.html",
        {
            "pending": pending,
            "article": pending.content_object,
            "already": services.already_confirmed(pending),
        },
    )


@require_safe
def guidelines(request):
    return render(
        request,
        "comments/guidelines.html",
        {
            "guidelines": Guidelines.current(),
            "reasons": ModerationReason.objects.filter(is_active=True),
            "checks": [(key, name, CHECK_EXPLANATIONS[key]) for key, name in CHECKS.items()],
        },
    )
