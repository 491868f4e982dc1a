from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models

# Each region's public pages read their own problems (a national deployment serves several regions,
# core/regions.py): the public indexes start with the region. Built concurrently (the appeals table
# is large and takes filings meanwhile), the new ones before the old ones go.
PUBLIC = (
    ("is_public", True),
    models.Q(("status__in", ["submitted", "rejected"]), _negated=True),
)
PUBLIC_PROBLEM = models.Q(*PUBLIC)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("appeals", "0033_partition_events")]

    operations = [
        AddIndexConcurrently(
            model_name="appeal",
            index=models.Index(
                condition=PUBLIC_PROBLEM,
                fields=["region", "map_latitude", "map_longitude"],
                include=["number"],
                name="appeal_region_point_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="appeal",
            index=models.Index(
                condition=PUBLIC_PROBLEM,
                fields=["region", "-submitted_at"],
                name="appeal_region_public_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="appeal",
            index=models.Index(
                condition=models.Q(*PUBLIC, ("fixed_at__isnull", False)),
                fields=["region", "-fixed_at"],
                name="appeal_region_fixed_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="appeal",
            index=models.Index(
                condition=models.Q(*PUBLIC, ("status", "closed")),
                fields=["region", "-closed_at"],
                name="appeal_region_closed_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="appeal", name="appeal_public_point_idx"),
        RemoveIndexConcurrently(model_name="appeal", name="appeal_public_list_idx"),
        RemoveIndexConcurrently(model_name="appeal", name="appeal_public_fixed_idx"),
        RemoveIndexConcurrently(model_name="appeal", name="appeal_public_closed_idx"),
    ]
