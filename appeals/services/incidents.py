"""Incidents: appeals about one event (a burst main, a road not cleared), answered and closed together.

Grouping changes no appeal's status: each keeps its own number, deadline, timeline and rating.
The incident's answer is every appeal's own `answer_appeal` (its own event, answer row and
notices), and its closing is every appeal's own `close` move. Who may group: the regional
moderator of the appeals' region or a head of the responsible organization; executors answer.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import permissions
from appeals.models import Appeal, Event, Incident
from appeals.services.work import answer_appeal, close_appeal
from appeals.workflow import transition
from core.errors import DomainError, NotAllowed
from organizations.models import Organization

TITLE_MAX_LENGTH = 200
ANSWERABLE = (Appeal.Status.REGISTERED, Appeal.Status.IN_PROGRESS)
GROUPABLE = (Appeal.Status.SUBMITTED, *Appeal.OPEN_STATUSES, Appeal.Status.ANSWERED)


@dataclass
class IncidentOutcome:
    incident: Incident
    done: list[Appeal] = field(default_factory=list)
    skipped: list[Appeal] = field(default_factory=list)


def _may_group(actor, appeal: Appeal) -> bool:
    return permissions.can_moderate(actor, appeal) or (
        appeal.organization_id is not None and permissions.is_head_of(actor, appeal)
    )


def _check_fits(actor, appeal: Appeal, incident: Incident) -> None:
    if not _may_group(actor, appeal):
        raise NotAllowed(
            _("Only the region's moderator or the organization's head may group appeals.")
        )
    if appeal.region_id != incident.region_id:
        raise DomainError(_("Appeal %(number)s is of another region.") % {"number": appeal.number})
    if appeal.organization_id is not None and appeal.organization_id != incident.organization_id:
        raise DomainError(
            _("Appeal %(number)s is with another organization.") % {"number": appeal.number}
        )
    if appeal.incident_id is not None and appeal.incident_id != incident.pk:
        raise DomainError(
            _("Appeal %(number)s already belongs to another incident.") % {"number": appeal.number}
        )


def _attach(*, actor, appeal_id: int, incident: Incident) -> None:
    """Join one appeal to the incident with its event; nothing when it already is there."""
    current = Appeal.objects.filter(pk=appeal_id).values_list("incident_id", flat=True).first()
    if current is None and not Appeal.objects.filter(pk=appeal_id).exists():
        raise DomainError(_("There is no such appeal."))
    if current == incident.pk:
        return

    def apply(appeal: Appeal) -> None:
        appeal.incident = incident

    transition(
        appeal_id=appeal_id,
        action=Event.Action.ADD_TO_INCIDENT,
        actor=actor,
        check=lambda appeal: _check_fits(actor, appeal, incident),
        apply=apply,
        comment=incident.title,
        data={"incident": incident.pk},
    )


def _open_incident(incident_id: int) -> Incident:
    incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
    if incident is None:
        raise DomainError(_("There is no such incident."))
    if incident.closed_at is not None:
        raise DomainError(_("The incident is closed."))
    return incident


@transaction.atomic
def create_incident(
    *,
    actor,
    appeal_ids: list[int],
    title: str,
    description: str = "",
    organization: Organization | None = None,
) -> Incident:
    """Group appeals of one region and one responsible organization into a new incident.

    The organization is the appeals' own; appeals still on moderation have none yet, and then the
    moderator names it (`organization`). Every appeal gets an `add_to_incident` event.
    """
    title = title.strip()
    if not title:
        raise DomainError(_("Give the incident a title."))
    if len(title) > TITLE_MAX_LENGTH:
        raise DomainError(_("The title is up to 200 characters."))
    appeals = list(
        Appeal.objects.filter(pk__in=set(appeal_ids)).select_related("region").order_by("pk")
    )
    if len(appeals) < 1 or len(appeals) != len(set(appeal_ids)):
        raise DomainError(_("Choose the appeals to group."))
    for appeal in appeals:
        if not _may_group(actor, appeal):
            raise NotAllowed(
                _("Only the region's moderator or the organization's head may group appeals.")
            )
    regions = {appeal.region_id for appeal in appeals}
    if len(regions) > 1:
        raise DomainError(_("The appeals are of different regions."))
    organizations = {a.organization_id for a in appeals if a.organization_id is not None}
    if len(organizations) > 1:
        raise DomainError(
            _("The appeals are with different organizations: an incident has one responsible.")
        )
    if organization is not None and organizations and organization.pk not in organizations:
        raise DomainError(_("The appeals are with another organization."))
    if organization is None and not organizations:
        raise DomainError(_("Choose the organization responsible for the incident."))
    organization_id = organization.pk if organization is not None else next(iter(organizations))
    (region_id,) = regions
    if organization is not None and (
        organization.region_id != region_id or not organization.is_active
    ):
        raise DomainError(
            _("The organization must be an active participant of the appeals' region.")
        )
    incident = Incident.objects.create(
        region_id=region_id,
        organization_id=organization_id,
        title=title,
        description=description.strip(),
        created_by=actor,
    )
    for appeal in appeals:
        if appeal.status not in GROUPABLE:
            raise DomainError(
                _("Appeal %(number)s is «%(status)s»: it cannot join an incident.")
                % {"number": appeal.number, "status": appeal.get_status_display()}
            )
        _attach(actor=actor, appeal_id=appeal.pk, incident=incident)
    return incident


@transaction.atomic
def add_to_incident(*, actor, incident_id: int, appeal_id: int) -> Incident:
    """Add one more appeal of the same region and organization to an open incident."""
    incident = _open_incident(incident_id)
    if not permissions.can_manage_incident(actor, incident):
        raise NotAllowed()
    _attach(actor=actor, appeal_id=appeal_id, incident=incident)
    return incident


@transaction.atomic
def remove_from_incident(*, actor, incident_id: int, appeal_id: int) -> Incident:
    """Take an appeal out of an open incident; it goes on alone (its own term and course)."""
    incident = _open_incident(incident_id)
    if not permissions.can_manage_incident(actor, incident):
        raise NotAllowed()
    if not incident.appeals.filter(pk=appeal_id).exists():
        raise DomainError(_("The appeal is not in this incident."))

    def check(appeal: Appeal) -> None:
        if appeal.incident_id != incident.pk:
            raise DomainError(_("The appeal is not in this incident."))

    def apply(appeal: Appeal) -> None:
        appeal.incident = None

    transition(
        appeal_id=appeal_id,
        action=Event.Action.REMOVE_FROM_INCIDENT,
        actor=actor,
        check=check,
        apply=apply,
        comment=incident.title,
        data={"incident": incident.pk},
    )
    return incident


@transaction.atomic
def answer_incident(
    *,
    actor,
    incident_id: int,
    text: str,
    uploads=(),
    outcome: str = "",
    work_status: str = "",
    planned_on=None,
) -> IncidentOutcome:
    """One answer to every appeal of the incident that waits for one (registered or in progress).

    Each goes through `answer_appeal`: its own answer, event, notices to its author and
    supporters, its own rating request. Appeals waiting for a clarification, still on moderation
    or already answered are left as they are (listed in `skipped`). All or nothing: a result of
    the review (`outcome`) that one appeal's regime does not allow refuses the whole answer.
    """
    if not text.strip():
        raise DomainError(_("The answer is empty."))
    incident = _open_incident(incident_id)
    if not permissions.can_answer_incident(actor, incident):
        raise NotAllowed(_("Only the staff of the responsible organization may answer."))
    result = outcome
    outcome = IncidentOutcome(incident)
    uploads = list(uploads)
    for appeal in incident.appeals.order_by("pk"):
        if appeal.status not in ANSWERABLE or appeal.organization_id != incident.organization_id:
            outcome.skipped.append(appeal)
            continue
        for upload in uploads:
            upload.seek(0)
        outcome.done.append(
            answer_appeal(
                actor=actor,
                appeal_id=appeal.pk,
                text=text,
                uploads=uploads,
                outcome=result,
                work_status=work_status,
                planned_on=planned_on,
            )
        )
    if not outcome.done:
        raise DomainError(_("No appeal of the incident waits for an answer."))
    incident.answered_at = timezone.now()
    incident.save(update_fields=["answered_at"])
    return outcome


@transaction.atomic
def close_incident(*, actor, incident_id: int) -> IncidentOutcome:
    """Close the incident and, each by its own `close` move, its answered appeals.

    Refused while any of its appeals has no answer yet (on moderation, registered, in progress,
    waiting for clarification): a 59-FZ appeal is not closed without an answer. Answer them, or
    take them out of the incident, first. Appeals already closed (rated) stay as they are.
    """
    incident = _open_incident(incident_id)
    if not permissions.can_manage_incident(actor, incident):
        raise NotAllowed()
    appeals = list(incident.appeals.order_by("pk"))
    unanswered = [
        a.number for a in appeals if a.status not in (Appeal.Status.ANSWERED, Appeal.Status.CLOSED)
    ]
    if unanswered:
        raise DomainError(
            _("These appeals have no answer yet: %(numbers)s. Answer them or remove them first.")
            % {"numbers": ", ".join(unanswered)}
        )
    outcome = IncidentOutcome(incident)
    for appeal in appeals:
        if appeal.status == Appeal.Status.CLOSED:
            outcome.skipped.append(appeal)
            continue
        outcome.done.append(
            close_appeal(appeal_id=appeal.pk, actor=actor, reason=Appeal.CloseReason.INCIDENT)
        )
    incident.closed_at = timezone.now()
    incident.save(update_fields=["closed_at"])
    return outcome
