"""Who may do what with an appeal: one place, asked by services, selectors and templates."""

from organizations.models import Membership
from organizations.selectors import organization_scope


def _scope(user) -> tuple[set[int], set[int]]:
    cached = getattr(user, "_appeal_scope", None)
    if cached is None:
        cached = organization_scope(user=user)
        user._appeal_scope = cached  # once per request, however many checks a page makes
    return cached


def organization_ids(user) -> set[int]:
    return _scope(user)[0]


def moderated_region_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_moderated_region_ids", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(user=user, role=Membership.Role.MODERATOR).values_list(
                "region_id", flat=True
            )
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
    return user.is_authenticated and appeal.organization_id in _scope(user)[1]


def can_see(user, appeal) -> bool:
    return is_owner(user, appeal) or can_work_on(user, appeal) or can_moderate(user, appeal)


def headed_organization_ids(user) -> set[int]:
    """Organizations the user heads (and those below them)."""
    return _scope(user)[1] if user.is_authenticated else set()


def can_manage_incident(user, incident) -> bool:
    """Merge, split and close an incident: the region's moderator or the organization's head."""
    return user.is_authenticated and (
        incident.region_id in moderated_region_ids(user)
        or incident.organization_id in headed_organization_ids(user)
    )


def can_answer_incident(user, incident) -> bool:
    """Answer every appeal of an incident: the staff who may answer each of them."""
    return user.is_authenticated and incident.organization_id in organization_ids(user)


def can_see_incident(user, incident) -> bool:
    return can_manage_incident(user, incident) or can_answer_incident(user, incident)
