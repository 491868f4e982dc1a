"""Who may publish, change and withdraw an organization's published answers: its staff
(executors and heads; heads also for the organizations below theirs), as for outages."""

from organizations.selectors import organization_scope


def publisher_organization_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_published_answer_scope", None)
    if cached is None:
        cached = organization_scope(user=user)[0]
        user._published_answer_scope = cached  # once per request, however many checks a page makes
    return cached


def can_publish_for(user, organization_id: int) -> bool:
    return organization_id in publisher_organization_ids(user)
