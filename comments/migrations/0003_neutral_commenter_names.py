from django.db import migrations

from accounts.models import neutral_name


def stop_showing_address_parts(apps, schema_editor):
    """Comments kept the name their author was shown under when they posted; for accounts
    without a display name that was the part of the address before the @. Give those the
    neutral name the account is shown under now."""
    Comment = apps.get_model("comments", "Comment")
    user_ids = list(
        Comment.objects.filter(user__isnull=False, user__display_name="")
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in user_ids:
        Comment.objects.filter(user_id=user_id).update(user_name=neutral_name(user_id))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_neutral_display_name"),
        ("comments", "0002_seed_guidelines_and_reasons"),
    ]

    operations = [
        migrations.RunPython(stop_showing_address_parts, migrations.RunPython.noop, elidable=True),
        migrations.AlterModelOptions(
            name="articlecommentpolicy",
            options={
                "verbose_name": "article comment policy",
                "verbose_name_plural": "article comment policies",
            },
        ),
    ]
