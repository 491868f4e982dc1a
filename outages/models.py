"""Planned works and outages an organization publishes, so residents know before they complain.

An outage covers one municipality: the whole of it, or only the registry houses it lists. The
filing form shows the outages covering the chosen address (outages/selectors.py), an appeal filed
while one is under way is linked to it, and subscribers of the area are told once when it is
published.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from organizations.models import Municipality, Organization, Region, ServiceKind

DESCRIPTION_MAX_LENGTH = 2000


class Outage(models.Model):
    class Kind(models.TextChoices):
        WATER = "water", _("water supply")
        HEATING = "heating", _("heating")
        ELECTRICITY = "electricity", _("electricity")
        GAS = "gas", _("gas supply")
        ROAD_WORKS = "road_works", _("road works")
        WASTE_COLLECTION = "waste_collection", _("waste collection change")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    # The service whose appeals an outage of each kind explains (an appeal of a category served by
    # the water supplier links to a water outage before any other one at the same address).
    SERVICES = {
        Kind.WATER: ServiceKind.WATER_SUPPLIER,
        Kind.HEATING: ServiceKind.HEAT_SUPPLIER,
        Kind.ELECTRICITY: ServiceKind.ELECTRICITY_SUPPLIER,
        Kind.GAS: ServiceKind.GAS_SUPPLIER,
        Kind.WASTE_COLLECTION: ServiceKind.WASTE_OPERATOR,
    }

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="outages",
        verbose_name=_("organization"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="outages", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    emergency = models.BooleanField(
        _("emergency outage"),
        default=False,
        help_text=_("Not planned: an accident being repaired."),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="outages",
        verbose_name=_("municipality"),
    )
    # None: the whole municipality.
    houses = models.ManyToManyField(
        "places.House", blank=True, related_name="outages", verbose_name=_("houses")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    description = models.TextField(
        _("reason and what residents should know"), max_length=DESCRIPTION_MAX_LENGTH
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # The notify task's "done" mark: claimed by a conditional UPDATE, so subscribers are told once.
    subscribers_notified_at = models.DateTimeField(
        _("subscribers notified"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("outage or planned works")
        verbose_name_plural = _("outages and planned works")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="outage_ends_after_it_starts",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(status="published", cancelled_at__isnull=True)
                | Q(status="cancelled", cancelled_at__isnull=False),
                name="outage_cancelled_has_time",
            ),
        ]
        indexes = [
            # The filing form and the public page: outages of a municipality not yet ended.
            models.Index(
                fields=["municipality", "ends_at"],
                condition=Q(status="published"),
                name="outage_current_idx",
            ),
            # The region's public list and map (outages/selectors.py public_outages), read by
            # region, or by region and municipality when the list joins them in that order.
            models.Index(
                fields=["region", "municipality", "ends_at"],
                condition=Q(status="published"),
                name="outage_region_current_idx",
            ),
            models.Index(fields=["organization", "-starts_at"], name="outage_organization_idx"),
            # The notify sweep: published outages whose subscribers were not told yet.
            models.Index(
                fields=["published_at"],
                condition=Q(status="published", subscribers_notified_at__isnull=True),
                name="outage_notify_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.municipality_id} {self.starts_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return f"{reverse('outages:list')}?municipality={self.municipality_id}#outage-{self.pk}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.region.timezone)

    @property
    def local_starts_at(self):
        return self.starts_at.astimezone(self.zone)

    @property
    def local_ends_at(self):
        return self.ends_at.astimezone(self.zone)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def is_under_way(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at

    @property
    def under_way(self) -> bool:
        return self.is_under_way()


class OutageEvent(AuditEvent):
    """The audit trail of an outage: who published, changed or cancelled it, and when (as
    appeals.Event is for an appeal)."""

    class Action(models.TextChoices):
        PUBLISH = "publish", _("published")
        EDIT = "edit", _("changed")
        CANCEL = "cancel", _("cancelled")
        NOTIFY_SUBSCRIBERS = "notify_subscribers", _("subscribers notified")

    outage = models.ForeignKey(
        Outage, on_delete=models.CASCADE, related_name="events", verbose_name=_("outage")
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = _("outage event")
        verbose_name_plural = _("outage events")
        indexes = [models.Index(fields=["outage", "created_at"], name="outage_event_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.outage_id} {self.action}"


class OutageSubscription(models.Model):
    """A resident asked to be told about new outages in a municipality, or at one house of it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="outage_subscriptions",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="outage_subscriptions",
        verbose_name=_("municipality"),
    )
    house = models.ForeignKey(
        "places.House",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outage_subscriptions",
        verbose_name=_("house"),
        help_text=_("Empty: the whole municipality."),
    )
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now)

    class Meta:
        verbose_name = _("outage subscription")
        verbose_name_plural = _("outage subscriptions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "house"],
                nulls_distinct=False,
                name="outage_subscription_unique",
            )
        ]
        indexes = [models.Index(fields=["municipality"], name="outage_subscription_area_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.municipality_id}/{self.house_id or '*'}"
