"""Cached reference data and roles are dropped when an administrator (or a service) changes them."""

from django.db.models.signals import post_delete, post_save
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


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance, **kwargs):
    forget_memberships(instance.user_id)
