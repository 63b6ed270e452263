from datetime import timedelta

from django.db import migrations, models
from django.db.models import Case, F, OuterRef, Subquery, When
from django.db.models.functions import Greatest


def keep_what_readers_were_shown(apps, schema_editor):
    """Published articles keep the "Updated" time they showed before: the newest correction,
    or the last save when it came more than five minutes after first publication (the old
    rule). From now on only edits of the text and corrections move it."""
    Article = apps.get_model("articles", "Article")
    Correction = apps.get_model("articles", "Correction")
    newest_correction = Subquery(
        Correction.objects.filter(article=OuterRef("pk")).order_by("-published_at").values("published_at")[:1]
    )
    last_save = Case(
        When(updated_at__gt=F("first_published_at") + timedelta(minutes=5), then=F("updated_at")),
        default=None,
    )
    # PostgreSQL's GREATEST skips NULLs: an article with neither stays without an update.
    Article.objects.filter(first_published_at__isnull=False).update(
        revised_at=Greatest(last_save, newest_correction)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_body_images_only_from_our_media"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="revised_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="updated for readers"
            ),
        ),
        migrations.RunPython(keep_what_readers_were_shown, migrations.RunPython.noop, elidable=True),
    ]
