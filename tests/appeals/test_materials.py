"""Reading the materials of the case (59-FZ art. 5 p. 2): the citizen asks, staff grant it with
the documents chosen or refuse it with a reason; the citizen downloads exactly what was granted."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appeals.models import Appeal, Attachment, Event, MaterialsRequest
from appeals.services import document_requests, materials
from appeals.workflow import IllegalTransition
from core.errors import AlreadyDone, DomainError, NotAllowed
from core.models import Notification
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status
A = Event.Action


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def _reply_file(world, appeal, name: str, body: str = "Росреестр") -> Attachment:
    """A document another body sent: stored with its request, not among the appeal's files."""
    request = document_requests.send_document_request(
        actor=world.executor,
        appeal_id=appeal.pk,
        body_name=body,
        question=f"Выписка для {name}",
    )
    document_requests.record_document_reply(
        actor=world.executor,
        appeal_id=appeal.pk,
        document_request_id=request.pk,
        upload=_pdf(name),
    )
    return request.attachments.get()


@pytest.fixture
def case(world):
    """An appeal in work with two documents other bodies sent: one to grant, one with secrets."""
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    plan = _reply_file(world, appeal, "plan.pdf")
    secret = _reply_file(world, appeal, "neighbours.pdf", body="Управляющая компания")
    return appeal, plan, secret


def _download(client, appeal, attachment):
    return client.get(reverse("appeals:download", args=[appeal.number, attachment.pk]))


# --- services ----------------------------------------------------------------------------------


def test_the_citizen_asks_and_the_executor_is_told(world, case):
    appeal, _plan, _secret = case
    request = materials.request_materials(
        citizen=world.citizen, appeal_id=appeal.pk, comment="  Хочу видеть акт осмотра. "
    )
    assert request.is_open and request.comment == "Хочу видеть акт осмотра."
    event = appeal.events.get(action=A.REQUEST_MATERIALS)
    assert event.actor == world.citizen and event.is_public
    assert event.comment == "Хочу видеть акт осмотра." and event.data == {"request": request.pk}
    assert event.from_status == event.to_status == S.IN_PROGRESS
    notice = Notification.objects.get(recipient=world.executor, template="materials_requested")
    assert notice.context["url"] == reverse("staff:appeal", args=[appeal.number])


def test_asking_twice_keeps_one_open_request(world, case):
    appeal, _plan, _secret = case
    first = materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk)
    again = materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk, comment="Ещё")
    assert again.pk == first.pk
    assert appeal.events.filter(action=A.REQUEST_MATERIALS).count() == 1
    assert MaterialsRequest.objects.filter(appeal=appeal).count() == 1


def test_a_grant_lets_the_citizen_download_exactly_the_chosen_documents(client, world, case):
    appeal, plan, secret = case
    client.force_login(world.citizen)
    assert _download(client, appeal, plan).status_code == 404  # not before the grant
    request = materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk)
    granted = materials.grant_materials(
        actor=world.executor, appeal_id=appeal.pk, request_id=request.pk, attachment_ids=[plan.pk]
    )
    assert granted.decision == MaterialsRequest.Decision.GRANTED
    assert granted.decided_by == world.executor and list(granted.documents.all()) == [plan]
    event = appeal.events.get(action=A.GRANT_MATERIALS)
    assert event.actor == world.executor
    assert event.data == {"request": request.pk, "attachments": [plan.pk]}
    assert Notification.objects.filter(
        recipient=world.citizen, template="materials_granted", context__count=1
    ).exists()
    response = _download(client, appeal, plan)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert _download(client, appeal, secret).status_code == 404
    client.force_login(UserFactory())  # another citizen: not even the granted one
    assert _download(client, appeal, plan).status_code == 404


def test_staff_of_the_organization_and_the_moderator_read_the_replies(client, world, case):
    appeal, plan, _secret = case
    for person in (world.executor, world.head, world.moderator):
        client.force_login(person)
        assert _download(client, appeal, plan).status_code == 200


def test_granting_the_same_again_changes_nothing_but_another_choice_is_refused(world, case):
    appeal, plan, secret = case
    request = materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk)
    for _ in range(2):
        materials.grant_materials(
            actor=world.executor,
            appeal_id=appeal.pk,
            request_id=request.pk,
            attachment_ids=[plan.pk],
        )
    assert appeal.events.filter(action=A.GRANT_MATERIALS).count() == 1
    with pytest.raises(AlreadyDone):
        materials.grant_materials(
            actor=world.head,
            appeal_id=appeal.pk,
            request_id=request.pk,
            attachment_ids=[plan.pk, secret.pk],
        )
    with pytest.raises(AlreadyDone):
        materials.refuse_materials(
            actor=world.head, appeal_id=appeal.pk, request_id=request.pk, reason="Тайна."
        )
    assert list(MaterialsRequest.objects.get(pk=request.pk).documents.all()) == [plan]


def test_a_refusal_needs_a_reason_and_reaches_the_citizen(world, case):
    appeal, _plan, _secret = case
    request = materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk)
    with pytest.raises(DomainError):
        materials.refuse_materials(
            actor=world.executor, appeal_id=appeal.pk, request_id=request.pk, reason="   "
        )
    reason = "Документы содержат персональные данные соседей."
    for _ in range(2):  # the same refusal twice: one decision
        materials.refuse_materials(
            actor=world.executor, appeal_id=appeal.pk, request_id=request.pk, reason=reason
        )
    event = appeal.events.get(action=A.REFUSE_MATERIALS)
    assert event.comment == reason and event.actor == world.executor and event.is_public
    notice = Notification.objects.get(
        recipient=world.citizen, template="materials_refused", channel="in_app"
    )
    assert notice.context["reason"] == reason
    # decided: the citizen may ask again, a new request
    again = materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk)
    assert again.pk != request.pk and again.is_open


def test_a_grant_names_documents_of_this_appeal_and_at_least_one(world, case):
    appeal, plan, _secret = case
    other = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    foreign = _reply_file(world, other, "other.pdf")
    request = materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk)
    for ids in ([], [foreign.pk], [plan.pk, 999_999]):
        with pytest.raises(DomainError):
            materials.grant_materials(
                actor=world.executor, appeal_id=appeal.pk, request_id=request.pk, attachment_ids=ids
            )
    with pytest.raises(DomainError):  # a request of another appeal
        other_request = materials.request_materials(citizen=world.citizen, appeal_id=other.pk)
        materials.grant_materials(
            actor=world.executor,
            appeal_id=appeal.pk,
            request_id=other_request.pk,
            attachment_ids=[plan.pk],
        )
    assert not appeal.events.filter(action=A.GRANT_MATERIALS).exists()


def test_the_citizens_own_files_and_the_answers_files_may_be_granted_too(world):
    appeal = world_appeal(world, S.ANSWERED, executor=world.executor)
    answer_file = Attachment.objects.create(
        appeal=appeal,
        answer=appeal.answers.get(),
        original_name="act.pdf",
        content_type="application/pdf",
        size=4,
        file="attachments/x",
    )
    request = materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk)
    granted = materials.grant_materials(
        actor=world.head,
        appeal_id=appeal.pk,
        request_id=request.pk,
        attachment_ids=[answer_file.pk],
    )
    assert list(granted.documents.all()) == [answer_file]


@pytest.mark.parametrize("status", [S.SUBMITTED, S.CLOSED, S.REJECTED])
def test_no_request_before_registration_or_after_closing(world, status):
    appeal = world_appeal(world, status, executor=world.executor)
    with pytest.raises(IllegalTransition):
        materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk)
    assert not MaterialsRequest.objects.filter(appeal=appeal).exists()


@pytest.mark.parametrize("status", [S.REGISTERED, S.CLARIFICATION, S.ANSWERED])
def test_a_request_from_registration_to_the_answer(world, status):
    appeal = world_appeal(world, status, executor=world.executor)
    materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.status == status


def test_a_request_asked_before_the_close_is_decided_after_it(world):
    appeal = world_appeal(world, S.CLOSED, executor=world.executor)
    request = MaterialsRequest.objects.create(appeal=appeal, citizen=world.citizen)
    refused = materials.refuse_materials(
        actor=world.executor, appeal_id=appeal.pk, request_id=request.pk, reason="Нет документов."
    )
    assert refused.decision == MaterialsRequest.Decision.REFUSED


def test_nobody_else_asks_or_decides(world, case, other_executor):
    appeal, plan, _secret = case
    with pytest.raises(NotAllowed):
        materials.request_materials(citizen=UserFactory(), appeal_id=appeal.pk)
    with pytest.raises(NotAllowed):  # staff may not ask on the citizen's behalf
        materials.request_materials(citizen=world.executor, appeal_id=appeal.pk)
    request = materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk)
    outsider_head = UserFactory()
    MembershipFactory(
        user=outsider_head, organization=world.other_organization, role=Membership.Role.HEAD
    )
    for person in (other_executor, outsider_head, world.moderator, world.citizen):
        with pytest.raises(NotAllowed):
            materials.grant_materials(
                actor=person, appeal_id=appeal.pk, request_id=request.pk, attachment_ids=[plan.pk]
            )
        with pytest.raises(NotAllowed):
            materials.refuse_materials(
                actor=person, appeal_id=appeal.pk, request_id=request.pk, reason="Нет."
            )
    assert MaterialsRequest.objects.get(pk=request.pk).is_open


def test_one_open_request_per_appeal_is_a_database_rule(world):
    from django.db import IntegrityError, transaction

    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    MaterialsRequest.objects.create(appeal=appeal, citizen=world.citizen)
    with pytest.raises(IntegrityError), transaction.atomic():
        MaterialsRequest.objects.create(appeal=appeal, citizen=world.citizen)


# --- views -------------------------------------------------------------------------------------


def test_the_citizen_asks_with_a_plain_form_and_sees_the_decision(client, world, case):
    appeal, plan, secret = case
    client.force_login(world.citizen)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "Ознакомиться с материалами дела" in page
    assert "plan.pdf" not in page and "neighbours.pdf" not in page
    response = client.post(
        reverse("appeals:request_materials", args=[appeal.number]), {"comment": "Акт осмотра"}
    )
    assert response.status_code == 302 and response.url == appeal.get_absolute_url()
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "рассматривается организацией" in page
    assert "гражданин попросил ознакомиться с материалами дела" in page  # the timeline
    assert "Ознакомиться с материалами дела</summary>" not in page  # one open request at a time
    request = MaterialsRequest.objects.get(appeal=appeal)
    materials.grant_materials(
        actor=world.executor, appeal_id=appeal.pk, request_id=request.pk, attachment_ids=[plan.pk]
    )
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert reverse("appeals:download", args=[appeal.number, plan.pk]) in page
    assert "plan.pdf" in page and "neighbours.pdf" not in page
    assert "ознакомление с материалами дела разрешено (1 документ)" in " ".join(page.split())


def test_a_too_long_comment_comes_back_translated_and_kept(client, world, case):
    appeal, _plan, _secret = case
    client.force_login(world.citizen)
    comment = "Прошу показать акт. " + "а" * 2000
    response = client.post(
        reverse("appeals:request_materials", args=[appeal.number]), {"comment": comment}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Убедитесь, что это значение содержит не более 2000 символов" in body
    assert "Прошу показать акт." in body
    assert not MaterialsRequest.objects.filter(appeal=appeal).exists()


def test_asking_on_a_closed_appeal_is_refused_on_the_page(client, world):
    appeal = world_appeal(world, S.CLOSED, executor=world.executor)
    client.force_login(world.citizen)
    assert (
        "Ознакомиться с материалами" not in client.get(appeal.get_absolute_url()).content.decode()
    )
    response = client.post(
        reverse("appeals:request_materials", args=[appeal.number]), {"comment": "Прошу"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Это действие недоступно для обращения в статусе «Закрыто»." in body
    assert "Прошу" in body


def test_staff_grant_and_refuse_with_plain_forms(client, world, case):
    appeal, plan, secret = case
    request = materials.request_materials(
        citizen=world.citizen, appeal_id=appeal.pk, comment="Акт осмотра"
    )
    client.force_login(world.executor)
    url = reverse("staff:appeal", args=[appeal.number])
    page = client.get(url).content.decode()
    assert "Акт осмотра" in page and "Документы, с которыми гражданин может ознакомиться" in page
    assert "plan.pdf — документ от «Росреестр»" in page
    grant_url = reverse("staff:grant_materials", args=[appeal.number, request.pk])
    refuse_url = reverse("staff:refuse_materials", args=[appeal.number, request.pk])
    response = client.post(grant_url, {})
    assert response.status_code == 400
    assert "Выберите хотя бы один документ" in response.content.decode()
    response = client.post(grant_url, {"documents": ["²"]})
    assert response.status_code == 400
    response = client.post(refuse_url, {"reason": ""})
    assert response.status_code == 400
    assert "Укажите, почему гражданину нельзя ознакомиться с материалами." in (
        response.content.decode()
    )
    response = client.post(refuse_url, {"reason": "x" * 2001})
    assert response.status_code == 400 and "x" * 2001 in response.content.decode()
    assert MaterialsRequest.objects.get(pk=request.pk).is_open
    response = client.post(grant_url, {"documents": [str(plan.pk)]})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Разрешено:" in page or "Разрешил" in page
    assert "Отказать" not in page  # decided: no more forms
    response = client.post(refuse_url, {"reason": "Поздно."})
    assert response.status_code == 400
    assert "Этот запрос уже решён" in response.content.decode()


def test_other_staff_and_citizens_get_404_on_the_materials_urls(
    client, world, case, other_executor
):
    appeal, plan, _secret = case
    request = materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk)
    client.force_login(other_executor)
    for name in ("staff:grant_materials", "staff:refuse_materials"):
        response = client.post(
            reverse(name, args=[appeal.number, request.pk]),
            {"documents": [str(plan.pk)], "reason": "x"},
        )
        assert response.status_code == 404, name
    client.force_login(UserFactory())
    response = client.post(reverse("appeals:request_materials", args=[appeal.number]))
    assert response.status_code == 404
    assert MaterialsRequest.objects.get(pk=request.pk).is_open


def test_an_image_granted_opens_with_its_thumbnail(client, world):
    from PIL import Image

    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    request = document_requests.send_document_request(
        actor=world.executor, appeal_id=appeal.pk, body_name="Росреестр", question="Схема"
    )
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 20, 30)).save(buffer, "JPEG")
    document_requests.record_document_reply(
        actor=world.executor,
        appeal_id=appeal.pk,
        document_request_id=request.pk,
        upload=SimpleUploadedFile("scheme.jpg", buffer.getvalue(), content_type="image/jpeg"),
    )
    photo = request.attachments.get()
    client.force_login(world.citizen)
    thumbnail = reverse("appeals:thumbnail", args=[appeal.number, photo.pk])
    assert client.get(thumbnail).status_code == 404
    asked = materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk)
    materials.grant_materials(
        actor=world.executor, appeal_id=appeal.pk, request_id=asked.pk, attachment_ids=[photo.pk]
    )
    assert client.get(thumbnail).status_code == 200
