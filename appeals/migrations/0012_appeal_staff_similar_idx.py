from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built concurrently: the appeals table is large and takes filings while the index is built.
    atomic = False

    dependencies = [("appeals", "0011_event_action_account_hold")]

    operations = [
        AddIndexConcurrently(
            model_name="appeal",
            index=models.Index(
                fields=["organization", "category", "municipality", "-submitted_at"],
                name="appeal_staff_similar_idx",
            ),
        ),
    ]
