"""Proof of fix (issue 16): the work on site an answer states, and the citizen's word on it.

Confirm; refute → back in work with a short term; refute the answer after the re-review →
escalation to the supervising body with its own term; all in the timeline. The planned-work sweep
reminds the organization and asks the citizen, each once.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from appeals import services
from appeals.models import Answer, Appeal, Event
from appeals.services import fixes, signing, sweeps
from appeals.services.fixes import WorkError
from core.errors import DomainError, NotAllowed
from core.models import Notification
from tests.accounts.factories import UserFactory
from tests.appeals.corpus import pdf, png_with_text
from tests.appeals.factories import world_appeal
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status
A = Event.Action
KAMCHATKA = ZoneInfo("Asia/Kamchatka")
# Thursday 10 December 2026, 10:00 in Kamchatka (UTC+12)
NOW = datetime(2026, 12, 9, 22, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def works(world, settings, tmp_path):
    """The world's category requires work on site; its organization has a supervising body."""
    settings.MEDIA_ROOT = tmp_path
    world.category.requires_work_on_site = True
    world.category.save()
    world.supervisor = OrganizationFactory(
        region=world.region, name="Министерство ЖКХ и энергетики Камчатского края"
    )
    world.organization.parent = world.supervisor
    world.organization.save()
    return world


def _in_progress(world):
    return world_appeal(world, S.IN_PROGRESS)


def _answer_done(world, appeal, *, text="Яма заделана асфальтом, фото прилагаем."):
    return services.answer_appeal(
        actor=world.executor,
        appeal_id=appeal.pk,
        text=text,
        uploads=[png_with_text("after.png")],
        work_status="done",
    )


def _timeline(appeal):
    return list(
        Event.objects.filter(appeal=appeal, is_public=True)
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )


def _sent(template, **filters):
    return Notification.objects.filter(
        template=template, channel=Notification.Channel.IN_APP, **filters
    )


# --- The answer states the work -----------------------------------------------------------------


def test_an_answer_in_a_work_category_must_say_what_became_of_the_work(works, frozen):
    appeal = _in_progress(works)
    cases = [
        ({}, "work_status"),
        ({"work_status": "planned"}, "planned_on"),
        ({"work_status": "planned", "planned_on": date(2026, 12, 9)}, "planned_on"),
        ({"work_status": "done"}, "files"),
    ]
    for fields, field in cases:
        with pytest.raises(WorkError) as error:
            services.answer_appeal(
                actor=works.executor, appeal_id=appeal.pk, text="Работы выполнены.", **fields
            )
        assert error.value.field == field
        assert str(error.value.message)
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS
    assert not Answer.objects.filter(appeal=appeal).exists()

    services.answer_appeal(
        actor=works.executor,
        appeal_id=appeal.pk,
        text="Работы выполнены, акт приёмки прилагаем.",
        uploads=[pdf("act.pdf")],
        work_status="done",
    )
    answer = Answer.objects.get(appeal=appeal)
    assert answer.work_status == "done"
    assert answer.attachments.count() == 1
    assert Event.objects.get(appeal=appeal, action=A.ANSWER).data["work_status"] == "done"


def test_planned_work_today_is_accepted_and_another_category_needs_no_statement(works, frozen):
    appeal = _in_progress(works)
    services.answer_appeal(
        actor=works.executor,
        appeal_id=appeal.pk,
        text="Ремонт запланирован.",
        work_status="planned",
        planned_on=date(2026, 12, 10),  # today in Kamchatka, though yesterday in UTC
    )
    assert Answer.objects.get(appeal=appeal).planned_on == date(2026, 12, 10)
    works.category.requires_work_on_site = False
    works.category.save()
    other = _in_progress(works)
    services.answer_appeal(actor=works.executor, appeal_id=other.pk, text="Разъяснено.")
    assert Answer.objects.get(appeal=other).work_status == ""


def test_the_statement_waits_with_the_answer_for_the_signature(works, frozen):
    appeal = _in_progress(works)
    signing.send_for_signature(
        actor=works.executor,
        appeal_id=appeal.pk,
        text="Замена светильника запланирована.",
        work_status="planned",
        planned_on=date(2026, 12, 15),
    )
    frozen.shift(timedelta(days=7))  # signed after the planned date: not refused for that
    signing.sign_answer(signer=works.head, appeal_id=appeal.pk)
    answer = Answer.objects.get(appeal=appeal)
    assert (answer.work_status, answer.planned_on) == ("planned", date(2026, 12, 15))


# --- Confirm -------------------------------------------------------------------------------------


def test_confirming_the_work_closes_the_appeal_and_counts_it_as_fixed(works, frozen):
    appeal = _in_progress(works)
    _answer_done(works, appeal)
    fixes.confirm_fix(citizen=works.citizen, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED
    assert appeal.close_reason == Appeal.CloseReason.FIX_CONFIRMED
    assert appeal.fixed_at == NOW
    assert Answer.objects.get(appeal=appeal).fix_confirmed_at == NOW
    assert _timeline(appeal)[-2:] == [A.ANSWER, A.CONFIRM_FIX]
    assert _sent("fix_confirmed", recipient=works.executor).count() == 1
    # Said once: a second confirmation or a refutation afterwards is refused
    with pytest.raises(DomainError):
        fixes.confirm_fix(citizen=works.citizen, appeal_id=appeal.pk)
    with pytest.raises(DomainError):
        fixes.refute_fix(citizen=works.citizen, appeal_id=appeal.pk, comment="Передумала, яма.")


def test_only_the_author_confirms_and_only_work_said_done(works, frozen):
    appeal = _in_progress(works)
    services.answer_appeal(
        actor=works.executor, appeal_id=appeal.pk, text="Работы не нужны.", work_status="none"
    )
    with pytest.raises(DomainError):
        fixes.confirm_fix(citizen=works.citizen, appeal_id=appeal.pk)
    other = _in_progress(works)
    _answer_done(works, other)
    with pytest.raises(NotAllowed):
        fixes.confirm_fix(citizen=UserFactory(), appeal_id=other.pk)
    assert Appeal.objects.get(pk=other.pk).status == S.ANSWERED


def test_a_rating_still_closes_an_appeal_with_work_done(works, frozen):
    appeal = _in_progress(works)
    _answer_done(works, appeal)
    services.rate_appeal(citizen=works.citizen, appeal_id=appeal.pk, score=5, solved=True)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.close_reason) == (S.CLOSED, Appeal.CloseReason.RATED)
    # The work may still be confirmed after the rating closed it: the appeal counts as fixed
    fixes.confirm_fix(citizen=works.citizen, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.close_reason == Appeal.CloseReason.RATED
    assert appeal.fixed_at == NOW


# --- Refute, refute again → escalation --------------------------------------------------------------


def test_refute_reopens_with_a_short_term_and_refute_again_escalates(works, frozen):
    appeal = _in_progress(works)
    _answer_done(works, appeal)

    fixes.refute_fix(
        citizen=works.citizen,
        appeal_id=appeal.pk,
        comment="Яма на месте, заделали только половину.",
        uploads=[png_with_text("still-there.png")],
    )
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS
    assert appeal.review_round == 1
    assert appeal.answered_at is None
    # FIX_RECHECK_WORKING_DAYS = 5 working days after Thursday 10 December: Thursday 17th
    assert appeal.due_at.astimezone(KAMCHATKA).date() == date(2026, 12, 17)
    assert appeal.attachments.filter(answer__isnull=True).count() == 1  # the citizen's photo
    assert Answer.objects.get(appeal=appeal, review_round=0).fix_refuted_at == NOW
    refutation = Event.objects.get(appeal=appeal, action=A.REFUTE_FIX)
    assert refutation.comment == "Яма на месте, заделали только половину."
    assert (refutation.from_status, refutation.to_status) == (S.ANSWERED, S.IN_PROGRESS)
    assert _sent("fix_refuted", recipient=works.executor).count() == 1
    assert _sent("reopened", recipient=works.citizen).count() == 1

    frozen.shift(timedelta(days=2))
    _answer_done(works, appeal, text="Доделали, фото прилагаем.")
    escalation = fixes.refute_fix(
        citizen=works.citizen,
        appeal_id=appeal.pk,
        comment="Снова не сделано, яма стала глубже.",
        uploads=[png_with_text("deeper.png")],
    )
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED
    assert appeal.close_reason == Appeal.CloseReason.FIX_ESCALATED
    # The escalation: a complaint about the answer, to the supervising body, never back
    assert escalation.pk != appeal.pk
    assert escalation.complaint_about_id == appeal.pk
    assert escalation.status == S.SUBMITTED
    assert escalation.organization_id == works.supervisor.pk
    assert escalation.complained_organization_id == works.organization.pk
    assert appeal.number in escalation.text
    assert escalation.attachments.count() == 1
    assert escalation.registration_due_at > escalation.submitted_at
    assert _sent("fix_escalated", recipient=works.citizen, appeal=appeal).count() == 1
    assert _timeline(appeal)[-4:] == [A.ANSWER, A.REFUTE_FIX, A.ANSWER, A.ESCALATE_FIX]
    assert Event.objects.get(appeal=appeal, action=A.ESCALATE_FIX).data == {
        "complaint": escalation.number
    }

    # Its own term, once the moderator registers it at the supervising body
    registered = services.accept_appeal(moderator=works.moderator, appeal_id=escalation.pk)
    assert registered.organization_id == works.supervisor.pk
    assert registered.due_at.astimezone(KAMCHATKA).date() == date(2026, 12, 22)  # 10 days

    # The original is done with: no third word on it
    with pytest.raises(DomainError):
        fixes.refute_fix(citizen=works.citizen, appeal_id=appeal.pk, comment="И ещё раз нет.")


def test_a_refutation_after_a_low_rating_re_review_escalates(works, frozen):
    """The appeal has one re-review: a low rating spent it, so the next «не решено» escalates."""
    appeal = _in_progress(works)
    _answer_done(works, appeal)
    services.rate_appeal(citizen=works.citizen, appeal_id=appeal.pk, score=1, solved=False)
    _answer_done(works, appeal, text="Переделали.")
    result = fixes.refute_fix(citizen=works.citizen, appeal_id=appeal.pk, comment="Не сделано.")
    assert result.complaint_about_id == appeal.pk
    assert Appeal.objects.get(pk=appeal.pk).status == S.CLOSED


def test_a_refutation_needs_a_comment_and_changes_nothing_without_it(works, frozen):
    appeal = _in_progress(works)
    _answer_done(works, appeal)
    with pytest.raises(WorkError) as error:
        fixes.refute_fix(citizen=works.citizen, appeal_id=appeal.pk, comment="  нет ")
    assert error.value.field == "comment"
    appeal.refresh_from_db()
    assert appeal.status == S.ANSWERED
    assert not Event.objects.filter(appeal=appeal, action=A.REFUTE_FIX).exists()


# --- Planned work: the reminder and the question, each once --------------------------------------


def test_planned_work_reminds_the_organization_then_asks_the_citizen_once(works, frozen):
    appeal = _in_progress(works)
    services.answer_appeal(
        actor=works.executor,
        appeal_id=appeal.pk,
        text="Ремонт ямы запланирован на 15 декабря.",
        work_status="planned",
        planned_on=date(2026, 12, 15),
    )
    # Planned work is not confirmed or refuted before its date
    with pytest.raises(DomainError):
        fixes.confirm_fix(citizen=works.citizen, appeal_id=appeal.pk)

    assert fixes.remind_planned_work() == 0  # 10 December: too early
    frozen.move_to(datetime(2026, 12, 14, 9, 0, tzinfo=KAMCHATKA))  # the day before
    assert fixes.remind_planned_work() == 1
    assert fixes.remind_planned_work() == 0
    assert _sent("work_reminder", recipient=works.executor).count() == 1
    assert not _sent("fix_question").exists()

    frozen.move_to(datetime(2026, 12, 15, 18, 0, tzinfo=KAMCHATKA))  # the day itself
    assert fixes.remind_planned_work() == 0
    frozen.move_to(datetime(2026, 12, 16, 9, 0, tzinfo=KAMCHATKA))  # the day after
    assert (
        sweeps.run_recorded(name="remind_planned_work", sweep=sweeps.SWEEPS["remind_planned_work"])
        == 1
    )
    assert fixes.remind_planned_work() == 0
    question = _sent("fix_question", recipient=works.citizen).get()
    assert question.context["url"].endswith(f"/appeals/{appeal.number}/#fix")
    assert (
        Notification.objects.filter(
            template="fix_question", channel=Notification.Channel.EMAIL
        ).count()
        == 1
    )
    assert _sent("work_reminder").count() == 1
    assert A.FIX_QUESTION in _timeline(appeal)
    assert Event.objects.filter(appeal=appeal, action=A.WORK_REMINDER, is_public=False).count() == 1

    # After the date the citizen answers «Работы выполнены?»
    fixes.confirm_fix(citizen=works.citizen, appeal_id=appeal.pk)
    assert Appeal.objects.get(pk=appeal.pk).fixed_at is not None


def test_a_late_sweep_asks_without_a_reminder_and_a_reopened_appeal_is_not_asked(works, frozen):
    late = _in_progress(works)
    reopened = _in_progress(works)
    for appeal in (late, reopened):
        services.answer_appeal(
            actor=works.executor,
            appeal_id=appeal.pk,
            text="Запланировано.",
            work_status="planned",
            planned_on=date(2026, 12, 11),
        )
    services.rate_appeal(citizen=works.citizen, appeal_id=reopened.pk, score=1, solved=False)
    frozen.move_to(datetime(2026, 12, 20, 9, 0, tzinfo=KAMCHATKA))  # the sweep was down
    assert fixes.remind_planned_work() == 1
    assert not _sent("work_reminder").exists()
    assert _sent("fix_question", appeal=late).count() == 1
    assert not _sent("fix_question", appeal=reopened).exists()


# --- The organization reports planned work done ---------------------------------------------------


def _answer_planned(world, appeal, *, on=date(2026, 12, 20)):
    return services.answer_appeal(
        actor=world.executor,
        appeal_id=appeal.pk,
        text="Ремонт покрытия запланирован на 20 декабря.",
        work_status="planned",
        planned_on=on,
    )


def test_planned_work_reported_done_asks_the_citizen_at_once_and_not_again(works, frozen):
    appeal = _answer_planned(works, _in_progress(works))
    with pytest.raises(WorkError) as error:  # a photo or an act is required
        fixes.report_work_done(actor=works.executor, appeal_id=appeal.pk, uploads=[])
    assert error.value.field == "files"
    outsider = UserFactory()
    with pytest.raises(NotAllowed):
        fixes.report_work_done(
            actor=outsider, appeal_id=appeal.pk, uploads=[png_with_text("after.png")]
        )

    fixes.report_work_done(
        actor=works.executor,
        appeal_id=appeal.pk,
        uploads=[pdf("act.pdf")],
        comment="Работы выполнены раньше срока.",
    )
    answer = Answer.objects.get(appeal=appeal)
    assert answer.work_status == "done"
    assert answer.planned_on == date(2026, 12, 20)  # the promise stays on record
    assert answer.attachments.count() == 1
    appeal.refresh_from_db()
    assert appeal.status == S.ANSWERED
    assert _timeline(appeal)[-1] == A.REPORT_WORK_DONE
    assert _sent("work_done_reported", recipient=works.citizen).count() == 1
    with pytest.raises(DomainError):  # reported once: nothing planned is left to report
        fixes.report_work_done(
            actor=works.executor, appeal_id=appeal.pk, uploads=[png_with_text("again.png")]
        )

    frozen.shift(timedelta(days=15))  # after the planned date the sweep has nothing to ask
    fixes.remind_planned_work()
    assert not _sent("fix_question").exists()
    fixes.confirm_fix(citizen=works.citizen, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.fixed_at is not None
    assert _timeline(appeal)[-2:] == [A.REPORT_WORK_DONE, A.CONFIRM_FIX]


def test_work_done_is_not_reported_on_an_answer_without_planned_work(works, frozen):
    appeal = _answer_done(works, _in_progress(works))
    with pytest.raises(DomainError):
        fixes.report_work_done(
            actor=works.executor, appeal_id=appeal.pk, uploads=[png_with_text("after.png")]
        )
    assert not Event.objects.filter(appeal=appeal, action=A.REPORT_WORK_DONE).exists()
