"""Editorial pages inside the article admin: preview and shareable preview links, the
comparison of two revisions (and restoring one), the planning page, and the edit lock and
autosave endpoints of the edit page (articles/editing.py).

They are methods of a mixin so they share the article admin's permission checks: who may see
an article in the admin may preview it and read its history; who may edit it may share a
preview link and restore a revision; planning is for those who publish.
"""

import re
from difflib import SequenceMatcher
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from articles import editing, preview, services
from articles.forms import AutosaveForm
from articles.models import Article
from newsroom.lib.numbers import parse_id
from newsroom.lib.sanitize import plain_text
from newsroom.lib.urls import absolute_url

# Fields shown when two revisions are compared, in the order of the edit form. The body has
# its own paragraph-by-paragraph comparison below the table.
COMPARED_FIELDS = [
    "headline", "slug", "standfirst", "author_names", "section", "source", "original_url",
    "featured_image", "image_alt", "image_caption", "image_credit", "video_url", "sponsor",
    "is_premium", "comments_open", "comments_close_at", "seo_title", "seo_description",
    "status", "publish_at", "withdraw_at",
]  # fmt: skip

_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre|figcaption|caption|tr)>|<br\s*/?>|<hr\s*/?>", re.I)
_WORDS = re.compile(r"(\s+)")
# Runs of unchanged paragraphs longer than this are folded, keeping one on each side as context.
UNCHANGED_RUN_SHOWN = 2


def body_paragraphs(html):
    """The text of each block of a body, in order, without markup."""
    return [text for text in (plain_text(part) for part in _BLOCK_END.split(html or "")) if text]


def word_diff(old, new):
    """One paragraph with removed words in <del> and added words in <ins>, escaped."""
    old_words, new_words = _WORDS.split(old), _WORDS.split(new)
    parts = []
    matcher = SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        removed = "".join(old_words[a_start:a_end])
        added = "".join(new_words[b_start:b_end])
        if operation == "equal":
            parts.append(escape(removed))
            continue
        if removed:
            parts.append(format_html("<del>{}</del>", removed))
        if added:
            parts.append(format_html("<ins>{}</ins>", added))
    return mark_safe("".join(str(part) for part in parts))


def _similar(before, after):
    return SequenceMatcher(a=before.split(), b=after.split(), autojunk=False).ratio() >= 0.5


def body_diff(old_html, new_html):
    """Rows of (kind, html) for a readable comparison of two bodies: kind is one of
    "same", "changed", "removed", "added" or "folded" (a run of unchanged paragraphs)."""
    old, new = body_paragraphs(old_html), body_paragraphs(new_html)
    rows = []
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if operation == "equal":
            same = old[a_start:a_end]
            if len(same) > UNCHANGED_RUN_SHOWN + 1:
                rows.append(("same", escape(same[0])))
                rows.append(("folded", f"{len(same) - 2} unchanged paragraphs"))
                rows.append(("same", escape(same[-1])))
            else:
                rows.extend(("same", escape(text)) for text in same)
        elif operation == "replace" and a_end - a_start == b_end - b_start:
            for before, after in zip(old[a_start:a_end], new[b_start:b_end], strict=True):
                if _similar(before, after):
                    rows.append(("changed", word_diff(before, after)))
                else:
                    # A rewrite marked word by word is harder to read than old and new in full.
                    rows += [("removed", escape(before)), ("added", escape(after))]
        else:
            rows.extend(("removed", escape(text)) for text in old[a_start:a_end])
            rows.extend(("added", escape(text)) for text in new[b_start:b_end])
    return rows


def _display_value(field, value):
    if value in (None, ""):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "tzinfo"):
        local = timezone.localtime(value)
        return f"{local.day} {local:%B %Y, %H:%M}"
    return str(value)


def field_changes(older, newer):
    """[(label, old value, new value, changed?)] for the compared fields of two revisions."""
    rows = []
    for name in COMPARED_FIELDS:
        field = Article._meta.get_field(name)
        old_value, new_value = getattr(older, field.attname), getattr(newer, field.attname)
        if field.is_relation:
            related = field.related_model._default_manager.in_bulk([v for v in (old_value, new_value) if v])
            old_value, new_value = related.get(old_value, old_value), related.get(new_value, new_value)
        label = "authors" if name == "author_names" else field.verbose_name
        rows.append(
            (
                label[:1].upper() + label[1:],
                _display_value(field, old_value),
                _display_value(field, new_value),
                old_value != new_value,
            )
        )
    return rows


def revision_summary(revision):
    local = timezone.localtime(revision.history_date)
    who = revision.history_user.get_full_name() if revision.history_user else "an automatic process"
    return {
        "revision": revision,
        "when": f"{local.day} {local:%B %Y, %H:%M:%S}",
        "who": who,
        "reason": revision.history_change_reason or "",
    }


def _day_groups(articles, moment):
    """[(date, [articles])] in time order, each article placed on the local day of moment(a)."""
    ordered = sorted(articles, key=moment)
    return [
        (day, list(items)) for day, items in groupby(ordered, key=lambda a: timezone.localdate(moment(a)))
    ]


def mark_corrections(article, records):
    """Add "corrections" to the changed fields of each revision (newest first) that a
    correction was published with: a correction is its own row, saved just after the
    article's revision, so it belongs to the newest revision at or before its time."""
    if not records:
        return
    after_page = (
        article.history.filter(history_date__gt=records[0].history_date)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    published = list(
        article.corrections.filter(published_at__gte=records[-1].history_date).values_list(
            "published_at", flat=True
        )
    )
    upper = after_page
    for record in records:
        count = sum(1 for at in published if at >= record.history_date and (upper is None or at < upper))
        if count:
            changes = list(getattr(record, "history_delta_changes", None) or [])
            label = "correction added" if count == 1 else f"{count} corrections added"
            changes.append({"field": label, "old": "", "new": ""})
            record.history_delta_changes = changes
        upper = record.history_date


def is_empty_revision(record, is_oldest):
    """A save that changed nothing: no field, no correction, no workflow step named."""
    return (
        not is_oldest
        and record.history_type == "~"
        and not getattr(record, "history_delta_changes", None)
        and not record.history_change_reason
    )


class ArticleEditorialViews:
    """Mixed into ArticleAdmin; `self` is the ModelAdmin."""

    # Revision history ---------------------------------------------------------------------

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """simple-history's changed fields, plus the corrections published with each
        revision, and without the revisions of saves that changed nothing."""
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)
        if not records:
            return
        article = Article.objects.get(pk=records[0].id)
        mark_corrections(article, records)
        oldest = article.history.order_by("history_date", "history_id").values_list("pk", flat=True).first()
        # The oldest revision on a page has no older one here to compare with: it stays.
        kept = [
            record
            for index, record in enumerate(records)
            if index == len(records) - 1 or not is_empty_revision(record, record.pk == oldest)
        ]
        if hasattr(historical_records, "object_list"):
            historical_records.object_list = kept

    def get_editorial_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("planning/", wrap(self.planning_view), name="articles_article_planning"),
            path("<path:object_id>/preview/", wrap(self.preview_view), name="articles_article_preview"),
            path(
                "<path:object_id>/preview/share/",
                wrap(self.share_preview_view),
                name="articles_article_share_preview",
            ),
            path(
                "<path:object_id>/history/compare/",
                wrap(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<path:object_id>/history/<id:history_id>/restore/",
                wrap(self.restore_view),
                name="articles_article_restore",
            ),
            # The add form's autosave: a new article has no id yet, and no lock.
            path("autosave/", wrap(self.autosave_view), name="articles_article_autosave_new"),
            path("autosave/discard/", wrap(self.discard_autosave_view), name="articles_article_discard_new"),
            path("<path:object_id>/autosave/", wrap(self.autosave_view), name="articles_article_autosave"),
            path(
                "<path:object_id>/autosave/discard/",
                wrap(self.discard_autosave_view),
                name="articles_article_discard",
            ),
            path("<path:object_id>/release/", wrap(self.release_view), name="articles_article_release"),
            path("<path:object_id>/take-over/", wrap(self.take_over_view), name="articles_article_take_over"),
        ]

    def _article_for(self, request, object_id, *, edit=False):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("There is no such article; it may have been deleted.")
        allowed = (
            self.has_change_permission(request, article)
            if edit
            else self.has_view_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def _page_context(self, request, article, title):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "original": article,
            "change_url": reverse("admin:articles_article_change", args=[article.pk]),
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
        }

    # Preview ------------------------------------------------------------------------------

    def preview_view(self, request, object_id):
        article = self._article_for(request, object_id)
        return preview.render_preview(request, article)

    def share_preview_view(self, request, object_id):
        article = self._article_for(request, object_id, edit=True)
        token = preview.preview_token(article)
        context = self._page_context(request, article, f"Share a preview of “{article.headline}”")
        context |= {
            "preview_url": absolute_url(reverse("article-preview", args=[token])),
            "expires_at": timezone.now() + preview.max_age(),
            "max_age_hours": settings.ARTICLE_PREVIEW_MAX_AGE_HOURS,
        }
        return TemplateResponse(request, "admin/articles/article/share_preview.html", context)

    # Revisions ----------------------------------------------------------------------------

    def compare_view(self, request, object_id):
        article = self._article_for(request, object_id)
        revisions = article.history.select_related("history_user")
        newest_first = revisions.order_by("-history_date", "-history_id")
        newer_id, older_id = request.GET.get("newer"), request.GET.get("older")
        try:
            newer = revisions.get(pk=parse_id(newer_id)) if newer_id else newest_first.first()
            if older_id:
                older = revisions.get(pk=parse_id(older_id))
            else:
                older = newest_first.filter(history_date__lt=newer.history_date).first() if newer else None
        except Article.history.model.DoesNotExist:
            raise Http404("This article has no such revision.") from None
        if newer is None or older is None:
            messages.info(request, "This article has only one revision so far: there is nothing to compare.")
            return HttpResponseRedirect(reverse("admin:articles_article_history", args=[article.pk]))
        if (older.history_date, older.pk) > (newer.history_date, newer.pk):
            older, newer = newer, older
        latest = newest_first.first()
        changes = field_changes(older, newer)
        context = self._page_context(request, article, f"Compare revisions of “{article.headline}”")
        context |= {
            "older": revision_summary(older),
            "newer": revision_summary(newer),
            "changed_fields": [row for row in changes if row[3]],
            "unchanged_count": sum(1 for row in changes if not row[3]),
            "body_rows": body_diff(older.body, newer.body),
            "body_changed": older.body != newer.body,
            "can_restore": self.has_change_permission(request, article),
            "latest_id": latest.pk,
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, history_id):
        return require_POST(self._restore)(request, object_id, history_id)

    def _restore(self, request, object_id, history_id):
        article = self._article_for(request, object_id, edit=True)
        revision = get_object_or_404(article.history.select_related("history_user"), pk=history_id)
        try:
            gone = services.restore_revision(article=article, revision=revision, by=request.user)
        except services.WorkflowError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("admin:articles_article_history", args=[article.pk]))
        summary = revision_summary(revision)
        messages.success(
            request,
            f"Restored the revision of {summary['when']} by {summary['who']}. "
            "The restore is recorded as a new revision; authors and tags were left as they are.",
        )
        if gone:
            messages.warning(
                request, f"Kept the current {', '.join(gone)}: the revision's choice no longer exists."
            )
        self.log_change(request, article, [{"changed": {"fields": ["restored revision"]}}])
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    # Edit locks and autosaves -------------------------------------------------------------

    def locked_by_other(self, request, article):
        """Whether this request's change page found someone else editing `article`: the page
        is then shown read-only (has_change_permission says no for this request only)."""
        lock = getattr(request, "article_edit_lock", None)
        return lock is not None and article is not None and lock.article_id == article.pk

    def enter_change_page(self, request, article):
        """Claim the article's lock for its change page, or note who holds it. Returns a
        redirect instead when a save comes from someone who does not hold a live lock: their
        text is kept as their draft copy and nothing else happens."""
        if request.method != "POST":
            lock = editing.claim_lock(article=article, user=request.user)
            if lock.user_id != request.user.pk:
                lock.article = article
                request.article_edit_lock = lock
            return None
        lock = editing.lock_held_by_other(article=article, user=request.user)
        if lock is None:
            editing.claim_lock(article=article, user=request.user)
            return None
        refusal = (
            f"Not saved: {editing.holder_name(lock)} has been editing this article since "
            f"{editing.clock(lock.since)}."
        )
        posted = AutosaveForm(request.POST)
        if not posted.is_valid():
            refusal += f" {posted.problem()}"
        elif editing.keep_autosave(user=request.user, article=article, fields=posted.fields_sent()):
            refusal += " Your text is kept as your draft copy: take over editing to restore it and save."
        else:
            refusal += " Your text was the same as the article's, so nothing is lost."
        messages.error(request, refusal)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def restored_values(self, request, article):
        """The unsaved copy's values when the editor asked to restore it, else {}."""
        if request.method != "GET" or "restore_autosave" not in request.GET:
            return {}
        if not hasattr(request, "_restored_autosave"):
            request._restored_autosave = editing.restorable_autosave(user=request.user, article=article)
        saved = request._restored_autosave
        return editing.restored_values(saved) if saved is not None else {}

    def editing_context(self, request, article):
        """What the edit page says and needs about locks and autosaves."""
        if self.locked_by_other(request, article):
            lock = request.article_edit_lock
            return {
                "edit_lock": {
                    "holder": editing.holder_name(lock),
                    "since": editing.clock(lock.since),
                    "may_take_over": editing.may_take_over(request.user, lock),
                    "take_over_url": reverse("admin:articles_article_take_over", args=[article.pk]),
                }
            }
        if article is None:
            if not self.has_add_permission(request):
                return {}
            urls = {
                "autosave_url": reverse("admin:articles_article_autosave_new"),
                "discard_url": reverse("admin:articles_article_discard_new"),
                "release_url": "",
            }
        else:
            if not self.has_change_permission(request, article):
                return {}
            urls = {
                "autosave_url": reverse("admin:articles_article_autosave", args=[article.pk]),
                "discard_url": reverse("admin:articles_article_discard", args=[article.pk]),
                "release_url": reverse("admin:articles_article_release", args=[article.pk]),
            }
        context = {
            "autosave": urls
            | {
                "interval": editing.AUTOSAVE_SECONDS,
                "heartbeat": editing.heartbeat_seconds(),
            }
        }
        if request.method != "GET":
            return context
        if self.restored_values(request, article):
            saved_at = editing.clock(request._restored_autosave.saved_at)
            context["autosave_restored"] = saved_at
        else:
            saved = editing.restorable_autosave(user=request.user, article=article)
            if saved is not None:
                context["autosave_offer"] = {
                    "saved_at": editing.clock(saved.saved_at),
                    "discard_url": urls["discard_url"],
                    "saved_since": article is not None and article.updated_at > saved.saved_at,
                }
        return context

    def autosave_view(self, request, object_id=None):
        return require_POST(self._autosave)(request, object_id)

    def _autosave(self, request, object_id):
        article = self._editable_or_new(request, object_id)
        form = AutosaveForm(request.POST)
        if not form.is_valid():
            return JsonResponse({"state": "refused", "message": form.problem()}, status=400)
        fields = form.fields_sent()
        saved = editing.keep_autosave(user=request.user, article=article, fields=fields) if fields else None
        if article is not None:
            # The same request renews the lock: an open page is a live editor.
            lock = editing.renew_lock(article=article, user=request.user)
            if lock.user_id != request.user.pk:
                return JsonResponse(
                    {
                        "state": "taken",
                        "message": f"{editing.holder_name(lock)} took over editing this article at "
                        f"{editing.clock(lock.since)}. Nothing more is saved from this page; what you "
                        "had not saved is kept as your draft copy.",
                    }
                )
        if saved is not None:
            return JsonResponse(
                {"state": "saved", "message": f"Saved as a draft copy at {editing.clock(saved.saved_at)}."}
            )
        return JsonResponse({"state": "held", "message": ""})

    def _editable_or_new(self, request, object_id):
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        return self._article_for(request, object_id, edit=True)

    def discard_autosave_view(self, request, object_id=None):
        return require_POST(self._discard_autosave)(request, object_id)

    def _discard_autosave(self, request, object_id):
        article = self._editable_or_new(request, object_id)
        editing.forget_autosave(user=request.user, article=article)
        messages.info(request, "Discarded your unsaved changes.")
        if article is None:
            return HttpResponseRedirect(reverse("admin:articles_article_add"))
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def release_view(self, request, object_id):
        return require_POST(self._release)(request, object_id)

    def _release(self, request, object_id):
        # Letting go of one's own lock needs no permission beyond seeing the article: the
        # article may have left the person's hands (sent for review, published) meanwhile.
        article = self._article_for(request, object_id)
        editing.release_lock(article=article, user=request.user)
        return HttpResponse(status=204)

    def take_over_view(self, request, object_id):
        return require_POST(self._take_over)(request, object_id)

    def _take_over(self, request, object_id):
        article = self._article_for(request, object_id, edit=True)
        try:
            previous = editing.take_over(article=article, by=request.user)
        except PermissionDenied as refusal:
            context = self._page_context(request, article, "You cannot take over editing")
            context["reason"] = str(refusal)
            return TemplateResponse(
                request, "admin/articles/article/take_over_refused.html", context, status=403
            )
        told = f" {previous.get_full_name() or previous.email} has been told by email." if previous else ""
        messages.success(request, f"You are now editing “{article.headline}”.{told}")
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    # Planning -----------------------------------------------------------------------------

    def planning_view(self, request):
        if not services.can_publish(request.user):
            raise PermissionDenied
        now = timezone.now()
        # The board names authors from author_names and shows no text: no bylines, no body.
        planned = Article.objects.select_related("section").defer("body", "search")
        in_review = list(planned.in_review())
        scheduled = list(planned.scheduled(at=now))
        withdrawals = list(planned.published(at=now).filter(withdraw_at__isnull=False))
        # Review items wanted at a time sit on that day; the others on the day they were last edited.
        context = {
            **self.admin_site.each_context(request),
            "title": "Planning",
            "opts": self.model._meta,
            "in_review": _day_groups(in_review, lambda a: a.publish_at or a.updated_at),
            "scheduled": _day_groups(scheduled, lambda a: a.publish_at),
            "withdrawals": _day_groups(withdrawals, lambda a: a.withdraw_at),
            "review_count": len(in_review),
            "scheduled_count": len(scheduled),
            "withdrawal_count": len(withdrawals),
        }
        return render(request, "admin/articles/article/planning.html", context)
