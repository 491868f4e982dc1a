from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("outages", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="outage",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["region", "municipality", "ends_at"],
                name="outage_region_current_idx",
            ),
        ),
    ]
