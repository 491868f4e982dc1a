"""«Присоединиться»: residents join a public problem, leave it, and rate its answer for themselves.

A join is a `Support` row (one per resident and problem: a database constraint) and one more in the
appeal's denormalized `supporters_count`, both in one transaction with the appeal row locked, so
the count never drifts from the rows. The events are internal: who joined is never shown to the
problem's author or to other residents.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal, Event, Support
from appeals.workflow import transition
from core.errors import DomainError
from core.outbox import notify_bulk


class NotPublic(DomainError):
    """The appeal is not a public problem (private, on moderation or rejected)."""

    def __init__(self):
        super().__init__(_("This problem is not public."))


def _locked_public_problem(appeal_id: int) -> Appeal:
    """The problem, locked for the change (views fetch it with get_public_problem first: a 404)."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .filter(pk=appeal_id, is_public=True, status__in=Appeal.PUBLIC_STATUSES)
        .first()
    )
    if appeal is None:
        raise NotPublic()
    return appeal


@transaction.atomic
def join_problem(*, citizen, appeal_id: int) -> Support:
    """The citizen joins a public problem; joining again changes nothing.

    Precondition: the appeal is public (`is_public`, past moderation) and not the citizen's own.
    Effect: a Support row, `supporters_count` + 1 and an internal `join` event.
    """
    appeal = _locked_public_problem(appeal_id)
    if appeal.citizen_id == citizen.pk:
        raise DomainError(_("This is your own appeal: you cannot join it."))
    existing = Support.objects.filter(appeal=appeal, citizen=citizen).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            support = Support.objects.create(appeal=appeal, citizen=citizen)
    except IntegrityError:
        # The row lock makes this unreachable for two joins of one problem; kept for safety.
        return Support.objects.get(appeal=appeal, citizen=citizen)
    Appeal.objects.filter(pk=appeal.pk).update(supporters_count=F("supporters_count") + 1)
    transition(appeal_id=appeal.pk, action=Event.Action.JOIN, actor=citizen, is_public=False)
    return support


@transaction.atomic
def leave_problem(*, citizen, appeal_id: int) -> bool:
    """The citizen leaves a public problem they joined; leaving again changes nothing.

    Returns True when a support was withdrawn now. Effect: the Support row is deleted,
    `supporters_count` − 1 and an internal `leave` event.
    """
    appeal = _locked_public_problem(appeal_id)
    deleted, _rows = Support.objects.filter(appeal=appeal, citizen=citizen).delete()
    if not deleted:
        return False
    Appeal.objects.filter(pk=appeal.pk, supporters_count__gt=0).update(
        supporters_count=F("supporters_count") - 1
    )
    transition(appeal_id=appeal.pk, action=Event.Action.LEAVE, actor=citizen, is_public=False)
    return True


@transaction.atomic
def rate_as_supporter(*, citizen, appeal_id: int, score: int) -> Support:
    """A supporter rates the answer to the problem they joined (1–5); a new score replaces theirs.

    Stored on the Support row only: the appeal's status, its author's rating and the statistics
    stay as they are. Precondition: the citizen supports the appeal and it has been answered.
    """
    if not 1 <= int(score) <= 5:
        raise DomainError(_("Choose a rating from 1 to 5."))
    support = (
        Support.objects.select_for_update().filter(appeal_id=appeal_id, citizen=citizen).first()
    )
    if support is None:
        raise DomainError(_("Only a resident who joined the problem may rate it here."))

    transition(
        appeal_id=appeal_id,
        action=Event.Action.RATE_AS_SUPPORTER,
        actor=citizen,
        is_public=False,
        data={"score": int(score)},
    )
    support.rating = int(score)
    support.rated_at = timezone.now()
    support.save(update_fields=["rating", "rated_at"])
    return support


def notify_supporters_of_answer(*, appeal: Appeal) -> int:
    """Tell every supporter the problem is answered and that they may rate it (in the answering
    transaction: the notices exist exactly when the answer does). Returns the rows written."""
    supporters = [
        support.citizen
        for support in Support.objects.filter(appeal=appeal).select_related("citizen")
    ]
    if not supporters:
        return 0
    context = {
        "organization": appeal.organization.name if appeal.organization_id else "",
        "url": reverse("appeals:list") + "#supported",
    }
    return notify_bulk(
        (supporter, appeal, "supported_answered", context, True) for supporter in supporters
    )
