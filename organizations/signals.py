"""Cached reference data and roles are dropped when an administrator (or a service) changes them."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from organizations.models import Category, Membership, Municipality, Region
from organizations.permissions import forget_memberships
from organizations.selectors import REFERENCE_DATA


@receiver(post_save, sender=Region)
@receiver(post_delete, sender=Region)
@receiver(post_save, sender=Municipality)
@receiver(post_delete, sender=Municipality)
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
def reference_data_changed(sender, **kwargs):
    REFERENCE_DATA.invalidate()


@receiver(pre_save, sender=Membership)
def membership_moving(sender, instance, **kwargs):
    # A membership given to another person: the previous holder's cached roles (and with them
    # the organizations they may open) must go too, not live on until they expire.
    if instance.pk is not None:
        previous = (
            Membership.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
        )
        if previous is not None and previous != instance.user_id:
            _forget_now_and_after_commit(previous)


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance, **kwargs):
    _forget_now_and_after_commit(instance.user_id)


def _forget_now_and_after_commit(user_id: int) -> None:
    # Again after commit: a request that re-read the old rows before the commit cached them.
    forget_memberships(user_id)
    transaction.on_commit(lambda: forget_memberships(user_id))
