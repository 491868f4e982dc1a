"""/analytics/report-171/: the Decree 171 monthly report (analysts: the region; heads: their
organizations; platform admins: the platform's region), on the page and as CSV or XLSX."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from analytics.periods import add_months
from analytics.scope import analytics_scope, can_view_analytics
from appeals import permissions as appeal_permissions
from appeals.models import Appeal
from core import exports
from core.actions import report_outcome
from core.decorators import role_required
from core.replica import reads_from_replica
from organizations.models import Region
from organizations.selectors import request_region
from reporting import services
from reporting.forms import TopicForm
from reporting.report import monthly_report, table

MONTHS_BACK = 36
FORMATS = ("csv", "xlsx")


def _months(today: date) -> list[date]:
    first = today.replace(day=1)
    return [add_months(first, -n) for n in range(MONTHS_BACK)]


class MonthForm(forms.Form):
    month = forms.TypedChoiceField(label=_("Month"), coerce=date.fromisoformat)

    def __init__(self, *args, months: list[date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [
            (m.isoformat(), formats.date_format(m, "F Y")) for m in months
        ]


def _resolve(request):
    scope = analytics_scope(user=request.user)
    if scope is None:
        raise PermissionDenied
    if scope.region_ids is None:
        region = request_region(request)
    else:
        region = Region.objects.filter(pk__in=scope.region_ids).order_by("code").first()
    if region is None:
        raise Http404
    months = _months(timezone.localdate())
    # Last month by default: the report is sent for a month that has ended.
    form = MonthForm(request.GET or {"month": months[1].isoformat()}, months=months)
    month = form.cleaned_data["month"] if form.is_valid() else months[1]
    report = monthly_report(
        region_id=region.pk,
        zone=region.timezone,
        month=month,
        organization_ids=scope.organization_ids,
    )
    return scope, region, form, report


@role_required(can_view_analytics)
@require_GET
@reads_from_replica
def report(request):
    scope, region, form, data = _resolve(request)
    header, rows = table(data)
    return render(
        request,
        "reporting/report.html",
        {
            "scope": scope,
            "region": region,
            "form": form,
            "report": data,
            "header": header,
            "rows": rows[:-1],
            "total": rows[-1],
            "month": data.month.isoformat(),
        },
        status=200 if form.is_valid() else 400,
    )


@role_required(can_view_analytics)
@require_GET
@reads_from_replica
def export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    _scope, region, _form, data = _resolve(request)
    header, rows = table(data)
    filename = f"report-171-{region.code}-{data.month:%Y-%m}.{fmt}"
    if fmt == "csv":
        return exports.csv_response([header, *rows], filename=filename)
    return exports.xlsx_response(
        [header, *rows], filename=filename, title=str(_("Decree 171 report"))
    )


@login_required
@require_POST
def change_topic(request, number: str):
    """The small form of the staff appeal page (and the moderator's review page): another
    classifier heading for the appeal. An appeal the user may not work on or moderate is a 404."""
    appeal = Appeal.objects.filter(number=number[:40]).first()
    works = appeal is not None and appeal_permissions.can_work_on(request.user, appeal)
    if appeal is None or not (works or appeal_permissions.can_moderate(request.user, appeal)):
        raise Http404
    form = TopicForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["topic"]))
    else:
        report_outcome(
            request,
            lambda: services.change_topic(
                actor=request.user, appeal_id=appeal.pk, topic_id=form.cleaned_data["topic"]
            ),
            success=_("The classifier heading is changed."),
        )
    return redirect("staff:appeal" if works else "moderation:review", number=appeal.number)
