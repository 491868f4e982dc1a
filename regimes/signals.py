"""The per-process copy of the regimes is dropped when an administrator changes them."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from regimes.models import Regime, RegimeRule, RegimeVersion
from regimes.selectors import REGIMES


@receiver(post_save, sender=Regime)
@receiver(post_delete, sender=Regime)
@receiver(post_save, sender=RegimeVersion)
@receiver(post_delete, sender=RegimeVersion)
@receiver(post_save, sender=RegimeRule)
@receiver(post_delete, sender=RegimeRule)
def regimes_changed(sender, **kwargs):
    REGIMES.invalidate()
