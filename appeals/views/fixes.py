"""Proof of fix: the citizen confirms or refutes the work on site an answer states, and the
public «Вы сказали — мы сделали» page of the problems fixed in a month (open to everybody)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from appeals import selectors
from appeals.attachments import attachment_response, ensure_thumbnail, thumbnail_response
from appeals.fix_forms import DoneMonthForm, RefuteFixForm
from appeals.selectors import fixes as fix_selectors
from appeals.services import fixes
from appeals.views.citizen import _detail_context
from core.actions import attempt, report_outcome
from core.uploads import AttachmentError
from organizations.selectors import request_region_id

PAGE_SIZE = 20


@login_required
@require_POST
def confirm(request, number: str):
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    report_outcome(
        request,
        lambda: fixes.confirm_fix(citizen=request.user, appeal_id=appeal.pk),
        success=_("Thank you: the work is confirmed and the appeal is closed."),
    )
    return redirect(appeal)


@login_required
@require_POST
def refute(request, number: str):
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    form = RefuteFixForm(request.POST, request.FILES)
    if form.is_valid():
        outcome = attempt(
            lambda: fixes.refute_fix(
                citizen=request.user,
                appeal_id=appeal.pk,
                comment=form.cleaned_data["comment"],
                uploads=form.cleaned_data["files"],
            ),
            form=form,
            fields={AttachmentError: "files"},
        )
        if outcome.ok:
            result = outcome.value
            if result.pk == appeal.pk:
                messages.info(
                    request,
                    _("Thank you. The appeal is sent back to the organization for re-review."),
                )
            else:
                messages.info(
                    request,
                    _(
                        "Thank you. Your complaint is sent to the supervising body as appeal "
                        "%(number)s."
                    )
                    % {"number": result.number},
                )
            return redirect(result)
    context = _detail_context(appeal)
    context["refute_form"] = form
    return render(request, "appeals/detail.html", context, status=400)


@require_GET
def done(request):
    """«Вы сказали — мы сделали»: public problems fixed this month (or the month chosen)."""
    form = DoneMonthForm(request.GET or None)
    this_month = timezone.localdate().replace(day=1)
    month = this_month
    if form.is_bound and form.is_valid() and form.cleaned_data["month"]:
        month = min(form.cleaned_data["month"].replace(day=1), this_month)
    elif not form.is_bound:
        form = DoneMonthForm(initial={"month": this_month})
    page = Paginator(
        fix_selectors.fixed_problems(region_id=request_region_id(request), month=month), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for problem in page.object_list:
        fix_selectors.split_photos(problem)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "appeals/problems/done.html",
        {"form": form, "month": month, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


@require_GET
def proof_photo(request, number: str, attachment_id: int):
    attachment = fix_selectors.get_proof_photo(number=number, attachment_id=attachment_id)
    # The file name staff gave may name a person; the public copy is named after the problem.
    extension = ".png" if attachment.content_type == "image/png" else ".jpg"
    attachment.original_name = f"{number}-{attachment.pk}{extension}"
    response = attachment_response(attachment, inline=True)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def proof_photo_thumbnail(request, number: str, attachment_id: int):
    attachment = fix_selectors.get_proof_photo(number=number, attachment_id=attachment_id)
    if not ensure_thumbnail(attachment):
        raise Http404
    response = thumbnail_response(attachment)
    response["Cache-Control"] = "public, max-age=300"
    return response
