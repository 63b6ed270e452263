"""Words the site shows that are built from parts: model names made plural by Django, and
field labels that a template completes. Each mistake here reached readers or staff once."""

import inspect
import re
from importlib import import_module

from django import forms
from django.apps import apps

# Our apps, not Django's or a library's.
PROJECT_APPS = ["accounts", "articles", "authors", "comments", "enquiries", "subscriptions", "syndication"]
# Their field templates add "(optional)" after the label of every field that is not required.
FORMS_WITH_OPTIONAL_MARKERS = ["accounts.forms", "comments.forms", "enquiries.forms"]


def test_every_model_has_a_real_english_plural():
    # Django adds an "s": "policy" became "policys" in the admin.
    wrong = []
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            singular, plural = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
            if plural == singular + "s" and re.search(r"([^aeiou]y|s|x|ch|sh)$", singular):
                wrong.append(f"{model._meta.label}: {plural}")
    assert wrong == []


def test_no_label_says_optional_where_the_template_says_it_too():
    # The report form read "Anything moderators should know (optional) (optional)".
    doubled = []
    for module_name in FORMS_WITH_OPTIONAL_MARKERS:
        for name, form_class in inspect.getmembers(import_module(module_name), inspect.isclass):
            if not issubclass(form_class, forms.BaseForm):
                continue
            for field_name, field in form_class.base_fields.items():
                if "optional" in str(field.label or "").lower():
                    doubled.append(f"{module_name}.{name}.{field_name}")
    assert doubled == []
