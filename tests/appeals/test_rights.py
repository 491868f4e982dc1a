"""The citizen's rights (59-FZ art. 5): withdraw, add documents, complain about the answer."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from appeals import services
from appeals.models import Appeal, Event, Ground
from appeals.services import rights
from appeals.workflow import IllegalTransition
from core.errors import DomainError, NotAllowed
from core.models import Notification
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _photo(name="act.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 210, 220)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _notices(user, template):
    return Notification.objects.filter(recipient=user, template=template)


# --- withdraw --------------------------------------------------------------------------------


def test_a_submitted_appeal_withdrawn_is_never_registered(world):
    appeal = world_appeal(world, S.SUBMITTED)
    appeal = rights.withdraw_appeal(citizen=world.citizen, appeal_id=appeal.pk, reason="Решилось.")
    assert appeal.status == S.REJECTED and appeal.ground == Ground.WITHDRAWN
    event = appeal.events.get(action=Event.Action.WITHDRAW)
    assert event.actor == world.citizen and event.comment == "Решилось." and event.is_public
    with pytest.raises(IllegalTransition):
        services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)


def test_withdrawing_under_review_closes_it_and_tells_the_executor(world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    appeal = rights.withdraw_appeal(citizen=world.citizen, appeal_id=appeal.pk)
    assert appeal.status == S.CLOSED
    assert appeal.close_reason == Appeal.CloseReason.GROUND and appeal.ground == Ground.WITHDRAWN
    assert _notices(world.executor, "withdrawn").exists()
    assert _notices(world.citizen, "closed").exists()
    # the same click twice changes nothing more
    rights.withdraw_appeal(citizen=world.citizen, appeal_id=appeal.pk)
    assert appeal.events.filter(action=Event.Action.WITHDRAW).count() == 1


def test_without_an_executor_the_heads_are_told(world):
    appeal = world_appeal(world, S.REGISTERED, executor=None)
    rights.withdraw_appeal(citizen=world.citizen, appeal_id=appeal.pk)
    assert _notices(world.head, "withdrawn").exists()


def test_an_answered_appeal_cannot_be_withdrawn_nor_anyone_elses(world):
    answered = world_appeal(world, S.ANSWERED, executor=world.executor)
    with pytest.raises(IllegalTransition):
        rights.withdraw_appeal(citizen=world.citizen, appeal_id=answered.pk)
    other = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    with pytest.raises(NotAllowed):
        rights.withdraw_appeal(citizen=UserFactory(), appeal_id=other.pk)


def test_the_withdraw_form_asks_to_confirm_and_keeps_the_reason(client, world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    client.force_login(world.citizen)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "Отозвать обращение" in page
    url = reverse("appeals:withdraw", args=[appeal.number])
    response = client.post(url, {"reason": "Сосед уже всё починил."})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Подтвердите, что рассмотрение нужно прекратить." in body
    assert "Сосед уже всё починил." in body
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS
    response = client.post(url, {"reason": "Сосед уже всё починил.", "confirm": "on"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "отозвано гражданином" in page and "Отозвать обращение" not in page


def test_someone_elses_appeal_is_not_found(client, world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    client.force_login(UserFactory())
    for name in ("appeals:withdraw", "appeals:add_documents", "appeals:complain"):
        response = client.post(reverse(name, args=[appeal.number]), {"confirm": "on"})
        assert response.status_code == 404, name


# --- documents and explanations ----------------------------------------------------------------


def test_documents_added_under_review_join_the_appeal_and_the_executor_is_told(client, world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    client.force_login(world.citizen)
    response = client.post(
        reverse("appeals:add_documents", args=[appeal.number]),
        {"text": "Прикладываю акт осмотра подъезда.", "files": [_photo()]},
    )
    assert response.status_code == 302
    event = appeal.events.get(action=Event.Action.ADD_DOCUMENTS)
    assert event.comment == "Прикладываю акт осмотра подъезда." and event.data == {"files": 1}
    assert appeal.attachments.filter(original_name="act.jpg").exists()
    assert _notices(world.executor, "documents_added").exists()
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS  # the review goes on
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "Прикладываю акт осмотра подъезда." in page


def test_documents_keep_the_five_file_limit_and_need_something(world):
    appeal = world_appeal(world, S.REGISTERED)
    with pytest.raises(DomainError):
        rights.add_documents(citizen=world.citizen, appeal_id=appeal.pk, text="  ")
    rights.add_documents(
        citizen=world.citizen, appeal_id=appeal.pk, text="", uploads=[_photo() for _ in range(5)]
    )
    with pytest.raises(DomainError):
        rights.add_documents(citizen=world.citizen, appeal_id=appeal.pk, uploads=[_photo()])
    assert appeal.attachments.count() == 5


def test_no_documents_after_the_answer(client, world):
    appeal = world_appeal(world, S.ANSWERED, executor=world.executor)
    with pytest.raises(IllegalTransition):
        rights.add_documents(citizen=world.citizen, appeal_id=appeal.pk, text="Ещё одно.")
    client.force_login(world.citizen)
    assert "Добавить документы" not in client.get(appeal.get_absolute_url()).content.decode()


# --- complaint about the answer ----------------------------------------------------------------


def test_a_complaint_goes_to_the_parent_as_a_new_appeal_with_its_own_term(world):
    ministry = OrganizationFactory(region=world.region, name="Министерство ЖКХ края")
    world.organization.parent = ministry
    world.organization.save()
    original = world_appeal(world, S.CLOSED, executor=world.executor)
    complaint = rights.complain_about_answer(
        citizen=world.citizen,
        appeal_id=original.pk,
        text="Ответ формальный: снег так и не убрали, прошу проверить.",
    )
    assert complaint.pk != original.pk and complaint.number != original.number
    assert complaint.status == S.SUBMITTED and complaint.complaint_about == original
    assert complaint.complained_organization == world.organization
    event = original.events.get(action=Event.Action.COMPLAIN)
    assert event.data == {"complaint": complaint.number}
    registered = services.accept_appeal(moderator=world.moderator, appeal_id=complaint.pk)
    assert registered.organization == ministry and registered.due_at is not None
    with pytest.raises(DomainError) as refused:  # the complaint is still reviewed
        rights.complain_about_answer(
            citizen=world.citizen, appeal_id=original.pk, text="Ещё раз: ответ формальный, снег."
        )
    assert complaint.number in str(refused.value.message)


def test_a_complaint_is_never_registered_with_the_organization_complained_about(world):
    original = world_appeal(world, S.ANSWERED, executor=world.executor)  # no parent organization
    complaint = rights.complain_about_answer(
        citizen=world.citizen, appeal_id=original.pk, text="Ответ не по существу вопроса, прошу."
    )
    with pytest.raises(DomainError):  # the rules route to the same organization: refused
        services.accept_appeal(
            moderator=world.moderator, appeal_id=complaint.pk, organization=world.organization
        )


def test_no_complaint_without_an_answer(world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    with pytest.raises(IllegalTransition):
        rights.complain_about_answer(
            citizen=world.citizen, appeal_id=appeal.pk, text="Никто ничего не делает уже месяц."
        )


def test_the_complaint_form_keeps_the_text_and_opens_the_new_appeal(client, world):
    original = world_appeal(world, S.ANSWERED, executor=world.executor)
    client.force_login(world.citizen)
    url = reverse("appeals:complain", args=[original.number])
    response = client.post(url, {"text": "Коротко"})
    assert response.status_code == 400 and "Коротко" in response.content.decode()
    response = client.post(url, {"text": "Ответ не решает проблему: снег лежит до сих пор."})
    complaint = Appeal.objects.get(complaint_about=original)
    assert response.status_code == 302 and response.url == complaint.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert original.number in page and "жалоба на ответ" in page.lower()


def test_the_heads_of_the_organization_complained_about_get_no_say(world):
    head = UserFactory()
    MembershipFactory(user=head, organization=world.organization, role=Membership.Role.HEAD)
    original = world_appeal(world, S.ANSWERED, executor=world.executor)
    rights.complain_about_answer(
        citizen=world.citizen, appeal_id=original.pk, text="Ответ формальный, работы не сделаны."
    )
    complaint = Appeal.objects.get(complaint_about=original)
    assert not Notification.objects.filter(recipient=head, appeal=complaint).exists()


def test_the_moderator_is_offered_the_supervising_body_for_a_complaint(client, world):
    ministry = OrganizationFactory(region=world.region, name="Министерство ЖКХ края")
    world.organization.parent = ministry
    world.organization.save()
    original = world_appeal(world, S.ANSWERED, executor=world.executor)
    complaint = rights.complain_about_answer(
        citizen=world.citizen, appeal_id=original.pk, text="Ответ формальный, снег лежит."
    )
    client.force_login(world.moderator)
    queue = client.get(reverse("moderation:home")).content.decode()
    assert "Зарегистрировать → Министерство ЖКХ края" in queue
    review = client.get(reverse("moderation:review", args=[complaint.number])).content.decode()
    assert "Министерство ЖКХ края — вышестоящий орган организации" in review
