"""The searchable organization picker: matching organizations of the set a form accepts.

The redirect form (staff) and the registration form (moderator) keep a plain <select>, which is
all a browser without JavaScript gets; with it, a search field asks these endpoints for at most
`LIMIT` matches by name or INN and picks the chosen one in the select. Each endpoint answers only
from the set its form would accept, for a user who may use that form: anything else is a 404.
"""

import re

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from appeals import permissions as appeal_permissions
from appeals import selectors
from appeals.selectors import staff as staff_selectors
from appeals.views.moderation import moderator_required
from appeals.views.staff import staff_required
from appeals.workflow import allowed_actions
from organizations.models import Organization
from organizations.selectors import active_organizations, matching_organizations

LIMIT = 20
TEMPLATE = "appeals/includes/organization_options.html"


class _SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, strip=True)


def _matching(organizations: QuerySet[Organization], request) -> QuerySet[Organization] | None:
    form = _SearchForm(request.GET)
    if not form.is_valid():
        return None
    matching = matching_organizations(organizations, query=form.cleaned_data["q"])
    return matching.order_by("name", "pk")[:LIMIT]


# The select a picker fills (`list`): its options' ids start with it, so two pickers on one page
# (the responsible organization and the copies) never share an id.
LIST_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _answer(request, organizations):
    if organizations is None:
        return HttpResponseBadRequest(
            _("The search text is too long or contains invalid characters.")
        )
    prefix = request.GET.get("list", "")
    context = {
        "organizations": organizations,
        "limit": LIMIT,
        "prefix": f"{prefix}-" if LIST_ID.fullmatch(prefix) else "",
    }
    return render(request, TEMPLATE, context)


@staff_required
@require_GET
def redirect_options(request, number: str):
    """Organizations the appeal may be redirected to, for staff who may redirect it."""
    appeal = staff_selectors.get_appeal_for_staff(user=request.user, number=number)
    if not appeal_permissions.can_work_on(request.user, appeal) or "redirect" not in (
        allowed_actions(appeal.status)
    ):
        raise Http404
    return _answer(request, _matching(staff_selectors.redirect_candidates(appeal=appeal), request))


@moderator_required
@require_GET
def registration_options(request, number: str):
    """Organizations a moderator may register the appeal to: the active ones of its region."""
    appeal = selectors.get_appeal_for_moderation(user=request.user, number=number)
    candidates = active_organizations(region_id=appeal.region_id)
    return _answer(request, _matching(candidates, request))
