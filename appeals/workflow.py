"""The appeal lifecycle: one transition table and one guarded function. Nothing else sets a status.

submitted ─accept─▶ registered ─take/assign─▶ in_progress ─answer─▶ answered ─rate ≥ 4 / no rating─▶ closed
    └─reject─▶ rejected      └─request_clarification─▶ clarification ─reply─▶ in_progress
registered / in_progress / clarification ─redirect─▶ registered (another organization)
answered ─low rating (once)─▶ in_progress
answered / closed ─work on site refuted (once)─▶ in_progress; ─confirmed / refuted again─▶ closed
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal, Event
from core.errors import AlreadyDone, DomainError

S = Appeal.Status
A = Event.Action
WORKING = frozenset({S.REGISTERED, S.IN_PROGRESS, S.CLARIFICATION})
PUBLIC = frozenset(Appeal.PUBLIC_STATUSES)
# The PostgreSQL setting the status guard (migration 0010, trigger appeals_appeal_status_guard)
# reads: an UPDATE that changes an appeal's status is refused unless it names that appeal.
GUARD_SETTING = "appeals.transition"


class IllegalTransition(DomainError):
    def __init__(self, *, action: str, status_label):
        super().__init__(
            _("This action is not possible while the appeal is «%(status)s».")
            % {"status": status_label}
        )
        self.action = action


class StatusWrittenOutsideTransition(RuntimeError):
    """A programming error: a status set by anything but the transition table."""


class Move(NamedTuple):
    sources: frozenset[str]  # the statuses the action may start from
    targets: frozenset[
        str
    ]  # where it may lead; empty: the status stays; several: the service chooses


def _move(sources, *targets: str) -> Move:
    return Move(frozenset(sources), frozenset(targets))


TRANSITIONS: dict[str, Move] = {
    A.ACCEPT: _move({S.SUBMITTED}, S.REGISTERED),
    A.REJECT: _move({S.SUBMITTED}, S.REJECTED),
    A.TAKE: _move({S.REGISTERED}, S.IN_PROGRESS),
    A.ASSIGN: _move({S.REGISTERED, S.IN_PROGRESS}, S.IN_PROGRESS),
    A.REQUEST_CLARIFICATION: _move({S.REGISTERED, S.IN_PROGRESS}, S.CLARIFICATION),
    A.REPLY_TO_CLARIFICATION: _move({S.CLARIFICATION}, S.IN_PROGRESS),
    A.REDIRECT: _move(WORKING, S.REGISTERED),
    A.EXTEND_DEADLINE: _move(WORKING),
    A.ANSWER: _move({S.REGISTERED, S.IN_PROGRESS}, S.ANSWERED),
    # A good rating closes the appeal; a low one sends it back for one re-review (rate_appeal).
    A.RATE: _move({S.ANSWERED}, S.CLOSED, S.IN_PROGRESS),
    A.CLOSE: _move({S.ANSWERED}, S.CLOSED),
    A.CLOSE_ON_GROUND: _move(WORKING, S.CLOSED),
    A.NOTE: _move(S.values),
    # Filed by a partner or staff for the e-mail of an existing account: held, not that account's.
    A.HOLD_FOR_ACCOUNT: _move({S.SUBMITTED}),
    # The account holder confirmed a held appeal: from now on it is theirs, whatever its status.
    A.CONFIRM_FOR_ACCOUNT: _move(S.values),
    # Public problems: the moderator's check of the public text, and the author's way back to a
    # private appeal. None changes the status.
    A.PUBLISH_PUBLIC_TEXT: _move(S.values),
    A.WITHHOLD_PUBLIC_TEXT: _move(S.values),
    A.MAKE_PRIVATE: _move(S.values),
    # «Присоединиться» (appeals/services/support.py): a resident joins or leaves a public problem,
    # and rates its answer for themselves; the appeal's status and its author's rating stay.
    A.JOIN: _move(PUBLIC),
    A.LEAVE: _move(PUBLIC),
    A.RATE_AS_SUPPORTER: _move({S.ANSWERED, S.CLOSED}),
    # Incidents (appeals/services/incidents.py): grouping changes no status; an incident's answer
    # and its closing are the appeals' own answer and close moves, one each.
    A.ADD_TO_INCIDENT: _move({S.SUBMITTED, *WORKING, S.ANSWERED}),
    A.REMOVE_FROM_INCIDENT: _move({S.SUBMITTED, *WORKING, S.ANSWERED}),
    # The citizen's rights (59-FZ art. 5): withdraw before the answer (ends the review: a
    # submitted appeal is not registered, one under review is closed); add documents while it is
    # reviewed; complain about the answer to the supervising body (a new linked appeal).
    A.WITHDRAW: _move({S.SUBMITTED, *WORKING}, S.REJECTED, S.CLOSED),
    A.ADD_DOCUMENTS: _move(WORKING),
    A.COMPLAIN: _move({S.ANSWERED, S.CLOSED}),
    # 547-FZ: a message of an author the channel could not identify becomes a 59-FZ appeal once
    # they identify; a fresh registration, the status stays.
    A.MAKE_OFFICIAL: _move(WORKING),
    # The regime names who signs the answer: the executor's answer waits for that signature
    # (the signer's "answer" releases it) or comes back for rework.
    A.SEND_FOR_SIGNATURE: _move({S.REGISTERED, S.IN_PROGRESS}),
    # The printed answer to a paper letter is posted: recorded on the answer, the status stays.
    A.POST_ANSWER: _move({S.ANSWERED, S.CLOSED}),
    A.RETURN_FOR_REWORK: _move({S.REGISTERED, S.IN_PROGRESS}),
    # Reading the materials of the case (59-FZ art. 5 p. 2, appeals/services/materials.py): asked
    # from registration (there is a case and an organization to decide) until the appeal closes
    # (after the answer the citizen may still weigh a rating or a complaint); a request asked
    # before the close is still decided after it. None changes the status.
    A.REQUEST_MATERIALS: _move({*WORKING, S.ANSWERED}),
    A.GRANT_MATERIALS: _move({*WORKING, S.ANSWERED, S.CLOSED}),
    A.REFUSE_MATERIALS: _move({*WORKING, S.ANSWERED, S.CLOSED}),
    # Requests for documents from other bodies (art. 10 p. 2, appeals/services/document_requests.py):
    # sent while the appeal is reviewed; a reply arriving late is still recorded in the case.
    A.SEND_DOCUMENT_REQUEST: _move(WORKING),
    A.RECEIVE_DOCUMENT_REPLY: _move({*WORKING, S.ANSWERED, S.CLOSED}),
    # A collective appeal (59-FZ art. 4; appeals/services/collective.py): signatures are
    # collected until the moderator registers it; the author may name another representative
    # until the answer, which goes to them. The status stays.
    A.COLLECT_SIGNATURES: _move({S.SUBMITTED}),
    A.COSIGN: _move({S.SUBMITTED}),
    A.WITHDRAW_SIGNATURE: _move({S.SUBMITTED}),
    A.CHOOSE_REPRESENTATIVE: _move({S.SUBMITTED, *WORKING}),
    # A complaint about an official's actions, recorded by the moderator before the answer: the
    # official may no longer review, answer or sign it (appeals/services/officials.py).
    A.COMPLAINT_ABOUT_OFFICIAL: _move({S.SUBMITTED, *WORKING}),
    # Copies to several competent bodies (appeals/services/copies.py): sent from the main appeal
    # under review; the consolidated answer once every part is answered or closed.
    A.SEND_COPIES: _move(WORKING),
    A.CONSOLIDATE_ANSWERS: _move({S.ANSWERED, S.CLOSED}),
    # The classifier heading (set at registration) corrected by staff or the moderator
    # (reporting/services.py): until the report is made, whatever the status; the status stays.
    A.CHANGE_TOPIC: _move({*WORKING, S.ANSWERED, S.CLOSED}),
    # The answer quality gate (quality/services.py): an answer under review is held instead of
    # released (the status stays until the moderator's release, which is the answer move) or
    # returned for rework against the criteria. A released answer rated low and found formal:
    # the rating's re-review under way gets the criteria and the rework term; after the one
    # re-review (closed by a second low rating) the finding is recorded and the status stays.
    A.HOLD_FOR_REVIEW: _move({S.REGISTERED, S.IN_PROGRESS}),
    A.RETURN_AFTER_REVIEW: _move({S.REGISTERED, S.IN_PROGRESS}),
    A.MARK_FORMAL: _move({S.IN_PROGRESS, S.CLOSED}),
    # Proof of fix (appeals/services/fixes.py): the citizen confirms the work on site the answer
    # states (an answered appeal closes; a closed one stays), or refutes it: the first answer's
    # refutation reopens the appeal for its one re-review, the next one closes it and escalates
    # it to the supervising body. A closed appeal may still be refuted: planned work is asked
    # about after its date, which may come after the appeal closed unrated.
    A.CONFIRM_FIX: _move({S.ANSWERED, S.CLOSED}, S.CLOSED),
    A.REFUTE_FIX: _move({S.ANSWERED, S.CLOSED}, S.IN_PROGRESS),
    A.ESCALATE_FIX: _move({S.ANSWERED, S.CLOSED}, S.CLOSED),
    # The organization reports planned work done, with a photo or an act: the citizen is asked to
    # confirm or refute it at once; the status stays.
    A.REPORT_WORK_DONE: _move({S.ANSWERED, S.CLOSED}),
}


@dataclass(frozen=True)
class Outcome:
    appeal: Appeal
    changed: bool
    event: Event | None


def allowed_actions(status: str) -> set[str]:
    return {action for action, move in TRANSITIONS.items() if status in move.sources}


def transition(
    *,
    appeal_id: int,
    action: str,
    actor,
    apply: Callable[[Appeal], None] | None = None,
    check: Callable[[Appeal], None] | None = None,
    to_status: str | Callable[[Appeal], str] | None = None,
    reason_code: str = "",
    comment: str = "",
    is_public: bool = True,
    data: dict | None = None,
) -> Outcome:
    """Lock the appeal, check the move, apply it and write its Event.

    Must run inside the caller's transaction (a service). `check` raises a DomainError for rules
    beyond the status (roles, deadlines); `apply` sets the fields of the move, never the status.
    `to_status` chooses among the targets of an action that has several (rate): a status, or a
    function of the locked appeal (called before `apply`) returning one. When the appeal already
    is where the action leads: the same actor repeating it (a double click) changes nothing;
    anyone else is refused with AlreadyDone, so two moderators never both accept one appeal.

    This is the only writer of `Appeal.status`: a database trigger refuses any other UPDATE of it.
    """
    assert connection.in_atomic_block, "transition() runs inside a service's transaction"
    sources, targets = TRANSITIONS[action]
    if len(targets) > 1 and to_status is None:
        raise StatusWrittenOutsideTransition(f"{action}: the service chooses among {targets}")
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal_id)
    # "Already there" is told apart only for an action with one target: other actions lead to
    # the targets of rate too, and a second rating is refused as an illegal move.
    if len(targets) == 1 and appeal.status in targets and appeal.status not in sources:
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
    target = to_status(appeal) if callable(to_status) else to_status
    if target is None and len(targets) == 1:
        (target,) = targets
    if target is not None and target not in targets:
        raise StatusWrittenOutsideTransition(f"{action} cannot lead to {target}")
    if apply is not None:
        apply(appeal)
    if appeal.status != from_status:
        raise StatusWrittenOutsideTransition(
            f"{action}: apply() set the status; the table and to_status decide it"
        )
    if target is not None:
        appeal.status = target
    with connection.cursor() as cursor:
        # Transaction-local and cleared right after: only this one write may change this status.
        # (No `finally`: after a failed write the transaction is aborted, and rolling it back
        # clears the setting.)
        cursor.execute("SELECT set_config(%s, %s, true)", [GUARD_SETTING, str(appeal.pk)])
        appeal.save()
        cursor.execute("SELECT set_config(%s, '', true)", [GUARD_SETTING])
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


@contextmanager
def writing_history(*, appeal_ids: Iterable[int]):
    """Let bulk loaders of past data (benchmarks, test set-ups) write these appeals' statuses.

    Only for rows that stand for history already lived through, written with their Events; a
    service changes a status with transition().
    """
    if not connection.in_atomic_block:
        raise RuntimeError("writing_history() runs inside a transaction")
    ids = ",".join(str(int(pk)) for pk in appeal_ids)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [GUARD_SETTING, ids])
    yield
    # Not in a `finally`: after an error the transaction is rolled back, which clears it anyway.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, '', true)", [GUARD_SETTING])
