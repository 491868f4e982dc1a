"""Reads behind /problems/: public problems, never a name, a contact or an unchecked text.

A public problem is an appeal its author made public, once the moderator accepted it
(`appeals.models.PUBLIC_PROBLEM`). What leaves here: category, municipality, address and point,
photos, status, dates, the organization's answer (with the author's name and contacts removed),
and the text only after a moderator checked it (`public_text`).
"""

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, F, Min, Q, QuerySet
from django.db.models.functions import Floor
from django.http import Http404
from django.utils import timezone

from appeals import permissions
from appeals.models import PUBLIC_PROBLEM, Answer, Appeal, Attachment
from appeals.selectors.support import with_support_state
from organizations.selectors import leaf_category_list

PUBLIC_STATUSES = (
    Appeal.Status.REGISTERED,
    Appeal.Status.IN_PROGRESS,
    Appeal.Status.CLARIFICATION,
    Appeal.Status.ANSWERED,
    Appeal.Status.CLOSED,
)
IMAGE_TYPES = ("image/jpeg", "image/png")
# The map: a bounding box holding at most this many problems is answered point by point; a
# larger one as grid clusters, so the response stays small however many rows there are.
MAX_POINTS = 500
# Clusters: about four cells across a 256-pixel tile at the requested zoom, and never more than
# MAX_GRID cells along the longer side of the box (a zoom that does not fit the box).
CELLS_PER_TILE = 4
MAX_GRID = 48
DEFAULT_GRID = 16
REDACTED = "[…]"


def status_label(status: str) -> str:
    return Appeal.Status(status).label


def public_problems() -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(PUBLIC_PROBLEM)
        .select_related("category__parent", "municipality", "organization", "region")
        .only(
            "number",
            "status",
            "address",
            "latitude",
            "longitude",
            "submitted_at",
            "registered_at",
            "due_at",
            "answered_at",
            "closed_at",
            "public_text",
            "public_text_checked_at",
            "citizen_id",
            "category__name",
            "category__parent__name",
            "municipality__name",
            "organization__name",
            "organization__short_name",
            "region__timezone",
        )
    )


@dataclass(frozen=True)
class ProblemFilters:
    # The region whose pages show the problems (each region sees only its own; None: nothing).
    region_id: int | None = None
    category_id: int | None = None
    municipality_id: int | None = None
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def apply(self, problems: QuerySet[Appeal]) -> QuerySet[Appeal]:
        problems = problems.filter(region_id=self.region_id)
        if self.category_id is not None:
            problems = problems.filter(
                Q(category_id=self.category_id) | Q(category__parent_id=self.category_id)
            )
        if self.municipality_id is not None:
            problems = problems.filter(municipality_id=self.municipality_id)
        if self.status:
            problems = problems.filter(status=self.status)
        zone = timezone.get_current_timezone()
        if self.date_from is not None:
            start = datetime.combine(self.date_from, time.min, tzinfo=zone)
            problems = problems.filter(submitted_at__gte=start)
        if self.date_to is not None:
            end = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=zone)
            problems = problems.filter(submitted_at__lt=end)
        return problems


def public_problem_list(*, filters: ProblemFilters) -> QuerySet[Appeal]:
    """Public problems of the filter, newest first, ready to paginate."""
    return filters.apply(public_problems()).order_by("-submitted_at", "-pk")


def get_public_problem(*, number: str, user=None) -> Appeal:
    """One public problem with its photos and answers; anything else (private, on moderation,
    rejected, unknown) is a 404. With `user`: marked whether they support it (the join button)."""
    rows = public_problems().filter(number=number)
    if user is not None:
        rows = with_support_state(rows, user=user)
    problem = rows.first()
    if problem is None:
        raise Http404
    problem.photos = list(
        Attachment.objects.filter(
            appeal=problem, answer__isnull=True, content_type__in=IMAGE_TYPES
        ).only("pk", "appeal_id", "original_name", "content_type", "thumbnail", "file")
    )
    problem.public_answers = list(
        Answer.objects.filter(appeal=problem)
        .select_related("organization")
        .only(
            "text",
            "created_at",
            "review_round",
            "organization__name",
            # proof of fix: what the answer says of the work on site
            "work_status",
            "planned_on",
            "fix_confirmed_at",
            "fix_refuted_at",
        )
        .order_by("created_at")
    )
    if problem.public_answers:
        author = (
            Appeal.objects.filter(pk=problem.pk)
            .values(
                "citizen__first_name",
                "citizen__last_name",
                "citizen__patronymic",
                "citizen__email",
                "citizen__phone",
            )
            .get()
        )
        names = [author[f"citizen__{part}"] for part in ("first_name", "last_name", "patronymic")]
        contacts = [author["citizen__email"], author["citizen__phone"]]
        for answer in problem.public_answers:
            answer.public_text = redact_author(answer.text, names=names, contacts=contacts)
    return problem


def public_texts_to_check(*, user) -> QuerySet[Appeal]:
    """Public appeals of the moderator's regions whose text nobody has checked yet, oldest first
    (rejected ones never go public)."""
    return (
        Appeal.objects.filter(
            is_public=True,
            public_text_checked_at__isnull=True,
            region_id__in=permissions.moderated_region_ids(user),
        )
        .exclude(status=Appeal.Status.REJECTED)
        .select_related("category", "municipality")
        .only(
            "number",
            "status",
            "address",
            "submitted_at",
            "category__name",
            "municipality__name",
        )
        .order_by("submitted_at", "pk")
    )


def get_public_photo(*, number: str, attachment_id: int) -> Attachment:
    """A photo of a public problem (never a document, never a file of the answer); else 404."""
    attachment = (
        Attachment.objects.filter(
            Q(pk=attachment_id, appeal__number=number, answer__isnull=True)
            & Q(content_type__in=IMAGE_TYPES)
        )
        .filter(appeal__in=Appeal.objects.filter(PUBLIC_PROBLEM).values("pk"))
        .select_related("appeal")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def redact_author(text: str, *, names: list[str], contacts: list[str]) -> str:
    """The text with the author's name parts and contacts replaced by […].

    The organization's answer is a letter to the author («Уважаемая Мария Ивановна»); on the public
    page it is shown without the words that name them. Whole words only, any case, any Russian
    ending of the name («Сидоровой» for «Сидорова»).
    """
    patterns = []
    for name in names:
        name = name.strip()
        if len(name) >= 2:
            stem = re.escape(name[:-1] if len(name) > 3 else name)
            patterns.append(rf"\b{stem}\w*")
    for contact in contacts:
        contact = contact.strip()
        if contact:
            patterns.append(re.escape(contact))
    if not patterns:
        return text
    return re.sub("|".join(patterns), REDACTED, text, flags=re.IGNORECASE)


# --- The map: bounding boxes and grid clusters -------------------------------------------------


@dataclass(frozen=True)
class BBox:
    min_lon: Decimal
    min_lat: Decimal
    max_lon: Decimal
    max_lat: Decimal

    @property
    def width(self) -> float:
        return float(self.max_lon - self.min_lon)

    @property
    def height(self) -> float:
        return float(self.max_lat - self.min_lat)


def _in_box(problems: QuerySet[Appeal], box: BBox) -> QuerySet[Appeal]:
    # The region and plain comparisons on the two float columns: the partial btree index
    # appeal_region_point_idx.
    return problems.filter(
        map_latitude__gte=float(box.min_lat),
        map_latitude__lte=float(box.max_lat),
        map_longitude__gte=float(box.min_lon),
        map_longitude__lte=float(box.max_lon),
    )


def cell_size(*, box: BBox, zoom: int | None) -> float:
    """The side of a cluster cell in degrees for the box and the map's zoom."""
    longer = max(box.width, box.height, 1e-6)
    by_box = longer / (MAX_GRID if zoom is not None else DEFAULT_GRID)
    if zoom is None:
        return by_box
    return max(360.0 / (2**zoom) / CELLS_PER_TILE, by_box)


def map_features(*, box: BBox, zoom: int | None = None, filters: ProblemFilters):
    """What the map shows in `box`: ("points", rows) when it holds at most MAX_POINTS problems,
    else ("clusters", rows). Two queries at most, each bounded: the points stop after
    MAX_POINTS + 1 rows, the clusters are one row per grid cell."""
    problems = _in_box(filters.apply(Appeal.objects.filter(PUBLIC_PROBLEM)), box)
    points = list(
        # In the index's order: the scan stops after MAX_POINTS + 1 entries of the box.
        problems.order_by("map_latitude", "map_longitude").values(
            "number", "latitude", "longitude", "status", "category_id", "submitted_at"
        )[: MAX_POINTS + 1]
    )
    if len(points) <= MAX_POINTS:
        # Category names from the reference data in memory: no join in the map's query.
        names = {category.pk: category.name for category in leaf_category_list()}
        for point in points:
            point["category__name"] = names.get(point["category_id"], "")
        return "points", points
    cell = cell_size(box=box, zoom=zoom)
    # One grouping key per cell of a grid anchored at 0°, 0° (clusters stay put while the map
    # pans): row × columns + column, exact in a double for any cell down to zoom 22. One
    # expression rather than two lets PostgreSQL aggregate in a small hash table.
    columns = math.ceil(360 / cell) + 2
    latitude, longitude = F("map_latitude"), F("map_longitude")
    clusters = list(
        problems.order_by()
        .annotate(cell=Floor(latitude / cell) * columns + Floor(longitude / cell))
        .values("cell")
        .annotate(
            # count(*) and min(number): everything the query reads is in appeal_region_point_idx
            # (an index-only scan).
            count=Count("*"),
            lat=Avg(latitude),
            lon=Avg(longitude),
            number=Min("number"),
        )
        .values("count", "lat", "lon", "number")
    )
    return "clusters", clusters
