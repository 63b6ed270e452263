"""Forms for readers and moderators.

Every reason a comment is refused is checked in CommentForm.clean(), so the standalone page,
the fragment the article page loads and any future entry point refuse the same things with
the same plain words.
"""

import time
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_comments_xtd.forms import XtdCommentForm

from comments.dsa import comment_at
from comments.models import Comment, EffectivePolicy, ModerationReason, Suspension
from newsroom.lib import ratelimit
from newsroom.lib.client_ip import network_of
from newsroom.lib.email_address import PublicEmailField


def normalise_text(text):
    """The comment as stored: Windows line ends made plain, trailing space trimmed."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()


def suspension_message(suspension):
    if suspension.ends_at is None:
        when = "permanently"
    else:
        when = "until " + timezone.localtime(suspension.ends_at).strftime("%-d %B %Y, %H:%M")
    return f"You cannot comment {when}. A moderator gave this reason: {suspension.reason}"


def comment_text_field(required_message):
    limit = settings.COMMENTS_MAX_LENGTH
    return forms.CharField(
        label="Your comment",
        max_length=limit,
        help_text=f"Plain text, up to {limit:,} characters. Links are allowed; formatting is not.",
        widget=forms.Textarea(attrs={"rows": 6, "data-max-length": limit}),
        error_messages={
            "required": required_message,
            "max_length": "Your comment is %(show_value)s characters long; the limit is "
            "%(limit_value)s. Please shorten it.",
        },
    )


class CommentForm(XtdCommentForm):
    """xtd's comment form (signed target, timestamp, honeypot, reply_to, followup) with our
    labels, our limits and our refusals. Signed-in readers post under their display name, so
    the name and email fields exist only for comments without an account."""

    def __init__(self, target_object, *args, user=None, ip_address=None, policy=None, **kwargs):
        self.user = user
        self.ip_address = ip_address
        self.policy = policy or EffectivePolicy.for_article(target_object)
        super().__init__(target_object, *args, **kwargs)
        del self.fields["url"]
        self.fields["security_hash"] = forms.CharField(min_length=64, max_length=64, widget=forms.HiddenInput)
        if user is not None and user.is_authenticated:
            del self.fields["name"]
            del self.fields["email"]
        else:
            self.fields["name"] = forms.CharField(
                label="Your name",
                max_length=50,
                help_text="Shown with your comment.",
                widget=forms.TextInput(attrs={"autocomplete": "name"}),
            )
            self.fields["email"] = PublicEmailField(
                label="Your email address",
                help_text="Never shown. We send a link to it: your comment counts once you open it.",
                widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            )
        self.fields["comment"] = comment_text_field("Write something before posting.")
        self.fields["followup"].label = "Email me when someone replies in this thread"
        self.fields["followup"].widget.attrs.pop("class", None)
        self.fields["honeypot"].label = "Leave this field empty"
        self.fields["honeypot"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def generate_security_hash(self, content_type, object_pk, timestamp):
        # django-contrib-comments 2.2 signs with salted_hmac's default SHA-1, which Django 6.1
        # deprecates; the same signature made with SHA-256 (and a field long enough for it).
        value = "-".join((content_type, object_pk, timestamp))
        return salted_hmac("newsroom.comments.CommentForm", value, algorithm="sha256").hexdigest()

    # Refusals, in plain words ---------------------------------------------------------------

    def clean_honeypot(self):
        if self.cleaned_data["honeypot"]:
            raise forms.ValidationError(
                "Your comment was not posted: a field that only spam robots fill in was filled in."
            )
        return ""

    def clean_timestamp(self):
        timestamp = self.cleaned_data["timestamp"]
        if time.time() - timestamp > getattr(settings, "COMMENTS_TIMEOUT", 2 * 60 * 60):
            raise forms.ValidationError(
                "This form was opened more than two hours ago. Copy your text, reload the page and "
                "post again."
            )
        return timestamp

    def clean_security_hash(self):
        mismatch = forms.ValidationError(
            "This form does not match the article it was sent with. Reload the page and post again."
        )
        # The signature covers the target named in the form; it must also be this page's article.
        target = self.generate_security_data()
        if (self.data.get("content_type"), self.data.get("object_pk")) != (
            target["content_type"],
            target["object_pk"],
        ):
            raise mismatch
        try:
            return super().clean_security_hash()
        except forms.ValidationError:
            raise mismatch from None

    def clean_comment(self):
        return normalise_text(self.cleaned_data["comment"])

    def clean_reply_to(self):
        parent_id = self.cleaned_data["reply_to"] or 0
        if not parent_id:
            return 0
        parent = (
            Comment.objects.visible()
            .filter(pk=parent_id, article_id=self.target_object.pk)
            .only("pk", "level", "content_type")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(
                "The comment you are replying to is no longer shown, so replies to it are closed."
            )
        if parent.level >= settings.COMMENTS_XTD_MAX_THREAD_LEVEL:
            raise forms.ValidationError(
                "Replies go only so deep; reply to the comment that started this thread instead."
            )
        self.parent = parent
        return parent_id

    def clean(self):
        cleaned = super().clean()
        cleaned["url"] = ""
        if self.user is not None and self.user.is_authenticated:
            cleaned["name"] = self.user.public_name[:50]
            cleaned["email"] = self.user.email
        if self.errors:
            return cleaned
        closure = self.policy.closure(self.target_object)
        if closure.closed:
            raise forms.ValidationError(closure.message, code="closed")
        self._check_author_may_post()
        self._check_not_repeated(cleaned)
        # Last, so only a comment that would otherwise be accepted is counted.
        self._check_rate()
        return cleaned

    def _check_rate(self):
        """Counted atomically on the shared counters, so parallel posts cannot all slip under
        the limit; when the counters cannot be reached the comment is refused, not let through."""
        if self.user is not None and self.user.is_authenticated:
            identity = f"user:{self.user.pk}"
        else:
            identity = f"ip:{network_of(self.ip_address)}"
        limit = settings.COMMENTS_PER_MINUTE
        verdict = ratelimit.hit("comments", identity, limit=limit, period=60)
        if verdict.unavailable:
            raise forms.ValidationError(
                "We cannot take comments for a moment because of a fault on our side, so yours was "
                "not posted. Please try again in a few minutes; your text is still in the form.",
                code="unavailable",
            )
        if not verdict.allowed:
            wait = f"{verdict.retry_after} seconds" if verdict.retry_after != 1 else "1 second"
            raise forms.ValidationError(
                f"You have posted {limit} comments in the last minute, the most we accept. "
                f"Wait {wait}, then post again.",
                code="rate_limited",
            )

    def _check_author_may_post(self):
        user = self.user
        if user is not None and user.is_authenticated:
            if not user.has_verified_email:
                raise forms.ValidationError(
                    "Confirm your email address before commenting: open the link we emailed you, or ask "
                    "for a new one on your account page.",
                    code="unverified",
                )
            suspension = Suspension.objects.active().filter(user=user).order_by("ends_at").last()
            if suspension is not None:
                raise forms.ValidationError(suspension_message(suspension), code="suspended")
        elif not self.policy.site.allow_anonymous:
            raise forms.ValidationError("Sign in to comment.", code="sign_in")

    def _check_not_repeated(self, cleaned):
        mine = Comment.objects.filter(article_id=self.target_object.pk, deleted_at__isnull=True)
        if self.user is not None and self.user.is_authenticated:
            mine = mine.filter(user=self.user)
        else:
            mine = mine.filter(user__isnull=True, user_email__iexact=cleaned.get("email", ""))
        if mine.filter(comment=cleaned.get("comment", "")).exists():
            raise forms.ValidationError(
                "You have already posted this exact comment on this article, so it was not posted again.",
                code="repeated",
            )


class EditCommentForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"] = comment_text_field("A comment cannot be empty; delete it instead.")

    def clean_comment(self):
        return normalise_text(self.cleaned_data["comment"])


def active_reasons():
    return ModerationReason.objects.filter(is_active=True)


class ReportForm(forms.Form):
    reason = forms.ModelChoiceField(
        queryset=ModerationReason.objects.none(),
        widget=forms.RadioSelect,
        label="Which of our guidelines does it break?",
        empty_label=None,
        error_messages={"required": "Choose the guideline the comment breaks."},
    )
    note = forms.CharField(
        label="Anything moderators should know",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = active_reasons()
        self.fields["reason"].label_from_instance = lambda reason: f"{reason.name}: {reason.description}"


class SuspendForm(forms.Form):
    DURATIONS = [
        ("1", "1 day"),
        ("7", "7 days"),
        ("30", "30 days"),
        ("permanent", "Permanently"),
    ]
    duration = forms.ChoiceField(choices=DURATIONS, widget=forms.RadioSelect, initial="7")
    clause = forms.ModelChoiceField(
        queryset=ModerationReason.objects.none(),
        label="Which rule of the guidelines did they break?",
        empty_label="Choose a rule",
        help_text="Named in the statement of reasons the reader is sent, with a link to the rule.",
        error_messages={"required": "Choose the rule of the guidelines the reader broke."},
    )
    reason = forms.CharField(
        max_length=300,
        help_text="Shown to the reader when they try to comment.",
        error_messages={"required": "Give the reason the reader will see."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clause"].queryset = active_reasons()

    def clean_duration(self):
        value = self.cleaned_data["duration"]
        return None if value == "permanent" else timedelta(days=int(value))


class ModerationActionForm(forms.Form):
    """One decision on one or more comments from the queue."""

    ACTIONS = [
        ("approve", "Approve"),
        ("remove", "Remove"),
        ("hold", "Hold for review"),
        ("review", "Mark as reviewed"),
    ]
    action = forms.ChoiceField(choices=ACTIONS, error_messages={"required": "Choose what to do."})
    comments = forms.ModelMultipleChoiceField(
        queryset=Comment.objects.all(),
        error_messages={"required": "Select at least one comment."},
    )
    reason = forms.ModelChoiceField(queryset=ModerationReason.objects.none(), required=False)
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = active_reasons()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "remove" and not cleaned.get("reason"):
            raise forms.ValidationError("Choose the guideline the comment breaks before removing it.")
        if cleaned.get("action") == "hold" and not cleaned.get("reason"):
            raise forms.ValidationError("Choose the guideline the comment may break before holding it.")
        return cleaned


# The Digital Services Act: appeals and notices of illegal content (comments/dsa.py) ------------


class AppealForm(forms.Form):
    text = forms.CharField(
        label="Why do you think the decision was wrong?",
        max_length=2000,
        help_text="Up to 2,000 characters. A moderator who did not take the decision reads it.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Tell us why you think the decision was wrong.",
            "max_length": "Your appeal is %(show_value)s characters long; the limit is %(limit_value)s. "
            "Please shorten it.",
        },
    )

    def clean_text(self):
        return normalise_text(self.cleaned_data["text"])


class NoticeForm(forms.Form):
    """A notice that a comment is illegal, from anyone, with or without an account."""

    PER_HOUR = 5

    name = forms.CharField(
        label="Your name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Give your name: the law asks us to know who sends a notice."},
    )
    email = PublicEmailField(
        label="Your email address",
        help_text="We send you an acknowledgement now and our decision later. Never shown to the commenter.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": "Give your email address, so we can tell you what we decided."},
    )
    location = forms.CharField(
        label="The address of the comment",
        max_length=500,
        help_text="Use the comment's own link (the time beside the commenter's name), for example "
        "https://…/comments/123/.",
        error_messages={"required": "Give the address of the comment you mean."},
    )
    legal_ground = forms.CharField(
        label="Which law does it break?",
        max_length=300,
        help_text="For example: defamation, incitement to violence, contempt of court.",
        error_messages={"required": "Say which law you think the comment breaks."},
    )
    explanation = forms.CharField(
        label="Why is it illegal?",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Explain why you think the comment is illegal.",
            "max_length": "Your explanation is %(show_value)s characters long; the limit is %(limit_value)s.",
        },
    )
    good_faith = forms.BooleanField(
        label="I believe in good faith that what this notice says is accurate and complete.",
        error_messages={"required": "Confirm that you send this notice in good faith."},
    )
    website = forms.CharField(label="Leave this field empty", required=False)

    def __init__(self, *args, ip_address=None, hosts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.ip_address = ip_address
        self.hosts = hosts
        self.comment = None
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(
                "Your notice was not sent: a field that only spam robots fill in was filled in."
            )
        return ""

    def clean_location(self):
        location = self.cleaned_data["location"].strip()
        comment = comment_at(location, hosts=self.hosts)
        if comment is None:
            raise forms.ValidationError(
                f"“{location[:200]}” is not the address of a comment on this site. Copy the link from the "
                "time shown beside the commenter's name."
            )
        self.comment = comment
        return location

    def clean_explanation(self):
        return normalise_text(self.cleaned_data["explanation"])

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        verdict = ratelimit.hit(
            "notices", f"ip:{network_of(self.ip_address)}", limit=self.PER_HOUR, period=3600
        )
        if verdict.unavailable:
            raise forms.ValidationError(
                "We cannot take notices for a moment because of a fault on our side. Please try again in a "
                "few minutes; what you wrote is still in the form.",
                code="unavailable",
            )
        if not verdict.allowed:
            minutes = max(1, round(verdict.retry_after / 60))
            raise forms.ValidationError(
                f"You have sent {self.PER_HOUR} notices in the last hour, the most we accept. Wait about "
                f"{minutes} minute{'s' if minutes != 1 else ''}, then send it again.",
                code="rate_limited",
            )
        return cleaned


class AppealDecisionForm(forms.Form):
    OUTCOMES = [("uphold", "Uphold the decision"), ("reinstate", "Reinstate")]
    outcome = forms.ChoiceField(choices=OUTCOMES, error_messages={"required": "Choose uphold or reinstate."})
    note = forms.CharField(max_length=500, required=False)


class NoticeDecisionForm(forms.Form):
    OUTCOMES = [("remove", "Remove the comment"), ("no_action", "Take no action")]
    outcome = forms.ChoiceField(choices=OUTCOMES, error_messages={"required": "Choose what to do."})
    clause = forms.ModelChoiceField(queryset=ModerationReason.objects.none(), required=False)
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clause"].queryset = active_reasons()
