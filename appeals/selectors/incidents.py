"""Reads of incidents: the list a person may see, one incident with its appeals."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from appeals import permissions
from appeals.models import Appeal, Incident


def incidents_for(*, user) -> QuerySet[Incident]:
    """Incidents of the user's organizations and of the regions they moderate, newest first,
    with how many appeals each has and how many still wait for an answer."""
    return (
        Incident.objects.filter(
            Q(organization_id__in=permissions.organization_ids(user))
            | Q(region_id__in=permissions.moderated_region_ids(user))
        )
        .select_related("organization")
        .annotate(
            appeal_count=Count("appeals"),
            unanswered_count=Count(
                "appeals",
                filter=~Q(appeals__status__in=[Appeal.Status.ANSWERED, Appeal.Status.CLOSED]),
            ),
        )
        .order_by("-created_at", "-pk")
    )


def get_incident_for(*, user, incident_id: int) -> Incident:
    incident = (
        Incident.objects.filter(pk=incident_id)
        .select_related("organization", "region", "created_by")
        .first()
    )
    if incident is None or not permissions.can_see_incident(user, incident):
        raise Http404
    return incident


def incident_appeals(*, incident: Incident) -> QuerySet[Appeal]:
    return (
        incident.appeals.select_related("category", "municipality", "executor", "region")
        .only(
            "number",
            "status",
            "due_at",
            "submitted_at",
            "address",
            "supporters_count",
            "overdue_at",
            "answered_at",
            "extension_days",
            "incident_id",
            "organization_id",
            "region__timezone",
            "category__name",
            "municipality__name",
            "executor__first_name",
            "executor__last_name",
            "executor__email",
        )
        .order_by("due_at", "pk")
    )


def selectable_for_incident(*, user, ids) -> list[Appeal]:
    """The chosen appeals the user may group (their organization's as head, their region's as
    moderator); others are dropped."""
    return list(
        Appeal.objects.filter(pk__in=ids)
        .filter(
            Q(organization_id__in=permissions.headed_organization_ids(user))
            | Q(region_id__in=permissions.moderated_region_ids(user))
        )
        .select_related("category", "municipality", "organization")
        .order_by("number")
    )
