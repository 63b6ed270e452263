"""One way to build an email: a subject, a plain-text body and an HTML body, all rendered
from templates under templates/email/ with the site's name in the context."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def build_email(template, context, *, to, reply_to=None, headers=None, from_email=None):
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html`."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    # A newline in a subject would be a header injection; templates never intend one.
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to or []),
        headers=headers or {},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
