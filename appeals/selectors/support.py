"""Reads of «Присоединиться»: public problems to join, nearby ones while filing, the ones a
resident supports."""

import math
from datetime import timedelta
from decimal import Decimal

from django.db.models import Exists, FloatField, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Radians, Sqrt
from django.http import Http404
from django.utils import timezone

from appeals.models import PUBLIC_PROBLEM, Appeal, Support

NEARBY_RADIUS_M = 500
NEARBY_WINDOW = timedelta(days=90)
NEARBY_LIMIT = 5
EARTH_RADIUS_M = 6_371_000.0
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180


def public_problems() -> QuerySet[Appeal]:
    """Appeals their authors made public that passed moderation (the shared definition)."""
    return Appeal.objects.filter(PUBLIC_PROBLEM)


def with_support_state(rows: QuerySet[Appeal], *, user) -> QuerySet[Appeal]:
    """Mark each problem with `supported_by_me` (in the same query) for the join/leave button."""
    if not user.is_authenticated:
        return rows.annotate(supported_by_me=Value(False))
    return rows.annotate(
        supported_by_me=Exists(Support.objects.filter(appeal=OuterRef("pk"), citizen=user))
    )


def get_public_problem(*, number: str, user=None) -> Appeal:
    """One public problem by its number, marked for `user`; anything else is a 404."""
    rows = public_problems().filter(number=number)
    if user is not None:
        rows = with_support_state(rows, user=user)
    appeal = rows.first()
    if appeal is None:
        raise Http404
    return appeal


def nearby_public_problems(
    *,
    category,
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    municipality_id: int | None = None,
    user=None,
    radius_m: int = NEARBY_RADIUS_M,
    limit: int = NEARBY_LIMIT,
) -> list[Appeal]:
    """The first `limit` of `nearby_problem_rows`."""
    rows = nearby_problem_rows(
        category=category,
        latitude=latitude,
        longitude=longitude,
        municipality_id=municipality_id,
        user=user,
        radius_m=radius_m,
    )
    return [] if rows is None else list(rows[:limit])


def nearby_problem_rows(
    *,
    category,
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    municipality_id: int | None = None,
    user=None,
    radius_m: int = NEARBY_RADIUS_M,
) -> QuerySet[Appeal] | None:
    """Public problems of the category still under way, filed within 90 days near the point, nearest
    first (`distance_m`); without a point, those of the municipality, most supported first.

    The distance is computed in SQL with the equirectangular approximation (exact enough within a
    few kilometres) over a latitude/longitude range that the partial index
    `appeal_public_nearby_idx` (category, latitude, longitude) answers.
    """
    rows = public_problems().filter(
        category=category,
        status__in=[*Appeal.OPEN_STATUSES, Appeal.Status.ANSWERED],
        submitted_at__gte=timezone.now() - NEARBY_WINDOW,
    )
    if latitude is not None and longitude is not None:
        lat0, lon0 = float(latitude), float(longitude)
        if not (-90 <= lat0 <= 90 and -180 <= lon0 <= 180):
            return None
        cos_lat = max(math.cos(math.radians(lat0)), 0.01)
        dlat = radius_m / METRES_PER_DEGREE
        dlon = radius_m / (METRES_PER_DEGREE * cos_lat)
        lat = Cast("latitude", FloatField())
        lon = Cast("longitude", FloatField())
        dy = Radians(lat - Value(lat0))
        dx = Radians(lon - Value(lon0)) * Value(cos_lat)
        rows = (
            rows.filter(
                latitude__gte=Decimal(str(round(lat0 - dlat, 5))),
                latitude__lte=Decimal(str(round(lat0 + dlat, 5))),
                longitude__gte=Decimal(str(round(lon0 - dlon, 5))),
                longitude__lte=Decimal(str(round(lon0 + dlon, 5))),
            )
            .annotate(
                distance_m=Value(EARTH_RADIUS_M) * Sqrt(dy * dy + dx * dx),
            )
            .filter(distance_m__lte=radius_m)
            .order_by("distance_m", "-submitted_at")
        )
    elif municipality_id is not None:
        rows = (
            rows.filter(municipality_id=municipality_id)
            .annotate(distance_m=Value(None, output_field=FloatField()))
            .order_by("-supporters_count", "-submitted_at")
        )
    else:
        return None
    if user is not None and user.is_authenticated:
        rows = with_support_state(rows.exclude(citizen=user), user=user)
    rows = rows.select_related("municipality", "organization").only(
        "number",
        "status",
        "address",
        "submitted_at",
        "supporters_count",
        "citizen_id",
        "is_public",
        "latitude",
        "longitude",
        "municipality__name",
        "organization__name",
    )
    return rows


def supported_problems(*, user) -> QuerySet[Support]:
    """The problems the resident joined, newest join first, with what the cabinet shows."""
    return (
        Support.objects.filter(citizen=user)
        .select_related("appeal__category", "appeal__municipality", "appeal__organization")
        .order_by("-created_at", "-pk")
    )
