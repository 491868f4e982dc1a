"""The per-process copy of the classifier's questions is dropped when the classifier changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from reporting.models import Topic
from reporting.selectors import TOPICS


@receiver(post_save, sender=Topic)
@receiver(post_delete, sender=Topic)
def topics_changed(sender, **kwargs):
    TOPICS.invalidate()
