"""Reads of outages: what covers an address, the public list and map, the staff's own list.

Coverage: an outage without houses covers its whole municipality; one with houses covers those
houses only. So a house is covered by the area-wide outages of its municipality and by the outages
that list it; a municipality without a house only by the area-wide ones (an outage of one street
says nothing about the rest of the town).
"""

from datetime import datetime

from django.core import signing
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outages import permissions
from outages.models import Outage, OutageSubscription
from places.models import House

# An address rarely has more; a form that lists twenty outages helps nobody.
FOR_ADDRESS_LIMIT = 10
MAP_LIMIT = 500
ANSWER_HOUSES_LISTED = 10
UNSUBSCRIBE_SALT = "outages.unsubscribe"

_HOUSES = Outage.houses.through


def _area_wide() -> Exists:
    return ~Exists(_HOUSES.objects.filter(outage_id=OuterRef("pk")))


def _houses_prefetch() -> Prefetch:
    return Prefetch(
        "houses", queryset=House.objects.select_related("street__settlement").order_by("pk")
    )


def published() -> QuerySet[Outage]:
    return Outage.objects.filter(status=Outage.Status.PUBLISHED)


def covering(
    queryset: QuerySet[Outage], *, house: House | None, municipality_id: int | None
) -> QuerySet[Outage]:
    """The outages of `queryset` covering the house (of `municipality_id`, where the filing form
    found it), or without one the whole municipality."""
    if house is not None:
        if municipality_id is None:
            municipality_id = house.street.settlement.municipality_id
        covers_house = Exists(_HOUSES.objects.filter(outage_id=OuterRef("pk"), house_id=house.pk))
        return queryset.alias(area_wide=_area_wide(), covers_house=covers_house).filter(
            Q(area_wide=True) | Q(covers_house=True), municipality_id=municipality_id
        )
    if municipality_id is None:
        return queryset.none()
    return queryset.alias(area_wide=_area_wide()).filter(
        area_wide=True, municipality_id=municipality_id
    )


def outages_for_address(
    *, house: House | None, municipality_id: int | None, now: datetime | None = None
) -> list[Outage]:
    """Current and upcoming published outages at the address, soonest first: what the filing
    form shows before the citizen writes (one query)."""
    now = now or timezone.now()
    rows = covering(
        published().filter(ends_at__gt=now), house=house, municipality_id=municipality_id
    )
    return list(
        rows.annotate(whole_area=_area_wide())
        .select_related("organization", "region", "municipality")
        .order_by("starts_at", "pk")[:FOR_ADDRESS_LIMIT]
    )


def outage_under_way(
    *, house: House | None, municipality_id: int | None, service: str = "", at: datetime
) -> Outage | None:
    """The outage an appeal filed at `at` about this address is linked to, or None.

    Only one under way (started, not ended, not cancelled). Of several: the one of the kind the
    appeal's category is served by (a water outage for a water supplier's category), then one that
    names the house over an area-wide one, then the latest to start.
    """
    kinds = [kind for kind, kind_service in Outage.SERVICES.items() if kind_service == service]
    rows = covering(
        published().filter(starts_at__lte=at, ends_at__gt=at),
        house=house,
        municipality_id=municipality_id,
    )
    return (
        rows.annotate(
            whole_area=_area_wide(),
            kind_rank=Case(When(kind__in=kinds, then=0), default=1, output_field=IntegerField()),
        )
        .order_by("kind_rank", "whole_area", "-starts_at", "-pk")
        .first()
    )


def public_outages(
    *, region_id: int, municipality_id: int | None = None, now: datetime | None = None
) -> QuerySet[Outage]:
    """Published outages of the region not yet ended, by municipality, soonest first."""
    now = now or timezone.now()
    rows = published().filter(region_id=region_id, ends_at__gt=now)
    if municipality_id is not None:
        rows = rows.filter(municipality_id=municipality_id)
    return (
        rows.select_related("organization", "region", "municipality")
        .prefetch_related(_houses_prefetch())
        .order_by("municipality__name", "starts_at", "pk")
    )


def map_features(*, region_id: int, now: datetime | None = None) -> list[dict]:
    """GeoJSON features of the current and upcoming outages: a point per house that has one, or
    the municipality's centre for an area-wide outage."""
    features = []
    for outage in public_outages(region_id=region_id, now=now)[:MAP_LIMIT]:
        houses = list(outage.houses.all())
        if houses:
            points = [(h.longitude, h.latitude) for h in houses if h.latitude is not None]
        elif outage.municipality.latitude is not None:
            points = [(outage.municipality.longitude, outage.municipality.latitude)]
        else:
            points = []
        properties = {
            "id": outage.pk,
            "kind": outage.kind,
            "title": str(outage.get_kind_display()).capitalize(),
            "period": period_text(outage),
            "organization": outage.organization.name,
            "under_way": outage.under_way,
            "url": outage.get_absolute_url(),
        }
        for longitude, latitude in points:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [float(longitude), float(latitude)],
                    },
                    "properties": properties,
                }
            )
    return features


def staff_outages(*, user) -> QuerySet[Outage]:
    """Outages of the organizations the user publishes for, newest first, cancelled included."""
    return (
        Outage.objects.filter(organization_id__in=permissions.publisher_organization_ids(user))
        .select_related("organization", "region", "municipality")
        .prefetch_related(_houses_prefetch())
        .order_by("-starts_at", "-pk")
    )


def get_outage_for_staff(*, user, outage_id: int) -> Outage:
    """One outage of the user's organizations with its houses and history; any other is a 404."""
    outage = staff_outages(user=user).prefetch_related("events__actor").filter(pk=outage_id).first()
    if outage is None:
        raise Http404
    return outage


def period_text(outage: Outage) -> str:
    """«с 12.03.2026 10:00 до 12.03.2026 18:00», in the region's time."""
    return _("from %(starts)s to %(ends)s") % {
        "starts": date_format(outage.local_starts_at, "d.m.Y H:i"),
        "ends": date_format(outage.local_ends_at, "d.m.Y H:i"),
    }


def place_text(outage: Outage, *, houses: list[House] | None = None) -> str:
    """Where: the whole municipality, or the houses (the first few, then how many more)."""
    houses = list(outage.houses.all()) if houses is None else houses
    if not houses:
        return _("in the whole municipality «%(municipality)s»") % {
            "municipality": outage.municipality.name
        }
    shown = "; ".join(house.label for house in houses[:ANSWER_HOUSES_LISTED])
    more = len(houses) - ANSWER_HOUSES_LISTED
    if more > 0:
        shown += " " + ngettext("and %(count)d more house", "and %(count)d more houses", more) % {
            "count": more
        }
    if len(houses) == 1:
        return _("at %(house)s") % {"house": shown}
    return _("at the addresses %(houses)s") % {"houses": shown}


def answer_text(*, outage: Outage) -> str:
    """The answer staff may send, in one click, to an appeal filed while the outage was on."""
    nature = _("emergency repairs") if outage.emergency else _("planned works")
    text = _(
        "Good afternoon. %(organization)s has informed residents in advance: %(kind)s — "
        "%(nature)s %(place)s, %(period)s (local time)."
    ) % {
        "organization": outage.organization.name,
        "kind": outage.get_kind_display(),
        "nature": nature,
        "place": place_text(outage),
        "period": period_text(outage),
    }
    text += "\n\n" + _("Reason: %(description)s") % {"description": outage.description}
    text += "\n\n" + _(
        "The problem you describe is caused by these works. If it remains after %(ends)s, "
        "please let us know."
    ) % {"ends": date_format(outage.local_ends_at, "d.m.Y H:i")}
    return text


# --- subscriptions ------------------------------------------------------------------------------


def subscriptions_of(*, user) -> QuerySet[OutageSubscription]:
    return (
        OutageSubscription.objects.filter(user=user)
        .select_related("municipality", "house__street__settlement")
        .order_by("municipality__name", "house_id", "pk")
    )


def subscribers_of(*, outage: Outage) -> dict:
    """{user: subscription} of the active residents whose area the outage covers, one each.

    A municipality subscription hears of every outage in it; a house subscription of the outages
    covering that house. Of a person's several matching subscriptions the house one is named in
    the notice (its unsubscribe link stops just that).
    """
    house_ids = [house.pk for house in outage.houses.all()]
    rows = OutageSubscription.objects.filter(
        municipality_id=outage.municipality_id, user__is_active=True
    ).select_related("user", "house__street__settlement")
    if house_ids:
        rows = rows.filter(Q(house__isnull=True) | Q(house_id__in=house_ids))
    chosen = {}
    for subscription in rows.order_by("user_id", "house_id", "pk"):
        current = chosen.get(subscription.user_id)
        if current is None or (current.house_id is None and subscription.house_id is not None):
            chosen[subscription.user_id] = subscription
    return {subscription.user: subscription for subscription in chosen.values()}


def unsubscribe_token(subscription: OutageSubscription) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscription.pk))


def subscription_id_from_token(token: str) -> int:
    """The subscription a link names; a forged or garbled link is a 404."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        raise Http404 from None
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


def subscription_by_token(token: str) -> OutageSubscription | None:
    """The subscription of a valid link, or None when it was already cancelled."""
    return (
        OutageSubscription.objects.select_related("municipality", "house__street__settlement")
        .filter(pk=subscription_id_from_token(token))
        .first()
    )
