from django.db import migrations, models


class Migration(migrations.Migration):
    # A region's dashboards and /stats/ read the roll-ups by region first.
    dependencies = [("analytics", "0002_rollup_version")]

    operations = [
        migrations.AddIndex(
            model_name="answertimerollup",
            index=models.Index(
                fields=["region_id", "level", "grain", "day"], name="answer_time_region_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="groundrollup",
            index=models.Index(
                fields=["region_id", "grain", "day"], name="ground_rollup_region_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="rollup",
            index=models.Index(fields=["region_id", "grain", "day"], name="rollup_region_idx"),
        ),
    ]
