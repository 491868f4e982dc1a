"""Role predicates of the platform, in one place. Other apps ask these; they never query roles."""

from django.core.cache import cache

from core.memo import forget
from organizations.models import Membership

# A person's memberships in the shared cache, dropped when one is saved or deleted
# (organizations/signals.py); the lifetime bounds what a write without signals leaves stale.
MEMBERSHIPS_TTL = 600


def memberships_key(user_id: int) -> str:
    return f"memberships:{user_id}"


def forget_memberships(*user_ids: int) -> None:
    forget(*(memberships_key(user_id) for user_id in user_ids))


def membership_rows(user) -> list[tuple[str, int | None, int | None]]:
    """(role, organization id, region id) of each of the user's memberships.

    Read once per request from the cache, and from the database only after a change, however
    many role checks a page makes.
    """
    if not user.is_authenticated:
        return []
    rows = getattr(user, "_platform_memberships", None)
    if rows is None:
        key = memberships_key(user.pk)
        rows = cache.get(key)
        if rows is None:
            rows = [
                tuple(row)
                for row in Membership.objects.filter(user=user)
                .order_by()
                .values_list("role", "organization_id", "region_id")
            ]
            cache.set(key, rows, MEMBERSHIPS_TTL)
        user._platform_memberships = rows
    return rows


def _roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_platform_roles", None)
    if cached is None:
        cached = {role for role, _organization, _region in membership_rows(user)}
        user._platform_roles = cached
    return cached


def is_platform_admin(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


def is_executor(user) -> bool:
    return Membership.Role.EXECUTOR in _roles(user)


def is_head(user) -> bool:
    return Membership.Role.HEAD in _roles(user)


def is_organization_staff(user) -> bool:
    """Works on appeals of an organization (executor or head)."""
    return bool(_roles(user) & set(Membership.ORGANIZATION_ROLES))


def is_moderator(user) -> bool:
    return Membership.Role.MODERATOR in _roles(user)


def is_analyst(user) -> bool:
    return Membership.Role.ANALYST in _roles(user)


def is_citizen(user) -> bool:
    """Anyone signed in may act as a citizen; staff roles are added on top."""
    return user.is_authenticated and user.is_active
