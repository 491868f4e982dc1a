"""What the citizen does with their appeal: reply to a clarification request, rate the answer."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import permissions
from appeals.models import Appeal, ClarificationMessage, Event, Rating
from appeals.services.common import fresh_due_at, local_date
from appeals.workflow import transition
from core.errors import DomainError, NotAllowed
from core.outbox import notify
from organizations.selectors import regional_moderators

GOOD_SCORE = 4
LOW_SCORE = 2


def _owner(citizen):
    def check(appeal: Appeal) -> None:
        if not permissions.is_owner(citizen, appeal):
            raise NotAllowed()

    return check


@transaction.atomic
def reply_to_clarification(*, citizen, appeal_id: int, text: str) -> Appeal:
    """The citizen's clarification; the appeal goes back to work."""
    if not text.strip():
        raise DomainError(_("Write your clarification."))
    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.REPLY_TO_CLARIFICATION,
        actor=citizen,
        check=_owner(citizen),
        comment=text.strip(),
    )
    appeal = outcome.appeal
    if outcome.changed:
        ClarificationMessage.objects.create(
            appeal=appeal, author=citizen, kind=ClarificationMessage.Kind.REPLY, text=text.strip()
        )
        if appeal.executor_id:
            notify(
                recipient=appeal.executor,
                appeal=appeal,
                template="clarification_replied",
                email=False,
            )
    return appeal


@transaction.atomic
def rate_appeal(*, citizen, appeal_id: int, score: int, solved: bool, comment: str = "") -> Appeal:
    """Rate the answer. 4–5 and solved closes the appeal.

    2 or lower, or "not solved", sends it back for one re-review with a fresh term; a low rating
    after the re-review closes it and flags it for the regional moderator. A 3 that solved the
    problem closes it too.
    """
    if not 1 <= score <= 5:
        raise DomainError(_("A rating is from 1 to 5."))
    low = score <= LOW_SCORE or not solved
    result = {}

    def choose(appeal: Appeal) -> str:
        if low and appeal.review_round == 0:
            return Appeal.Status.IN_PROGRESS
        return Appeal.Status.CLOSED

    def apply(appeal: Appeal) -> None:
        answer = appeal.answers.get(review_round=appeal.review_round)
        Rating.objects.create(
            appeal=appeal, answer=answer, score=score, solved=solved, comment=comment.strip()
        )
        now = timezone.now()
        if choose(appeal) == Appeal.Status.IN_PROGRESS:  # still the round being rated
            appeal.review_round = 1
            appeal.answered_at = None
            appeal.rating_requested_at = None
            appeal.rating_reminded_at = None
            appeal.due_at = fresh_due_at(appeal, now)
            # A new term: its warnings and its overdue alert start again (DESIGN: once per round).
            appeal.overdue_at = None
            appeal.due_warning_stage = 0
            appeal.due_warned_for = None
            result["outcome"] = "reopened"
        else:
            appeal.closed_at = now
            if low:
                appeal.close_reason = Appeal.CloseReason.LOW_RATING_AFTER_REVIEW
                appeal.flagged_for_moderator = True
                result["outcome"] = "flagged"
            else:
                appeal.close_reason = Appeal.CloseReason.RATED
                result["outcome"] = "closed"

    def check(appeal: Appeal) -> None:
        _owner(citizen)(appeal)
        if Rating.objects.filter(appeal=appeal, answer__review_round=appeal.review_round).exists():
            raise DomainError(_("You have already rated this answer."))

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.RATE,
        actor=citizen,
        check=check,
        apply=apply,
        to_status=choose,
        comment=comment.strip(),
        data={"score": score, "solved": solved},
    )
    appeal = outcome.appeal
    if not outcome.changed:
        return appeal  # the same rating sent twice (a double click)
    if result["outcome"] == "reopened":
        context = {"due": local_date(appeal, appeal.due_at)}
        notify(recipient=citizen, appeal=appeal, template="reopened", context=context)
        if appeal.executor_id:
            notify(recipient=appeal.executor, appeal=appeal, template="reopened", context=context)
    else:
        notify(
            recipient=citizen,
            appeal=appeal,
            template="closed",
            context={"reason": appeal.close_reason},
        )
    if result["outcome"] == "flagged":
        for moderator in regional_moderators(region=appeal.region):
            notify(recipient=moderator, appeal=appeal, template="flagged", email=False)
    return appeal
