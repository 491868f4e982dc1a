"""The five rework criteria every installation starts with (quality/standard.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from quality.standard import install

    install(apps.get_model("quality", "ReworkCriterion"))


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
