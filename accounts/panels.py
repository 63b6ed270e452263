"""Sections of the account page supplied by the apps built on accounts.

accounts sits below comments and subscriptions and never imports them, so each of those apps
registers its providers here from its AppConfig.ready(). A plain list filled at start-up is
the most boring shape that keeps the imports pointing down: no setting names our own code, and
`grep panels.register` finds every section. The page shows them in the order they were
registered, which is the order of INSTALLED_APPS.

A provider takes the request and returns an AccountPanel for the signed-in reader, or None
when it has nothing to show (a reader with no subscription gets no subscriptions section
rather than an empty one).
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string

# Filled by register() at start-up, in the order of INSTALLED_APPS; read on every account page.
providers = []


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


def register(provider):
    """Add a provider to the account page. Registering it twice adds it once, so a second
    ready() does not show a section twice."""
    if provider not in providers:
        providers.append(provider)
    return provider


def account_panels(request):
    rendered = []
    for provider in providers:
        panel = provider(request)
        if panel is not None:
            html = render_to_string(panel.template_name, panel.context, request=request)
            rendered.append(RenderedPanel(title=panel.title, html=html))
    return rendered
