"""Old accept, make_official and redirect events get the organizations the Decree 171 ledger
reads (reporting/backfill.py): batched, and only missing keys are written, so it can run again."""

from django.db import migrations

from reporting.backfill import backfill_event_organizations


def backfill(apps, schema_editor):
    backfill_event_organizations(
        apps.get_model("appeals", "Appeal"),
        apps.get_model("appeals", "Event"),
        apps.get_model("organizations", "Membership"),
        apps.get_model("organizations", "Organization"),
        apps.get_model("core", "Notification"),
    )


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own (reporting/backfill.py)
    dependencies = [
        ("reporting", "0001_classifier"),
        ("appeals", "0026_event_actions_of_issue_15"),
        ("core", "0003_notification_held"),
    ]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
