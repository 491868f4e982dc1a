"""The appeal lifecycle: one transition table and one guarded function. Nothing else sets a status.

submitted ─accept─▶ registered ─take/assign─▶ in_progress ─answer─▶ answered ─rate ≥ 4 / no rating─▶ closed
    └─reject─▶ rejected      └─request_clarification─▶ clarification ─reply─▶ in_progress
registered / in_progress / clarification ─redirect─▶ registered (another organization)
answered ─low rating (once)─▶ in_progress
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal, Event
from core.errors import AlreadyDone, DomainError

S = Appeal.Status
WORKING = frozenset({S.REGISTERED, S.IN_PROGRESS, S.CLARIFICATION})


class IllegalTransition(DomainError):
    def __init__(self, *, action: str, status_label):
        super().__init__(
            _("This action is not possible while the appeal is «%(status)s».")
            % {"status": status_label}
        )
        self.action = action


# action → (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accept": (frozenset({S.SUBMITTED}), S.REGISTERED),
    "reject": (frozenset({S.SUBMITTED}), S.REJECTED),
    "take": (frozenset({S.REGISTERED}), S.IN_PROGRESS),
    "assign": (frozenset({S.REGISTERED, S.IN_PROGRESS}), S.IN_PROGRESS),
    "request_clarification": (frozenset({S.REGISTERED, S.IN_PROGRESS}), S.CLARIFICATION),
    "reply_to_clarification": (frozenset({S.CLARIFICATION}), S.IN_PROGRESS),
    "redirect": (WORKING, S.REGISTERED),
    "extend_deadline": (WORKING, None),
    "answer": (frozenset({S.REGISTERED, S.IN_PROGRESS}), S.ANSWERED),
    "rate": (frozenset({S.ANSWERED}), None),  # the rating decides: closed or back to in_progress
    "close": (frozenset({S.ANSWERED}), S.CLOSED),
    "close_on_ground": (WORKING, S.CLOSED),
    "note": (frozenset(S.values), None),
}

# Actions whose repetition is not a "same place" no-op even though the status stays.
_STATUS_KEEPING = {action for action, (_sources, target) in TRANSITIONS.items() if target is None}


@dataclass(frozen=True)
class Outcome:
    appeal: Appeal
    changed: bool
    event: Event | None


def allowed_actions(status: str) -> set[str]:
    return {action for action, (sources, _target) in TRANSITIONS.items() if status in sources}


def transition(
    *,
    appeal_id: int,
    action: str,
    actor,
    apply: Callable[[Appeal], None] | None = None,
    check: Callable[[Appeal], None] | None = None,
    to_status: str | None = None,
    reason_code: str = "",
    comment: str = "",
    is_public: bool = True,
    data: dict | None = None,
) -> Outcome:
    """Lock the appeal, check the move, apply it and write its Event.

    Must run inside the caller's transaction (a service). `check` raises a DomainError for rules
    beyond the status (roles, deadlines); `apply` sets the fields of the move; `to_status` is only
    for actions whose target the table leaves open (rate). When the appeal already is where the
    action leads: the same actor repeating it (a double click) changes nothing; anyone else is
    refused with AlreadyDone, so two moderators never both accept one appeal.
    """
    assert connection.in_atomic_block, "transition() runs inside a service's transaction"
    sources, target = TRANSITIONS[action]
    target = target or to_status
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal_id)
    if action not in _STATUS_KEEPING and appeal.status == target and appeal.status not in sources:
        last = appeal.events.filter(action=action).order_by("-created_at", "-pk").first()
        if last is not None and last.actor_id == getattr(actor, "pk", None):
            return Outcome(appeal, False, None)
        raise AlreadyDone(
            _("Someone else has already done this: the appeal is now «%(status)s».")
            % {"status": appeal.get_status_display()}
        )
    if appeal.status not in sources:
        raise IllegalTransition(action=action, status_label=appeal.get_status_display())
    if check is not None:
        check(appeal)
    from_status = appeal.status
    if apply is not None:
        apply(appeal)
    if target is not None:
        appeal.status = target
    appeal.save()
    event = Event.objects.create(
        appeal=appeal,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=appeal.status,
        reason_code=reason_code,
        comment=comment,
        is_public=is_public,
        data=data or {},
        created_at=timezone.now(),
    )
    return Outcome(appeal, True, event)
