"""Role predicates of the platform, in one place. Other apps ask these; they never query roles."""

from organizations.models import Membership


def _roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_platform_roles", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())
        user._platform_roles = cached  # one query per request, however many checks a page makes
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
