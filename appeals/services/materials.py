"""Reading the materials of the case (59-FZ art. 5 p. 2).

The citizen may read the documents and materials of the review of their appeal, unless they
touch other people's rights, freedoms and lawful interests or hold a secret protected by federal
law. The citizen asks; staff of the organization grant it, choosing the documents (those with
others' secrets are simply not chosen), or refuse it with a reason. Each step goes through the
transition table (the status stays) and writes its event; the other side is told.
"""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal, Event, MaterialsRequest
from appeals.selectors.materials import case_documents
from appeals.services.citizen import owner_check
from appeals.services.common import lock_appeal, staff_check
from appeals.services.rights import _tell_the_organization
from appeals.workflow import transition
from core.errors import AlreadyDone, DomainError
from core.outbox import notify

D = MaterialsRequest.Decision


@transaction.atomic
def request_materials(*, citizen, appeal_id: int, comment: str = "") -> MaterialsRequest:
    """The citizen asks to read the materials of the case.

    Precondition: their own appeal, registered and not closed. Effect: an open request the
    organization decides on (the executor, or the heads, are told). While one is open, asking
    again returns it unchanged (a double click, a second tab).
    """
    appeal = lock_appeal(appeal_id)
    owner_check(citizen)(appeal)
    open_request = appeal.materials_requests.filter(decided_at__isnull=True).first()
    if open_request is not None:
        return open_request
    comment = comment.strip()
    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.REQUEST_MATERIALS,
        actor=citizen,
        check=owner_check(citizen),
        comment=comment,
    )
    request = MaterialsRequest.objects.create(
        appeal=outcome.appeal, citizen=citizen, comment=comment, created_at=outcome.event.created_at
    )
    outcome.event.data = {"request": request.pk}
    outcome.event.save(update_fields=["data"])
    _tell_the_organization(
        outcome.appeal,
        template="materials_requested",
        context={"url": reverse("staff:appeal", args=[outcome.appeal.number])},
    )
    return request


def _open_request(*, appeal: Appeal, request_id: int) -> MaterialsRequest:
    request = (
        MaterialsRequest.objects.select_for_update()
        .filter(pk=request_id, appeal=appeal)
        .prefetch_related("documents")
        .first()
    )
    if request is None:
        raise DomainError(_("There is no such request to read the materials of this appeal."))
    return request


def _decided_already(request: MaterialsRequest) -> AlreadyDone:
    return AlreadyDone(
        _("This request is already decided: reading the materials is «%(decision)s».")
        % {"decision": request.get_decision_display()}
    )


@transaction.atomic
def grant_materials(
    *, actor, appeal_id: int, request_id: int, attachment_ids: list[int]
) -> MaterialsRequest:
    """Staff grant the request: the citizen may read (download) exactly the chosen documents.

    Precondition: staff of the appeal's organization; the request is open; the documents are the
    case's own (the citizen's files, the answers' files, the replies of other bodies), at least
    one. Effect: the request is granted with those documents, audited in the event (the actor, the
    ids); the citizen is told. The same grant sent again changes nothing.
    """
    chosen = {int(pk) for pk in attachment_ids}
    appeal = lock_appeal(appeal_id)
    staff_check(actor)(appeal)
    request = _open_request(appeal=appeal, request_id=request_id)
    if request.decision == D.GRANTED and {d.pk for d in request.documents.all()} == chosen:
        return request
    if not request.is_open:
        raise _decided_already(request)
    if not chosen:
        raise DomainError(
            _("Choose at least one document the citizen may read, or refuse with a reason.")
        )
    documents = list(case_documents(appeal=appeal).filter(pk__in=chosen))
    if len(documents) != len(chosen):
        raise DomainError(_("Choose documents of this appeal from the list."))
    ids = sorted(chosen)
    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.GRANT_MATERIALS,
        actor=actor,
        check=staff_check(actor),
        data={"request": request.pk, "attachments": ids},
    )
    request.decision = D.GRANTED
    request.decided_at = outcome.event.created_at
    request.decided_by = actor
    request.save(update_fields=["decision", "decided_at", "decided_by"])
    request.documents.set(documents)
    notify(
        recipient=request.citizen,
        appeal=outcome.appeal,
        template="materials_granted",
        context={"count": len(ids)},
    )
    return request


@transaction.atomic
def refuse_materials(*, actor, appeal_id: int, request_id: int, reason: str) -> MaterialsRequest:
    """Staff refuse the request, saying why (the reason goes to the citizen and into the event).

    Precondition: staff of the appeal's organization; the request is open. The same refusal sent
    again changes nothing.
    """
    reason = reason.strip()
    appeal = lock_appeal(appeal_id)
    staff_check(actor)(appeal)
    request = _open_request(appeal=appeal, request_id=request_id)
    if request.decision == D.REFUSED and request.refusal_reason == reason:
        return request
    if not request.is_open:
        raise _decided_already(request)
    if not reason:
        raise DomainError(_("Say why the citizen may not read the materials."))
    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.REFUSE_MATERIALS,
        actor=actor,
        check=staff_check(actor),
        comment=reason,
        data={"request": request.pk},
    )
    request.decision = D.REFUSED
    request.decided_at = outcome.event.created_at
    request.decided_by = actor
    request.refusal_reason = reason
    request.save(update_fields=["decision", "decided_at", "decided_by", "refusal_reason"])
    notify(
        recipient=request.citizen,
        appeal=outcome.appeal,
        template="materials_refused",
        context={"reason": reason},
    )
    return request
