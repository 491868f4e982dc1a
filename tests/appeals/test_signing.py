"""Answer signing: the regime names who signs; an executor's answer waits for that signature."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.models import AnswerDraft, Appeal, Attachment, Event
from appeals.services import signing
from appeals.services.sweeps import purge_abandoned_drafts
from core.errors import DomainError, NotAllowed
from core.models import Notification
from organizations.models import Membership
from regimes.models import Regime, RegimeRule, Signer
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal
from tests.appeals.test_rights import _photo
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def signed_regime(world):
    """59-FZ with the head signing (the migration's version), applied to the world's appeals."""
    regime = Regime.objects.get(code="59-fz")
    RegimeRule.objects.create(regime=regime)
    world.citizen.identity_verified_at = timezone.now()
    world.citizen.save()
    return regime


def _registered(world):
    appeal = world_appeal(world, S.SUBMITTED)
    appeal = services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    services.take_appeal(executor=world.executor, appeal_id=appeal.pk)
    return appeal


def test_the_executors_answer_waits_for_the_heads_signature(world, signed_regime):
    appeal = _registered(world)
    services.answer_appeal(
        actor=world.executor,
        appeal_id=appeal.pk,
        text="Снег будет убран до пятницы.",
        uploads=[_photo("plan.jpg")],
    )
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS and not appeal.answers.exists()
    assert appeal.events.filter(action=Event.Action.SEND_FOR_SIGNATURE, is_public=False).exists()
    assert Notification.objects.filter(recipient=world.head, template="signature_needed").exists()
    assert not Notification.objects.filter(recipient=world.citizen, template="answered").exists()
    # the file waits with the draft, whatever the drafts sweep does meanwhile
    draft = AnswerDraft.objects.get(appeal=appeal)
    Attachment.objects.filter(draft_key=draft.draft_key).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    purge_abandoned_drafts()

    with pytest.raises(NotAllowed):
        signing.sign_answer(signer=world.executor, appeal_id=appeal.pk)
    appeal = signing.sign_answer(
        signer=world.head, appeal_id=appeal.pk, text="Снег будет убран до пятницы, 6 марта."
    )
    assert appeal.status == S.ANSWERED
    answer = appeal.answers.get()
    assert answer.author == world.executor and answer.signed_by == world.head
    assert answer.text == "Снег будет убран до пятницы, 6 марта."
    assert answer.attachments.filter(original_name="plan.jpg").exists()
    assert appeal.events.get(action=Event.Action.ANSWER).actor == world.head
    assert Notification.objects.filter(recipient=world.citizen, template="answered").exists()
    assert not AnswerDraft.objects.filter(appeal=appeal).exists()


def test_a_returned_answer_goes_back_to_its_author(client, world, signed_regime):
    appeal = _registered(world)
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Проверим.")
    with pytest.raises(DomainError):
        signing.return_for_rework(signer=world.head, appeal_id=appeal.pk, comment=" ")
    signing.return_for_rework(
        signer=world.head, appeal_id=appeal.pk, comment="Укажите срок уборки и ответственного."
    )
    assert Notification.objects.filter(recipient=world.executor, template="answer_returned")
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "Укажите срок уборки и ответственного." in page
    assert "Проверим." in page  # the answer form starts from the version sent
    response = client.post(
        reverse("staff:answer", args=[appeal.number]),
        {
            "text": "Уберём до 6 марта, ответственный — мастер участка.",
            "outcome": "measures_taken",
            "draft_key": "",
        },
    )
    assert response.status_code == 302
    draft = AnswerDraft.objects.get(appeal=appeal)
    assert draft.returned_at is None and draft.text.startswith("Уберём до 6 марта")


def test_the_head_answering_signs_at_once(world, signed_regime):
    appeal = _registered(world)
    appeal = services.answer_appeal(actor=world.head, appeal_id=appeal.pk, text="Убрано.")
    assert appeal.status == S.ANSWERED
    assert appeal.answers.get().signed_by == world.head


def test_an_authorised_official_signs_when_the_regime_says_so(world, signed_regime):
    version = signed_regime.versions.order_by("-valid_from", "-number").first()  # in force
    version.signer = Signer.AUTHORISED
    version.save()
    deputy = UserFactory(email="deputy@example.ru")
    MembershipFactory(
        user=deputy,
        organization=world.organization,
        role=Membership.Role.EXECUTOR,
        signs_answers=True,
    )
    appeal = _registered(world)
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Убрано.")
    assert Notification.objects.filter(recipient=deputy, template="signature_needed").exists()
    appeal = signing.sign_answer(signer=deputy, appeal_id=appeal.pk)
    assert appeal.answers.get().signed_by == deputy


def test_without_a_signer_in_the_regime_the_executor_answers_as_before(world):
    appeal = _registered(world)  # no regime rule: the category's own terms, no signature
    appeal = services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Убрано.")
    assert appeal.status == S.ANSWERED and appeal.answers.get().signed_by is None


def test_the_citizen_reads_who_signed(client, world, signed_regime):
    appeal = _registered(world)
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Убрано.")
    signing.sign_answer(signer=world.head, appeal_id=appeal.pk)
    client.force_login(world.citizen)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "подписал(а): " + world.head.get_initials_name() in page


def test_the_sign_page_works_without_javascript(client, world, signed_regime):
    appeal = _registered(world)
    client.force_login(world.executor)
    client.post(
        reverse("staff:answer", args=[appeal.number]),
        {"text": "Убрано.", "outcome": "measures_taken", "draft_key": ""},
    )
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "Ответ ждёт подписи" in page and "Подписать и направить" not in page
    client.force_login(world.head)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "Подписать и направить гражданину" in page
    empty = client.post(reverse("staff:sign", args=[appeal.number]), {"text": ""})
    assert empty.status_code == 400
    response = client.post(
        reverse("staff:sign", args=[appeal.number]),
        {"text": "Убрано.", "outcome": "measures_taken"},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.ANSWERED
