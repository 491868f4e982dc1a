"""Proof of fix (issue 16): the work on site an answer states, and the citizen's word on it.

For a category that requires work on site (Category.requires_work_on_site) the answer says whether
the work is done — with a photo or an act — planned, with a date, or not needed. The citizen then
confirms the work («Подтверждаю, работы выполнены»: the appeal closes and counts as fixed) or
refutes it («Не решено»). A refutation of the first answer sends the appeal back for re-review
with a short term (FIX_RECHECK_WORKING_DAYS working days); a refutation of the answer after the
re-review (whether that re-review came from a low rating or from a refutation: the appeal has one)
closes it and escalates it to the supervising body as a new linked appeal, a complaint about the
answer with its own registration and term (appeals/services/rights.py).

Planned work: `remind_planned_work` reminds the organization WORK_REMINDER_DAYS_BEFORE days before
the date and, the day after it, asks the citizen «Работы выполнены?»; each once (marks on Answer).
"""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import attachments, deadlines
from appeals.models import Answer, Appeal, Event, WorkStatus
from appeals.notices import notify_citizen
from appeals.services.citizen import citizen_file_count, owner_check
from appeals.services.common import local_date, staff_check
from appeals.services.filing import submit_appeal
from appeals.services.rights import supervising_body
from appeals.workflow import transition
from core.errors import DomainError
from core.outbox import notify, notify_bulk
from organizations.selectors import heads_by_organization, official_of

S = Appeal.Status
BATCH = 500
REFUTATION_MIN_LENGTH = 10
# The appeal's statuses in which the answer's work may be confirmed or refuted.
AFTER_ANSWER = (S.ANSWERED, S.CLOSED)
# Closings after which the word on the work is already said (or has moved to another body).
FINAL_CLOSINGS = (Appeal.CloseReason.FIX_CONFIRMED, Appeal.CloseReason.FIX_ESCALATED)


class WorkError(DomainError):
    """A refused statement of the work on site, naming the answer form's field it concerns."""

    def __init__(self, message, *, field: str):
        super().__init__(message)
        self.field = field


def region_today(appeal: Appeal, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(ZoneInfo(appeal.region.timezone)).date()


def check_work(
    appeal: Appeal,
    *,
    work_status: str,
    planned_on: date | None,
    proof_files: int,
    new: bool = True,
) -> None:
    """Refuse an answer whose statement of the work on site does not hold.

    A category that requires work on site needs a status; planned work needs its date (not in
    the past when the executor writes it, `new`: a signer releasing it later is not refused for
    the days the signature took); done work needs a photo or an act among the answer's files
    (every file the platform accepts is a JPEG, PNG or PDF: appeals/attachments.py).
    """
    if work_status and work_status not in WorkStatus.values:
        raise WorkError(
            _("Choose what the answer says about the work on site."), field="work_status"
        )
    if not work_status:
        if appeal.category.requires_work_on_site:
            raise WorkError(
                _(
                    "This category requires work on site: say whether the work is done, planned "
                    "or not needed."
                ),
                field="work_status",
            )
        return
    if work_status == WorkStatus.PLANNED:
        if planned_on is None:
            raise WorkError(_("Give the date the work is planned for."), field="planned_on")
        if new and planned_on < region_today(appeal):
            raise WorkError(_("The planned date is in the past."), field="planned_on")
    if work_status == WorkStatus.DONE and proof_files < 1:
        raise WorkError(
            _("Attach a photo or an act of the completed work (JPEG, PNG or PDF)."), field="files"
        )


def work_fields(*, work_status: str, planned_on: date | None) -> dict:
    """The Answer (or AnswerDraft) fields of a checked statement: a date only for planned work."""
    return {
        "work_status": work_status or "",
        "planned_on": planned_on if work_status == WorkStatus.PLANNED else None,
    }


def work_event_data(answer_fields: dict) -> dict:
    """What the answer's event records of the work (for the timeline and the audit)."""
    if not answer_fields["work_status"]:
        return {}
    data = {"work_status": answer_fields["work_status"]}
    if answer_fields["planned_on"]:
        data["planned_on"] = answer_fields["planned_on"].isoformat()
    return data


def answer_to_verify(appeal: Appeal, answers=None, *, now: datetime | None = None):
    """The answer whose work the citizen may confirm or refute now, or None (no query when the
    page passes the appeal's answers).

    The answer of the current round, stating the work done, or planned with the date passed;
    not confirmed or refuted yet; the appeal answered, or closed otherwise than by that word.
    """
    if appeal.status not in AFTER_ANSWER or appeal.close_reason in FINAL_CLOSINGS:
        return None
    if answers is None:
        answers = list(appeal.answers.all())
    answer = next((a for a in answers if a.review_round == appeal.review_round), None)
    if answer is None or answer.fix_confirmed_at or answer.fix_refuted_at:
        return None
    if answer.work_status == WorkStatus.DONE:
        return answer
    if answer.work_status == WorkStatus.PLANNED and answer.planned_on < region_today(appeal, now):
        return answer
    return None


def _verify_check(citizen, result: dict):
    def check(appeal: Appeal) -> None:
        owner_check(citizen)(appeal)
        answer = answer_to_verify(appeal)
        if answer is None:
            raise DomainError(_("There is no work on site to confirm or refute in this answer."))
        result["answer"] = answer

    return check


def _tell_organization(appeal: Appeal, *, template: str, context: dict | None = None) -> None:
    """The executor, else the heads of the organization (in the cabinet and by e-mail)."""
    if appeal.executor_id:
        recipients = [appeal.executor]
    else:
        recipients = heads_by_organization(organization_ids=[appeal.organization_id]).get(
            appeal.organization_id, []
        )
    for person in recipients:
        notify(recipient=person, appeal=appeal, template=template, context=context)


@transaction.atomic
def confirm_fix(*, citizen, appeal_id: int) -> Appeal:
    """«Подтверждаю, работы выполнены»: the citizen confirms the work the answer states.

    Precondition: `answer_to_verify`. Effect: an answered appeal closes (FIX_CONFIRMED), as a
    good rating would close it; a closed one stays closed. Either way it counts as fixed
    (`fixed_at`: the «Вы сказали — мы сделали» page) and the organization is told.
    """
    result = {}

    def apply(appeal: Appeal) -> None:
        now = timezone.now()
        appeal.fixed_at = now
        if appeal.status == S.ANSWERED:
            appeal.closed_at = now
            appeal.close_reason = Appeal.CloseReason.FIX_CONFIRMED
        Answer.objects.filter(pk=result["answer"].pk).update(fix_confirmed_at=now)

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.CONFIRM_FIX,
        actor=citizen,
        check=_verify_check(citizen, result),
        apply=apply,
    )
    if outcome.changed:
        _tell_organization(outcome.appeal, template="fix_confirmed")
    return outcome.appeal


@transaction.atomic
def refute_fix(*, citizen, appeal_id: int, comment: str, uploads=()) -> Appeal:
    """«Не решено»: the citizen says the work the answer states is not done, with a comment and
    optionally a photo.

    Precondition: `answer_to_verify`. Effect, for the first answer: back in progress for one
    re-review with a short term (FIX_RECHECK_WORKING_DAYS working days from now), the photo among
    the appeal's files, the executor told. For the answer after the re-review: the appeal closes
    (FIX_ESCALATED) and a complaint about the answer goes to the supervising body, with the photo,
    as a new linked appeal with its own term; the citizen is told its number. Returns the appeal
    the citizen should look at next (the original, or the escalation).
    """
    comment = comment.strip()
    if len(comment) < REFUTATION_MIN_LENGTH:
        raise WorkError(
            _("Say what is not done (at least %(min)s characters).")
            % {"min": REFUTATION_MIN_LENGTH},
            field="comment",
        )
    uploads = list(uploads)
    # The round decides the move; read under the row lock so that two clicks agree on it.
    locked = Appeal.objects.select_for_update(of=("self",)).only("review_round").get(pk=appeal_id)
    if locked.review_round == 0:
        return _reopen(citizen=citizen, appeal_id=appeal_id, comment=comment, uploads=uploads)
    return _escalate(citizen=citizen, appeal_id=appeal_id, comment=comment, uploads=uploads)


def _reopen(*, citizen, appeal_id: int, comment: str, uploads: list) -> Appeal:
    result = {}
    check_answer = _verify_check(citizen, result)

    def check(appeal: Appeal) -> None:
        check_answer(appeal)
        attachments.check_count(existing=citizen_file_count(appeal), adding=len(uploads))

    def apply(appeal: Appeal) -> None:
        now = timezone.now()
        Answer.objects.filter(pk=result["answer"].pk).update(fix_refuted_at=now)
        appeal.review_round = 1
        appeal.answered_at = None
        appeal.closed_at = None
        appeal.close_reason = ""
        appeal.rating_requested_at = None
        appeal.rating_reminded_at = None
        # The re-review of work said to be done needs days, not a full term: a short term in
        # working days; the warnings and the overdue mark start again for it.
        deadlines.start_fresh_term(appeal, start=now)
        appeal.due_at = deadlines.due_at(
            start=now,
            days=settings.FIX_RECHECK_WORKING_DAYS,
            region_timezone=appeal.region.timezone,
            day_count="working",
        )

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.REFUTE_FIX,
        actor=citizen,
        check=check,
        apply=apply,
        to_status=S.IN_PROGRESS,
        comment=comment,
    )
    appeal = outcome.appeal
    if not outcome.changed:
        return appeal
    stored = attachments.store_uploads(uploads=uploads, uploaded_by=citizen, appeal=appeal)
    if stored:
        outcome.event.data = {"files": [attachment.pk for attachment in stored]}
        outcome.event.save(update_fields=["data"])
    due = local_date(appeal, appeal.due_at)
    notify_citizen(appeal=appeal, template="reopened", context={"due": due})
    _tell_organization(appeal, template="fix_refuted", context={"due": due, "comment": comment})
    return appeal


def _escalate(*, citizen, appeal_id: int, comment: str, uploads: list) -> Appeal:
    result = {}

    def apply(appeal: Appeal) -> None:
        now = timezone.now()
        Answer.objects.filter(pk=result["answer"].pk).update(fix_refuted_at=now)
        if appeal.status == S.ANSWERED:
            appeal.closed_at = now
        appeal.close_reason = Appeal.CloseReason.FIX_ESCALATED

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.ESCALATE_FIX,
        actor=citizen,
        check=_verify_check(citizen, result),
        apply=apply,
        comment=comment,
    )
    original = outcome.appeal
    if not outcome.changed:
        return original
    answer = result["answer"]
    escalation = submit_appeal(
        citizen=citizen,
        category=original.category,
        municipality=original.municipality,
        address=original.address,
        house=original.house,
        text=str(
            _(
                "Appeal %(number)s: the organization answered twice that the work is done, and "
                "it is not. %(comment)s"
            )
            % {"number": original.number, "comment": comment}
        ),
        uploads=uploads,
        complained_organization=original.organization,
        complained_official=official_of(
            organization_id=answer.organization_id, user_id=answer.signed_by_id or answer.author_id
        ),
        complaint_about=original,
        proposed_organization=supervising_body(original),
        idempotency_key=uuid.uuid4(),
    )
    outcome.event.data = {"complaint": escalation.number}
    outcome.event.save(update_fields=["data"])
    body = escalation.organization.name if escalation.organization_id else ""
    notify_citizen(
        appeal=original,
        template="fix_escalated",
        context={"complaint": escalation.number, "organization": body},
    )
    _tell_organization(original, template="fix_refuted", context={"comment": comment})
    return escalation


# --- The planned-work sweep -------------------------------------------------------------------


def work_to_report(appeal: Appeal, answers=None) -> Answer | None:
    """The answer whose planned work the organization may report done now, or None (no query
    when the page passes the appeal's answers): the current round's answer stating work planned,
    the citizen's word not given yet, the appeal after its answer and not closed by that word."""
    if appeal.status not in AFTER_ANSWER or appeal.close_reason in FINAL_CLOSINGS:
        return None
    if answers is None:
        answers = list(appeal.answers.all())
    answer = next((a for a in answers if a.review_round == appeal.review_round), None)
    if answer is None or answer.work_status != WorkStatus.PLANNED:
        return None
    if answer.fix_confirmed_at or answer.fix_refuted_at:
        return None
    return answer


@transaction.atomic
def report_work_done(*, actor, appeal_id: int, uploads, comment: str = "") -> Appeal:
    """The organization reports the planned work its answer stated as done, with a photo or an
    act (at least one file, joining the answer's files).

    Precondition: `work_to_report`. Effect: the answer states the work done (the planned date
    stays on record), the citizen is asked at once to confirm or refute it (the sweep does not ask
    again), a public event in the timeline. The status stays.
    """
    uploads = list(uploads)
    result = {}

    def check(appeal: Appeal) -> None:
        staff_check(actor)(appeal)
        answer = work_to_report(appeal)
        if answer is None:
            raise DomainError(_("There is no planned work on site to report in this answer."))
        if not uploads:
            raise WorkError(
                _("Attach a photo or an act of the work done (JPEG, PNG or PDF)."), field="files"
            )
        attachments.check_count(existing=appeal.attachments.count(), adding=len(uploads))
        result["answer"] = answer

    def apply(appeal: Appeal) -> None:
        now = timezone.now()
        Answer.objects.filter(pk=result["answer"].pk).update(
            work_status=WorkStatus.DONE,
            fix_asked_at=now,
            work_reminded_at=result["answer"].work_reminded_at or now,
        )

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.REPORT_WORK_DONE,
        actor=actor,
        check=check,
        apply=apply,
        comment=comment.strip(),
    )
    appeal = outcome.appeal
    if outcome.changed:
        answer = result["answer"]
        for upload in uploads:
            attachments.store_attachment(
                upload=upload, uploaded_by=actor, appeal=appeal, answer=answer
            )
        notify_citizen(
            appeal=appeal,
            template="work_done_reported",
            context={"url": reverse("appeals:detail", args=[appeal.number]) + "#fix"},
        )
    return appeal


def _claim_planned(queryset, *, batch: int) -> list[Answer]:
    return list(
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related("appeal__region")
        .order_by("planned_on", "pk")[:batch]
    )


def _planned_answers(*, horizon: date):
    """Answers of the current round stating planned work on or before `horizon`, question not
    asked, the appeal still after its answer."""
    return Answer.objects.filter(
        work_status=WorkStatus.PLANNED,
        fix_asked_at__isnull=True,
        fix_confirmed_at__isnull=True,
        fix_refuted_at__isnull=True,
        planned_on__lte=horizon,
        appeal__status__in=AFTER_ANSWER,
        appeal__review_round=F("review_round"),
    ).exclude(appeal__close_reason__in=FINAL_CLOSINGS)


def _event(answer: Answer, *, action: str, now: datetime, is_public: bool, data: dict) -> Event:
    return Event(
        appeal=answer.appeal,
        actor=None,
        action=action,
        from_status=answer.appeal.status,
        to_status=answer.appeal.status,
        is_public=is_public,
        data=data,
        created_at=now,
    )


def remind_planned_work(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Planned work on site: the organization is reminded WORK_REMINDER_DAYS_BEFORE days before
    its date; the day after it the citizen is asked «Работы выполнены?» with the way to confirm or
    refute. Each once (Answer.work_reminded_at, Answer.fix_asked_at); safe to run twice or in two
    workers. Returns how many reminders and questions went out."""
    now = now or timezone.now()
    before = timedelta(days=settings.WORK_REMINDER_DAYS_BEFORE)
    # Local dates differ from UTC by up to a day either way: read a day more, decide per row.
    horizon = now.date() + before + timedelta(days=1)
    done = 0
    seen: set[int] = set()
    while True:
        with transaction.atomic():
            rows = [
                answer
                for answer in _claim_planned(
                    _planned_answers(horizon=horizon).exclude(pk__in=seen), batch=batch
                )
            ]
            if not rows:
                return done
            seen.update(answer.pk for answer in rows)
            done += _remind_and_ask(rows, now=now, before=before)


def _remind_and_ask(rows: list[Answer], *, now: datetime, before: timedelta) -> int:
    ask, remind = [], []
    for answer in rows:
        today = region_today(answer.appeal, now)
        if answer.planned_on < today:
            ask.append(answer)
        elif answer.work_reminded_at is None and answer.planned_on - before <= today:
            remind.append(answer)
    alerts, events = [], []
    if ask:
        citizens = get_user_model().objects.in_bulk({a.appeal.citizen_id for a in ask})
        for answer in ask:
            context = {
                "planned_on": answer.planned_on.strftime("%d.%m.%Y"),
                "url": reverse("appeals:detail", args=[answer.appeal.number]) + "#fix",
            }
            alerts.append(
                (citizens[answer.appeal.citizen_id], answer.appeal, "fix_question", context, True)
            )
            events.append(
                _event(answer, action=Event.Action.FIX_QUESTION, now=now, is_public=True, data={})
            )
        Answer.objects.filter(pk__in=[a.pk for a in ask]).update(fix_asked_at=now)
        Answer.objects.filter(pk__in=[a.pk for a in ask], work_reminded_at__isnull=True).update(
            work_reminded_at=now
        )
    if remind:
        staff = _organization_people(remind)
        for answer in remind:
            context = {"planned_on": answer.planned_on.strftime("%d.%m.%Y")}
            for person in staff.get(answer.appeal_id, []):
                alerts.append((person, answer.appeal, "work_reminder", context, True))
            events.append(
                _event(
                    answer,
                    action=Event.Action.WORK_REMINDER,
                    now=now,
                    is_public=False,
                    data={"planned_on": answer.planned_on.isoformat()},
                )
            )
        Answer.objects.filter(pk__in=[a.pk for a in remind]).update(work_reminded_at=now)
    Event.objects.bulk_create(events)
    notify_bulk(alerts)
    return len(ask) + len(remind)


def _organization_people(answers: list[Answer]) -> dict[int, list]:
    """Per appeal: its executor, else the heads of its organization."""
    users = get_user_model().objects.in_bulk(
        {a.appeal.executor_id for a in answers if a.appeal.executor_id}
    )
    heads = heads_by_organization(
        organization_ids={a.appeal.organization_id for a in answers if not a.appeal.executor_id}
    )
    return {
        a.appeal_id: [users[a.appeal.executor_id]]
        if a.appeal.executor_id
        else heads.get(a.appeal.organization_id, [])
        for a in answers
    }
