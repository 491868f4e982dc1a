"""Who reviews answers: the regional moderator (their region) and the organization's curator."""

from appeals.permissions import moderated_region_ids
from quality.models import Curatorship


def curated_organization_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_curated_organization_ids", None)
    if cached is None:
        cached = set(
            Curatorship.objects.filter(user=user).values_list("organization_id", flat=True)
        )
        user._curated_organization_ids = cached
    return cached


def is_reviewer(user) -> bool:
    return bool(moderated_region_ids(user) or curated_organization_ids(user))


def can_review(user, appeal) -> bool:
    return appeal.region_id in moderated_region_ids(user) or (
        appeal.organization_id in curated_organization_ids(user)
    )
