from django import forms

from articles.models import Section
from newsroom.lib.email_address import PublicEmailField


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


class NewsletterPreferencesForm(forms.Form):
    sections = SectionsField()
