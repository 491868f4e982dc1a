"""Incidents on the staff side: the list, one incident with its appeals, grouping, answer, close."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from appeals import permissions as appeal_permissions
from appeals.models import Appeal
from appeals.selectors import incidents as incident_selectors
from appeals.selectors import with_routes
from appeals.services import incidents as incident_services
from appeals.staff_forms import IncidentAddForm, IncidentAnswerForm, IncidentForm
from core.actions import attempt
from core.decorators import role_required
from core.input import parse_pk, parse_pks, safe_next
from core.uploads import AttachmentError
from organizations import permissions
from organizations.selectors import active_organizations

incident_role = role_required(
    lambda user: permissions.is_organization_staff(user) or permissions.is_moderator(user)
)


@incident_role
@require_GET
def incident_list(request):
    page = Paginator(incident_selectors.incidents_for(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "appeals/staff/incidents.html", {"page": page})


def _selected(request) -> list[Appeal]:
    return incident_selectors.selectable_for_incident(
        user=request.user, ids=parse_pks(request.POST.getlist("appeal"))
    )


@incident_role
@require_POST
def incident_new(request):
    """«Объединить в инцидент»: the appeals ticked in the staff or moderation queue. The first post
    (from the queue) shows what will be grouped and asks for a title; the second creates it."""
    back = safe_next(request, request.POST.get("next"), "staff:incidents")
    appeals = _selected(request)
    if not appeals:
        messages.error(request, _("No appeals you may group were selected."))
        return redirect(back)
    organizations = None
    initial = {}
    if all(appeal.organization_id is None for appeal in appeals):
        organizations = active_organizations(region_id=appeals[0].region_id).order_by("name")
        routed = with_routes(appeals[:1])[0].routed_to
        initial["organization"] = routed.pk if routed is not None else None
    choosing = "title" not in request.POST
    form = IncidentForm(
        None if choosing else request.POST, organizations=organizations, initial=initial
    )
    if not choosing and form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: incident_services.create_incident(
                actor=request.user,
                appeal_ids=[appeal.pk for appeal in appeals],
                title=data["title"],
                description=data["description"],
                organization=data.get("organization"),
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(
                request,
                ngettext(
                    "The incident is created with %(count)d appeal.",
                    "The incident is created with %(count)d appeals.",
                    len(appeals),
                )
                % {"count": len(appeals)},
            )
            return redirect(outcome.value)
    return render(
        request,
        "appeals/staff/incident_new.html",
        {"form": form, "appeals": appeals, "next": back},
        status=200 if choosing else 400,
    )


def _page(request, incident, *, status=200, answer_form=None, add_form=None):
    user = request.user
    can_manage = appeal_permissions.can_manage_incident(user, incident)
    can_answer = appeal_permissions.can_answer_incident(user, incident)
    return render(
        request,
        "appeals/staff/incident.html",
        {
            "incident": incident,
            "appeals": incident_selectors.incident_appeals(incident=incident),
            "can_manage": can_manage and incident.closed_at is None,
            "can_answer": can_answer and incident.closed_at is None,
            "can_open_appeals": bool(appeal_permissions.organization_ids(user)),
            "answer_form": answer_form or IncidentAnswerForm(),
            "add_form": add_form or IncidentAddForm(),
        },
        status=status,
    )


@incident_role
@require_GET
def incident_page(request, incident_id: int):
    incident = incident_selectors.get_incident_for(user=request.user, incident_id=incident_id)
    return _page(request, incident)


def _report(request, outcome, done: str, skipped: str) -> None:
    result = outcome.value
    text = done % {"count": len(result.done)}
    if result.skipped:
        text += " " + skipped % {"numbers": ", ".join(a.number for a in result.skipped)}
        messages.warning(request, text)
    else:
        messages.success(request, text)


@incident_role
@require_POST
def incident_answer(request, incident_id: int):
    incident = incident_selectors.get_incident_for(user=request.user, incident_id=incident_id)
    form = IncidentAnswerForm(request.POST, request.FILES)
    if form.is_valid():
        outcome = attempt(
            lambda: incident_services.answer_incident(
                actor=request.user,
                incident_id=incident.pk,
                text=form.cleaned_data["text"],
                uploads=form.cleaned_data["files"],
                outcome=form.cleaned_data["outcome"],
                work_status=form.cleaned_data["work_status"],
                planned_on=form.cleaned_data["planned_on"],
            ),
            form=form,
            fields={AttachmentError: "files"},
        )
        if outcome.ok:
            _report(
                request,
                outcome,
                _("The answer is sent to %(count)s appeals; each citizen is told."),
                _(
                    "Not answered now (waiting for clarification, on moderation or answered): %(numbers)s."
                ),
            )
            return redirect(incident)
    messages.error(request, _("The action was not done: see the explanation next to the form."))
    return _page(request, incident, status=400, answer_form=form)


@incident_role
@require_POST
def incident_close(request, incident_id: int):
    incident = incident_selectors.get_incident_for(user=request.user, incident_id=incident_id)
    outcome = attempt(
        lambda: incident_services.close_incident(actor=request.user, incident_id=incident.pk)
    )
    if outcome.ok:
        _report(
            request,
            outcome,
            _("The incident is closed with %(count)s appeals."),
            _("Already closed before: %(numbers)s."),
        )
    else:
        messages.error(request, outcome.message)
    return redirect(incident)


@incident_role
@require_POST
def incident_add(request, incident_id: int):
    incident = incident_selectors.get_incident_for(user=request.user, incident_id=incident_id)
    form = IncidentAddForm(request.POST)
    if form.is_valid():
        appeal = (
            Appeal.objects.filter(number=form.cleaned_data["number"].strip()).only("pk").first()
        )
        if appeal is None:
            form.add_error("number", _("There is no appeal with this number."))
        else:
            outcome = attempt(
                lambda: incident_services.add_to_incident(
                    actor=request.user, incident_id=incident.pk, appeal_id=appeal.pk
                ),
                form=form,
                field="number",
            )
            if outcome.ok:
                messages.success(request, _("The appeal is added to the incident."))
                return redirect(incident)
    return _page(request, incident, status=400, add_form=form)


@incident_role
@require_POST
def incident_remove(request, incident_id: int):
    incident = incident_selectors.get_incident_for(user=request.user, incident_id=incident_id)
    appeal_id = parse_pk(request.POST.get("appeal"))
    outcome = attempt(
        lambda: incident_services.remove_from_incident(
            actor=request.user, incident_id=incident.pk, appeal_id=appeal_id or 0
        )
    )
    if outcome.ok:
        messages.success(request, _("The appeal is taken out of the incident."))
    else:
        messages.error(request, outcome.message)
    return redirect(incident)
