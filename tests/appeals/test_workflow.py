"""Every transition of the table: allowed from its sources, refused from every other status."""

from datetime import date, timedelta

import pytest
from django.db import DatabaseError, transaction

from appeals import services
from appeals.models import (
    AccountHold,
    Answer,
    AnswerDraft,
    Appeal,
    Attachment,
    CoSigner,
    DocumentRequest,
    Event,
    Incident,
    MaterialsRequest,
    Rating,
    Support,
)
from appeals.services import (
    collective,
    copies,
    document_requests,
    fixes,
    incidents,
    materials,
    officials,
    rights,
    signing,
    support,
    work,
)
from appeals.services.on_behalf import confirm_held_appeal, hold_for_account
from appeals.workflow import (
    TRANSITIONS,
    IllegalTransition,
    StatusWrittenOutsideTransition,
    transition,
)
from core.errors import AlreadyDone, DomainError
from core.models import Notification
from organizations.models import Official
from quality import services as quality
from quality.models import ReviewedCategory, ReworkCriterion
from reporting.services import change_topic
from tests.accounts.factories import UserFactory
from tests.appeals.corpus import png_with_text
from tests.appeals.factories import world_appeal

pytestmark = pytest.mark.django_db
S = Appeal.Status


def _public(appeal):
    Appeal.objects.filter(pk=appeal.pk).update(is_public=True)
    return appeal


def _supported(appeal):
    supporter = UserFactory()
    Support.objects.create(appeal=appeal, citizen=supporter)
    return supporter


def _incident(world, appeal=None):
    incident = Incident.objects.create(
        region=world.region, organization=world.organization, title="Прорыв теплотрассы"
    )
    if appeal is not None:
        Appeal.objects.filter(pk=appeal.pk).update(incident=incident)
    return incident


def _fresh(appeal):
    return Appeal.objects.get(pk=appeal.pk)


def _work_planned(appeal):
    """The appeal's answer (if any) states the work on site planned for a date now passed."""
    Answer.objects.filter(appeal=appeal, review_round=appeal.review_round).update(
        work_status="planned", planned_on=date(2026, 1, 15)
    )
    return appeal


def _work_done(appeal, *, review_round=0):
    """The appeal's answer (if any) states the work on site done, in `review_round`."""
    Appeal.objects.filter(pk=appeal.pk).update(review_round=review_round)
    Answer.objects.filter(appeal=appeal).update(work_status="done", review_round=review_round)
    return appeal


ACTIONS = {
    "accept": lambda w, a: services.accept_appeal(moderator=w.moderator, appeal_id=a.pk),
    "reject": lambda w, a: services.reject_appeal(
        moderator=w.moderator, appeal_id=a.pk, ground="spam"
    ),
    "take": lambda w, a: services.take_appeal(executor=w.executor, appeal_id=a.pk),
    "assign": lambda w, a: services.assign_appeal(head=w.head, appeal_id=a.pk, executor=w.executor),
    "request_clarification": lambda w, a: services.request_clarification(
        actor=w.executor, appeal_id=a.pk, text="Уточните номер дома."
    ),
    "reply_to_clarification": lambda w, a: services.reply_to_clarification(
        citizen=w.citizen, appeal_id=a.pk, text="Дом 12, второй подъезд."
    ),
    "redirect": lambda w, a: services.redirect_appeal(
        actor=w.executor,
        appeal_id=a.pk,
        organization=w.other_organization,
        reason="Дорога краевая.",
    ),
    "extend_deadline": lambda w, a: services.extend_deadline(
        head=w.head, appeal_id=a.pk, days=10, reason="Нужна экспертиза."
    ),
    "answer": lambda w, a: services.answer_appeal(
        actor=w.executor, appeal_id=a.pk, text="Снег убран."
    ),
    "rate": lambda w, a: services.rate_appeal(
        citizen=w.citizen, appeal_id=a.pk, score=5, solved=True
    ),
    "close": lambda w, a: services.close_appeal(appeal_id=a.pk),
    "close_on_ground": lambda w, a: services.close_on_ground(
        actor=w.executor, appeal_id=a.pk, ground="abusive"
    ),
    "note": lambda w, a: services.add_note(
        actor=w.moderator, appeal_id=a.pk, text="Позвонить в УК."
    ),
    "hold_for_account": lambda w, a: (
        hold_for_account(appeal=a, account=UserFactory(), actor=w.executor, channel="phone").appeal
    ),
    "confirm_for_account": lambda w, a: confirm_held_appeal(
        actor=(holder := UserFactory()),
        hold_id=AccountHold.objects.create(appeal=a, account=holder).pk,
    ),
    # Public problems (the author made the appeal public when filing).
    "publish_public_text": lambda w, a: services.publish_public_text(
        moderator=w.moderator, appeal_id=_made_public(a), text="Яма у остановки."
    ),
    "withhold_public_text": lambda w, a: services.withhold_public_text(
        moderator=w.moderator, appeal_id=_made_public(a)
    ),
    "make_private": lambda w, a: services.make_appeal_private(
        citizen=w.citizen, appeal_id=_made_public(a)
    ),
    "join": lambda w, a: (
        support.join_problem(citizen=UserFactory(), appeal_id=_public(a).pk) and _fresh(a)
    ),
    "leave": lambda w, a: (
        support.leave_problem(citizen=_supported(_public(a)), appeal_id=a.pk) and _fresh(a)
    ),
    "rate_as_supporter": lambda w, a: (
        support.rate_as_supporter(citizen=_supported(a), appeal_id=a.pk, score=4) and _fresh(a)
    ),
    "add_to_incident": lambda w, a: (
        incidents.add_to_incident(actor=w.moderator, incident_id=_incident(w).pk, appeal_id=a.pk)
        and _fresh(a)
    ),
    "remove_from_incident": lambda w, a: (
        incidents.remove_from_incident(
            actor=w.moderator, incident_id=_incident(w, a).pk, appeal_id=a.pk
        )
        and _fresh(a)
    ),
    "withdraw": lambda w, a: rights.withdraw_appeal(citizen=w.citizen, appeal_id=a.pk),
    "add_documents": lambda w, a: rights.add_documents(
        citizen=w.citizen, appeal_id=a.pk, text="Прикладываю акт."
    ),
    # the complaint is a new appeal; the move is the original's
    "complain": lambda w, a: (
        rights.complain_about_answer(
            citizen=w.citizen, appeal_id=a.pk, text="Ответ формальный, снег так и лежит."
        ).complaint_about
    ),
    "make_official": lambda w, a: _official(w, a),
    "post_answer": lambda w, a: work.record_posting(
        actor=w.executor, appeal_id=a.pk, posted_on=date.today(), tracking="683000"
    ),
    "send_for_signature": lambda w, a: signing.send_for_signature(
        actor=w.executor, appeal_id=a.pk, text="Снег убран."
    ),
    # A collective appeal (59-FZ art. 4): signatures until registration, the representative
    # until the answer.
    "collect_signatures": lambda w, a: collective.collect_signatures(
        citizen=w.citizen, appeal_id=a.pk
    ),
    "cosign": lambda w, a: (
        collective.cosign_appeal(
            citizen=_identified(), token=_collective(a).collective_token, wants_copy=True
        )
        and _fresh(a)
    ),
    "withdraw_signature": lambda w, a: (
        collective.withdraw_signature(citizen=_cosigner(a).citizen, appeal_id=a.pk) and _fresh(a)
    ),
    "choose_representative": lambda w, a: collective.choose_representative(
        citizen=w.citizen, appeal_id=a.pk, cosigner_id=_cosigner(a).pk
    ),
    # Officials and copies to several competent bodies
    "complaint_about_official": lambda w, a: officials.mark_complaint_about_official(
        moderator=w.moderator,
        appeal_id=a.pk,
        official=Official.objects.create(
            organization=w.organization, name="Петров П. П.", position="глава"
        ),
    ),
    "send_copies": lambda w, a: (
        copies.send_copies(
            moderator=w.moderator, appeal_id=a.pk, organizations=[w.other_organization]
        )
        and _fresh(a)
    ),
    "consolidate_answers": lambda w, a: copies.consolidate_answers(
        appeal_id=_with_answered_copy(w, a).pk
    ),
    # Proof of fix: the answer states the work done; a refutation of the first answer reopens,
    # one of the answer after the re-review escalates (the escalation is a new appeal).
    "confirm_fix": lambda w, a: fixes.confirm_fix(citizen=w.citizen, appeal_id=_work_done(a).pk),
    "refute_fix": lambda w, a: fixes.refute_fix(
        citizen=w.citizen, appeal_id=_work_done(a).pk, comment="Яма на месте, ничего не сделано."
    ),
    "escalate_fix": lambda w, a: (
        fixes.refute_fix(
            citizen=w.citizen,
            appeal_id=_work_done(a, review_round=1).pk,
            comment="Яма на месте, ничего не сделано.",
        ).complaint_about
    ),
    "report_work_done": lambda w, a: fixes.report_work_done(
        actor=w.executor,
        appeal_id=_work_planned(a).pk,
        uploads=[png_with_text("after.png")],
        comment="Яма заделана.",
    ),
    "return_for_rework": lambda w, a: signing.return_for_rework(
        signer=w.head,
        appeal_id=AnswerDraft.objects.create(appeal=a, author=w.executor, text="Убрано.").appeal_id,
        comment="Укажите срок.",
    ),
    # Reading the materials (59-FZ art. 5) and requests for documents (art. 10): the status stays.
    "request_materials": lambda w, a: (
        materials.request_materials(citizen=w.citizen, appeal_id=a.pk).appeal
    ),
    "grant_materials": lambda w, a: _fresh(
        materials.grant_materials(
            actor=w.executor,
            appeal_id=a.pk,
            request_id=_materials_request(w, a).pk,
            attachment_ids=[_document(a).pk],
        ).appeal
    ),
    "refuse_materials": lambda w, a: _fresh(
        materials.refuse_materials(
            actor=w.executor,
            appeal_id=a.pk,
            request_id=_materials_request(w, a).pk,
            reason="Документы содержат данные соседей.",
        ).appeal
    ),
    "send_document_request": lambda w, a: _fresh(
        document_requests.send_document_request(
            actor=w.executor, appeal_id=a.pk, body_name="Росреестр", question="Выписка ЕГРН."
        ).appeal
    ),
    "receive_document_reply": lambda w, a: _fresh(
        document_requests.record_document_reply(
            actor=w.executor,
            appeal_id=a.pk,
            document_request_id=_document_request(a).pk,
            text="Выписка получена.",
        ).appeal
    ),
    "change_topic": lambda w, a: change_topic(actor=w.executor, appeal_id=a.pk, topic_id=_topic()),
    # The answer quality gate (quality/services.py): held instead of released, returned with
    # the criteria, a low-rated released answer found formal. The status stays or goes back.
    "hold_for_review": lambda w, a: _fresh(
        services.answer_appeal(actor=w.executor, appeal_id=_reviewed_in_full(w, a), text="Ответ.")
    ),
    "return_after_review": lambda w, a: _fresh(
        quality.return_after_review(
            reviewer=w.moderator, appeal_id=_held(w, a), criteria=ReworkCriterion.objects.all()[:1]
        )
    ),
    "mark_formal": lambda w, a: _fresh(
        quality.mark_formal(
            reviewer=w.moderator,
            answer_id=_rated_low(w, a),
            criteria=ReworkCriterion.objects.all()[:1],
        )
    ),
}


def _reviewed_in_full(world, appeal) -> int:
    ReviewedCategory.objects.get_or_create(category=world.category)
    return appeal.pk


def _held(world, appeal) -> int:
    AnswerDraft.objects.create(
        appeal=appeal, author=world.executor, text="Ответ.", stage=AnswerDraft.Stage.REVIEW
    )
    return appeal.pk


def _rated_low(world, appeal) -> int:
    answer = appeal.answers.first() or Answer.objects.create(
        appeal=appeal, author=world.executor, organization=world.organization, text="Ответ."
    )
    Rating.objects.create(appeal=appeal, answer=answer, score=1, solved=False)
    return answer.pk


def _materials_request(world, appeal):
    """An open request to read the materials, as the citizen left it (whatever the status now)."""
    return MaterialsRequest.objects.create(appeal=appeal, citizen=world.citizen)


def _document(appeal):
    return Attachment.objects.create(
        appeal=appeal, original_name="act.pdf", content_type="application/pdf", size=4, file="a/x"
    )


def _document_request(appeal):
    sent = appeal.submitted_at
    return DocumentRequest.objects.create(
        appeal=appeal,
        body_name="Росреестр",
        question="Выписка ЕГРН.",
        sent_at=sent,
        due_at=sent + timedelta(days=15),
    )


def _identified():
    from django.utils import timezone

    return UserFactory(identity_verified_at=timezone.now())


def _collective(appeal):
    Appeal.objects.filter(pk=appeal.pk).update(collective_token=f"token-{appeal.pk}")
    return _fresh(appeal)


def _cosigner(appeal) -> CoSigner:
    _collective(appeal)
    Appeal.objects.filter(pk=appeal.pk).update(cosigners_count=1)
    return CoSigner.objects.create(appeal=appeal, citizen=_identified())


def _with_answered_copy(world, appeal):
    """The appeal as the main one of a copy its other organization has answered."""
    world_appeal(
        world,
        S.ANSWERED,
        organization=world.other_organization,
        copy_of=appeal,
        number=f"{appeal.number}-2",
    )
    return appeal


def _made_public(appeal) -> int:
    Appeal.objects.filter(pk=appeal.pk).update(is_public=True)
    return appeal.pk


def _official(world, appeal):
    """A message of an author who has since verified their identity (547-FZ)."""
    from django.utils import timezone

    from regimes.models import RegimeVersion

    Appeal.objects.filter(pk=appeal.pk).update(
        official_regime_version=RegimeVersion.objects.filter(regime__code="59-fz").latest("number")
    )
    world.citizen.identity_verified_at = timezone.now()
    world.citizen.save()
    return rights.make_official(citizen=world.citizen, appeal_id=appeal.pk)


def _topic() -> int:
    from reporting.models import Topic

    return Topic.objects.get_or_create(code="0002.0007.0074.0430", defaults={"name": "Дороги"})[
        0
    ].pk


CASES = [
    (action, status, status in sources)
    for action, (sources, _target) in TRANSITIONS.items()
    for status in S.values
]


def test_every_action_of_the_table_is_tested():
    assert set(ACTIONS) == set(TRANSITIONS)


def _appeal(world, status):
    return world_appeal(world, status)


@pytest.mark.parametrize(
    ("action", "status", "allowed"), CASES, ids=[f"{a}-from-{s}" for a, s, _ in CASES]
)
def test_transition_table(world, action, status, allowed):
    appeal = _appeal(world, status)
    events_before = Event.objects.filter(appeal=appeal).count()
    if allowed:
        result = ACTIONS[action](world, appeal)
        targets = TRANSITIONS[action].targets
        assert result.status in targets if targets else result.status == status
        event = Event.objects.filter(appeal=appeal).latest("created_at", "pk")
        assert event.action == action
        assert event.from_status == status
        assert event.to_status == result.status
        assert Event.objects.filter(appeal=appeal).count() == events_before + 1
    else:
        # "Already there" by someone else is AlreadyDone; any other source is an illegal move.
        with pytest.raises((IllegalTransition, AlreadyDone, DomainError)) as error:
            ACTIONS[action](world, appeal)
        assert error.value.message
        appeal.refresh_from_db()
        assert appeal.status == status
        assert Event.objects.filter(appeal=appeal).count() == events_before


NOTIFYING = {
    "accept": (S.SUBMITTED, "registered"),
    "reject": (S.SUBMITTED, "rejected"),
    "request_clarification": (S.IN_PROGRESS, "clarification_requested"),
    "redirect": (S.IN_PROGRESS, "redirected"),
    "extend_deadline": (S.IN_PROGRESS, "deadline_extended"),
    "answer": (S.IN_PROGRESS, "answered"),
    "close": (S.ANSWERED, "closed"),
    "close_on_ground": (S.IN_PROGRESS, "closed"),
    "rate": (S.ANSWERED, "closed"),
}


@pytest.mark.parametrize("action", sorted(NOTIFYING))
def test_the_citizen_is_told_on_the_site_and_by_email(world, action):
    status, template = NOTIFYING[action]
    appeal = _appeal(world, status)
    ACTIONS[action](world, appeal)
    rows = Notification.objects.filter(recipient=world.citizen, appeal=appeal, template=template)
    assert {row.channel for row in rows} == {"in_app", "email"}
    assert rows.get(channel="email").status == Notification.Status.PENDING
    assert rows.get(channel="in_app").context["number"] == appeal.number


def test_repeating_an_action_by_the_same_person_changes_nothing(world):
    appeal = _appeal(world, S.REGISTERED)
    services.take_appeal(executor=world.executor, appeal_id=appeal.pk)
    services.take_appeal(executor=world.executor, appeal_id=appeal.pk)
    assert Event.objects.filter(appeal=appeal, action="take").count() == 1


def test_a_second_moderator_is_told_the_appeal_is_already_registered(world, region):
    from organizations.models import Membership
    from tests.accounts.factories import UserFactory
    from tests.organizations.factories import MembershipFactory

    second = UserFactory(email="second.moderator@example.ru")
    MembershipFactory(user=second, organization=None, region=region, role=Membership.Role.MODERATOR)
    appeal = _appeal(world, S.SUBMITTED)
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    with pytest.raises(AlreadyDone) as error:
        services.accept_appeal(moderator=second, appeal_id=appeal.pk)
    assert str(error.value.message) == (
        "Это действие уже выполнил другой пользователь: теперь обращение в статусе "
        "«Зарегистрировано»."
    )
    assert Event.objects.filter(appeal=appeal, action="accept").count() == 1


def test_rate_has_its_targets_in_the_table():
    assert TRANSITIONS[Event.Action.RATE].sources == {S.ANSWERED}
    assert TRANSITIONS[Event.Action.RATE].targets == {S.CLOSED, S.IN_PROGRESS}
    assert not TRANSITIONS[Event.Action.NOTE].targets  # keeps the status


@pytest.mark.parametrize(
    ("score", "solved", "target"),
    [(5, True, S.CLOSED), (3, True, S.CLOSED), (2, True, S.IN_PROGRESS), (5, False, S.IN_PROGRESS)],
)
def test_the_rating_chooses_among_the_targets_of_rate(world, score, solved, target):
    appeal = _appeal(world, S.ANSWERED)
    rated = services.rate_appeal(
        citizen=world.citizen, appeal_id=appeal.pk, score=score, solved=solved
    )
    assert rated.status == target
    event = Event.objects.get(appeal=appeal, action=Event.Action.RATE)
    assert (event.from_status, event.to_status) == (S.ANSWERED, target)


def test_a_second_rating_is_refused_and_writes_nothing(world):
    appeal = _appeal(world, S.ANSWERED)
    services.rate_appeal(citizen=world.citizen, appeal_id=appeal.pk, score=5, solved=True)
    with pytest.raises(IllegalTransition):
        services.rate_appeal(citizen=world.citizen, appeal_id=appeal.pk, score=1, solved=False)
    assert Appeal.objects.get(pk=appeal.pk).status == S.CLOSED
    assert Event.objects.filter(appeal=appeal, action=Event.Action.RATE).count() == 1


def test_rating_an_appeal_still_in_progress_is_an_illegal_move(world):
    appeal = _appeal(world, S.IN_PROGRESS)
    with pytest.raises(IllegalTransition) as error:
        services.rate_appeal(citizen=world.citizen, appeal_id=appeal.pk, score=5, solved=True)
    assert str(error.value.message) == "Это действие недоступно для обращения в статусе «В работе»."


def test_a_status_saved_outside_transition_is_refused(world):
    appeal = _appeal(world, S.IN_PROGRESS)
    appeal.status = S.CLOSED
    with (
        pytest.raises(DatabaseError, match="only through appeals.workflow.transition"),
        transaction.atomic(),
    ):
        appeal.save()
    assert Appeal.objects.get(pk=appeal.pk).status == S.IN_PROGRESS


def test_a_bulk_status_update_outside_transition_is_refused(world):
    appeals = [_appeal(world, S.ANSWERED) for _ in range(2)]
    with (
        pytest.raises(DatabaseError, match="only through appeals.workflow.transition"),
        transaction.atomic(),
    ):
        Appeal.objects.filter(pk__in=[a.pk for a in appeals]).update(status=S.CLOSED)
    assert set(Appeal.objects.values_list("status", flat=True)) == {S.ANSWERED}


def test_other_fields_still_save_and_a_transition_leaves_no_opening_behind(world):
    appeal = _appeal(world, S.IN_PROGRESS)
    Appeal.objects.filter(pk=appeal.pk).update(flagged_for_moderator=True)  # no status: allowed
    with transaction.atomic():
        services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Снег убран.")
        # Later in the same transaction the guard is closed again.
        with pytest.raises(DatabaseError), transaction.atomic():
            Appeal.objects.filter(pk=appeal.pk).update(status=S.IN_PROGRESS)
    assert Appeal.objects.get(pk=appeal.pk).status == S.ANSWERED


def test_a_status_set_by_an_apply_callback_is_refused(world):
    appeal = _appeal(world, S.IN_PROGRESS)

    def sneak(locked):
        locked.status = S.CLOSED

    with pytest.raises(StatusWrittenOutsideTransition), transaction.atomic():
        transition(appeal_id=appeal.pk, action=Event.Action.NOTE, actor=world.executor, apply=sneak)
    assert Appeal.objects.get(pk=appeal.pk).status == S.IN_PROGRESS


def test_a_target_outside_the_table_is_refused(world):
    appeal = _appeal(world, S.ANSWERED)
    with pytest.raises(StatusWrittenOutsideTransition), transaction.atomic():
        transition(
            appeal_id=appeal.pk, action=Event.Action.RATE, actor=world.citizen, to_status=S.REJECTED
        )
    assert Appeal.objects.get(pk=appeal.pk).status == S.ANSWERED
