"""What the citizen's and the staff's appeal pages show of the materials of the case: the
requests to read them (59-FZ art. 5 p. 2) and the requests for documents (art. 10 p. 2).

Read only when the appeal has some (flags annotated by the page's selector), so a page without
them costs no query more.
"""

from django.conf import settings

from appeals import permissions
from appeals.materials_forms import (
    DocumentReplyForm,
    DocumentRequestForm,
    GrantMaterialsForm,
    MaterialsRequestForm,
    RefuseMaterialsForm,
)
from appeals.models import Appeal, Event
from appeals.selectors import materials as selectors
from appeals.workflow import TRANSITIONS, allowed_actions

A = Event.Action


def for_citizen(appeal: Appeal, *, materials_form=None) -> dict:
    requests = (
        selectors.materials_requests(appeal=appeal)
        if getattr(appeal, "has_materials_requests", True)
        else []
    )
    open_request = next((r for r in requests if r.is_open), None)
    may_ask = open_request is None and appeal.status in TRANSITIONS[A.REQUEST_MATERIALS].sources
    return {
        "materials_requests": requests,
        "open_materials_request": open_request,
        "materials_form": materials_form or (MaterialsRequestForm() if may_ask else None),
    }


def for_staff(user, appeal: Appeal, forms: dict) -> dict:
    can_work = permissions.can_work_on(user, appeal)
    allowed = allowed_actions(appeal.status)
    requests = (
        selectors.materials_requests(appeal=appeal)
        if getattr(appeal, "has_materials_requests", True)
        else []
    )
    document_requests = (
        selectors.document_requests(appeal=appeal)
        if getattr(appeal, "has_document_requests", True)
        else []
    )
    open_request = next((r for r in requests if r.is_open), None)
    context = {
        "materials_requests": requests,
        "open_materials_request": open_request,
        "document_requests": document_requests,
        "document_request_days": settings.DOCUMENT_REQUEST_DAYS,
    }
    grant_form, refuse_form = forms.get("grant_form"), forms.get("refuse_form")
    if can_work and open_request and A.GRANT_MATERIALS in allowed:
        # The documents of the case from what the page has read already: the appeal's own and
        # its answers' files (prefetched) and the replies' files.
        documents = sorted(
            [
                *appeal.attachments.all(),
                *(f for r in document_requests for f in r.attachments.all()),
            ],
            key=lambda d: (d.created_at, d.pk),
        )
        grant_form = grant_form or GrantMaterialsForm(
            documents=documents, request_id=open_request.pk
        )
        refuse_form = refuse_form or RefuseMaterialsForm(request_id=open_request.pk)
    # A form that came back is shown with its error even when the request was decided meanwhile.
    context["grant_form"], context["refuse_form"] = grant_form, refuse_form
    if forms.get("document_request_form") or can_work and A.SEND_DOCUMENT_REQUEST in allowed:
        context["document_request_form"] = forms.get(
            "document_request_form"
        ) or DocumentRequestForm(region_id=appeal.region_id)
    bound_reply = forms.get("reply_form")
    may_record = can_work and A.RECEIVE_DOCUMENT_REPLY in allowed
    for request in document_requests:
        if bound_reply is not None and bound_reply.document_request_id == request.pk:
            request.reply_form = bound_reply
        elif may_record and not request.is_answered:
            request.reply_form = DocumentReplyForm(document_request_id=request.pk)
    return context
