"""The notices table becomes monthly range partitions by created_at (core/partitions.py); the SMS
parts keep their link to a notice without a database constraint (a foreign key to a partitioned
table would have to name its partition key)."""

import django.db.models.deletion
from django.db import migrations, models


def partition(apps, schema_editor):
    from core.partitions import convert_to_partitioned

    convert_to_partitioned("appeals_notification")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_push_sms")]

    operations = [
        migrations.AlterField(
            model_name="smspart",
            name="notification",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sms_parts",
                to="core.notification",
            ),
        ),
        migrations.RunPython(partition, elidable=False),
    ]
