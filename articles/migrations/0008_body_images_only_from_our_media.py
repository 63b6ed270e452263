from django.db import migrations

from newsroom import changes
from newsroom.lib.sanitize import clean_body_html


def drop_other_sites_images(apps, schema_editor):
    """Bodies saved before images were limited to our own media are cleaned again with today's
    rules, so feeds and emails made from stored bodies carry no other site's image. Only rows
    with an image are read, and only those that change are written."""
    Article = apps.get_model("articles", "Article")
    rows = Article.objects.filter(body__contains="<img").values_list("pk", "body")
    changed = 0
    for pk, body in rows.iterator(chunk_size=500):
        cleaned = clean_body_html(body)
        if cleaned != body:
            Article.objects.filter(pk=pk).update(body=cleaned)
            changed += 1
    if changed:
        # Pages and feeds cached with the old bodies are made again.
        changes.everything_changed()


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_images_stored_as_redrawn_copies")]

    operations = [migrations.RunPython(drop_other_sites_images, migrations.RunPython.noop)]
