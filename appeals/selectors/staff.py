"""Reads for the organizations' staff: the queue of their appeals and one appeal in full."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from appeals import permissions
from appeals.models import (
    Answer,
    AnswerDraft,
    AnswerTemplate,
    Appeal,
    DocumentRequest,
    Event,
    MaterialsRequest,
)
from appeals.services.common import local_date
from core.input import is_ascii_digits
from core.models import Notification
from core.outbox import SENDERS, with_subjects
from organizations.models import Organization
from organizations.selectors import active_organizations, matching_organizations

S = Appeal.Status
TABS = ("open", "new", "in_progress", "waiting", "overdue", "due_soon", "answered", "all")
SORTS = ("due", "received", "relevance", "supporters")


@dataclass(frozen=True)
class QueueFilter:
    tab: str = "open"
    category_id: int | None = None
    municipality_id: int | None = None
    executor_id: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str = ""
    sort: str = "due"


def staff_appeals(*, user) -> QuerySet[Appeal]:
    """Every appeal of the organizations the user works for (heads: and their subordinates)."""
    return Appeal.objects.filter(organization_id__in=permissions.organization_ids(user))


def queue(*, user, filters: QueueFilter, zone: str = "Asia/Kamchatka") -> QuerySet[Appeal]:
    """The organization's queue, filtered, searched and sorted; ready to paginate.

    Full-text search uses PostgreSQL's `russian` configuration over the appeal's text and address
    (GIN index); a query that looks like a number matches the public number instead.
    """
    rows = staff_appeals(user=user).select_related(
        "category", "municipality", "executor", "addressee"
    )
    tab = filters.tab if filters.tab in TABS else "open"
    if tab == "open":
        rows = rows.filter(status__in=Appeal.OPEN_STATUSES)
    elif tab == "new":
        rows = rows.filter(status=S.REGISTERED)
    elif tab == "in_progress":
        rows = rows.filter(status=S.IN_PROGRESS)
    elif tab == "waiting":
        rows = rows.filter(status=S.CLARIFICATION)
    elif tab == "answered":
        rows = rows.filter(status__in=[S.ANSWERED, S.CLOSED])
    elif tab == "overdue":
        # The sweeps' stored marks, as the alerts went out (appeals/services/sweeps.py).
        rows = rows.filter(status__in=Appeal.OPEN_STATUSES, overdue_at__isnull=False)
    elif tab == "due_soon":
        rows = rows.filter(
            status__in=Appeal.OPEN_STATUSES,
            overdue_at__isnull=True,
            due_warning_stage__gt=0,
            due_warned_for=F("due_at"),
        )
    if filters.category_id:
        rows = rows.filter(category_id=filters.category_id)
    if filters.municipality_id:
        rows = rows.filter(municipality_id=filters.municipality_id)
    if filters.executor_id:
        rows = rows.filter(executor_id=filters.executor_id)
    local = ZoneInfo(zone)
    if filters.received_from:
        rows = rows.filter(
            submitted_at__gte=datetime.combine(filters.received_from, time.min, local)
        )
    if filters.received_to:
        rows = rows.filter(
            submitted_at__lt=datetime.combine(
                filters.received_to + timedelta(days=1), time.min, local
            )
        )
    query = filters.q.strip()
    if query:
        if is_ascii_digits(query.replace("-", "")):
            rows = rows.filter(number__contains=query)
        else:
            search = SearchQuery(query, config="russian", search_type="websearch")
            rows = rows.filter(search=search).annotate(rank=SearchRank(F("search"), search))
            if filters.sort == "relevance" or filters.sort not in SORTS:
                return rows.order_by("-rank", "due_at", "pk")
    if filters.sort == "received":
        return rows.order_by("-submitted_at", "-pk")
    if filters.sort == "supporters":
        # appeal_queue_support_idx: (organization, -supporters_count, due_at)
        return rows.order_by("-supporters_count", F("due_at").asc(nulls_last=True), "pk")
    return rows.order_by(F("due_at").asc(nulls_last=True), "pk")


def get_appeal_for_staff(*, user, number: str) -> Appeal:
    """One appeal of the user's organizations with its whole timeline; anything else is a 404.

    `undelivered` counts the notices about it (e-mail, push, SMS) the citizen never got (the
    outbox gave up on them), so staff know to phone or write.
    """
    undelivered = (
        Notification.objects.filter(
            appeal=OuterRef("pk"),
            recipient=OuterRef("citizen"),
            channel__in=list(SENDERS),
            status=Notification.Status.FAILED,
        )
        .order_by()
        .values("appeal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        staff_appeals(user=user)
        .filter(number=number)
        .annotate(
            undelivered=Coalesce(Subquery(undelivered), 0),
            has_answer_draft=Exists(AnswerDraft.objects.filter(appeal=OuterRef("pk"))),
            has_materials_requests=Exists(MaterialsRequest.objects.filter(appeal=OuterRef("pk"))),
            has_document_requests=Exists(DocumentRequest.objects.filter(appeal=OuterRef("pk"))),
            has_copies=Exists(Appeal.objects.filter(copy_of=OuterRef("pk"))),
        )
        # What the page and the actions read (the complained-of organization only by its id).
        .select_related(
            "category__parent",
            "municipality",
            "region",
            "organization",
            "executor",
            "citizen",
            "incident",
            "topic",
            "outage__organization",
            "outage__region",
            "addressee",
            "complained_official",
            "copy_of__organization",
        )
        .prefetch_related(
            Prefetch(
                "events",
                queryset=Event.objects.select_related("actor").order_by("created_at", "pk"),
            ),
            Prefetch(
                "answers", queryset=Answer.objects.select_related("author", "signed_by", "rating")
            ),
            "attachments",
        )
    )
    try:  # the number is unique: get() compiles no ordering, unlike first()
        return rows.get()
    except Appeal.DoesNotExist:
        raise Http404 from None


def similar_in_organization(*, appeal: Appeal, limit: int = 5) -> list[Appeal]:
    """Other appeals of the same category and municipality in the organization's scope, newest first."""
    return list(
        Appeal.objects.filter(
            organization_id=appeal.organization_id,
            category_id=appeal.category_id,
            municipality_id=appeal.municipality_id,
        )
        .exclude(pk=appeal.pk)
        .only("number", "status", "submitted_at", "address")
        .order_by("-submitted_at")[:limit]
    )


def redirect_candidates(*, appeal: Appeal, query: str = "") -> QuerySet[Organization]:
    """Active organizations of the appeal's region other than the current one, by name
    (narrowed to `query`: a name, short name or INN)."""
    rows = active_organizations(region_id=appeal.region_id).exclude(pk=appeal.organization_id)
    return matching_organizations(rows, query=query).order_by("name")


def executors_of(*, organization_ids) -> QuerySet:
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__organization_id__in=organization_ids,
            memberships__role__in=["executor", "head"],
        )
        # Only names for a select: not the municipality and region the user manager joins.
        .select_related(None)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def executors_for_all(*, organization_ids) -> QuerySet:
    """People who may be assigned an appeal of EVERY one of these organizations (a member of each)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    wanted = set(organization_ids)
    if not wanted:
        return get_user_model().objects.none()
    member = Q(memberships__organization_id__in=wanted, memberships__role__in=["executor", "head"])
    return (
        get_user_model()
        .objects.filter(member)
        .select_related(None)
        .annotate(covered=Count("memberships__organization", filter=member, distinct=True))
        .filter(covered=len(wanted))
        .order_by("last_name", "first_name", "email")
    )


def answer_templates(*, organization_id: int) -> QuerySet[AnswerTemplate]:
    return AnswerTemplate.objects.filter(organization_id=organization_id).order_by("title")


def fill_placeholders(*, text: str, appeal: Appeal) -> str:
    """Placeholders of answer templates: {citizen_name}, {number}, {submitted}, {due}, {organization}."""
    values = {
        "citizen_name": appeal.citizen.get_full_name() or appeal.citizen.email,
        "number": appeal.number,
        "submitted": local_date(appeal, appeal.submitted_at),
        "due": local_date(appeal, appeal.due_at),
        "organization": appeal.organization.name if appeal.organization_id else "",
    }
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def citizen_notices(*, appeal: Appeal) -> list[Notification]:
    """What the appeal's author was told, on which channel, and how its delivery went: the proof
    staff show that the citizen was notified (the notices the regime requires are marked)."""
    return with_subjects(
        list(
            Notification.objects.filter(appeal=appeal, recipient_id=appeal.citizen_id).order_by(
                "created_at", "channel"
            )
        )
    )
