"""The moderation reasons and a first version of the guidelines, for staff to edit."""

from django.db import migrations

REASONS = [
    ("abuse", "Abuse", "Insults, threats, harassment or attacks on a person rather than their argument."),
    (
        "hate-speech",
        "Hate speech",
        "Attacks on people for their race, ethnicity, religion, sex, sexual "
        "orientation, gender identity, disability or age.",
    ),
    ("spam", "Spam", "Advertising, repeated posts, or links that have nothing to do with the discussion."),
    ("off-topic", "Off topic", "Comments that have nothing to do with the article or the thread."),
    (
        "defamation",
        "Defamation",
        "Claims about a real person or organisation that could harm their "
        "reputation and are not backed by evidence.",
    ),
    (
        "personal-information",
        "Personal information",
        "Someone's address, phone number, email or other private details, including your own.",
    ),
    ("impersonation", "Impersonation", "Pretending to be another person, a journalist or a moderator."),
    (
        "illegal-content",
        "Illegal content",
        "Anything that breaks the law, such as contempt of court or incitement to crime.",
    ),
]

GUIDELINES = (
    "<p>Comments are for readers to discuss our journalism with each other and with us. We want a "
    "discussion people are glad to join, so moderators apply these rules to every comment.</p>"
    "<p>Disagree as strongly as you like with ideas; do not attack people. A moderator removes a "
    "comment that breaks one of the rules below and emails its author which rule it broke. Readers "
    "who break the rules repeatedly may be suspended from commenting.</p>"
    "<p>If you see a comment that breaks a rule, use its “Report” link. After several readers report "
    "a comment it is hidden until a moderator has looked at it.</p>"
)


def seed(apps, schema_editor):
    ModerationReason = apps.get_model("comments", "ModerationReason")
    Guidelines = apps.get_model("comments", "Guidelines")
    CommentPolicy = apps.get_model("comments", "CommentPolicy")
    for position, (slug, name, description) in enumerate(REASONS, start=1):
        ModerationReason.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position * 10}
        )
    Guidelines.objects.get_or_create(pk=1, defaults={"title": "Comment guidelines", "body": GUIDELINES})
    CommentPolicy.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("comments", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
