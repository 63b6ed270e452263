"""How django-allauth fits the publication: the site's name on every email, links that point
at the public address, and where people land after each step."""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from newsroom.lib.client_ip import client_ip
from newsroom.lib.email_address import validate_public_email
from newsroom.lib.urls import absolute_url

# Context entries that allauth fills with absolute URLs built from the request's host.
_LINKS_IN_EMAILS = ("activate_url", "password_reset_url", "signup_url")


def on_public_site(url):
    """The same page on SITE_URL: emails are read away from the request that sent them, so
    their links use the one public address, as every other email of ours does."""
    parts = urlsplit(url)
    return absolute_url(parts.path + (f"?{parts.query}" if parts.query else ""))


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject):
        return f"[{settings.SITE_NAME}] {subject}"

    def send_mail(self, template_prefix, email, context):
        context = {**context, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}
        for name in _LINKS_IN_EMAILS:
            if context.get(name):
                context[name] = on_public_site(context[name])
        super().send_mail(template_prefix, email, context)

    def clean_email(self, email):
        # Sign-up and "add an email address" send a confirmation link to whatever was typed.
        validate_public_email(email)
        return super().clean_email(email)

    def get_password_change_redirect_url(self, request):
        return reverse("accounts:overview")

    def get_client_ip(self, request):
        # allauth's rate limits (sign-up, password reset, login, second step) count per client
        # IP. Left to itself allauth would read the socket's address, which behind our proxy is
        # the proxy's, and count every reader in one bucket; this is the address every other
        # limit of ours uses (TRUSTED_PROXY_COUNT). With no address there is nothing to count
        # by, and allauth's own answer to that is to refuse.
        address = client_ip(request)
        if not address:
            raise PermissionDenied("The client's address is unknown.")
        return address
