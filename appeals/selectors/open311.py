"""Reads behind the Open311 GeoReport v2 API: services are categories, requests are appeals.

Only what may be public leaves here: category and organization names, dates and the status of
every appeal; the address, point and first photo only of public problems (made public by the
citizen and accepted by the moderator, appeals.models.PUBLIC_PROBLEM), their text only once a
moderator checked it (`public_text`). Never a name or a contact.
"""

from datetime import datetime

from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Value, When

from appeals.models import PUBLIC_PROBLEM, Appeal, Attachment
from appeals.selectors.public import IMAGE_TYPES
from organizations.models import Category, Municipality
from organizations.selectors import leaf_categories

CLOSED_STATUSES = (Appeal.Status.CLOSED, Appeal.Status.REJECTED)


def open311_services() -> QuerySet[Category]:
    return leaf_categories()


def get_open311_service(*, code: str) -> Category | None:
    return leaf_categories().filter(slug=code).first()


def unknown_open311_codes(*, codes: list[str]) -> list[str]:
    """The codes among `codes` that name no service, in the order given."""
    if not codes:
        return []
    known = set(leaf_categories().filter(slug__in=codes).values_list("slug", flat=True))
    return [code for code in dict.fromkeys(codes) if code not in known]


def open311_municipalities(*, region) -> QuerySet[Municipality]:
    return Municipality.objects.filter(region=region).order_by("name")


def _requests() -> QuerySet[Appeal]:
    first_photo = (
        Attachment.objects.filter(
            appeal=OuterRef("pk"), answer__isnull=True, content_type__in=IMAGE_TYPES
        )
        .order_by("created_at", "pk")
        .values("pk")[:1]
    )
    return (
        Appeal.objects.select_related("category__parent", "organization", "region")
        .annotate(
            is_public_problem=Case(When(PUBLIC_PROBLEM, then=Value(True)), default=Value(False)),
            first_photo_id=Subquery(first_photo),
        )
        .only(
            "number",
            "status",
            "is_public",
            "public_text",
            "public_text_checked_at",
            "address",
            "latitude",
            "longitude",
            "submitted_at",
            "updated_at",
            "closed_at",
            "due_at",
            "category__name",
            "category__slug",
            "category__term_days",
            "category__parent__name",
            "organization__name",
            "organization__short_name",
            "region__timezone",
        )
    )


def open311_requests(
    *,
    region_id: int | None,
    numbers: list[str] | None = None,
    codes: list[str] | None = None,
    start: datetime,
    end: datetime,
    statuses: list[str] | None = None,
) -> QuerySet[Appeal]:
    """Appeals of the region for GET requests, newest first. `numbers` overrides every other
    filter (the spec) but the region's."""
    if numbers:
        return (
            _requests()
            .filter(region_id=region_id, number__in=numbers)
            .order_by("-submitted_at", "-pk")
        )
    appeals = _requests().filter(
        region_id=region_id, submitted_at__gte=start, submitted_at__lte=end
    )
    if codes:
        appeals = appeals.filter(category__slug__in=codes)
    if statuses and set(statuses) != {"open", "closed"}:
        closed = Q(status__in=CLOSED_STATUSES)
        appeals = appeals.filter(closed if "closed" in statuses else ~closed)
    return appeals.order_by("-submitted_at", "-pk")


def get_open311_request(*, region_id: int | None, number: str) -> Appeal | None:
    return _requests().filter(region_id=region_id, number=number).first()
