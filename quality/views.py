"""The reviewer's work place: the queue of answers to review and the review of one appeal."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from appeals.models import Attachment
from core.actions import run_form
from core.decorators import role_required
from core.errors import DomainError
from quality import selectors, services
from quality.forms import ConfirmForm, FormalForm, ReleaseForm, ReturnForm
from quality.permissions import is_reviewer

PAGE_SIZE = 25
reviewer_required = role_required(is_reviewer)


@reviewer_required
@require_GET
def queue(request):
    user = request.user
    held = Paginator(selectors.held_answers(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/queue.html",
        {
            "held": held,
            "low_rated": list(selectors.low_rated_answers(user=user)[:PAGE_SIZE]),
            "awaiting": list(selectors.awaiting_rework(user=user)[:PAGE_SIZE]),
        },
    )


def _page(request, appeal, *, status=200, **forms):
    draft = services.held_draft(appeal)
    low_rated = selectors.low_rated_answer(appeal=appeal) if draft is None else None
    context = {
        "appeal": appeal,
        "draft": draft,
        "draft_files": [],
        "low_rated": low_rated,
        "reviews": selectors.reviews_of(appeal=appeal),
        "files": [f for f in appeal.attachments.all() if f.answer_id is None and f.appeal_id],
        "release_form": forms.get("release_form") or ReleaseForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
        "formal_form": forms.get("formal_form")
        or FormalForm(initial={"answer": low_rated.pk if low_rated else None}),
        "confirm_form": forms.get("confirm_form")
        or ConfirmForm(initial={"answer": low_rated.pk if low_rated else None}),
    }
    if draft is not None:
        context["draft_files"] = list(
            Attachment.objects.filter(
                draft_key=draft.draft_key, appeal__isnull=True, answer__isnull=True
            )
        )
    return render(request, "quality/review.html", context, status=status)


@reviewer_required
@require_GET
def review(request, number: str):
    appeal = selectors.get_appeal_for_review(user=request.user, number=number)
    return _page(request, appeal)


def _act(request, number, form_class, form_name, perform, success):
    appeal = selectors.get_appeal_for_review(user=request.user, number=number)
    form = form_class(request.POST)

    def refused(form):
        messages.error(request, _("The action was not done: see the explanation next to the form."))
        return _page(request, appeal, status=400, **{form_name: form})

    def succeeded(_result):
        messages.success(request, success)
        return redirect("quality:queue")

    return run_form(
        request,
        form,
        action=lambda data: perform(appeal, data),
        success=succeeded,
        failure=refused,
    )


@reviewer_required
@require_POST
def release(request, number: str):
    return _act(
        request,
        number,
        ReleaseForm,
        "release_form",
        lambda appeal, data: services.release_reviewed_answer(
            reviewer=request.user, appeal_id=appeal.pk, comment=data["comment"]
        ),
        _("The answer is released and sent to the citizen."),
    )


@reviewer_required
@require_POST
def return_answer(request, number: str):
    return _act(
        request,
        number,
        ReturnForm,
        "return_form",
        lambda appeal, data: services.return_after_review(
            reviewer=request.user,
            appeal_id=appeal.pk,
            criteria=data["criteria"],
            comment=data["comment"],
        ),
        _("The answer is returned to the organization for rework."),
    )


@reviewer_required
@require_POST
def mark_formal(request, number: str):
    return _act(
        request,
        number,
        FormalForm,
        "formal_form",
        lambda appeal, data: services.mark_formal(
            reviewer=request.user,
            answer_id=_answer_of(appeal, data["answer"]),
            criteria=data["criteria"],
            comment=data["comment"],
        ),
        _("The answer is found formal: the organization reworks it."),
    )


@reviewer_required
@require_POST
def confirm(request, number: str):
    return _act(
        request,
        number,
        ConfirmForm,
        "confirm_form",
        lambda appeal, data: services.confirm_answer(
            reviewer=request.user,
            answer_id=_answer_of(appeal, data["answer"]),
            comment=data["comment"],
        ),
        _("The answer is recorded as an answer on the merits."),
    )


def _answer_of(appeal, answer_id: int) -> int:
    """The answer judged must be one of this appeal's (the form's hidden field says which)."""
    if not appeal.answers.filter(pk=answer_id).exists():
        raise DomainError(_("This answer is not one of the appeal's."))
    return answer_id
