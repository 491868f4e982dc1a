"""What the citizen does with their appeal: reply to a clarification request, rate the answer."""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import attachments, deadlines, permissions
from appeals.models import Appeal, Attachment, ClarificationMessage, Event, Rating
from appeals.services import copies
from appeals.services.common import local_date
from appeals.workflow import transition
from core.errors import DomainError, NotAllowed
from core.outbox import notify
from organizations.selectors import regional_moderators

GOOD_SCORE = 4
LOW_SCORE = 2


def citizen_file_count(appeal: Appeal) -> int:
    """The appeal's own files (not those of answers): the five-file limit counts these."""
    return appeal.attachments.filter(answer__isnull=True).count()


def owner_check(citizen):
    def check(appeal: Appeal) -> None:
        if not permissions.is_owner(citizen, appeal):
            raise NotAllowed()

    return check


def draft_files(*, citizen, draft_key):
    if draft_key is None:
        return Attachment.objects.none()
    return Attachment.objects.filter(draft_key=draft_key, appeal__isnull=True, uploaded_by=citizen)


def keep_reply_uploads(*, citizen, appeal: Appeal, draft_key: uuid.UUID, uploads) -> list[str]:
    """The good files of a reply that came back with errors, kept as drafts of that reply form.

    Each file is checked on its own and against the appeal's five-file limit; returns the
    messages of the refused ones.
    """
    problems = []
    existing = (
        citizen_file_count(appeal) + draft_files(citizen=citizen, draft_key=draft_key).count()
    )
    for upload in uploads:
        try:
            attachments.check_count(existing=existing, adding=1)
            attachments.store_attachment(upload=upload, uploaded_by=citizen, draft_key=draft_key)
        except attachments.AttachmentError as error:
            problems.append(str(error.message))
        else:
            existing += 1
    return problems


@transaction.atomic
def reply_to_clarification(
    *, citizen, appeal_id: int, text: str, uploads=(), draft_key: uuid.UUID | None = None
) -> Appeal:
    """The citizen's clarification, with files as on the filing form; the appeal goes back to work.

    The files (new uploads and those kept from a form that came back, `draft_key`) join the
    appeal's own, at most five in all, checked on the locked row; a refused file refuses the whole
    reply (the view keeps the good files as drafts).
    """
    if not text.strip():
        raise DomainError(_("Write your clarification."))
    uploads = list(uploads)
    drafts = list(draft_files(citizen=citizen, draft_key=draft_key))

    def check(appeal: Appeal) -> None:
        owner_check(citizen)(appeal)
        attachments.check_count(
            existing=citizen_file_count(appeal) + len(drafts), adding=len(uploads)
        )

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.REPLY_TO_CLARIFICATION,
        actor=citizen,
        check=check,
        comment=text.strip(),
    )
    appeal = outcome.appeal
    if outcome.changed:
        ClarificationMessage.objects.create(
            appeal=appeal, author=citizen, kind=ClarificationMessage.Kind.REPLY, text=text.strip()
        )
        if drafts:
            Attachment.objects.filter(pk__in=[d.pk for d in drafts]).update(
                appeal=appeal, draft_key=None
            )
        attachments.store_uploads(uploads=uploads, uploaded_by=citizen, appeal=appeal)
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
            # A new term: its warnings and its overdue alert start again (DESIGN: once per round),
            # and the extension of the first term is not carried over (appeals/deadlines.py).
            deadlines.start_fresh_term(appeal, start=now)
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
        owner_check(citizen)(appeal)
        if Rating.objects.filter(appeal=appeal, answer__review_round=appeal.review_round).exists():
            raise DomainError(_("You have already rated this answer."))
        if copies.awaiting_other_parts(appeal):
            raise DomainError(
                _(
                    "The appeal was sent to several organizations: the answers are rated once "
                    "every one of them has answered."
                )
            )

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
