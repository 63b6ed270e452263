from django import forms
from django.conf import settings
from django.utils.functional import lazy

from articles.models import Section
from newsroom.lib.email_address import PublicEmailField
from subscriptions.models import NewsletterSubscriber


class SectionsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Section.objects.order_by("position", "name"),
            required=False,
            label="Sections you want (optional)",
            help_text="Choose none to get the news from every section.",
            error_messages={"invalid_choice": "“%(value)s” is not one of our sections."},
            **kwargs,
        )


def _weekly_help():
    day = settings.NEWSLETTER_WEEKLY_DAY.capitalize()
    return f"The weekly issue comes on {day}s, with the seven days' news."


class FrequencyField(forms.ChoiceField):
    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        super().__init__(
            choices=NewsletterSubscriber.Frequency.choices,
            label="How often",
            required=False,
            initial=NewsletterSubscriber.Frequency.DAILY,
            # Read when the form is shown, so it follows the setting.
            help_text=lazy(_weekly_help, str)(),
            error_messages={
                "invalid_choice": "Choose how often the newsletter comes: every day or once a week.",
            },
            **kwargs,
        )


def _frequency_or_unchanged(form):
    # A form posted without a frequency (one made before readers could choose, or a script)
    # keeps the frequency the reader has, or daily for a newcomer; a wrong value is an error.
    chosen = form.cleaned_data["frequency"]
    return chosen or form.initial.get("frequency") or NewsletterSubscriber.Frequency.DAILY


class NewsletterSignUpForm(forms.Form):
    email = PublicEmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Give the email address the newsletter should go to.",
            "invalid": "That does not look like an email address; check it for typing mistakes.",
        },
    )
    sections = SectionsField()
    frequency = FrequencyField()

    clean_frequency = _frequency_or_unchanged


class NewsletterPreferencesForm(forms.Form):
    sections = SectionsField()
    frequency = FrequencyField()

    clean_frequency = _frequency_or_unchanged


# The longest note a sender may add to a gift email, as for "Email this article".
GIFT_NOTE_MAX_LENGTH = 500


class GiftEmailForm(forms.Form):
    """Send a gift link to one address. The link itself is the gift; the email carries only
    the headline, the standfirst, the sender's note and the link, never the article's text."""

    recipient = PublicEmailField(
        label="Their email address",
        max_length=254,
        error_messages={
            "required": "Give the email address to send the link to.",
            "invalid": "That is not an email address. Check it is written like name@example.org.",
        },
    )
    note = forms.CharField(
        label="A note from you (optional)",
        required=False,
        max_length=GIFT_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Please shorten your note to {GIFT_NOTE_MAX_LENGTH} characters."},
    )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if any(ord(character) < 32 and character not in "\n\r\t" for character in note):
            raise forms.ValidationError("Your note contains characters we cannot send; please retype it.")
        return note


class PreferencesLinkForm(forms.Form):
    email = PublicEmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Give the address the newsletter comes to.",
            "invalid": "That does not look like an email address; check it for typing mistakes.",
        },
    )
