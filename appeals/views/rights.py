"""The citizen's rights on their appeal's page: withdraw, add documents, complain about the answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appeals import selectors
from appeals.forms import ComplaintForm, DocumentsForm, WithdrawForm
from appeals.services import rights
from appeals.services.citizen import keep_reply_uploads
from appeals.views import drafts
from appeals.views.citizen import _detail_context, _files_left
from core.actions import attempt


def _again(request, appeal, **forms):
    context = _detail_context(appeal)
    context.update(forms)
    return render(request, "appeals/detail.html", context, status=400)


@login_required
@require_POST
def withdraw(request, number: str):
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        outcome = attempt(
            lambda: rights.withdraw_appeal(
                citizen=request.user, appeal_id=appeal.pk, reason=form.cleaned_data["reason"]
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(request, _("The appeal is withdrawn: its review has stopped."))
            return redirect(appeal)
    return _again(request, appeal, withdraw_form=form)


@login_required
@require_POST
def add_documents(request, number: str):
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    form = DocumentsForm(request.POST, request.FILES)
    key = drafts.draft_key(request)
    drafts.remove_ticked(request, key)
    if form.is_valid() and drafts.call_with_files(
        form,
        lambda: rights.add_documents(
            citizen=request.user,
            appeal_id=appeal.pk,
            text=form.cleaned_data["text"],
            uploads=form.cleaned_data["files"],
            draft_key=key,
        ),
    ):
        messages.success(request, _("Added to the appeal; the organization is told."))
        return redirect(appeal)
    drafts.keep_good_files(
        request,
        form,
        key,
        lambda uploads: keep_reply_uploads(
            citizen=request.user, appeal=appeal, draft_key=key, uploads=uploads
        ),
    )
    kept = drafts.kept(request, key)
    form.show_files_left(max(_files_left(appeal) - len(kept), 0))
    return _again(request, appeal, documents_form=form, documents_drafts=kept)


@login_required
@require_POST
def make_official(request, number: str):
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    outcome = attempt(lambda: rights.make_official(citizen=request.user, appeal_id=appeal.pk))
    if outcome.ok:
        messages.success(
            request,
            _("The appeal is now an official appeal under 59-FZ, with a new term from today."),
        )
    else:
        messages.error(request, outcome.message)
    return redirect(appeal)


@login_required
@require_POST
def complain(request, number: str):
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    form = ComplaintForm(request.POST)
    if form.is_valid():
        outcome = attempt(
            lambda: rights.complain_about_answer(
                citizen=request.user, appeal_id=appeal.pk, text=form.cleaned_data["text"]
            ),
            form=form,
        )
        if outcome.ok:
            complaint = outcome.value
            messages.success(
                request,
                _("Your complaint is filed as appeal %(number)s.") % {"number": complaint.number},
            )
            return redirect(complaint)
    return _again(request, appeal, complaint_form=form)
