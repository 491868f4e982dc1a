"""The head's overview, bulk assignment from the queue, and the queue's export to CSV / XLSX."""

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from appeals import exports, services
from appeals import permissions as appeal_permissions
from appeals.errors import DomainError
from appeals.models import Appeal
from appeals.selectors import overview as overview_selectors
from appeals.selectors import staff as staff_selectors
from appeals.staff_forms import QueueFilterForm
from appeals.views.staff import staff_required
from core.input import parse_pks, safe_next
from feedback_platform.decorators import role_required
from organizations import permissions

head_required = role_required(permissions.is_head)


@head_required
@require_GET
def overview(request):
    return render(
        request,
        "appeals/staff/overview.html",
        {"figures": overview_selectors.overview(user=request.user)},
    )


class BulkAssignForm(forms.Form):
    executor = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, executors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["executor"].queryset = executors


def _back(request):
    return redirect(safe_next(request, request.POST.get("next"), "staff:home"))


@head_required
@require_POST
def bulk_assign(request):
    """Give the checked appeals to one executor; appeals outside the head's scope are ignored."""
    organization_ids = overview_selectors.headed_organization_ids(request.user)
    form = BulkAssignForm(
        request.POST, executors=staff_selectors.executors_of(organization_ids=organization_ids)
    )
    if not form.is_valid():
        messages.error(request, _("Choose an executor from the list."))
        return _back(request)
    selected = {value.strip() for value in request.POST.getlist("appeal") if value.strip()}
    ids = set(parse_pks(selected))
    numbers = selected - {str(pk) for pk in ids}
    appeals = list(
        Appeal.objects.filter(organization_id__in=organization_ids)
        .filter(Q(pk__in=ids) | Q(number__in=numbers))
        .only("pk", "number")
        .order_by("number")
    )
    if not appeals:
        messages.error(request, _("No appeals of your organizations were selected."))
        return _back(request)
    executor = form.cleaned_data["executor"]
    assigned, refused = 0, []
    for appeal in appeals:
        try:
            services.assign_appeal(head=request.user, appeal_id=appeal.pk, executor=executor)
        except DomainError as error:
            refused.append(f"{appeal.number} — {error.message}")
        else:
            assigned += 1
    report = ngettext("%(count)d appeal assigned.", "%(count)d appeals assigned.", assigned) % {
        "count": assigned
    }
    if refused:
        report += " " + ngettext(
            "%(count)d refused: %(reasons)s", "%(count)d refused: %(reasons)s", len(refused)
        ) % {"count": len(refused), "reasons": "; ".join(refused)}
        messages.warning(request, report)
    else:
        messages.success(request, report)
    return _back(request)


def _queue(request):
    """The queue exactly as /staff/ shows it for the same GET parameters."""
    executors = staff_selectors.executors_of(
        organization_ids=appeal_permissions.organization_ids(request.user)
    )
    filters = QueueFilterForm(request.GET or None, executors=executors).to_filter()
    return staff_selectors.queue(user=request.user, filters=filters)


@staff_required
@require_GET
def export_csv(request):
    return exports.to_csv(exports.appeal_rows(_queue(request)))


@staff_required
@require_GET
def export_xlsx(request):
    return exports.to_xlsx(exports.appeal_rows(_queue(request)))
