"""The materials of the case: the citizen asks to read them, staff grant or refuse (59-FZ art. 5
p. 2); staff record requests for documents sent to other bodies and their replies (art. 10 p. 2).

Plain POST forms; a refusal or bad input brings the same page back with everything typed kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appeals import selectors
from appeals.materials_forms import (
    DocumentReplyForm,
    DocumentRequestForm,
    GrantMaterialsForm,
    MaterialsRequestForm,
    RefuseMaterialsForm,
)
from appeals.selectors.materials import case_documents
from appeals.services import document_requests, materials
from appeals.views.citizen import _detail_context
from appeals.views.materials_context import for_citizen
from appeals.views.staff import _act, staff_required
from core.actions import attempt


@login_required
@require_POST
def request_materials(request, number: str):
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    form = MaterialsRequestForm(request.POST)
    if form.is_valid():
        outcome = attempt(
            lambda: materials.request_materials(
                citizen=request.user, appeal_id=appeal.pk, comment=form.cleaned_data["comment"]
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(
                request,
                _("Your request to read the materials of the case is sent to the organization."),
            )
            return redirect(appeal)
    context = _detail_context(appeal)
    context.update(for_citizen(appeal, materials_form=form))
    return render(request, "appeals/detail.html", context, status=400)


@staff_required
@require_POST
def grant(request, number: str, request_id: int):
    return _act(
        request,
        number,
        GrantMaterialsForm,
        "grant_form",
        lambda appeal, data: materials.grant_materials(
            actor=request.user,
            appeal_id=appeal.pk,
            request_id=request_id,
            attachment_ids=data["documents"],
        ),
        _("The citizen may read the chosen documents; they are told."),
        form_kwargs=lambda appeal: {
            "documents": case_documents(appeal=appeal),
            "request_id": request_id,
        },
    )


@staff_required
@require_POST
def refuse(request, number: str, request_id: int):
    return _act(
        request,
        number,
        RefuseMaterialsForm,
        "refuse_form",
        lambda appeal, data: materials.refuse_materials(
            actor=request.user, appeal_id=appeal.pk, request_id=request_id, reason=data["reason"]
        ),
        _("The request is refused; the citizen is told the reason."),
        form_kwargs=lambda appeal: {"request_id": request_id},
    )


@staff_required
@require_POST
def send_document_request(request, number: str):
    return _act(
        request,
        number,
        DocumentRequestForm,
        "document_request_form",
        lambda appeal, data: document_requests.send_document_request(
            actor=request.user,
            appeal_id=appeal.pk,
            body_name=data["body_name"],
            question=data["question"],
            organization=data["organization_inn"],
        ),
        _("The request for documents is recorded with its term."),
        form_kwargs=lambda appeal: {"region_id": appeal.region_id},
    )


@staff_required
@require_POST
def record_document_reply(request, number: str, document_request_id: int):
    return _act(
        request,
        number,
        DocumentReplyForm,
        "reply_form",
        lambda appeal, data: document_requests.record_document_reply(
            actor=request.user,
            appeal_id=appeal.pk,
            document_request_id=document_request_id,
            text=data["text"],
            upload=data["file"],
        ),
        _("The reply is recorded."),
        form_kwargs=lambda appeal: {"document_request_id": document_request_id},
    )
