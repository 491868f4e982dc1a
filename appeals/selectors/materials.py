"""Reads for the materials of the case: the documents, the citizen's requests to read them
(59-FZ art. 5 p. 2) and the requests for documents sent to other bodies (art. 10 p. 2)."""

from django.db.models import Prefetch, Q, QuerySet

from appeals import permissions
from appeals.models import Appeal, Attachment, DocumentRequest, MaterialsRequest


def case_documents(*, appeal: Appeal) -> QuerySet[Attachment]:
    """Every document of the case: the citizen's files, the answers' files and the files other
    bodies sent in reply to requests for documents (which are not among the appeal's own)."""
    return (
        Attachment.objects.filter(Q(appeal=appeal) | Q(document_request__appeal=appeal))
        .select_related("answer", "document_request")
        .order_by("created_at", "pk")
    )


def materials_requests(*, appeal: Appeal) -> list[MaterialsRequest]:
    """The appeal's requests to read the materials, oldest first, with the documents granted."""
    return list(
        MaterialsRequest.objects.filter(appeal=appeal)
        .select_related("decided_by")
        .prefetch_related(
            Prefetch("documents", queryset=Attachment.objects.order_by("created_at", "pk"))
        )
        .order_by("created_at", "pk")
    )


def document_requests(*, appeal: Appeal) -> list[DocumentRequest]:
    """The requests for documents sent about the appeal, oldest first, with the replies' files."""
    return list(
        DocumentRequest.objects.filter(appeal=appeal)
        .select_related("organization", "sent_by", "reply_recorded_by")
        .prefetch_related("attachments")
        .order_by("sent_at", "pk")
    )


def is_granted(*, appeal: Appeal, attachment: Attachment) -> bool:
    return MaterialsRequest.objects.filter(
        appeal=appeal, decision=MaterialsRequest.Decision.GRANTED, documents=attachment
    ).exists()


def may_read(user, *, appeal: Appeal, attachment: Attachment) -> bool:
    """Who may open a file of the case.

    The files the citizen and the organization exchanged (the appeal's own and the answers'):
    whoever sees the appeal. A file another body sent: the organization and the region's
    moderator, and the citizen only once staff granted it to them (59-FZ art. 5 p. 2).
    """
    if attachment.document_request_id is None:
        return permissions.can_see(user, appeal)
    if permissions.can_work_on(user, appeal) or permissions.can_moderate(user, appeal):
        return True
    return permissions.is_owner(user, appeal) and is_granted(appeal=appeal, attachment=attachment)
