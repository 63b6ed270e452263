"""Sections of the account page supplied by other apps, without accounts importing them.

settings.ACCOUNTS_PAGE_PANELS lists dotted paths of providers. A provider takes the request
and returns an AccountPanel for the signed-in reader, or None when it has nothing to show
(a reader with no subscription gets no subscriptions section rather than an empty one).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class AccountPanel:
    title: str
    # The section's body; templates/accounts/panels/_links.html suits a list of links.
    template_name: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RenderedPanel:
    title: str
    html: str


def account_panels(request):
    rendered = []
    for path in settings.ACCOUNTS_PAGE_PANELS:
        panel = import_string(path)(request)
        if panel is not None:
            html = render_to_string(panel.template_name, panel.context, request=request)
            rendered.append(RenderedPanel(title=panel.title, html=html))
    return rendered
