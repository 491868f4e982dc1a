"""Requests for documents from other bodies during the review (59-FZ art. 10 p. 2).

To review an appeal the organization may ask another state body, local authority or official for
the documents and materials it needs; they owe them within 15 days (the DOCUMENT_REQUEST_DAYS
setting). The executor records each request sent and the reply received. Both go through the
transition table (the status stays) and write their events; the citizen's timeline shows that a
request went and to whom, with its term, never the text of the request or of the reply: those
may hold other people's data, and the citizen reads them only when granted
(appeals/services/materials.py).
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import attachments, deadlines
from appeals.models import Appeal, DocumentRequest, Event
from appeals.services.common import local_date, lock_appeal, staff_check
from appeals.workflow import transition
from core.errors import AlreadyDone, DomainError
from organizations.models import Organization


def document_request_due_at(*, appeal: Appeal, sent_at: datetime) -> datetime:
    """The end of the last day of the other body's term, in the appeal's region (calendar days)."""
    return deadlines.due_at(
        start=sent_at,
        days=settings.DOCUMENT_REQUEST_DAYS,
        region_timezone=appeal.region.timezone,
        day_count="calendar",
    )


@transaction.atomic
def send_document_request(
    *,
    actor,
    appeal_id: int,
    body_name: str,
    question: str,
    organization: Organization | None = None,
) -> DocumentRequest:
    """Record a request for documents sent to another body, with the body's own term.

    Precondition: staff of the appeal's organization; the appeal under review. `body_name` may be
    left empty when `organization` (a body on the platform, not the appeal's own) names it.
    Effect: the request, due DOCUMENT_REQUEST_DAYS calendar days after today in the region's time
    zone. The same request recorded again while it waits for the reply is kept once.
    """
    body_name = body_name.strip() or (organization.name if organization is not None else "")
    question = question.strip()
    if not body_name:
        raise DomainError(_("Name the body the documents are requested from."))
    if not question:
        raise DomainError(_("Say which documents are requested."))
    appeal = lock_appeal(appeal_id)
    staff_check(actor)(appeal)
    if organization is not None and organization.pk == appeal.organization_id:
        raise DomainError(_("Documents are requested from another body, not from your own."))
    same = appeal.document_requests.filter(
        body_name=body_name,
        question=question,
        organization=organization,
        reply_received_at__isnull=True,
    ).first()
    if same is not None:  # sent twice (a double click, a second tab)
        return same
    now = timezone.now()
    due = document_request_due_at(appeal=appeal, sent_at=now)
    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.SEND_DOCUMENT_REQUEST,
        actor=actor,
        check=staff_check(actor),
        data={"body": body_name, "due": local_date(appeal, due)},
    )
    request = DocumentRequest.objects.create(
        appeal=outcome.appeal,
        body_name=body_name,
        organization=organization,
        question=question,
        sent_by=actor,
        sent_at=now,
        due_at=due,
    )
    outcome.event.data = {**outcome.event.data, "request": request.pk}
    outcome.event.save(update_fields=["data"])
    return request


@transaction.atomic
def record_document_reply(
    *, actor, appeal_id: int, document_request_id: int, text: str = "", upload=None
) -> DocumentRequest:
    """Record the reply another body sent to a request for documents, with its file if any.

    Precondition: staff of the appeal's organization; the request is the appeal's and has no
    reply yet. A late reply is recorded after the answer too: it belongs to the case. Effect: the
    request is answered (no longer overdue); the file belongs to the request, so the citizen reads
    it only when granted. The same person recording it again changes nothing.
    """
    text = text.strip()
    if not text and upload is None:
        raise DomainError(_("Describe the reply or attach its file."))
    appeal = lock_appeal(appeal_id)
    staff_check(actor)(appeal)
    request = (
        DocumentRequest.objects.select_for_update()
        .filter(pk=document_request_id, appeal=appeal)
        .first()
    )
    if request is None:
        raise DomainError(_("There is no such request for documents on this appeal."))
    if request.is_answered:
        if request.reply_recorded_by_id == actor.pk:
            return request
        raise AlreadyDone(_("The reply to this request is already recorded."))
    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.RECEIVE_DOCUMENT_REPLY,
        actor=actor,
        check=staff_check(actor),
        data={"request": request.pk, "body": request.body_name, "files": int(upload is not None)},
    )
    request.reply_received_at = outcome.event.created_at
    request.reply_recorded_by = actor
    request.reply_text = text
    request.save(update_fields=["reply_received_at", "reply_recorded_by", "reply_text"])
    if upload is not None:
        attachments.store_attachment(upload=upload, uploaded_by=actor, document_request=request)
    return request
