"""The answer quality gate (issue 16): answers held for review before release, returned for
rework against the criteria, and released answers rated low found formal.

An answer is reviewed before release when its category is configured for it (ReviewedCategory),
when its appeal falls in the sample (QUALITY_SAMPLE_PERCENT, decided by the appeal's id so a retry
never changes it), or when the previous version was returned; it is held by
`appeals.services.work.release_answer`, the one place an answer goes to the citizen, and released
through it by the reviewer. Every decision is an AnswerReview row; every return an Event.
"""

import hashlib
import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import attachments, deadlines
from appeals.models import Answer, AnswerDraft, Appeal, Event
from appeals.services.citizen import LOW_SCORE
from appeals.services.common import local_date
from appeals.services.signing import mark_returned
from appeals.services.work import release_answer
from appeals.workflow import transition
from core.errors import DomainError, NotAllowed
from core.outbox import notify
from organizations.selectors import regional_moderators
from quality.models import AnswerReview, Curatorship, ReviewedCategory, ReworkCriterion
from quality.permissions import can_review

Decision = AnswerReview.Decision
Stage = AnswerReview.Stage


def in_sample(appeal_id: int, percent: int | None = None) -> bool:
    """Whether the appeal falls in the review sample: a stable hash of its id, not a random draw,
    so the answer sent again (a retry, a new version) meets the same decision."""
    percent = settings.QUALITY_SAMPLE_PERCENT if percent is None else percent
    digest = hashlib.sha256(f"quality-sample:{appeal_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def _has_reviewer(appeal: Appeal) -> bool:
    # Where nobody reviews (no moderator of the region, no curator), holding would only delay.
    return (
        Curatorship.objects.filter(
            organization_id=appeal.organization_id, user__is_active=True
        ).exists()
        or regional_moderators(region=appeal.region_id).exists()
    )


def _reviewers(appeal: Appeal, *authors) -> list:
    """Who reviews the appeal's answer: the region's moderators and the organization's curators,
    but never the author or the signer of the answer (nobody reviews their own answer)."""
    curators = [
        c.user
        for c in Curatorship.objects.filter(
            organization_id=appeal.organization_id, user__is_active=True
        ).select_related("user")
    ]
    people = {u.pk: u for u in [*regional_moderators(region=appeal.region_id), *curators]}
    for pk in authors:
        people.pop(pk, None)
    return list(people.values())


def review_needed(*, appeal_id: int) -> bool:
    """Whether the answer to this appeal waits for the quality review before release."""
    appeal = (
        Appeal.objects.filter(pk=appeal_id)
        .only("pk", "category_id", "organization_id", "region_id", "rework_due_at")
        .first()
    )
    if appeal is None:
        return False
    wanted = (
        appeal.rework_due_at is not None
        or in_sample(appeal.pk)
        or ReviewedCategory.objects.filter(category_id=appeal.category_id).exists()
    )
    return wanted and _has_reviewer(appeal)


def held_draft(appeal: Appeal) -> AnswerDraft | None:
    return (
        AnswerDraft.objects.filter(
            appeal=appeal, stage=AnswerDraft.Stage.REVIEW, returned_at__isnull=True
        )
        .select_related("author", "signed_by")
        .first()
    )


def rework_due(appeal: Appeal, *, start) -> object:
    """The organization's rework term: REWORK_WORKING_DAYS working days (the production
    calendar), to the end of the last day in the region's time zone."""
    return deadlines.due_at(
        start=start,
        days=settings.REWORK_WORKING_DAYS,
        region_timezone=appeal.region.timezone,
        day_count="working",
    )


def _start_rework(appeal: Appeal, found: dict, data: dict) -> None:
    """Inside the returning move: the organization's rework term starts now (found["due"])."""
    found["due"] = rework_due(appeal, start=timezone.now())
    appeal.rework_due_at = found["due"]
    data["rework_due"] = found["due"].isoformat()


def _check_reviewer(user, appeal: Appeal, *authors) -> None:
    if not can_review(user, appeal):
        raise NotAllowed(
            _("Only the regional moderator or the organization's curator reviews answers.")
        )
    if user.pk in {pk for pk in authors if pk}:
        raise NotAllowed(_("You wrote or signed this answer: another reviewer decides on it."))


def _criteria(criteria) -> list[ReworkCriterion]:
    chosen = [c for c in criteria if c.active]
    if not chosen:
        raise DomainError(_("Choose at least one criterion the answer does not meet."))
    return chosen


def hold_answer(
    *,
    actor,
    author,
    appeal_id: int,
    text: str,
    uploads=(),
    draft_key: uuid.UUID | None = None,
    signed_by=None,
    outcome: str = "",
    work_status: str = "",
    planned_on=None,
    check,
) -> Appeal:
    """Called by `release_answer` instead of releasing: the answer (its files, signature, result
    of the review and the work on site it states) waits for the reviewer; the citizen sees nothing yet and the status
    stays. `check` is the release's own check. A previous version returned counts as reworked.
    The reviewers (not the author or the signer) are told in the cabinet and by e-mail."""
    key = draft_key or uuid.uuid4()

    def check_all(appeal: Appeal) -> None:
        check(appeal)
        if held_draft(appeal) is not None:
            raise DomainError(
                _("An answer to this appeal is already waiting for the quality review.")
            )

    def apply(appeal: Appeal) -> None:
        appeal.rework_due_at = None
        if appeal.executor_id is None:
            appeal.executor = author

    appeal = transition(
        appeal_id=appeal_id,
        action=Event.Action.HOLD_FOR_REVIEW,
        actor=actor,
        check=check_all,
        apply=apply,
        is_public=False,
    ).appeal
    now = timezone.now()
    AnswerReview.objects.filter(
        appeal=appeal, decision__in=AnswerReview.RETURNS, reworked_at__isnull=True
    ).update(reworked_at=now)
    for upload in uploads:
        attachments.store_attachment(upload=upload, uploaded_by=author, draft_key=key)
    AnswerDraft.objects.filter(appeal=appeal).delete()  # the version returned, the one signed
    AnswerDraft.objects.create(
        appeal=appeal,
        author=author,
        signed_by=signed_by,
        text=text.strip(),
        outcome=outcome,
        work_status=work_status,
        planned_on=planned_on,
        draft_key=key,
        review_round=appeal.review_round,
        stage=AnswerDraft.Stage.REVIEW,
        created_at=now,
    )
    url = reverse("quality:review", args=[appeal.number])
    for reviewer in _reviewers(appeal, author.pk, getattr(signed_by, "pk", None)):
        notify(
            recipient=reviewer,
            appeal=appeal,
            template="answer_held_for_review",
            context={"url": url},
        )
    return appeal


def _review(*, appeal, reviewer, stage, decision, text, criteria=(), comment="", **fields):
    review = AnswerReview.objects.create(
        appeal=appeal,
        organization_id=appeal.organization_id,
        region_id=appeal.region_id,
        reviewer=reviewer,
        stage=stage,
        decision=decision,
        text=text,
        comment=comment.strip(),
        **fields,
    )
    if criteria:
        review.criteria.set(criteria)
    return review


def _tell_organization(appeal: Appeal, draft_author, *, template: str, context: dict) -> None:
    recipients = {u.pk: u for u in (draft_author, appeal.executor) if u is not None}
    for recipient in recipients.values():
        notify(recipient=recipient, appeal=appeal, template=template, context=context, email=False)


@transaction.atomic
def release_reviewed_answer(*, reviewer, appeal_id: int, comment: str = "") -> Appeal:
    """The reviewer releases the held answer as it is: it goes to the citizen (the answer move,
    its notices and rating request) with the author, signature and files it was held with."""
    appeal = Appeal.objects.get(pk=appeal_id)
    draft = held_draft(appeal)
    if draft is None:
        raise DomainError(_("No answer of this appeal is waiting for the quality review."))

    def check(locked: Appeal) -> None:
        _check_reviewer(reviewer, locked, draft.author_id, draft.signed_by_id)

    appeal = release_answer(
        actor=reviewer,
        author=draft.author,
        appeal_id=appeal_id,
        text=draft.text,
        draft_key=draft.draft_key,
        signed_by=draft.signed_by,
        check=check,
        outcome=draft.outcome,
        work_status=draft.work_status,
        planned_on=draft.planned_on,
        new_work=False,  # checked when it was written (a planned date may have passed since)
        reviewer=reviewer,
    )
    _review(
        appeal=appeal,
        reviewer=reviewer,
        stage=Stage.BEFORE_RELEASE,
        decision=Decision.RELEASE,
        text=draft.text,
        comment=comment,
        answer=appeal.answers.get(review_round=appeal.review_round),
    )
    draft.delete()
    notify(
        recipient=draft.author, appeal=appeal, template="answer_released_after_review", email=False
    )
    return appeal


@transaction.atomic
def return_after_review(*, reviewer, appeal_id: int, criteria, comment: str = "") -> Appeal:
    """The reviewer returns the held answer for rework naming the criteria it fails; the
    organization has REWORK_WORKING_DAYS working days for a new version (the appeal's own answer
    term still runs). The executor is told in the cabinet."""
    chosen = _criteria(criteria)
    found = {}
    data = {"criteria": [c.code for c in chosen]}

    def check(appeal: Appeal) -> None:
        found["draft"] = held_draft(appeal)
        if found["draft"] is None:
            raise DomainError(_("No answer of this appeal is waiting for the quality review."))
        _check_reviewer(reviewer, appeal, found["draft"].author_id, found["draft"].signed_by_id)

    def apply(appeal: Appeal) -> None:
        _start_rework(appeal, found, data)

    appeal = transition(
        appeal_id=appeal_id,
        action=Event.Action.RETURN_AFTER_REVIEW,
        actor=reviewer,
        check=check,
        apply=apply,
        comment=comment.strip(),
        is_public=False,
        data=data,
    ).appeal
    draft = found["draft"]
    mark_returned(draft, by=reviewer, comment=comment)
    _review(
        appeal=appeal,
        reviewer=reviewer,
        stage=Stage.BEFORE_RELEASE,
        decision=Decision.RETURN,
        text=draft.text,
        criteria=chosen,
        comment=comment,
        due_at=found["due"],
    )
    _tell_returned(appeal, draft.author, chosen=chosen, comment=comment, due=found["due"])
    return appeal


def _tell_returned(appeal: Appeal, author, *, chosen, comment: str, due) -> None:
    """The author of a returned answer hears the criteria, the comment and the rework term."""
    _tell_organization(
        appeal,
        author,
        template="answer_returned_after_review",
        context={
            "criteria": [c.title for c in chosen],
            "comment": comment.strip(),
            "due": local_date(appeal, due),
        },
    )


def _low_rated(answer_id: int) -> Answer:
    answer = Answer.objects.select_related("appeal", "rating").filter(pk=answer_id).first()
    rating = getattr(answer, "rating", None) if answer is not None else None
    if rating is None or rating.score > LOW_SCORE:
        raise DomainError(_("Only an answer rated 2 or lower is reviewed after its release."))
    return answer


def _check_low_rated(reviewer, appeal: Appeal, answer: Answer) -> None:
    _check_reviewer(reviewer, appeal, answer.author_id, answer.signed_by_id)
    if AnswerReview.objects.filter(answer=answer, stage=Stage.AFTER_RATING).exists():
        raise DomainError(_("This answer has already been reviewed."))
    latest = appeal.answers.order_by("-review_round").values_list("pk", flat=True).first()
    if latest != answer.pk:
        raise DomainError(_("A newer answer has been given since: review that one."))


@transaction.atomic
def mark_formal(*, reviewer, answer_id: int, criteria, comment: str = "") -> Appeal:
    """A released answer rated 2 or lower is found formal, naming the criteria: a return like
    one before release. Where the rating sent the appeal back for its re-review (a first low
    rating), the re-review gets the criteria and the rework term, and its answer goes through
    the review before release. After the one re-review 59-FZ allows (a second low rating closed
    the appeal and flagged it) the finding is recorded and the status stays: the citizen's way
    on is the complaint to the supervising body."""
    answer = _low_rated(answer_id)
    chosen = _criteria(criteria)
    found = {"due": None}
    data = {"criteria": [c.code for c in chosen], "answer": answer.pk}

    def check(appeal: Appeal) -> None:
        _check_low_rated(reviewer, appeal, answer)

    def apply(appeal: Appeal) -> None:
        if appeal.status == Appeal.Status.IN_PROGRESS:
            _start_rework(appeal, found, data)

    appeal = transition(
        appeal_id=answer.appeal_id,
        action=Event.Action.MARK_FORMAL,
        actor=reviewer,
        check=check,
        apply=apply,
        comment=comment.strip(),
        is_public=False,
        data=data,
    ).appeal
    _review(
        appeal=appeal,
        reviewer=reviewer,
        stage=Stage.AFTER_RATING,
        decision=Decision.FORMAL,
        text=answer.text,
        criteria=chosen,
        comment=comment,
        answer=answer,
        due_at=found["due"],
    )
    if found["due"] is not None:
        _tell_returned(appeal, answer.author, chosen=chosen, comment=comment, due=found["due"])
    return appeal


@transaction.atomic
def confirm_answer(*, reviewer, answer_id: int, comment: str = "") -> AnswerReview:
    """A released answer rated 2 or lower is found an answer on the merits: recorded, nothing
    else changes (the rating's own re-review, if any, goes on)."""
    answer = _low_rated(answer_id)
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=answer.appeal_id)
    _check_low_rated(reviewer, appeal, answer)
    return _review(
        appeal=appeal,
        reviewer=reviewer,
        stage=Stage.AFTER_RATING,
        decision=Decision.NOT_FORMAL,
        text=answer.text,
        comment=comment,
        answer=answer,
    )
