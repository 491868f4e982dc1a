"""The notification outbox moves to the shared kernel (core.Notification).

Only Django's model state changes: the table `appeals_notification` stays where it is, under the
same name, so no row moves (core/migrations/0001_initial.py takes the model over).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0007_attachment_thumbnail"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
