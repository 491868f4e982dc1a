"""The events table becomes monthly range partitions by created_at (core/partitions.py)."""

from django.db import migrations


def partition(apps, schema_editor):
    from core.partitions import convert_to_partitioned

    convert_to_partitioned("appeals_event")


class Migration(migrations.Migration):
    dependencies = [("appeals", "0032_report_work_done")]

    operations = [migrations.RunPython(partition, elidable=False)]
