"""Who may publish and change outages: the staff (executors and heads) of the organization.

Heads also act for the organizations below theirs, as they do for appeals. Nobody else — not the
staff of another organization, not a moderator — may publish in an organization's name.
"""

from organizations.selectors import organization_scope


def publisher_organization_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_outage_scope", None)
    if cached is None:
        cached = organization_scope(user=user)[0]
        user._outage_scope = cached  # once per request, however many checks a page makes
    return cached


def can_publish_for(user, organization_id: int) -> bool:
    return organization_id in publisher_organization_ids(user)


def can_manage(user, outage) -> bool:
    return can_publish_for(user, outage.organization_id)
