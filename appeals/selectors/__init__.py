"""Reads of the appeals app, with visibility rules applied where the rows are fetched."""

from datetime import timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import permissions
from appeals.models import (
    Answer,
    Appeal,
    Attachment,
    ClarificationMessage,
    Event,
    MaterialsRequest,
)
from appeals.selectors import materials
from core import outbox
from core.models import Notification
from organizations.errors import RoutingError
from organizations.models import Category, Organization
from organizations.selectors import Route, leaf_category_list, region_municipalities, rule_routes
from places.selectors import house_routes, match_house
from places.selectors import route_appeal as route_with_registry

SIMILAR_LIMIT = 5
SIMILAR_WINDOW = timedelta(days=90)


def citizen_appeals(*, user) -> QuerySet[Appeal]:
    """The citizen's appeals; a copy sent to another organization is a part of its main appeal
    (appeals/services/copies.py) and shows on that appeal's page, not as a row of its own."""
    return (
        Appeal.objects.filter(citizen=user, copy_of__isnull=True)
        .select_related("category", "organization", "municipality", "region")
        .order_by("-submitted_at")
    )


# Whether the citizen's page has anything to prefetch, read with the appeal itself: a new appeal
# has no answers, clarifications or (usually) files, and skips those queries.
_CITIZEN_PAGE_FLAGS = {
    "has_answers": Exists(Answer.objects.filter(appeal=OuterRef("pk"))),
    "has_clarifications": Exists(ClarificationMessage.objects.filter(appeal=OuterRef("pk"))),
    "has_own_files": Exists(Attachment.objects.filter(appeal=OuterRef("pk"), answer__isnull=True)),
    "has_materials_requests": Exists(MaterialsRequest.objects.filter(appeal=OuterRef("pk"))),
    "has_copies": Exists(Appeal.objects.filter(copy_of=OuterRef("pk"))),
}


def get_appeal_for_citizen(*, user, number: str) -> Appeal:
    """The citizen's own appeal, with what its page shows; anyone else's is a 404."""
    appeal = (
        Appeal.objects.filter(citizen=user, number=number)
        .select_related(
            "category__parent",
            "organization",
            "municipality",
            "region",
            "incident",
            "addressee",
            "copy_of__organization",
        )
        .annotate(**_CITIZEN_PAGE_FLAGS)
        .first()
    )
    if appeal is None:
        raise Http404
    # The parts of an appeal sent to several organizations, each with its answers (one query
    # for the parts, one for their answers); an appeal without copies asks nothing.
    appeal.parts = (
        list(
            Appeal.objects.filter(copy_of=appeal)
            .select_related("organization")
            .prefetch_related(
                Prefetch("answers", queryset=Answer.objects.select_related("organization"))
            )
            .order_by("pk")
        )
        if appeal.has_copies
        else []
    )
    lookups = [
        Prefetch(
            "events",
            queryset=Event.objects.filter(is_public=True).order_by("created_at", "pk"),
            to_attr="public_events",
        )
    ]
    empty = {}  # the related managers answer from these without a query
    if appeal.has_answers:
        lookups.append(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related(
                    "organization", "rating", "signed_by"
                ).prefetch_related("attachments"),
            )
        )
    else:
        empty["answers"] = Answer.objects.none()
    if appeal.has_clarifications:
        lookups.append("clarifications")
    else:
        empty["clarifications"] = ClarificationMessage.objects.none()
    if appeal.has_own_files:
        lookups.append(
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(answer__isnull=True),
                to_attr="own_files",
            )
        )
    else:
        appeal.own_files = []
    appeal._prefetched_objects_cache = empty
    prefetch_related_objects([appeal], *lookups)
    return appeal


def answer_awaiting_rating(*, appeal: Appeal, answers: list[Answer]) -> Answer | None:
    """The answer of the current review round, while it waits for the citizen's rating."""
    if appeal.status != Appeal.Status.ANSWERED:
        return None
    current = next(
        (answer for answer in answers if answer.review_round == appeal.review_round), None
    )
    return current if current is not None and not hasattr(current, "rating") else None


def citizen_rating_state(*, appeal: Appeal, answers: list[Answer]) -> tuple[bool, bool]:
    """(awaiting other parts, may rate now) of the citizen's appeal with its `answers`, for the
    citizen's page and the mobile app's API: an appeal sent to several organizations is rated
    once every part is answered."""
    from appeals.services.copies import awaiting_other_parts  # a read, kept beside the copies

    awaiting = bool(appeal.parts or appeal.copy_of_id) and awaiting_other_parts(appeal)
    return awaiting, not awaiting and answer_awaiting_rating(
        appeal=appeal, answers=answers
    ) is not None


def get_attachment_for_user(*, user, number: str, attachment_id: int) -> Attachment:
    """A file of an appeal the user may see (owner, staff of the organization, region moderator);
    a file another body sent only as `materials.may_read` allows (granted to its citizen)."""
    attachment = (
        Attachment.objects.filter(
            Q(appeal__number=number) | Q(document_request__appeal__number=number),
            pk=attachment_id,
        )
        .select_related("appeal", "document_request__appeal")
        .first()
    )
    if attachment is None:
        raise Http404
    appeal = attachment.appeal or attachment.document_request.appeal
    if not materials.may_read(user, appeal=appeal, attachment=attachment):
        raise Http404
    return attachment


def moderation_queue(*, user) -> QuerySet[Appeal]:
    """Submitted appeals of the moderator's regions, oldest first (the 3-day window runs out first)."""
    files = (
        Attachment.objects.filter(appeal=OuterRef("pk"))
        .order_by()
        .values("appeal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Appeal.objects.filter(
            status=Appeal.Status.SUBMITTED, region_id__in=permissions.moderated_region_ids(user)
        )
        .select_related(
            "category__parent",
            "municipality",
            "region",
            "house__street__settlement",
            "organization",
            "incident__organization",
        )
        # A correlated subquery, computed for the page's rows only (a GROUP BY would count them all).
        .annotate(file_count=Coalesce(Subquery(files), 0))
        .order_by("submitted_at", "pk")
    )


def regional_overdue(*, user) -> QuerySet[Appeal]:
    """Open appeals of the moderator's regions that the overdue sweep has marked, longest overdue
    first; no citizen data (the moderator watches terms, the organization answers)."""
    return (
        Appeal.objects.filter(
            status__in=Appeal.OPEN_STATUSES,
            overdue_at__isnull=False,
            region_id__in=permissions.moderated_region_ids(user),
        )
        .select_related("category", "municipality", "organization")
        .only(
            "number",
            "status",
            "due_at",
            "overdue_at",
            "review_round",
            "category__name",
            "municipality__name",
            "organization__name",
        )
        .order_by("due_at", "pk")
    )


def with_routes(appeals: list[Appeal]) -> list[Appeal]:
    """Mark each appeal with where it would be routed (`route`: organization and reason;
    `routed_to`: the organization) and the time left of its registration window (`window_left`).

    A body proposed at filing or the organization of the appeal's incident first, then the
    address registry (the appeal's house and its category's service), then the rules:
    one registry query for the page when any appeal has a house, one rules query per region.
    Appeals come with `category`, `house__street__settlement` and `incident__organization`
    selected.
    """
    registry = house_routes(
        pairs={
            (appeal.house, appeal.category.served_by)
            for appeal in appeals
            if appeal.house_id and appeal.category.served_by
        }
    )
    routes = {}
    for region_id in {appeal.region_id for appeal in appeals}:
        routes |= rule_routes(
            pairs={(a.category_id, a.municipality_id) for a in appeals if a.region_id == region_id},
            region_id=region_id,
        )
    now = timezone.now()
    for appeal in appeals:
        appeal.route = registry.get((appeal.house_id, appeal.category.served_by)) or routes.get(
            (appeal.category_id, appeal.municipality_id)
        )
        if appeal.organization_id:
            # A body proposed at filing (the supervising body of a complaint about an answer)
            # comes before the registry and the rules, and registration takes it.
            appeal.route = Route(
                organization=appeal.organization,
                source=Route.Source.PROPOSED,
                reason=str(
                    _("the organization of the official the appeal is addressed to")
                    if appeal.addressee_id and not appeal.complaint_about_id
                    else _(
                        "the supervising body of the organization whose answer is complained about"
                    )
                ),
            )
        elif appeal.incident_id is not None:
            # An appeal grouped into an incident goes where the incident is handled.
            appeal.route = Route(
                organization=appeal.incident.organization,
                source=Route.Source.PROPOSED,
                reason=str(
                    _("the organization handling the incident «%(title)s»")
                    % {"title": appeal.incident.title}
                ),
            )
        appeal.routed_to = appeal.route.organization if appeal.route else None
        appeal.window_left = appeal.registration_due_at - now
    return appeals


def get_appeal_for_moderation(*, user, number: str) -> Appeal:
    appeal = (
        Appeal.objects.filter(number=number, region_id__in=permissions.moderated_region_ids(user))
        .select_related(
            "category",
            "municipality",
            "region",
            "organization",
            "house__street__settlement",
            "incident__organization",
            "addressee__organization",
            "complained_official",
            "copy_of",
        )
        .first()
    )
    if appeal is None:
        raise Http404
    return appeal


def parts_of_appeal(*, appeal: Appeal) -> list[Appeal]:
    """The main appeal and its copies (appeals/services/copies.py), with their organizations, for
    the staff and moderation pages; empty for an appeal sent to one organization."""
    main_id = appeal.copy_of_id or appeal.pk
    rows = list(
        Appeal.objects.filter(Q(pk=main_id) | Q(copy_of_id=main_id))
        .select_related("organization")
        .only("number", "status", "due_at", "answered_at", "copy_of_id", "organization__name")
        .order_by("pk")
    )
    return rows if len(rows) > 1 else []


def similar_open_appeals(
    *, category: Category, municipality_id: int, text: str, exclude_user=None
) -> list[Appeal]:
    """Open appeals of the same category and municipality whose text matches, best first.

    Full-text search with PostgreSQL's `russian` configuration over the generated `search` column
    (GIN index); `websearch` syntax tolerates whatever a person types.
    """
    words = " ".join(text.split()[:30])
    if len(words) < 3:
        return []
    query = SearchQuery(words.replace(" ", " OR "), config="russian", search_type="websearch")
    rows = (
        Appeal.objects.filter(
            category=category,
            municipality_id=municipality_id,
            status__in=[Appeal.Status.SUBMITTED, *Appeal.OPEN_STATUSES, Appeal.Status.ANSWERED],
            submitted_at__gte=timezone.now() - SIMILAR_WINDOW,
            search=query,
        )
        .annotate(rank=SearchRank(F("search"), query))
        .select_related("organization")
        .only(
            "number",
            "status",
            "submitted_at",
            "address",
            "organization__name",
            "is_public",
            "citizen_id",
        )
        .order_by("-rank", "-submitted_at")
    )
    if exclude_user is not None:
        rows = rows.exclude(citizen=exclude_user)
    return list(rows[:SIMILAR_LIMIT])


def inbox(*, user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user, channel=Notification.Channel.IN_APP)
        .select_related("appeal")
        .order_by("-created_at", "-pk")
    )


def unread_count(*, user) -> int:
    return outbox.unread_count(user=user)


def public_counts(*, region_id: int) -> dict:
    return Appeal.objects.filter(region_id=region_id).aggregate(
        processed=Count("pk", filter=Q(status__in=[Appeal.Status.ANSWERED, Appeal.Status.CLOSED])),
        total=Count("pk"),
    )


def expected_organization(
    *, category_id: int | None, municipality_id: int | None, address: str = "", region=None
) -> Organization | None:
    """The organization an appeal being filed would go to, as registration would route it (the
    address registry for the typed address, then the rules); None while the category or the
    municipality is not chosen, or nothing routes it (the moderator then chooses)."""
    if category_id is None or municipality_id is None:
        return None
    category = next((c for c in leaf_category_list() if c.pk == category_id), None)
    municipality = next(
        (m for m in region_municipalities(region=region) if m.pk == municipality_id), None
    )
    if category is None or municipality is None:
        return None
    house = match_house(text=address.strip(), municipality_id=municipality.pk) if address else None
    try:
        return route_with_registry(
            category=category, municipality=municipality, house=house
        ).organization
    except RoutingError:
        return None
