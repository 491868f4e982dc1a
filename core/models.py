"""Models of the shared kernel: the notification outbox, push subscriptions, SMS parts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """The audit trail of a thing that is not an appeal (an outage, a published answer): who did
    what to it and when. A subclass adds the foreign key to its thing and its `action` choices."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]


class Notification(models.Model):
    """The outbox: written in the transaction of the change, delivered later by a sender."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        IN_APP = "in_app", _("on the site")
        PUSH = "push", _("push notification")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        # An e-mail to a person who asked for one daily digest: sent inside it (outbox.send_digests).
        HELD = "held", _("held for the daily digest")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # By name: core imports no app. The appeal a notice is about, if any (surveys' notices have none).
    appeal = models.ForeignKey(
        "appeals.Appeal",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("appeal"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    template = models.CharField(_("template"), max_length=50)
    context = models.JSONField(_("context"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # A notice the law requires (the appeal's regime lists it): kept with its delivery status and
    # time so staff can show that the citizen was told.
    required = models.BooleanField(_("required by law"), default=False, db_default=False)
    # What a sender recorded of a delivery in parts: the push subscriptions already reached, so a
    # retry after one device's push service failed does not push the others twice.
    delivery = models.JSONField(_("delivery details"), default=dict, blank=True, db_default={})
    # An SMS whose every part the gateway's receipt reported delivered (SmsPart).
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        db_table = "appeals_notification"  # the table it had in appeals: the move copies no data
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="notification_outbox_idx",
            ),
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(channel="in_app"),
                name="notification_inbox_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient_id} ({self.status})"


class PushSubscription(models.Model):
    """A browser's Web Push subscription (the PushSubscription of the Push API): where to send and
    the keys the payload is encrypted with (RFC 8291)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
        verbose_name=_("user"),
    )
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(_("public key (p256dh)"), max_length=200)
    auth = models.CharField(_("auth secret"), max_length=50)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_success_at = models.DateTimeField(_("last delivered"), null=True, blank=True)
    # The push service answered 404/410: the browser dropped the subscription; never sent to again.
    gone_at = models.DateTimeField(_("gone"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user"], condition=Q(gone_at=None), name="push_active_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.endpoint[:60]}"


class SmsPart(models.Model):
    """One part of an SMS accepted by the SMPP gateway, with its delivery receipt when it came."""

    # No database constraint: the notices are partitioned (core/partitions.py), and a foreign key
    # to a partitioned table must name its partition key too. Django still cascades the delete.
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="sms_parts", db_constraint=False
    )
    number = models.PositiveSmallIntegerField(_("part"))
    message_id = models.CharField(_("message id at the gateway"), max_length=65, db_index=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    # The receipt's «stat» (DELIVRD, UNDELIV, EXPIRED, REJECTD, …) and «err»; blank until it came.
    receipt_status = models.CharField(_("receipt status"), max_length=10, blank=True)
    receipt_error = models.CharField(_("receipt error code"), max_length=10, blank=True)
    receipt_at = models.DateTimeField(_("receipt received"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS part")
        verbose_name_plural = _("SMS parts")
        ordering = ["notification", "number"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "number"], name="sms_part_unique")
        ]

    def __str__(self) -> str:
        return f"{self.notification_id}/{self.number}: {self.message_id}"
