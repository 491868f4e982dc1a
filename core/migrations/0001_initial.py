"""The notification outbox, taken over from appeals (appeals/migrations/0006).

The table keeps its name, `appeals_notification`: only Django's model state moves, and the content
type is renamed so that admin permissions granted on notifications stay with them.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="notification").exists():
        ContentType.objects.filter(app_label=old, model="notification").update(app_label=new)


def move_content_type(apps, schema_editor):
    _relabel(apps, "appeals", "core")


def move_content_type_back(apps, schema_editor):
    _relabel(apps, "core", "appeals")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('appeals', '0008_notification_moves_to_core'),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('email', 'e-mail'), ('in_app', 'on the site')], max_length=10, verbose_name='channel')),
                        ('template', models.CharField(max_length=50, verbose_name='template')),
                        ('context', models.JSONField(default=dict, verbose_name='context')),
                        ('status', models.CharField(choices=[('pending', 'pending'), ('sent', 'sent'), ('failed', 'failed')], default='pending', max_length=10, verbose_name='status')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='next attempt')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                        ('appeal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='appeals.appeal', verbose_name='appeal')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                    ],
                    options={
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'db_table': 'appeals_notification',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(condition=models.Q(('status', 'pending')), fields=['next_attempt_at'], name='notification_outbox_idx'), models.Index(condition=models.Q(('channel', 'in_app')), fields=['recipient', '-created_at'], name='notification_inbox_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back, elidable=True),
    ]
