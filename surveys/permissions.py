"""Who may organize and moderate consultations. Role facts come from organizations.permissions."""

from organizations import permissions as roles
from organizations.models import Membership, Organization
from organizations.selectors import staff_organizations, staff_regions


def is_organizer(user) -> bool:
    """Heads of organizations and platform admins run polls, votes and discussions."""
    return roles.is_platform_admin(user) or roles.is_head(user)


def organizer_organization_ids(user) -> set[int] | None:
    """Organizations whose consultations the user manages; None means all (platform admin)."""
    if roles.is_platform_admin(user):
        return None
    if not roles.is_head(user):
        return set()
    return set(
        staff_organizations(user=user, roles=[Membership.Role.HEAD]).values_list("id", flat=True)
    )


def organizer_organizations(user):
    ids = organizer_organization_ids(user)
    organizations = (
        Organization.objects.filter(is_active=True).select_related("region").order_by("name")
    )
    return organizations if ids is None else organizations.filter(id__in=ids)


def can_manage(user, item) -> bool:
    ids = organizer_organization_ids(user)
    return ids is None or item.organization_id in ids


def is_comment_moderator(user) -> bool:
    return roles.is_platform_admin(user) or roles.is_moderator(user)


def moderated_region_ids(user) -> set[int] | None:
    """Regions whose discussion comments the user moderates; None means all (platform admin)."""
    if roles.is_platform_admin(user):
        return None
    return set(
        staff_regions(user=user, role=Membership.Role.MODERATOR).values_list("id", flat=True)
    )


def can_moderate(user, discussion) -> bool:
    ids = moderated_region_ids(user)
    return ids is None or discussion.region_id in ids
