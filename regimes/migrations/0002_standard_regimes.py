"""The three regimes the law sets, version 1 each (regimes/standard.py)."""

from django.db import migrations

from regimes.standard import install


def create(apps, schema_editor):
    install(apps.get_model("regimes", "Regime"), apps.get_model("regimes", "RegimeVersion"))


class Migration(migrations.Migration):
    dependencies = [("regimes", "0001_regimes")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
