"""The reader's forms: email an article, and write to the newsroom or one of its teams.

Every reason a submission is refused is found in the form's clean step, before anything is
stored or sent: field rules first, then the bot traps, then (only for an otherwise good
submission, so a typo costs nothing) the rate limits.
"""

import re

from django import forms

from enquiries import checks
from newsroom.lib import mail_limits as limits
from newsroom.lib.email_address import PublicEmailField

SHARE_MAX_RECIPIENTS = 4
NOTE_MAX_LENGTH = 500
MESSAGE_MAX_LENGTH = 3000

_PHONE = re.compile(r"^\+?[0-9 ().\-/]+$")


def name_field(label):
    return forms.CharField(
        label=label,
        max_length=80,
        validators=[checks.refuse_control_characters, checks.refuse_web_addresses_in_name],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": "Please give your name.",
            "max_length": "Please shorten your name to 80 characters.",
        },
    )


def email_field(label, help_text=""):
    return PublicEmailField(
        label=label,
        help_text=help_text,
        max_length=254,
        validators=[checks.refuse_control_characters],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Please give your email address.",
            "invalid": "That is not an email address. Check it is written like name@example.org.",
        },
    )


class BotTrapForm(forms.Form):
    """A field people never see (bots fill every field in) and a signed stamp of which form was
    shown and when (bots send in under a second), good for one submission. Subclasses name
    their `stamp_form` and add `check_content()` and `check_limits()`."""

    stamp_form = ""

    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, user=None, ip_address=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.ip_address = ip_address
        self._stamp_trusted = False

    @property
    def stamp(self):
        """The stamp the page carries: the submitted one while it can still be trusted (not yet
        used), so a reader fixing a mistake does not have to wait again; otherwise a fresh one."""
        if self.is_bound and self._stamp_trusted:
            return self.data.get("started", "")
        return checks.form_stamp(self.stamp_form)

    def clean(self):
        cleaned_data = super().clean()
        if self.data.get("website"):
            self.add_error(
                None,
                "Your message was not sent. If you are a person, please leave the field marked "
                "“Leave this field empty” empty and send it again.",
            )
        try:
            stamp = checks.read_stamp(self.data.get("started", ""), form=self.stamp_form)
        except checks.StampProblem as problem:
            self.add_error(None, str(problem))
        else:
            self._stamp_trusted = True
            if stamp.elapsed < checks.minimum_fill_seconds():
                self.add_error(
                    None,
                    "That was quicker than a person can fill in this form, so it was not sent. "
                    "Please check your entries and send it again.",
                )
        self.check_content(cleaned_data)
        if not self.errors:
            self._use_stamp_and_check_limits(stamp, cleaned_data)
        return cleaned_data

    def _use_stamp_and_check_limits(self, stamp, cleaned_data):
        # The stamp is used up first, so a replayed form is refused before it costs anyone's
        # allowance; a refusal by the limits gives it back.
        try:
            checks.use_stamp(stamp)
        except checks.StampProblem as problem:
            self._stamp_trusted = False
            self.add_error(None, str(problem))
            return
        refusals = self.check_limits(cleaned_data)
        if refusals:
            checks.release_stamp(stamp)
        for field, message in refusals:
            self.add_error(field, message)

    def check_content(self, cleaned_data):
        pass

    def check_limits(self, cleaned_data):
        return []


class ShareForm(BotTrapForm):
    """Email an article to up to four people. Signed-in readers with a confirmed address send
    from that address and may add a note; everyone else gives a name and address, no note."""

    stamp_form = "share"

    sender_name = name_field("Your name")
    sender_email = email_field(
        "Your email address", help_text="Replies from the people you send it to come to this address."
    )
    recipients = forms.CharField(
        label="Send it to",
        max_length=1200,
        help_text="Up to four email addresses, separated by commas.",
        validators=[checks.refuse_control_characters_except_newlines],
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter at least one email address to send the article to."},
    )
    note = forms.CharField(
        label="Add a note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=f"Plain text, up to {NOTE_MAX_LENGTH} characters, shown above the article's summary.",
        validators=[checks.refuse_control_characters_except_newlines],
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX_LENGTH}),
        error_messages={
            "max_length": "Your note is %(show_value)s characters long; the limit is %(limit_value)s. "
            "Please shorten it."
        },
    )

    field_order = ["sender_name", "sender_email", "recipients", "note", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sends_as_account = bool(
            self.user is not None and self.user.is_authenticated and self.user.has_verified_email
        )
        if self.sends_as_account:
            # The address is the confirmed one of the account; the note is the privilege it earns.
            del self.fields["sender_email"]
            self.fields["sender_name"].initial = self.user.display_name
        else:
            del self.fields["note"]
            if self.user is not None and self.user.is_authenticated:
                self.fields["sender_email"].initial = self.user.email

    def clean_recipients(self):
        return checks.parse_recipients(self.cleaned_data["recipients"], limit=SHARE_MAX_RECIPIENTS)

    def clean_note(self):
        return checks.normalise_newlines(self.cleaned_data["note"]).strip()

    def check_content(self, cleaned_data):
        if self.sends_as_account:
            cleaned_data["sender_email"] = self.user.email
        else:
            cleaned_data["note"] = ""
            if self.data.get("note", "").strip():
                self.add_error(
                    None,
                    "Nothing was sent: only signed-in readers with a confirmed email address can add a "
                    "note. Send the article without one, or sign in first.",
                )

    def check_limits(self, cleaned_data):
        return limits.share_refusals(
            ip_address=self.ip_address,
            sender_email=cleaned_data["sender_email"],
            recipients=cleaned_data["recipients"],
        )


class EnquiryForm(BotTrapForm):
    """A message for the newsroom about an article, or for the subscriptions or advertising team."""

    stamp_form = "enquiry"

    name = name_field("Your name")
    email = email_field("Your email address", help_text="We reply to this address.")
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        help_text="If you would like us to call you back.",
        validators=[checks.refuse_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"max_length": "That phone number is too long: please use at most 30 characters."},
    )
    message = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        help_text=f"Plain text, up to {MESSAGE_MAX_LENGTH:,} characters.",
        validators=[checks.refuse_control_characters_except_newlines],
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MESSAGE_MAX_LENGTH}),
        error_messages={
            "required": "Please write your message.",
            "max_length": "Your message is %(show_value)s characters long; the limit is %(limit_value)s. "
            "Please shorten it.",
        },
    )

    field_order = ["name", "email", "phone", "message", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None and self.user.is_authenticated:
            self.fields["name"].initial = self.user.display_name
            self.fields["email"].initial = self.user.email

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        digits = sum(character.isdigit() for character in phone)
        if phone and (not _PHONE.match(phone) or not 6 <= digits <= 20):
            raise forms.ValidationError(
                "“%(value)s” does not look like a phone number. Use digits, spaces and + ( ) - "
                "only, or leave it blank.",
                params={"value": phone},
            )
        return phone

    def clean_message(self):
        return checks.normalise_newlines(self.cleaned_data["message"]).strip()

    def check_limits(self, cleaned_data):
        return limits.enquiry_refusals(ip_address=self.ip_address, email=cleaned_data["email"])


ERROR_MAX_LENGTH = 2000
QUOTE_MAX_LENGTH = 500
EVIDENCE_MAX_LENGTH = 1000


def _plain_text_field(label, *, limit, help_text, rows, required=False, required_message=""):
    field = forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        validators=[checks.refuse_control_characters_except_newlines],
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": "This is %(show_value)s characters long; the limit is %(limit_value)s. "
            "Please shorten it: everything you wrote is still here.",
        },
    )
    # No maxlength attribute on the box (Django adds one for max_length): a browser cuts a long
    # paste short without a word, and the reader loses text. The form says what is too long
    # and keeps all of it.
    del field.widget.attrs["maxlength"]
    return field


class ErrorReportForm(BotTrapForm):
    """A reader tells the editors what an article got wrong. Their address is required, so we
    can tell them what became of it."""

    stamp_form = "error-report"

    description = _plain_text_field(
        "What is wrong",
        limit=ERROR_MAX_LENGTH,
        help_text=f"Plain text, up to {ERROR_MAX_LENGTH:,} characters. Tell us what the article "
        "says and what is right.",
        rows=6,
        required=True,
        required_message="Please tell us what is wrong.",
    )
    quote = _plain_text_field(
        "Where in the article",
        limit=QUOTE_MAX_LENGTH,
        help_text="Copy the sentence or words that are wrong, if you can.",
        rows=2,
    )
    evidence = _plain_text_field(
        "Source or evidence",
        limit=EVIDENCE_MAX_LENGTH,
        help_text="A link or a reference that shows what is right.",
        rows=2,
    )
    name = name_field("Your name")
    email = email_field(
        "Your email address",
        help_text="We tell you what we did about your report, and use it for nothing else.",
    )

    field_order = ["description", "quote", "evidence", "name", "email", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        if self.user is not None and self.user.is_authenticated:
            self.fields["name"].initial = self.user.display_name
            self.fields["email"].initial = self.user.email

    def clean_description(self):
        return checks.normalise_newlines(self.cleaned_data["description"]).strip()

    def clean_quote(self):
        return checks.normalise_newlines(self.cleaned_data["quote"]).strip()

    def clean_evidence(self):
        return checks.normalise_newlines(self.cleaned_data["evidence"]).strip()

    def check_limits(self, cleaned_data):
        return limits.enquiry_refusals(
            ip_address=self.ip_address, email=cleaned_data["email"], scope="error-report"
        )
