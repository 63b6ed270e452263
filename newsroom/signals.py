"""Site-wide model signals of our own."""

from django.db import models

from newsroom.lib.text import xml_safe

# Our apps, and taggit's tags (named in our admin and by partner feeds). Other libraries' rows
# (sessions, tasks, sign-in attempts) are theirs to keep as they are, and never reach a feed.
XML_SAFE_APPS = {
    "newsroom", "accounts", "audit", "authors", "articles", "syndication", "comments",
    "subscriptions", "enquiries", "taggit",
}  # fmt: skip


def strip_xml_forbidden_characters(sender, instance, raw=False, **kwargs):
    """Remove the characters XML 1.0 forbids from every text field before the row is saved
    (the rule and why it strips are in newsroom/lib/text.py). Fixture loading (`raw`) is left
    alone: it restores rows exactly as they were dumped."""
    if raw or sender._meta.app_label not in XML_SAFE_APPS:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(instance, field.attname)
            cleaned = xml_safe(value)
            if cleaned != value:
                setattr(instance, field.attname, cleaned)
