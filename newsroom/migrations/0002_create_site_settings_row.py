from django.db import migrations


def create_row(apps, schema_editor):
    # Pages read this row on every render; creating it here keeps that read a plain SELECT.
    apps.get_model("newsroom", "SiteSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0001_initial")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
