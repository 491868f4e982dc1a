"""Writes of outages: publish, change, cancel (each with its OutageEvent), subscriptions, notices.

An outage lives outside any appeal's timeline, so its audit trail is its own OutageEvent rows,
shaped like appeals.Event: who, what, when, and the details of the change.
"""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.errors import AlreadyDone, DomainError, NotAllowed
from core.outbox import enqueue_task, notify_bulk
from organizations.models import Municipality, Organization
from outages import permissions, selectors
from outages.models import DESCRIPTION_MAX_LENGTH, Outage, OutageEvent, OutageSubscription
from places.models import House

NOTIFY_TASK = "outages.notify_subscribers"
NOTIFY_BATCH = 20
MAX_HOUSES = 500
A = OutageEvent.Action


def _check_publisher(actor, organization_id: int) -> None:
    if not permissions.can_publish_for(actor, organization_id):
        raise NotAllowed(
            _("Only the staff of the organization may publish and change its outages.")
        )


def _clean(
    *,
    organization: Organization,
    kind: str,
    municipality: Municipality,
    starts_at: datetime,
    ends_at: datetime,
    description: str,
    houses: list[House],
) -> str:
    if kind not in Outage.Kind.values:
        raise DomainError(_("Choose the kind of the outage from the list."))
    if municipality.region_id != organization.region_id:
        raise DomainError(_("The municipality must be in the organization's region."))
    if ends_at <= starts_at:
        raise DomainError(_("The end must be after the start."))
    if ends_at <= timezone.now():
        raise DomainError(_("The end is already past: residents need to know of coming works."))
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Say what is done and why: residents read it before they write."))
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise DomainError(
            _("The description is too long: at most %(limit)d characters.")
            % {"limit": DESCRIPTION_MAX_LENGTH}
        )
    if len(houses) > MAX_HOUSES:
        raise DomainError(
            _("At most %(limit)d houses: for a wider area leave the houses empty.")
            % {"limit": MAX_HOUSES}
        )
    elsewhere = [
        house for house in houses if house.street.settlement.municipality_id != municipality.pk
    ]
    if elsewhere:
        raise DomainError(
            _("These houses are not in the municipality «%(municipality)s»: %(houses)s.")
            % {
                "municipality": municipality.name,
                "houses": "; ".join(house.label for house in elsewhere),
            }
        )
    return description


def _snapshot(outage: Outage, house_ids: Iterable[int]) -> dict:
    return {
        "organization": outage.organization_id,
        "kind": outage.kind,
        "emergency": outage.emergency,
        "municipality": outage.municipality_id,
        "houses": sorted(house_ids),
        "starts_at": outage.starts_at.isoformat(),
        "ends_at": outage.ends_at.isoformat(),
        "description": outage.description,
    }


def _record(*, outage: Outage, actor, action: str, comment: str = "", data=None) -> OutageEvent:
    return OutageEvent.objects.create(
        outage=outage, actor=actor, action=action, comment=comment, data=data or {}
    )


def _locked(outage_id: int) -> Outage:
    outage = (
        Outage.objects.select_for_update(of=("self",))
        .select_related("organization", "region", "municipality")
        .filter(pk=outage_id)
        .first()
    )
    if outage is None:
        raise DomainError(_("This outage no longer exists."))
    return outage


@transaction.atomic
def publish_outage(
    *,
    actor,
    organization: Organization,
    kind: str,
    municipality: Municipality,
    starts_at: datetime,
    ends_at: datetime,
    description: str,
    houses: Iterable[House] = (),
    emergency: bool = False,
) -> Outage:
    """Publish planned works or an outage of `organization`.

    Precondition: the actor is an executor or head of the organization (heads: or of one above
    it), else NotAllowed; the period ends after it starts and not in the past; the houses (none:
    the whole municipality) are in the municipality. Effect: the outage is public at once (the
    filing form, the public page and map), a `publish` event is written, and after commit the
    task telling the area's subscribers is queued (the notify sweep does it if the queue is down).
    """
    _check_publisher(actor, organization.pk)
    houses = list(houses)
    description = _clean(
        organization=organization,
        kind=kind,
        municipality=municipality,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description,
        houses=houses,
    )
    now = timezone.now()
    outage = Outage.objects.create(
        organization=organization,
        region_id=organization.region_id,
        kind=kind,
        emergency=emergency,
        municipality=municipality,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description,
        published_by=actor,
        published_at=now,
        updated_at=now,
    )
    outage.houses.set(houses)
    _record(
        outage=outage,
        actor=actor,
        action=A.PUBLISH,
        data=_snapshot(outage, (house.pk for house in houses)),
    )
    transaction.on_commit(lambda: enqueue_task(NOTIFY_TASK, [outage.pk]))
    return outage


EDITABLE = ("kind", "emergency", "municipality", "starts_at", "ends_at", "description")


@transaction.atomic
def edit_outage(
    *,
    actor,
    outage_id: int,
    kind: str,
    municipality: Municipality,
    starts_at: datetime,
    ends_at: datetime,
    description: str,
    houses: Iterable[House] = (),
    emergency: bool = False,
) -> Outage:
    """Change a published outage (a longer repair, another street); its organization stays.

    Precondition: as for publishing, and the outage is not cancelled (else DomainError). Effect:
    the fields are saved and an `edit` event names each changed field with its old and new
    value; nothing changed, nothing is written. Subscribers are told of new outages only, not of
    changes.
    """
    outage = _locked(outage_id)
    _check_publisher(actor, outage.organization_id)
    if outage.is_cancelled:
        raise DomainError(_("A cancelled outage cannot be changed: publish a new one."))
    houses = list(houses)
    description = _clean(
        organization=outage.organization,
        kind=kind,
        municipality=municipality,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description,
        houses=houses,
    )
    before = _snapshot(outage, outage.houses.values_list("pk", flat=True))
    outage.kind = kind
    outage.emergency = emergency
    outage.municipality = municipality
    outage.starts_at = starts_at
    outage.ends_at = ends_at
    outage.description = description
    after = _snapshot(outage, (house.pk for house in houses))
    changed = {
        name: {"from": before[name], "to": after[name]}
        for name in after
        if before[name] != after[name]
    }
    if not changed:
        return outage
    outage.updated_at = timezone.now()
    outage.save(update_fields=[*EDITABLE, "updated_at"])
    if "houses" in changed:
        outage.houses.set(houses)
    _record(outage=outage, actor=actor, action=A.EDIT, data={"changed": changed})
    return outage


@transaction.atomic
def cancel_outage(*, actor, outage_id: int, reason: str = "") -> Outage:
    """Withdraw an outage that will not happen (or was published by mistake).

    Precondition: the actor may publish for its organization (else NotAllowed). Effect: the
    outage leaves the filing form, the public page and the map (appeals already linked keep the
    link), and a `cancel` event keeps the reason. Cancelling again: the same person's second click
    changes nothing; anyone else is told it was already done.
    """
    outage = _locked(outage_id)
    _check_publisher(actor, outage.organization_id)
    if outage.is_cancelled:
        last = outage.events.filter(action=A.CANCEL).order_by("-created_at", "-pk").first()
        if last is not None and last.actor_id == actor.pk:
            return outage
        raise AlreadyDone(_("This outage is already cancelled."))
    now = timezone.now()
    outage.status = Outage.Status.CANCELLED
    outage.cancelled_at = now
    outage.cancel_reason = (reason or "").strip()
    outage.updated_at = now
    outage.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    _record(outage=outage, actor=actor, action=A.CANCEL, comment=outage.cancel_reason)
    return outage


# --- subscriptions and notices ------------------------------------------------------------------


@transaction.atomic
def subscribe(
    *, user, municipality: Municipality, house: House | None = None
) -> OutageSubscription:
    """Tell `user` of new outages in `municipality` (or only those covering `house` in it).

    The same area twice keeps the one subscription.
    """
    if house is not None and house.street.settlement.municipality_id != municipality.pk:
        raise DomainError(_("This house is not in the chosen municipality."))
    existing = OutageSubscription.objects.filter(
        user=user, municipality=municipality, house=house
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return OutageSubscription.objects.create(
                user=user, municipality=municipality, house=house
            )
    except IntegrityError:  # the same form sent twice at once
        return OutageSubscription.objects.get(user=user, municipality=municipality, house=house)


@transaction.atomic
def unsubscribe(*, subscription_id: int) -> bool:
    """Stop one subscription (from its signed link: no sign-in needed). True when it existed."""
    deleted, _rows = OutageSubscription.objects.filter(pk=subscription_id).delete()
    return bool(deleted)


def _notice_context(outage: Outage, houses: list[House], subscription) -> dict:
    # Stored with the notification and shown as written: the platform's language, not the
    # language of whoever published.
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "title": str(outage.get_kind_display()).capitalize(),
            "kind": str(outage.get_kind_display()),
            "period": selectors.period_text(outage),
            "place": selectors.place_text(outage, houses=houses),
            "area": (
                subscription.house.label if subscription.house_id else outage.municipality.name
            ),
            "organization": outage.organization.name,
            "description": outage.description,
            "emergency": outage.emergency,
            "ends": date_format(outage.local_ends_at, "d.m.Y H:i"),
            "url": outage.get_absolute_url(),
            "unsubscribe_url": reverse(
                "outages:unsubscribe", args=[selectors.unsubscribe_token(subscription)]
            ),
        }


def _announce(*, outage_id: int, now: datetime) -> int | None:
    """Claim the outage and write its notices; None when there was nothing to claim."""
    with transaction.atomic():
        claimed = Outage.objects.filter(
            pk=outage_id,
            status=Outage.Status.PUBLISHED,
            subscribers_notified_at__isnull=True,
            ends_at__gt=now,
        ).update(subscribers_notified_at=now)
        if not claimed:
            return None
        outage = (
            Outage.objects.select_related("organization", "region", "municipality")
            .prefetch_related("houses__street__settlement")
            .get(pk=outage_id)
        )
        houses = list(outage.houses.all())
        subscribers = selectors.subscribers_of(outage=outage)
        notify_bulk(
            (user, None, "outage_published", _notice_context(outage, houses, subscription), True)
            for user, subscription in subscribers.items()
        )
        _record(
            outage=outage,
            actor=None,
            action=A.NOTIFY_SUBSCRIBERS,
            data={"recipients": len(subscribers)},
        )
    return len(subscribers)


def notify_subscribers(*, outage_id: int, now: datetime | None = None) -> int:
    """Tell the subscribers whose area a newly published outage covers; returns how many.

    Safe to run twice or concurrently: a conditional UPDATE claims the outage (its
    `subscribers_notified_at` still empty) in the transaction that writes the notices, so a second
    run finds nothing to claim and each subscriber is told once. A cancelled or already ended
    outage is not announced.
    """
    return _announce(outage_id=outage_id, now=now or timezone.now()) or 0


def notify_pending(*, batch: int = NOTIFY_BATCH, now: datetime | None = None) -> int:
    """The sweep behind the publish task: every published outage whose subscribers were not told
    (the broker was down when it was published). Returns the number of outages announced."""
    now = now or timezone.now()
    ids = list(
        Outage.objects.filter(
            status=Outage.Status.PUBLISHED, subscribers_notified_at__isnull=True, ends_at__gt=now
        )
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)[:batch]
    )
    return sum(_announce(outage_id=outage_id, now=now) is not None for outage_id in ids)
