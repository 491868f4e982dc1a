"""Organizations' staff publish, change and cancel their outages.

Only executors and heads (role_required: others get 403); an outage of another organization is a
404, so these pages reveal nothing of other organizations. Dates are typed and shown in the time
zone of the organization's region.
"""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.actions import done, report_outcome, run_form
from core.decorators import role_required
from organizations import permissions as roles
from organizations.selectors import staff_organizations
from outages import selectors, services
from outages.forms import CancelForm, OutageForm

PAGE_SIZE = 25

staff_required = role_required(roles.is_organization_staff)


def _organizations(request) -> list:
    return list(staff_organizations(user=request.user))


def _form_page(request, form, *, outage=None, organizations=(), status=200):
    context = {
        "form": form,
        "outage": outage,
        "cancel_form": CancelForm(),
        "only_organization": organizations[0] if len(organizations) == 1 else None,
    }
    return render(request, "outages/staff/form.html", context, status=status)


def _saved(request, outage, message: str):
    return done(request, message % {"kind": outage.get_kind_display()}, "outage_staff:list")


def _data(data: dict) -> dict:
    return {
        "kind": data["kind"],
        "emergency": data["emergency"],
        "municipality": data["municipality"],
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "description": data["description"],
        "houses": data["houses"],
    }


@staff_required
@require_GET
def outage_list(request):
    page = Paginator(selectors.staff_outages(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "outages/staff/list.html", {"page": page, "now": timezone.now()})


@staff_required
@require_http_methods(["GET", "POST"])
def outage_new(request):
    organizations = _organizations(request)
    region = organizations[0].region
    # Typed in the region's time: «10:00» of a Kamchatka outage is 10:00 in Kamchatka.
    with timezone.override(ZoneInfo(region.timezone)):
        if request.method != "POST":
            form = OutageForm(organizations=organizations, region=region)
            return _form_page(request, form, organizations=organizations)
        return run_form(
            request,
            OutageForm(request.POST, organizations=organizations, region=region),
            action=lambda data: services.publish_outage(
                actor=request.user, organization=data["organization"], **_data(data)
            ),
            success=lambda outage: _saved(
                request, outage, _("The notice «%(kind)s» is published.")
            ),
            failure=lambda form: _form_page(request, form, organizations=organizations, status=400),
        )


@staff_required
@require_http_methods(["GET", "POST"])
def outage_edit(request, outage_id: int):
    outage = selectors.get_outage_for_staff(user=request.user, outage_id=outage_id)
    with timezone.override(outage.zone):
        if request.method != "POST":
            form = OutageForm(
                region=outage.region,
                initial={
                    "kind": outage.kind,
                    "emergency": outage.emergency,
                    "municipality": outage.municipality_id,
                    "addresses": "\n".join(house.label for house in outage.houses.all()),
                    "starts_at": outage.starts_at,
                    "ends_at": outage.ends_at,
                    "description": outage.description,
                },
            )
            return _form_page(request, form, outage=outage)
        return run_form(
            request,
            OutageForm(request.POST, region=outage.region),
            action=lambda data: services.edit_outage(
                actor=request.user, outage_id=outage.pk, **_data(data)
            ),
            success=lambda saved: _saved(request, saved, _("The notice «%(kind)s» is saved.")),
            failure=lambda form: _form_page(request, form, outage=outage, status=400),
        )


@staff_required
@require_POST
def outage_cancel(request, outage_id: int):
    outage = selectors.get_outage_for_staff(user=request.user, outage_id=outage_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect("outage_staff:edit", outage_id=outage.pk)
    reason = form.cleaned_data["reason"]
    report_outcome(
        request,
        lambda: services.cancel_outage(actor=request.user, outage_id=outage.pk, reason=reason),
        success=_("The notice is cancelled: residents no longer see it."),
    )
    return redirect("outage_staff:list")
