"""Who may do what with an appeal: one place, asked by services, selectors and templates."""

from organizations.models import Membership
from organizations.selectors import staff_organizations


def organization_ids(user) -> set[int]:
    cached = getattr(user, "_appeal_organization_ids", None)
    if cached is None:
        cached = set(staff_organizations(user=user).values_list("id", flat=True))
        user._appeal_organization_ids = cached
    return cached


def moderated_region_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_moderated_region_ids", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(user=user, role=Membership.Role.MODERATOR).values_list("region_id", flat=True)
        )
        user._moderated_region_ids = cached
    return cached


def is_owner(user, appeal) -> bool:
    return user.is_authenticated and appeal.citizen_id == user.pk


def can_moderate(user, appeal) -> bool:
    return appeal.region_id in moderated_region_ids(user)


def can_work_on(user, appeal) -> bool:
    """Executors and heads of the responsible organization (heads: also of its parents)."""
    return user.is_authenticated and appeal.organization_id in organization_ids(user)


def is_head_of(user, appeal) -> bool:
    """Heads of the responsible organization or of any organization above it."""
    if not user.is_authenticated or appeal.organization_id is None:
        return False
    cached = getattr(user, "_headed_organization_ids", None)
    if cached is None:
        headed = staff_organizations(user=user, roles=[Membership.Role.HEAD])
        cached = set(headed.values_list("id", flat=True))
        user._headed_organization_ids = cached
    return appeal.organization_id in cached


def can_see(user, appeal) -> bool:
    return is_owner(user, appeal) or can_work_on(user, appeal) or can_moderate(user, appeal)
