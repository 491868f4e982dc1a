"""The head's overview, bulk assignment from the queue, and the queue's export to CSV / XLSX."""

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from appeals import exports, services
from appeals import permissions as appeal_permissions
from appeals.models import Appeal
from appeals.selectors import overview as overview_selectors
from appeals.selectors import staff as staff_selectors
from appeals.staff_forms import QueueFilterForm
from appeals.views.staff import staff_required
from core.actions import attempt
from core.decorators import role_required
from core.input import parse_pks, safe_next
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
    executor = forms.ModelChoiceField(
        queryset=None,
        label=_lazy("Executor"),
        empty_label=_lazy("— choose an executor —"),
        error_messages={
            "required": _lazy("Choose an executor."),
            "invalid_choice": _lazy(
                "This person cannot take every selected appeal: choose someone from the list."
            ),
        },
    )

    def __init__(self, *args, executors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["executor"].queryset = executors
        self.fields["executor"].label_from_instance = lambda user: (
            user.get_full_name() or user.email
        )


def _next(request) -> str:
    """A local path to go back to (the filtered queue), or the queue itself."""
    return safe_next(request, request.POST.get("next"), "staff:home")


def _back(request):
    return HttpResponseRedirect(_next(request))


def _selected_appeals(request, organization_ids) -> list[Appeal]:
    selected = {value.strip() for value in request.POST.getlist("appeal") if value.strip()}
    ids = set(parse_pks(selected))
    numbers = selected - {str(pk) for pk in ids}
    return list(
        Appeal.objects.filter(organization_id__in=organization_ids)
        .filter(Q(pk__in=ids) | Q(number__in=numbers))
        .select_related("organization")
        .only("pk", "number", "organization__name")
        .order_by("number")
    )


@head_required
@require_POST
def bulk_assign(request):
    """Give the checked appeals to one executor; appeals outside the head's scope are ignored.

    From the queue the head only ticks appeals; this page then offers the people who can take
    EVERY one of them (a member of each appeal's organization), with no preselected choice. A
    choice posted from here is checked against the same list.
    """
    organization_ids = overview_selectors.headed_organization_ids(request.user)
    appeals = _selected_appeals(request, organization_ids)
    if not appeals:
        messages.error(request, _("No appeals of your organizations were selected."))
        return _back(request)
    candidates = staff_selectors.executors_for_all(
        organization_ids={appeal.organization_id for appeal in appeals}
    )
    choosing = "executor" not in request.POST
    form = BulkAssignForm(None if choosing else request.POST, executors=candidates)
    if choosing or not form.is_valid():
        return render(
            request,
            "appeals/staff/bulk_assign.html",
            {
                "form": form,
                "appeals": appeals,
                "has_candidates": candidates.exists(),
                "organizations": sorted({appeal.organization.name for appeal in appeals}),
                "next": _next(request),
            },
            status=200 if choosing else 400,
        )
    executor = form.cleaned_data["executor"]
    assigned, refused = 0, []
    for appeal in appeals:
        outcome = attempt(
            lambda appeal=appeal: services.assign_appeal(
                head=request.user, appeal_id=appeal.pk, executor=executor
            )
        )
        if outcome.ok:
            assigned += 1
        else:
            refused.append(f"{appeal.number} — {outcome.message}")
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
