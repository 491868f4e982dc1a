"""The role-aware menu: one declarative list, filtered by the role predicates."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from analytics.scope import can_view_analytics
from organizations import permissions


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    allowed: Callable


NAVIGATION = (
    NavItem("home", _("Home"), lambda user: True),
    # Residents' map of what is already reported; staff reach it from the home page (their menu
    # keeps their own work in one row at 1280 px).
    NavItem(
        "problems:list",
        _("Public problems"),
        lambda user: (
            not permissions.is_organization_staff(user) and not permissions.is_moderator(user)
        ),
    ),
    NavItem("appeals:list", _("My appeals"), permissions.is_citizen),
    NavItem("surveys:list", _("Polls and votes"), lambda user: True),
    NavItem("discussions:list", _("Discussions"), lambda user: True),
    NavItem("staff:home", _("Workplace"), permissions.is_organization_staff),
    NavItem("moderation:home", _("Moderation"), permissions.is_moderator),
    NavItem(
        "surveys:manage_list",
        _("Consultations"),
        lambda user: permissions.is_head(user) or permissions.is_platform_admin(user),
    ),
    NavItem("analytics:home", _("Analytics"), can_view_analytics),
    NavItem("admin:index", _("Administration"), permissions.is_platform_admin),
    NavItem("background_health", _("Background health"), permissions.is_platform_admin),
    NavItem("accounts:profile", _("Profile"), permissions.is_citizen),
)


def navigation_for(request) -> list[dict]:
    user = request.user
    items = []
    for item in NAVIGATION:
        if not item.allowed(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # a section not installed in this deployment
            continue
        items.append({"url": url, "label": item.label, "current": request.path == url})
    return items
