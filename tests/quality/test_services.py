"""The answer quality gate: held before release, returned with the criteria and a working-day
rework term, released; low-rated answers judged after release; the per-organization counts."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from appeals import services
from appeals.models import AnswerDraft, Appeal, CalendarDay, Event
from appeals.services import citizen as citizen_services
from core.errors import DomainError, NotAllowed
from core.models import Notification
from quality import selectors
from quality import services as quality
from quality.models import AnswerReview, Curatorship
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal

pytestmark = pytest.mark.django_db
S = Appeal.Status
KAMCHATKA = ZoneInfo("Asia/Kamchatka")


def _end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=KAMCHATKA)


def _answer(world, appeal, text):
    return services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text=text)


def test_an_answer_returned_twice_then_released(world, reviewed_in_full, criteria):
    assert world.region.timezone == "Asia/Kamchatka"
    # Friday 13 March 2026 made a holiday: the production calendar counts it out.
    CalendarDay.objects.create(date=date(2026, 3, 13), kind=CalendarDay.Kind.HOLIDAY, name="—")
    with time_machine.travel(datetime(2026, 3, 11, 10, 0, tzinfo=KAMCHATKA), tick=False):
        appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
        _answer(world, appeal, "Ваше обращение рассмотрено.")
        appeal.refresh_from_db()
        # Held: the citizen sees nothing yet, the status stays, it is in the moderator's queue.
        assert appeal.status == S.IN_PROGRESS and not appeal.answers.exists()
        assert not Notification.objects.filter(recipient=world.citizen).exists()
        assert [d.appeal_id for d in selectors.held_answers(user=world.moderator)] == [appeal.pk]
        quality.return_after_review(
            reviewer=world.moderator,
            appeal_id=appeal.pk,
            criteria=[criteria["formal-reply"]],
            comment="Ответьте по существу: когда уберут снег?",
        )
        appeal.refresh_from_db()
        # Three working days: Thursday 12, (holiday 13, weekend), Monday 16, Tuesday 17.
        assert appeal.rework_due_at == _end_of(date(2026, 3, 17))
        assert appeal.status == S.IN_PROGRESS and not appeal.answers.exists()
        notice = Notification.objects.get(
            recipient=world.executor, template="answer_returned_after_review"
        )
        assert notice.channel == Notification.Channel.IN_APP  # in the cabinet only
        assert notice.context["criteria"] == ["Формальная отписка без ответа по существу"]
        assert notice.context["due"] == "17.03.2026"
        assert not selectors.held_answers(user=world.moderator).exists()

    with time_machine.travel(datetime(2026, 3, 16, 9, 0, tzinfo=KAMCHATKA), tick=False):
        _answer(world, appeal, "Снег будет убран.")
        first = AnswerReview.objects.get(decision=AnswerReview.Decision.RETURN)
        assert first.reworked_at is not None and not first.rework_overdue
        quality.return_after_review(
            reviewer=world.moderator,
            appeal_id=appeal.pk,
            criteria=[criteria["no-completion-date"], criteria["no-proof-of-work"]],
        )
        appeal.refresh_from_db()
        assert appeal.rework_due_at == _end_of(date(2026, 3, 19))  # Tue 17, Wed 18, Thu 19

    # The second rework comes a day late: the term is flagged, the answer still goes out.
    with time_machine.travel(datetime(2026, 3, 20, 11, 0, tzinfo=KAMCHATKA), tick=False):
        assert selectors.open_return(appeal=appeal).rework_overdue
        _answer(world, appeal, "Снег будет убран до 25 марта; фото приложим после уборки.")
        appeal = quality.release_reviewed_answer(reviewer=world.moderator, appeal_id=appeal.pk)

    assert appeal.status == S.ANSWERED and appeal.rework_due_at is None
    answer = appeal.answers.get()
    assert (
        answer.text.startswith("Снег будет убран до 25 марта") and answer.author == world.executor
    )
    assert Notification.objects.filter(recipient=world.citizen, template="answered").exists()
    reviews = list(AnswerReview.objects.filter(appeal=appeal))
    assert [r.decision for r in reviews] == ["return", "return", "release"]
    assert [sorted(c.code for c in r.criteria.all()) for r in reviews] == [
        ["formal-reply"],
        ["no-completion-date", "no-proof-of-work"],
        [],
    ]
    assert [r.due_at for r in reviews] == [
        _end_of(date(2026, 3, 17)),
        _end_of(date(2026, 3, 19)),
        None,
    ]
    assert [r.rework_overdue for r in reviews] == [False, True, False]
    assert reviews[2].answer == answer and reviews[0].text == "Ваше обращение рассмотрено."
    events = list(appeal.events.values_list("action", flat=True))
    assert events.count(Event.Action.HOLD_FOR_REVIEW) == 3
    assert events.count(Event.Action.RETURN_AFTER_REVIEW) == 2
    assert appeal.events.get(action=Event.Action.ANSWER).data["reviewed_by"] == world.moderator.pk
    assert not AnswerDraft.objects.filter(appeal=appeal).exists()
    # «Доля формальных ответов»: two of the three versions reviewed were returned.
    counts = quality_counts(date(2026, 3, 1), date(2026, 3, 31))
    assert counts == {world.organization.pk: {"reviewed": 3, "returned": 2, "formal_share": 2 / 3}}
    assert quality_counts(date(2026, 4, 1), date(2026, 4, 30)) == {}


def quality_counts(start, end):
    return selectors.review_counts(start=start, end=end)


def test_answers_outside_the_review_are_released_at_once(world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    _answer(world, appeal, "Снег убран.")
    appeal.refresh_from_db()
    assert appeal.status == S.ANSWERED


def test_the_sample_is_stable_per_appeal(world, settings):
    settings.QUALITY_SAMPLE_PERCENT = 50
    decisions = {pk: quality.in_sample(pk) for pk in range(1, 401)}
    assert decisions == {pk: quality.in_sample(pk) for pk in range(1, 401)}
    assert 150 < sum(decisions.values()) < 250
    assert not any(quality.in_sample(pk, 0) for pk in range(1, 401))
    assert all(quality.in_sample(pk, 100) for pk in range(1, 401))
    sampled = next(pk for pk, held in decisions.items() if held)
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor, pk=sampled)
    _answer(world, appeal, "Снег убран.")
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS and quality.held_draft(appeal) is not None


def test_without_a_reviewer_nothing_is_held(world, reviewed_in_full):
    world.moderator.memberships.all().delete()
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    _answer(world, appeal, "Снег убран.")
    appeal.refresh_from_db()
    assert appeal.status == S.ANSWERED


def test_a_signed_answer_is_held_with_its_signature(world, reviewed_in_full):
    from regimes.models import Regime, RegimeRule

    RegimeRule.objects.create(regime=Regime.objects.get(code="59-fz"))
    world.citizen.identity_verified_at = world.citizen.date_joined
    world.citizen.save()
    appeal = services.accept_appeal(
        moderator=world.moderator, appeal_id=world_appeal(world, S.SUBMITTED).pk
    )
    services.take_appeal(executor=world.executor, appeal_id=appeal.pk)
    _answer(world, appeal, "Снег уберут до пятницы.")
    from appeals.services import signing

    appeal = signing.sign_answer(signer=world.head, appeal_id=appeal.pk)
    assert appeal.status == S.IN_PROGRESS
    draft = quality.held_draft(appeal)
    assert draft.signed_by == world.head and draft.author == world.executor
    assert not Notification.objects.filter(template="answer_signed").exists()
    # While it waits for the review it is nobody's to sign, return or replace but the reviewer's.
    with pytest.raises(DomainError):
        signing.sign_answer(signer=world.head, appeal_id=appeal.pk)
    with pytest.raises(DomainError):
        signing.return_for_rework(signer=world.head, appeal_id=appeal.pk, comment="Иначе.")
    with pytest.raises(DomainError):
        signing.send_for_signature(actor=world.executor, appeal_id=appeal.pk, text="Другой ответ.")
    assert quality.held_draft(appeal).text == draft.text
    appeal = quality.release_reviewed_answer(reviewer=world.moderator, appeal_id=appeal.pk)
    answer = appeal.answers.get()
    assert answer.signed_by == world.head and answer.author == world.executor


def test_a_low_rated_answer_is_judged_formal_and_reworked(world, criteria):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    _answer(world, appeal, "Обращение рассмотрено.")
    citizen_services.rate_appeal(citizen=world.citizen, appeal_id=appeal.pk, score=1, solved=False)
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS and appeal.review_round == 1  # the rating's re-review
    answer = appeal.answers.get()
    assert list(selectors.low_rated_answers(user=world.moderator)) == [answer]

    with pytest.raises(DomainError):
        quality.mark_formal(reviewer=world.moderator, answer_id=answer.pk, criteria=[])
    appeal = quality.mark_formal(
        reviewer=world.moderator,
        answer_id=answer.pk,
        criteria=[criteria["formal-reply"]],
        comment="Отписка.",
    )
    assert appeal.status == S.IN_PROGRESS and appeal.rework_due_at is not None
    assert not selectors.low_rated_answers(user=world.moderator).exists()
    review = AnswerReview.objects.get()
    assert (
        review.decision == "formal" and review.stage == "after_rating" and review.answer == answer
    )
    with pytest.raises(DomainError):  # judged once
        quality.confirm_answer(reviewer=world.moderator, answer_id=answer.pk)
    # The rework goes through the review too, whatever the sample says.
    _answer(world, appeal, "Снег будет убран до 25 марта.")
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS and quality.held_draft(appeal) is not None
    appeal = quality.release_reviewed_answer(reviewer=world.moderator, appeal_id=appeal.pk)
    assert appeal.status == S.ANSWERED and appeal.answers.count() == 2
    assert selectors.review_counts(start=date(2000, 1, 1), end=date(2100, 1, 1))[
        world.organization.pk
    ] == {"reviewed": 2, "returned": 1, "formal_share": 0.5}


def test_a_formal_answer_after_the_one_re_review_is_recorded_and_the_appeal_stays_closed(
    world, criteria
):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    for _round in range(2):
        _answer(world, appeal, "Обращение рассмотрено.")
        citizen_services.rate_appeal(
            citizen=world.citizen, appeal_id=appeal.pk, score=2, solved=False
        )
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.flagged_for_moderator
    first, second = appeal.answers.order_by("review_round")
    with pytest.raises(DomainError):  # only the latest answer is judged
        quality.mark_formal(
            reviewer=world.moderator, answer_id=first.pk, criteria=[criteria["formal-reply"]]
        )
    appeal = quality.mark_formal(
        reviewer=world.moderator, answer_id=second.pk, criteria=[criteria["formal-reply"]]
    )
    assert appeal.status == S.CLOSED and appeal.rework_due_at is None
    review = AnswerReview.objects.get()
    assert review.decision == "formal" and review.due_at is None
    assert not selectors.awaiting_rework(user=world.moderator).exists()
    assert (
        selectors.review_counts(start=date(2000, 1, 1), end=date(2100, 1, 1))[
            world.organization.pk
        ]["returned"]
        == 1
    )


def test_a_low_rated_answer_found_on_the_merits_leaves_the_queue(world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    _answer(world, appeal, "Снег убран 3 марта, фото приложено.")
    citizen_services.rate_appeal(citizen=world.citizen, appeal_id=appeal.pk, score=2, solved=True)
    answer = appeal.answers.get()
    quality.confirm_answer(reviewer=world.moderator, answer_id=answer.pk, comment="По существу.")
    assert not selectors.low_rated_answers(user=world.moderator).exists()
    assert AnswerReview.objects.get().decision == "not_formal"


def test_only_moderators_and_curators_review(world, reviewed_in_full, criteria, other_executor):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    _answer(world, appeal, "Ответ.")
    for person in (other_executor, world.executor, world.head, world.citizen):
        with pytest.raises(NotAllowed):
            quality.return_after_review(
                reviewer=person, appeal_id=appeal.pk, criteria=[criteria["formal-reply"]]
            )
        with pytest.raises(NotAllowed):
            quality.release_reviewed_answer(reviewer=person, appeal_id=appeal.pk)
        assert not selectors.held_answers(user=person).exists()
    curator = UserFactory()
    Curatorship.objects.create(user=curator, organization=world.organization)
    elsewhere = UserFactory()
    Curatorship.objects.create(user=elsewhere, organization=world.other_organization)
    assert not selectors.held_answers(user=elsewhere).exists()
    with pytest.raises(NotAllowed):
        quality.release_reviewed_answer(reviewer=elsewhere, appeal_id=appeal.pk)
    assert list(selectors.held_answers(user=curator))[0].appeal_id == appeal.pk
    appeal = quality.release_reviewed_answer(reviewer=curator, appeal_id=appeal.pk)
    assert appeal.status == S.ANSWERED


def test_a_reviewer_never_judges_their_own_answer(world, reviewed_in_full, criteria):
    from organizations.models import Membership
    from tests.organizations.factories import MembershipFactory

    MembershipFactory(
        user=world.moderator, organization=world.organization, role=Membership.Role.EXECUTOR
    )
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.moderator)
    services.answer_appeal(actor=world.moderator, appeal_id=appeal.pk, text="Ответ.")
    with pytest.raises(NotAllowed):
        quality.release_reviewed_answer(reviewer=world.moderator, appeal_id=appeal.pk)


def test_the_files_wait_with_the_held_answer_and_go_with_its_release(world, reviewed_in_full):
    from appeals.services.sweeps import purge_abandoned_drafts
    from tests.appeals.test_rights import _photo

    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    services.answer_appeal(
        actor=world.executor,
        appeal_id=appeal.pk,
        text="Кровля отремонтирована, фото приложено.",
        uploads=[_photo("roof.jpg")],
    )
    with time_machine.travel(datetime(2100, 1, 1, tzinfo=KAMCHATKA)):
        purge_abandoned_drafts()  # days later: the held answer's files are not abandoned
    appeal = quality.release_reviewed_answer(reviewer=world.moderator, appeal_id=appeal.pk)
    assert appeal.answers.get().attachments.filter(original_name="roof.jpg").exists()


def test_the_reviewers_are_told_of_a_held_answer_but_not_its_author_or_signer(
    world, reviewed_in_full, settings, mailoutbox
):
    from core import outbox
    from organizations.models import Membership
    from regimes.models import Regime, RegimeRule
    from tests.organizations.factories import MembershipFactory, RegionFactory

    curator = UserFactory(email="curator@example.ru")
    for person in (curator, world.executor, world.head):  # the author and the signer curate too
        Curatorship.objects.create(user=person, organization=world.organization)
    elsewhere = UserFactory(email="primorye.moderator@example.ru")
    MembershipFactory(
        user=elsewhere,
        organization=None,
        region=RegionFactory(code="25", name="Приморский край", timezone="Asia/Vladivostok"),
        role=Membership.Role.MODERATOR,
    )
    RegimeRule.objects.create(regime=Regime.objects.get(code="59-fz"))
    world.citizen.identity_verified_at = world.citizen.date_joined
    world.citizen.save()
    appeal = services.accept_appeal(
        moderator=world.moderator, appeal_id=world_appeal(world, S.SUBMITTED).pk
    )
    services.take_appeal(executor=world.executor, appeal_id=appeal.pk)
    _answer(world, appeal, "Снег уберут до пятницы.")
    assert not Notification.objects.filter(template="answer_held_for_review").exists()
    from appeals.services import signing

    signing.sign_answer(signer=world.head, appeal_id=appeal.pk)

    held = Notification.objects.filter(template="answer_held_for_review")
    assert sorted(held.values_list("recipient__email", "channel")) == [
        ("curator@example.ru", "email"),
        ("curator@example.ru", "in_app"),
        ("moderator@example.ru", "email"),
        ("moderator@example.ru", "in_app"),
    ]
    for row in held.filter(channel=Notification.Channel.EMAIL):
        assert outbox.deliver(notification_id=row.pk)
    link = f"{settings.SITE_URL}/moderation/answers/{appeal.number}/"
    assert sorted(m.to[0] for m in mailoutbox) == ["curator@example.ru", "moderator@example.ru"]
    for message in mailoutbox:
        assert (
            message.subject
            == f"[ПОС] Ответ на обращение {appeal.number} ждёт вашей проверки качества"
        )
        assert f"Ответ на обращение {appeal.number} ожидает проверки качества" in message.body
        assert link in message.body
