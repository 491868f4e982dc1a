"""Role home pages: where each staff role starts, showing the scope the role gives.

The appeal queues (staff, moderation) and the statistics (analytics) are built on these pages.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from organizations import permissions
from organizations.models import Membership
from organizations.selectors import memberships_of, staff_organizations


def _role_home(request, *, allowed, roles, title):
    if not allowed(request.user):
        raise PermissionDenied
    return render(
        request,
        "organizations/role_home.html",
        {
            "title": title,
            "memberships": memberships_of(user=request.user).filter(role__in=roles),
            "organizations": staff_organizations(user=request.user) if Membership.Role.HEAD in roles else None,
        },
    )


@login_required
@require_GET
def analytics_home(request):
    return _role_home(
        request, allowed=permissions.is_analyst, roles=[Membership.Role.ANALYST], title=_("Analytics")
    )
