"""Role home pages: where each staff role starts, showing the scope the role gives.

The appeal queues (staff, moderation) and the statistics (analytics) are built on these pages.
"""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from feedback_platform.decorators import role_required
from organizations import permissions
from organizations.models import Membership
from organizations.selectors import memberships_of, staff_organizations


def _role_home(request, *, roles, title):
    return render(
        request,
        "organizations/role_home.html",
        {
            "title": title,
            "memberships": memberships_of(user=request.user).filter(role__in=roles),
            "organizations": staff_organizations(user=request.user) if Membership.Role.HEAD in roles else None,
        },
    )


@role_required(permissions.is_analyst)
@require_GET
def analytics_home(request):
    return _role_home(request, roles=[Membership.Role.ANALYST], title=_("Analytics"))
