"""The regional moderator's queue: register, reject or merge submitted appeals within three days."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from appeals import selectors, services
from appeals.forms import (
    AcceptForm,
    ComplainedOfficialForm,
    CopiesForm,
    DuplicateForm,
    RejectForm,
)
from appeals.problem_forms import PublicTextForm, WithholdTextForm
from appeals.selectors.public import public_texts_to_check
from appeals.services import copies as copy_services
from appeals.services import officials as official_services
from appeals.workflow import WORKING
from core.actions import attempt, done, run_form
from core.decorators import role_required
from organizations import permissions

moderator_required = role_required(permissions.is_moderator)


@moderator_required
@require_GET
@vary_on_headers("HX-Request")
def queue(request):
    page = Paginator(selectors.moderation_queue(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    rows = selectors.with_routes(list(page))
    return render(
        request,
        "appeals/moderation/queue.html",
        {"page": page, "rows": rows, "reject_form": RejectForm()},
    )


@moderator_required
@require_GET
def overdue(request):
    """Overdue appeals of the region, from the sweep's marks: the heads were alerted, the moderator watches."""
    page = Paginator(selectors.regional_overdue(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "appeals/moderation/overdue.html", {"page": page})


@moderator_required
@require_GET
def public_texts(request):
    """Public appeals whose text waits for the moderator's check before it is published."""
    page = Paginator(public_texts_to_check(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "appeals/moderation/public_texts.html", {"page": page})


@moderator_required
@require_GET
def review(request, number: str):
    """One submitted appeal in full, with the routed organization and category open to change."""
    appeal = selectors.get_appeal_for_moderation(user=request.user, number=number)
    return render(request, "appeals/moderation/review.html", _review_context(appeal))


def _official_organizations(appeal, route) -> set[int]:
    """Whose officials the appeal may complain about: the organization reviewing it (or the one
    proposed), the organization complained about, the organization of the official addressed."""
    return {
        appeal.organization_id or (route.organization.pk if route else None),
        appeal.complained_organization_id,
        appeal.addressee.organization_id if appeal.addressee_id else None,
    } - {None}


def _review_context(appeal, **forms) -> dict:
    route = selectors.with_routes([appeal])[0].route
    initial_org = route.organization if route else None
    return {
        "appeal": appeal,
        "route": route,
        "parts": selectors.parts_of_appeal(appeal=appeal),
        "working": appeal.status in WORKING,
        "copies_form": forms.get("copies_form") or CopiesForm(appeal=appeal),
        "complained_form": forms.get("complained_form")
        or ComplainedOfficialForm(organization_ids=_official_organizations(appeal, route)),
        "files": appeal.attachments.all(),
        "accept_form": forms.get("accept_form")
        or AcceptForm(
            region=appeal.region,
            initial={"organization": initial_org, "category": appeal.category_id},
        ),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "duplicate_form": forms.get("duplicate_form") or DuplicateForm(),
        "public_text_form": forms.get("public_text_form") or PublicTextForm(appeal=appeal),
        "withhold_form": forms.get("withhold_form") or WithholdTextForm(),
    }


def _done(request, appeal, message: str):
    messages.success(request, message)
    if request.htmx:
        return render(
            request,
            "appeals/moderation/queue.html#row-done",
            {"appeal": appeal, "message": message},
        )
    return redirect("moderation:home")


def _refused(request, appeal, error_message: str, **forms):
    messages.error(request, error_message)
    if request.htmx:
        return render(
            request,
            "appeals/moderation/queue.html#row-error",
            {"appeal": appeal, "message": error_message},
        )
    return render(
        request, "appeals/moderation/review.html", _review_context(appeal, **forms), status=400
    )


@moderator_required
@require_POST
def accept(request, number: str):
    appeal = selectors.get_appeal_for_moderation(user=request.user, number=number)
    form = AcceptForm(request.POST, region=appeal.region)
    # The queue's one-click "accept" sends no organization: the routing rules decide.
    routed = "organization" not in request.POST
    if not routed and not form.is_valid():
        return _refused(request, appeal, _("Check the highlighted fields."), accept_form=form)
    outcome = attempt(
        lambda: services.accept_appeal(
            moderator=request.user,
            appeal_id=appeal.pk,
            organization=None if routed else form.cleaned_data["organization"],
            category=None if routed else form.cleaned_data["category"],
            comment="" if routed else form.cleaned_data["comment"],
            copies=() if routed else form.cleaned_data["copies"],
        )
    )
    if not outcome.ok:
        return _refused(request, appeal, outcome.message, accept_form=form)
    appeal = outcome.value
    message = _("Appeal %(number)s is registered and sent to %(organization)s.") % {
        "number": appeal.number,
        "organization": appeal.organization,
    }
    if not routed and form.cleaned_data["copies"]:
        message += " " + _("Copies are sent to: %(organizations)s.") % {
            "organizations": ", ".join(str(o) for o in form.cleaned_data["copies"])
        }
    return _done(request, appeal, message)


@moderator_required
@require_POST
def send_copies(request, number: str):
    """Copies of an appeal under review to other competent organizations."""
    appeal = selectors.get_appeal_for_moderation(user=request.user, number=number)

    def sent(made):
        organizations = ", ".join(str(copy.organization) for copy in made)
        message = _("Copies of %(number)s are sent to: %(organizations)s.")
        return done(
            request,
            message % {"number": appeal.number, "organizations": organizations},
            "moderation:review",
            number=appeal.number,
        )

    return run_form(
        request,
        CopiesForm(request.POST, appeal=appeal),
        action=lambda data: copy_services.send_copies(
            moderator=request.user,
            appeal_id=appeal.pk,
            organizations=data["copies"],
            comment=data["comment"],
        ),
        success=sent,
        failure=lambda form: _review_page(request, appeal, copies_form=form),
        field="copies",
    )


@moderator_required
@require_POST
def complained_official(request, number: str):
    """Mark the appeal as a complaint about an official's actions."""
    appeal = selectors.get_appeal_for_moderation(user=request.user, number=number)
    route = selectors.with_routes([appeal])[0].route
    form = ComplainedOfficialForm(
        request.POST, organization_ids=_official_organizations(appeal, route)
    )
    return run_form(
        request,
        form,
        action=lambda data: official_services.mark_complaint_about_official(
            moderator=request.user, appeal_id=appeal.pk, official=data["official"]
        ),
        success=lambda marked: done(
            request,
            _("The appeal is marked as a complaint about the actions of %(official)s.")
            % {"official": form.cleaned_data["official"].name},
            "moderation:review",
            number=appeal.number,
        ),
        failure=lambda form: _review_page(request, appeal, complained_form=form),
        field="official",
    )


def _review_page(request, appeal, **forms):
    """The review page again, with the form that came back and what was typed in it."""
    return render(
        request, "appeals/moderation/review.html", _review_context(appeal, **forms), status=400
    )


@moderator_required
@require_POST
def reject(request, number: str):
    appeal = selectors.get_appeal_for_moderation(user=request.user, number=number)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, appeal, _("Choose the ground for the rejection."), reject_form=form
        )
    outcome = attempt(
        lambda: services.reject_appeal(
            moderator=request.user,
            appeal_id=appeal.pk,
            ground=form.cleaned_data["ground"],
            comment=form.cleaned_data["comment"],
        )
    )
    if not outcome.ok:
        return _refused(request, appeal, outcome.message, reject_form=form)
    appeal = outcome.value
    return _done(
        request,
        appeal,
        _("Appeal %(number)s is rejected; the citizen is notified.") % {"number": appeal.number},
    )


@moderator_required
@require_POST
def duplicate(request, number: str):
    appeal = selectors.get_appeal_for_moderation(user=request.user, number=number)
    form = DuplicateForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, appeal, _("Enter the number of the original appeal."), duplicate_form=form
        )
    outcome = attempt(
        lambda: services.mark_duplicate(
            moderator=request.user,
            appeal_id=appeal.pk,
            original_number=form.cleaned_data["original_number"],
            comment=form.cleaned_data["comment"],
        )
    )
    if not outcome.ok:
        return _refused(request, appeal, outcome.message, duplicate_form=form)
    appeal = outcome.value
    return _done(
        request,
        appeal,
        _("Appeal %(number)s is marked as a duplicate; the citizen is notified.")
        % {"number": appeal.number},
    )


@moderator_required
@require_POST
def public_text(request, number: str):
    """Publish the checked (redacted) text of a public appeal on its public page."""
    appeal = selectors.get_appeal_for_moderation(user=request.user, number=number)
    form = PublicTextForm(request.POST)
    if form.is_valid():
        outcome = attempt(
            lambda: services.publish_public_text(
                moderator=request.user, appeal_id=appeal.pk, text=form.cleaned_data["text"]
            ),
            form=form,
            field="text",
        )
        if outcome.ok:
            messages.success(
                request,
                _("The public text of %(number)s is published.") % {"number": appeal.number},
            )
            return redirect("moderation:review", number=appeal.number)
    return render(
        request,
        "appeals/moderation/review.html",
        _review_context(appeal, public_text_form=form),
        status=400,
    )


@moderator_required
@require_POST
def withhold_text(request, number: str):
    """Keep the text of a public appeal off its public page."""
    appeal = selectors.get_appeal_for_moderation(user=request.user, number=number)
    form = WithholdTextForm(request.POST)
    if form.is_valid():
        outcome = attempt(
            lambda: services.withhold_public_text(
                moderator=request.user, appeal_id=appeal.pk, reason=form.cleaned_data["reason"]
            ),
            form=form,
            field="reason",
        )
        if outcome.ok:
            messages.success(
                request,
                _("The text of %(number)s is not published.") % {"number": appeal.number},
            )
            return redirect("moderation:review", number=appeal.number)
    return render(
        request,
        "appeals/moderation/review.html",
        _review_context(appeal, withhold_form=form),
        status=400,
    )
