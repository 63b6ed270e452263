"""Our comment policy on top of django-comments-xtd.

xtd gives the threaded comment (thread, parent, level, order) and the signed confirmation of
anonymous comments. What the newsroom adds lives here: the guidelines and their moderation
reasons, the site-wide policy with per-article overrides, readers' reports, suspensions and
the log of every moderation decision.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment
from django_prose_editor.fields import ProseEditorField

from articles.models import Article
from newsroom.lib.sanitize import clean_body_html
from newsroom.lib.singleton import SingletonModel

GUIDELINES_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}


def _words(text):
    """The non-empty lines of a staff-edited word list, lower-cased."""
    return [line.strip().lower() for line in (text or "").splitlines() if line.strip()]


class ModerationReason(models.Model):
    """One rule of the guidelines: what readers report with and what a removal names."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(
        max_length=600, help_text="What the rule means, in a sentence or two. Shown on the guidelines."
    )
    position = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers come first.")
    is_active = models.BooleanField(
        "in use", default=True, help_text="Retired reasons stay on past decisions but cannot be chosen."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Guidelines(SingletonModel):
    """The comment guidelines page. One row, edited by staff; readers see when it changed."""

    title = models.CharField(max_length=120, default="Comment guidelines")
    body = ProseEditorField(
        extensions=GUIDELINES_EDITOR_EXTENSIONS,
        sanitize=clean_body_html,
        blank=True,
        help_text="Why we moderate and how. The moderation reasons are listed after this text.",
    )
    updated_at = models.DateTimeField("last changed", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "comment guidelines"
        verbose_name_plural = "comment guidelines"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_body_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("comments:guidelines")


class Moderation(models.TextChoices):
    PRE = "pre", "Pre-moderation: every comment waits for a moderator"
    POST = "post", "Post-moderation: comments appear at once and are moderated afterwards"


SCORE_RANGE_MESSAGE = (
    "Scores run from 0 to 1, so the threshold must be a number in that range, such as 0.8; "
    "%(show_value)s is outside it."
)


class CommentPolicy(SingletonModel):
    """The site-wide comment policy: one row, edited by moderators in the admin."""

    moderation = models.CharField(max_length=4, choices=Moderation, default=Moderation.POST)
    allow_anonymous = models.BooleanField(
        "allow comments without an account",
        default=False,
        help_text="Readers without an account give a name and an email address, and confirm the "
        "comment from a link sent to that address before it counts.",
    )
    hold_first_comments = models.PositiveSmallIntegerField(
        "hold a new commenter's comments until this many are approved",
        default=2,
        help_text="0 lets new accounts publish at once (unless pre-moderation holds everything).",
    )
    max_links = models.PositiveSmallIntegerField(
        "most links a comment may carry before it is held", default=2
    )
    blocked_words = models.TextField(
        blank=True, help_text="One word or phrase a line. A comment containing one waits for a moderator."
    )
    suspect_words = models.TextField(
        blank=True,
        help_text="One word or phrase a line. A comment containing one is published (unless something "
        "else holds it) and flagged for a moderator to review.",
    )
    trusted_after_approved = models.PositiveSmallIntegerField(
        "trust commenters after this many approved comments",
        default=5,
        help_text="Trusted commenters (this many approved comments and none ever removed) publish at "
        "once, even under pre-moderation. Blocked words and too many links still hold their comments. "
        "0 trusts nobody.",
    )
    close_after_days = models.PositiveSmallIntegerField(
        "close comments this many days after publication",
        default=14,
        help_text="0 leaves them open. An article's own closing time, or its override below, wins.",
    )
    reports_to_hide = models.PositiveSmallIntegerField(
        "hide a published comment after this many reports",
        default=3,
        help_text="Reports from different readers, since a moderator last decided on the comment.",
    )
    hold_at_score = models.FloatField(
        "hold comments scoring at or above",
        null=True,
        blank=True,
        default=0.8,
        validators=[
            MinValueValidator(0, message=SCORE_RANGE_MESSAGE),
            MaxValueValidator(1, message=SCORE_RANGE_MESSAGE),
        ],
        help_text="Every comment the checks above would publish is given an automatic score from 0 "
        "(reads like an ordinary comment) to 1 (almost certainly needs a person to read it first): "
        "shouting, repeated text, a history of removed comments. A comment scoring this or more waits "
        "for a moderator. Lower holds more. A score never publishes a comment the checks above hold. "
        "Leave blank to switch scoring off.",
    )
    hold_after_removed = models.PositiveSmallIntegerField(
        "hold commenters with this many removed comments",
        default=3,
        help_text="Every new comment by someone whose comments moderators have removed this many times "
        "waits for a moderator, who sees why in the queue. 0 turns this off.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "site comment policy"
        verbose_name_plural = "site comment policy"
        constraints = [
            models.CheckConstraint(
                condition=Q(hold_at_score__isnull=True) | Q(hold_at_score__gte=0, hold_at_score__lte=1),
                name="comment_policy_score_between_0_and_1",
            ),
        ]

    def __str__(self):
        return "Site comment policy"


class ArticleCommentPolicy(models.Model):
    """Where one article departs from the site policy. Blank fields follow the site."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="comment_policy")
    moderation = models.CharField(
        max_length=4, choices=Moderation, blank=True, help_text="Blank: as the site policy says."
    )
    close_after_days = models.PositiveSmallIntegerField(
        "close comments this many days after publication",
        null=True,
        blank=True,
        help_text="Blank: as the site policy says. 0 leaves them open.",
    )
    closed_message = models.CharField(
        "why comments are closed",
        max_length=300,
        blank=True,
        help_text="Shown to readers when comments on this article are closed, e.g. legal reasons.",
    )
    qa_enabled = models.BooleanField(
        "reader Q&A",
        default=False,
        help_text="Readers' comments become questions, and the article's authors and the experts "
        "below answer them in replies. The page lists the questions answered so far.",
    )
    qa_intro = models.CharField(
        "Q&A introduction",
        max_length=300,
        blank=True,
        help_text="One line shown above the questions, e.g. who answers and until when.",
    )
    qa_experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name="Q&A experts",
        help_text="Accounts that answer questions besides the article's authors, by number, separated "
        "by commas (a commenter's number ends the address of their page in the moderation queue). "
        "Authors with an account answer without being named here.",
    )

    class Meta:
        verbose_name = "article comment policy"
        verbose_name_plural = "article comment policies"

    def __str__(self):
        return f"Comment policy for {self.article}"


@dataclass(frozen=True)
class Closure:
    closed: bool
    message: str = ""
    # While open: when comments close by themselves (None if they never do).
    closes_at: datetime | None = None


@dataclass(frozen=True)
class EffectivePolicy:
    """The site policy with one article's overrides applied: what a comment on it is judged by."""

    site: CommentPolicy
    override: ArticleCommentPolicy | None

    @classmethod
    def for_article(cls, article):
        override = ArticleCommentPolicy.objects.filter(article=article).first()
        return cls(site=CommentPolicy.current(), override=override)

    @property
    def moderation(self):
        return (self.override and self.override.moderation) or self.site.moderation

    @property
    def is_premoderated(self):
        return self.moderation == Moderation.PRE

    @property
    def close_after_days(self):
        if self.override and self.override.close_after_days is not None:
            return self.override.close_after_days
        return self.site.close_after_days

    @property
    def blocked_words(self):
        return _words(self.site.blocked_words)

    @property
    def suspect_words(self):
        return _words(self.site.suspect_words)

    def closure(self, article, now=None):
        """Whether comments on `article` are closed now, and the sentence that tells readers why."""
        now = now or timezone.now()
        custom = self.override.closed_message if self.override else ""
        if not article.is_published:
            return Closure(True, "Comments open when the article is published.")
        if not article.comments_open:
            return Closure(True, custom or "Comments are closed on this article.")
        close_at = article.comments_close_at
        if close_at is None and self.close_after_days and article.first_published_at:
            close_at = article.first_published_at + timedelta(days=self.close_after_days)
        if close_at is not None and close_at <= now:
            date = timezone.localtime(close_at).strftime("%-d %B %Y")
            if article.comments_close_at is None:
                default = (
                    f"Comments closed on {date}: discussion stays open for "
                    f"{self.close_after_days} days after an article is published."
                )
            else:
                default = f"Comments closed on {date}."
            return Closure(True, custom or default)
        return Closure(False, closes_at=close_at)


def _held():
    return Q(is_public=False, is_removed=False, deleted_at__isnull=True)


def _reported():
    open_reports = Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
    return Q(is_removed=False, deleted_at__isnull=True) & (Q(Exists(open_reports)) | Q(needs_review=True))


class CommentQuerySet(models.QuerySet):
    def for_article(self, article):
        return self.filter(article=article)

    def visible(self):
        """What readers see: published, not removed, not deleted by its author."""
        return self.filter(is_public=True, is_removed=False, deleted_at__isnull=True)

    def held(self):
        """Waiting for a moderator: never shown, or hidden after reports."""
        return self.filter(_held())

    def reported(self):
        """Comments a moderator should look at again: open reports, or flagged by a suspect word."""
        return self.filter(_reported())

    def queue_counts(self):
        """{"held": n, "reported": n}: the moderation queue's two comment tabs, in one query."""
        return self.aggregate(held=Count("pk", filter=_held()), reported=Count("pk", filter=_reported()))

    def approved(self):
        """Comments readers have been able to see at some point and that were never removed."""
        return self.filter(published_at__isnull=False, is_removed=False)

    def picks(self):
        """Editors' picks readers see: a removed, deleted or held comment keeps its mark (so a
        reinstated one comes back as a pick) but is never shown as one."""
        return self.visible().filter(featured_at__isnull=False)


class Comment(XtdComment):
    """A reader's comment on an article: xtd's threaded comment plus our moderation state.

    Visibility is `is_public` and `is_removed` (from django-contrib-comments) plus `deleted_at`:
    a held comment is not public; a removed one was taken down by a moderator; a deleted one
    by its author.
    """

    class HeldReason(models.TextChoices):
        PREMODERATION = "premoderation", "Pre-moderation"
        NEW_COMMENTER = "new", "New commenter"
        LINKS = "links", "Too many links"
        BLOCKED_WORD = "blocked", "Blocked word"
        REPORTS = "reports", "Hidden after reports"
        SCORE = "score", "Automatic score"
        REMOVED_BEFORE = "removed", "Comments removed before"
        MODERATOR = "moderator", "Held by a moderator"

    xtdcomment_ptr = models.OneToOneField(
        XtdComment,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="reader_comment",
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reader_comments")
    held_reason = models.CharField(max_length=16, choices=HeldReason, blank=True)
    moderation_note = models.CharField(
        max_length=200, blank=True, help_text="What the automatic checks found, for the moderator."
    )
    needs_review = models.BooleanField(
        default=False, help_text="Published, but a suspect word asks a moderator to look."
    )
    published_at = models.DateTimeField(null=True, blank=True, help_text="When readers first saw it.")
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True, help_text="Deleted by its author.")
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.ForeignKey(
        ModerationReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    featured_at = models.DateTimeField(
        "editors' pick since", null=True, blank=True, help_text="Blank: not an editors' pick."
    )
    featured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CommentQuerySet.as_manager()
    # xtd's own code reaches for these names on whatever model COMMENTS_XTD_MODEL names.
    norel_objects = models.Manager()

    class Meta:
        verbose_name = "reader comment"
        ordering = ["thread_id", "order"]
        permissions = [("moderate_comment", "Can moderate reader comments")]
        indexes = [
            # The comments region of an article, and its counts on listings.
            models.Index(fields=["article", "published_at"], name="comment_article_idx"),
            # The Featured order: an article's picks, few among many comments.
            models.Index(
                fields=["article", "featured_at"],
                condition=Q(featured_at__isnull=False),
                name="comment_pick_idx",
            ),
        ]

    def __str__(self):
        return f"Comment {self.pk} by {self.author_name}"

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"comment_id": self.pk})

    @property
    def author_name(self):
        if self.user_id and self.user is not None:
            return self.user.public_name
        return self.user_name or "deleted account"

    @property
    def is_visible(self):
        return self.is_public and not self.is_removed and self.deleted_at is None

    @property
    def is_pick(self):
        return self.featured_at is not None and self.is_visible

    @property
    def is_held(self):
        return not self.is_public and not self.is_removed and self.deleted_at is None

    @property
    def state_label(self):
        if self.deleted_at:
            return "Deleted by its author"
        if self.is_removed:
            return "Removed"
        if not self.is_public:
            return self.get_held_reason_display() or "Held"
        return "Published"

    def editable_until(self):
        return self.submit_date + timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)

    def can_be_edited_by(self, user, now=None):
        now = now or timezone.now()
        return (
            user.is_authenticated
            and self.user_id == user.pk
            and not self.is_removed
            and self.deleted_at is None
            and now < self.editable_until()
        )

    def can_be_deleted_by(self, user):
        return user.is_authenticated and self.user_id == user.pk and self.deleted_at is None


class Report(models.Model):
    """A reader telling moderators a comment breaks a rule. One per reader per comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.ForeignKey(ModerationReason, on_delete=models.PROTECT, related_name="reports")
    note = models.CharField("anything moderators should know", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text="When a moderator decided on the comment after this report."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_reader"),
        ]
        indexes = [
            # The reported tab: open reports of each comment.
            models.Index(fields=["comment"], condition=Q(resolved_at__isnull=True), name="report_open_idx"),
        ]

    def __str__(self):
        return f"{self.reason} report on comment {self.comment_id}"


class SuspensionQuerySet(models.QuerySet):
    def active(self, at=None):
        now = at or timezone.now()
        return self.filter(starts_at__lte=now, lifted_at__isnull=True).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


class Suspension(models.Model):
    """A reader barred from commenting, for a period or for good."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, help_text="Shown to the reader.")
    clause = models.ForeignKey(
        ModerationReason,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The rule of the guidelines the reader broke.",
    )
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Blank: permanent.")
    lifted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["user", "starts_at"], name="suspension_user_idx")]

    def __str__(self):
        until = f"until {self.ends_at:%d %b %Y %H:%M}" if self.ends_at else "permanently"
        return f"{self.user} suspended {until}"

    @property
    def is_permanent(self):
        return self.ends_at is None


class ModerationLogEntry(models.Model):
    """One moderation decision: who, when, on which comment or reader, what and why."""

    class Action(models.TextChoices):
        APPROVED = "approved", "Approved"
        REMOVED = "removed", "Removed"
        REVIEWED = "reviewed", "Marked as reviewed"
        HIDDEN = "hidden", "Hidden after reports"
        SUSPENDED = "suspended", "Suspended a commenter"
        LIFTED = "lifted", "Lifted a suspension"
        HELD = "held", "Held for review"
        APPEAL_UPHELD = "upheld", "Upheld a decision on appeal"
        APPEAL_REINSTATED = "reinstated", "Reinstated on appeal"
        NOTICE_NO_ACTION = "no_action", "No action on a notice of illegal content"
        FEATURED = "featured", "Made an editors' pick"
        UNFEATURED = "unfeatured", "No longer an editors' pick"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Blank: the site did it automatically.",
    )
    action = models.CharField(max_length=16, choices=Action)
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The commenter the decision concerns.",
    )
    reason = models.ForeignKey(ModerationReason, null=True, blank=True, on_delete=models.PROTECT)
    note = models.CharField(max_length=500, blank=True)
    # This log is the one record of moderation (the audit log keeps no copy), so it keeps
    # what auditors need: the moderator's address when they acted, still readable after their
    # account is deleted, and the client IP of the request that decided (none for jobs).
    actor_address = models.EmailField("moderator's address", blank=True)
    ip_address = models.GenericIPAddressField("client IP", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "moderation log entry"
        verbose_name_plural = "moderation log"

    def __str__(self):
        return f"{self.get_action_display()} at {self.created_at:%d %b %Y %H:%M}"

    @property
    def actor_name(self):
        if self.actor:
            return self.actor.public_name
        return "A deleted account" if self.actor_address else "Automatic"


class ThreadFollow(models.Model):
    """Someone who wants an email when a reply is published in a thread."""

    thread = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "email"], name="follow_thread_once_per_address"),
        ]

    def __str__(self):
        return f"{self.email} follows thread {self.thread_id}"


# The EU Digital Services Act: statements of reasons (Art. 17), appeals (Art. 20), notices of
# illegal content (Art. 16) and what the transparency report counts (Art. 15, 24).


class StatementOfReasons(models.Model):
    """What we tell a commenter when we restrict them: the decision, the rule, whether a person or
    the automatic checks took it, the facts, and what they can do next. One per decision."""

    class Decision(models.TextChoices):
        REMOVED = "removed", "Comment removed"
        HELD = "held", "Comment held for a moderator"
        SUSPENDED = "suspended", "Commenting suspended"

    decision = models.CharField(max_length=16, choices=Decision)
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    suspension = models.ForeignKey(
        Suspension, null=True, blank=True, on_delete=models.CASCADE, related_name="statements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The commenter the decision concerns.",
    )
    clause = models.ForeignKey(
        ModerationReason,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        help_text="The rule of the guidelines applied. Blank for holds by an automatic check.",
    )
    # The automatic check that held a comment (Comment.HeldReason), when no rule was applied.
    held_by_check = models.CharField(max_length=16, blank=True)
    automated = models.BooleanField(help_text="Taken by the automatic checks, not by a person.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    facts = models.TextField(blank=True, help_text="The words the decision is about.")
    explanation = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "statement of reasons"
        verbose_name_plural = "statements of reasons"
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="removed") | Q(clause__isnull=False),
                name="statement_removal_names_a_clause",
            ),
            models.CheckConstraint(
                condition=~Q(decision="suspended") | Q(clause__isnull=False, suspension__isnull=False),
                name="statement_suspension_names_a_clause",
            ),
        ]
        indexes = [
            # The transparency report's months.
            models.Index(fields=["created_at"], name="statement_created_idx"),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} ({self.created_at:%d %b %Y})"

    @property
    def is_appealable(self):
        return self.decision in {self.Decision.REMOVED, self.Decision.SUSPENDED} and self.user_id is not None

    @property
    def decided_by_label(self):
        return "the automatic checks" if self.automated else "a moderator"


class AppealQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(decided_at__isnull=True)


class Appeal(models.Model):
    """A commenter asking us to look again at a removal or a suspension. Once per decision,
    decided by a different moderator from the one who took it."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Decision upheld"
        REINSTATED = "reinstated", "Reinstated"

    statement = models.OneToOneField(StatementOfReasons, on_delete=models.CASCADE, related_name="appeal")
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=Outcome, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True, outcome="")
                | Q(decided_at__isnull=False) & ~Q(outcome=""),
                name="appeal_decided_with_an_outcome",
            ),
        ]
        indexes = [
            # The appeals tab: those still waiting, oldest first.
            models.Index(
                fields=["created_at"], condition=Q(decided_at__isnull=True), name="appeal_pending_idx"
            ),
        ]

    def __str__(self):
        return f"Appeal against {self.statement}"


class NoticeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(decided_at__isnull=True)


class Notice(models.Model):
    """Someone telling us a comment is illegal (not a reader's report under our own rules).
    Only staff who moderate comments ever see one."""

    class Outcome(models.TextChoices):
        REMOVED = "removed", "Comment removed"
        NO_ACTION = "no_action", "No action taken"

    comment = models.ForeignKey(Comment, null=True, on_delete=models.SET_NULL, related_name="notices")
    location = models.URLField("where the comment is", max_length=500)
    name = models.CharField(max_length=100)
    email = models.EmailField()
    legal_ground = models.CharField("the law it breaks", max_length=300)
    explanation = models.TextField(max_length=3000)
    good_faith = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=Outcome, blank=True)
    clause = models.ForeignKey(
        ModerationReason, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    decision_note = models.CharField(max_length=500, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(good_faith=True), name="notice_in_good_faith"),
            models.CheckConstraint(
                condition=~Q(outcome="removed") | Q(clause__isnull=False),
                name="notice_removal_names_a_clause",
            ),
        ]
        indexes = [
            # The notices tab, which comes first in the queue: those still waiting, oldest first.
            models.Index(
                fields=["created_at"], condition=Q(decided_at__isnull=True), name="notice_pending_idx"
            ),
        ]

    def __str__(self):
        return f"Notice from {self.name} about comment {self.comment_id}"
