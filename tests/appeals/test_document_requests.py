"""Requests for documents from other bodies during the review (59-FZ art. 10 p. 2): each with its
own term (DOCUMENT_REQUEST_DAYS calendar days in the region's zone), in both timelines, overdue
on the staff page when the reply does not come."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appeals.models import Appeal, Attachment, DocumentRequest, Event
from appeals.services import document_requests
from appeals.services.sweeps import purge_abandoned_drafts
from appeals.workflow import IllegalTransition
from core.errors import AlreadyDone, DomainError, NotAllowed
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status
A = Event.Action
KAM = ZoneInfo("Asia/Kamchatka")
QUESTION = "Акт обследования дома 12 по ул. Ленинской и схема инженерных сетей."


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _send(world, appeal, *, actor=None, body="Государственная жилищная инспекция", **kwargs):
    return document_requests.send_document_request(
        actor=actor or world.executor,
        appeal_id=appeal.pk,
        body_name=body,
        question=kwargs.pop("question", QUESTION),
        **kwargs,
    )


def _text(page: str) -> str:
    """The page with its whitespace collapsed, as a reader sees it."""
    return " ".join(page.split())


def _pdf(name="reply.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


# --- the term ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "due_day"),
    [
        # a year end: 15 calendar days run into January, holidays not skipped
        (datetime(2027, 12, 20, 10, 0, tzinfo=KAM), datetime(2028, 1, 4)),
        # a leap year: 29 February counts
        (datetime(2028, 2, 20, 10, 0, tzinfo=KAM), datetime(2028, 3, 6)),
        # not a leap year: one day later
        (datetime(2027, 2, 20, 10, 0, tzinfo=KAM), datetime(2027, 3, 7)),
        # 13:30 UTC on 14 February is already the 15th in Kamchatka (UTC+12): day 0 is the 15th
        (datetime(2028, 2, 14, 13, 30, tzinfo=ZoneInfo("UTC")), datetime(2028, 3, 1)),
    ],
)
def test_the_term_is_15_calendar_days_in_the_regions_zone(world, time_machine, sent, due_day):
    time_machine.move_to(sent, tick=False)
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    request = _send(world, appeal)
    local_due = request.due_at.astimezone(KAM)
    assert local_due.date() == due_day.date()
    assert (local_due.hour, local_due.minute) == (23, 59)  # the end of the last day
    event = appeal.events.get(action=A.SEND_DOCUMENT_REQUEST)
    assert event.data["due"] == due_day.strftime("%d.%m.%Y")
    time_machine.move_to(local_due - timedelta(seconds=1), tick=False)
    assert not DocumentRequest.objects.get(pk=request.pk).is_overdue
    time_machine.move_to(local_due + timedelta(seconds=1), tick=False)
    assert DocumentRequest.objects.get(pk=request.pk).is_overdue


def test_the_term_is_a_setting(world, settings, time_machine):
    settings.DOCUMENT_REQUEST_DAYS = 5
    time_machine.move_to(datetime(2027, 12, 30, 9, 0, tzinfo=KAM), tick=False)
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    assert _send(world, appeal).due_at.astimezone(KAM).date() == datetime(2028, 1, 4).date()


# --- services ----------------------------------------------------------------------------------


def test_a_request_is_recorded_with_its_event_and_kept_once(world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    request = _send(world, appeal, body="  Государственная жилищная инспекция ")
    assert request.body_name == "Государственная жилищная инспекция"
    assert request.sent_by == world.executor and not request.is_answered
    event = appeal.events.get(action=A.SEND_DOCUMENT_REQUEST)
    assert event.actor == world.executor and event.is_public and event.comment == ""
    assert event.data["body"] == "Государственная жилищная инспекция"
    assert event.data["request"] == request.pk
    assert QUESTION not in str(event.data)  # the request's text stays internal
    again = _send(world, appeal)  # a double click
    assert again.pk == request.pk
    other = _send(world, appeal, question="Сведения о собственниках.")
    assert other.pk != request.pk
    assert appeal.events.filter(action=A.SEND_DOCUMENT_REQUEST).count() == 2
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS


def test_a_body_of_the_platform_may_name_the_request(world):
    appeal = world_appeal(world, S.REGISTERED, executor=world.executor)
    request = _send(world, appeal, body="", organization=world.other_organization)
    assert request.body_name == world.other_organization.name
    assert request.organization == world.other_organization
    with pytest.raises(DomainError):  # not the appeal's own organization
        _send(world, appeal, body="", organization=world.organization, question="Иное.")
    with pytest.raises(DomainError):
        _send(world, appeal, body="  ")
    with pytest.raises(DomainError):
        _send(world, appeal, question=" ")


@pytest.mark.parametrize("status", [S.SUBMITTED, S.ANSWERED, S.CLOSED, S.REJECTED])
def test_no_request_outside_the_review(world, status):
    appeal = world_appeal(world, status, executor=world.executor)
    with pytest.raises((IllegalTransition, NotAllowed)):
        _send(world, appeal)
    assert not DocumentRequest.objects.filter(appeal=appeal).exists()


def test_the_reply_is_recorded_with_its_file_apart_from_the_appeals_files(world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    request = _send(world, appeal)
    replied = document_requests.record_document_reply(
        actor=world.head,
        appeal_id=appeal.pk,
        document_request_id=request.pk,
        text="Акт получен, 3 листа.",
        upload=_pdf(),
    )
    assert replied.is_answered and not replied.is_overdue
    assert replied.reply_recorded_by == world.head and replied.reply_text == "Акт получен, 3 листа."
    file = replied.attachments.get()
    assert file.appeal_id is None and file.uploaded_by == world.head
    assert not appeal.attachments.exists()  # not among the appeal's own files
    event = appeal.events.get(action=A.RECEIVE_DOCUMENT_REPLY)
    assert event.data == {
        "request": request.pk,
        "body": "Государственная жилищная инспекция",
        "files": 1,
    }
    assert event.comment == "" and event.is_public
    # the same person again: nothing more; someone else: already done
    document_requests.record_document_reply(
        actor=world.head, appeal_id=appeal.pk, document_request_id=request.pk, text="Ещё раз"
    )
    assert appeal.events.filter(action=A.RECEIVE_DOCUMENT_REPLY).count() == 1
    with pytest.raises(AlreadyDone):
        document_requests.record_document_reply(
            actor=world.executor, appeal_id=appeal.pk, document_request_id=request.pk, text="Ещё"
        )
    assert replied.attachments.count() == 1


def test_a_late_reply_is_recorded_after_the_answer_too(world):
    appeal = world_appeal(world, S.ANSWERED, executor=world.executor)
    request = DocumentRequest.objects.create(
        appeal=appeal,
        body_name="Росреестр",
        question=QUESTION,
        due_at=appeal.answered_at + timedelta(days=15),
        sent_at=appeal.answered_at - timedelta(days=1),
    )
    document_requests.record_document_reply(
        actor=world.executor, appeal_id=appeal.pk, document_request_id=request.pk, text="Выписка"
    )
    assert DocumentRequest.objects.get(pk=request.pk).is_answered


@pytest.mark.parametrize("status", [S.SUBMITTED, S.REJECTED])
def test_no_reply_on_an_appeal_never_registered(world, status):
    appeal = world_appeal(world, status)
    request = DocumentRequest.objects.create(
        appeal=appeal,
        body_name="Росреестр",
        question=QUESTION,
        due_at=appeal.submitted_at + timedelta(days=15),
        sent_at=appeal.submitted_at,
    )
    with pytest.raises((IllegalTransition, NotAllowed)):
        document_requests.record_document_reply(
            actor=world.executor, appeal_id=appeal.pk, document_request_id=request.pk, text="x"
        )


def test_a_reply_needs_a_text_or_a_file_and_a_request_of_this_appeal(world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    other = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    foreign = _send(world, other)
    request = _send(world, appeal)
    with pytest.raises(DomainError):
        document_requests.record_document_reply(
            actor=world.executor, appeal_id=appeal.pk, document_request_id=request.pk, text=" "
        )
    with pytest.raises(DomainError):
        document_requests.record_document_reply(
            actor=world.executor, appeal_id=appeal.pk, document_request_id=foreign.pk, text="Акт"
        )
    assert not DocumentRequest.objects.get(pk=foreign.pk).is_answered


def test_other_organizations_staff_and_citizens_are_refused(world, other_executor):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    for person in (other_executor, world.citizen, world.moderator, UserFactory()):
        with pytest.raises(NotAllowed):
            _send(world, appeal, actor=person)
    request = _send(world, appeal)
    for person in (other_executor, world.citizen, world.moderator):
        with pytest.raises(NotAllowed):
            document_requests.record_document_reply(
                actor=person, appeal_id=appeal.pk, document_request_id=request.pk, text="Акт"
            )
    assert not DocumentRequest.objects.get(pk=request.pk).is_answered


def test_the_drafts_sweep_keeps_the_replies_files(world, time_machine):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    request = _send(world, appeal)
    document_requests.record_document_reply(
        actor=world.executor, appeal_id=appeal.pk, document_request_id=request.pk, upload=_pdf()
    )
    time_machine.move_to(datetime.now(tz=KAM) + timedelta(days=30), tick=False)
    purge_abandoned_drafts()
    assert Attachment.objects.filter(document_request=request).exists()


# --- views -------------------------------------------------------------------------------------


def test_the_executor_records_a_request_and_both_timelines_show_it(client, world, time_machine):
    time_machine.move_to(datetime(2027, 12, 20, 10, 0, tzinfo=KAM), tick=False)
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    client.force_login(world.executor)
    url = reverse("staff:appeal", args=[appeal.number])
    assert "Запросить документы в другом органе" in client.get(url).content.decode()
    response = client.post(
        reverse("staff:send_document_request", args=[appeal.number]),
        {"body_name": "Государственная жилищная инспекция", "question": QUESTION},
    )
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    assert "направлен 20.12.2027, срок ответа — до 04.01.2028" in page
    assert QUESTION in page and "ждём ответа" in page
    assert "запрошены документы в другом органе («Государственная жилищная инспекция»" in _text(
        page
    )

    client.force_login(world.citizen)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert (
        "запрошены документы в другом органе («Государственная жилищная инспекция», "
        "срок ответа — до 04.01.2028)" in _text(page)
    )
    assert QUESTION not in page  # internal


def test_a_request_past_its_term_is_marked_overdue_until_the_reply(client, world, time_machine):
    time_machine.move_to(datetime(2028, 2, 20, 10, 0, tzinfo=KAM), tick=False)
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    request = _send(world, appeal)
    client.force_login(world.executor)
    url = reverse("staff:appeal", args=[appeal.number])
    time_machine.move_to(datetime(2028, 3, 6, 23, 0, tzinfo=KAM), tick=False)
    assert "просрочен" not in client.get(url).content.decode()
    time_machine.move_to(datetime(2028, 3, 7, 0, 1, tzinfo=KAM), tick=False)
    assert "просрочен: ответа в срок нет" in client.get(url).content.decode()
    response = client.post(
        reverse("staff:record_document_reply", args=[appeal.number, request.pk]),
        {"text": "Акт получен.", "file": _pdf("act.pdf")},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "просрочен" not in page and "ответ получен 07.03.2028" in page
    file = Attachment.objects.get(document_request=request)
    assert reverse("appeals:download", args=[appeal.number, file.pk]) in page
    assert client.get(reverse("appeals:download", args=[appeal.number, file.pk])).status_code == 200
    client.force_login(world.citizen)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "получены документы от другого органа («Государственная жилищная инспекция»)" in _text(
        page
    )
    assert "act.pdf" not in page and "Акт получен." not in page
    assert client.get(reverse("appeals:download", args=[appeal.number, file.pk])).status_code == 404


def test_bad_input_comes_back_translated_with_everything_kept(client, world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    client.force_login(world.executor)
    url = reverse("staff:send_document_request", args=[appeal.number])
    response = client.post(url, {"body_name": "", "question": QUESTION})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Укажите орган, в котором запрошены документы." in body and QUESTION in body
    response = client.post(
        url, {"body_name": "Росреестр", "organization_inn": "12345", "question": QUESTION}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "ИНН — это 10 или 12 цифр." in body and "Росреестр" in body and QUESTION in body
    response = client.post(url, {"organization_inn": "4101000000", "question": QUESTION})
    assert response.status_code == 400
    assert "На платформе нет организации региона с таким ИНН." in response.content.decode()
    response = client.post(url, {"body_name": "Росреестр", "question": ""})
    assert response.status_code == 400
    assert "Укажите, какие документы запрошены." in response.content.decode()
    assert not DocumentRequest.objects.filter(appeal=appeal).exists()

    request = _send(world, appeal)
    reply_url = reverse("staff:record_document_reply", args=[appeal.number, request.pk])
    response = client.post(reply_url, {"text": ""})
    assert response.status_code == 400
    assert "Опишите полученный ответ или приложите его файл." in response.content.decode()
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(reply_url, {"text": "Ответ с файлом", "file": bad})
    assert response.status_code == 400
    assert "Ответ с файлом" in response.content.decode()
    assert not DocumentRequest.objects.get(pk=request.pk).is_answered


def test_a_request_named_by_inn_links_the_organization(client, world):
    body = OrganizationFactory(region=world.region, name="Инспекция ГЖН края", inn="4101123459")
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    client.force_login(world.executor)
    response = client.post(
        reverse("staff:send_document_request", args=[appeal.number]),
        {"organization_inn": body.inn, "question": QUESTION},
    )
    assert response.status_code == 302, response.content.decode()
    request = DocumentRequest.objects.get(appeal=appeal)
    assert request.organization == body and request.body_name == "Инспекция ГЖН края"


def test_other_staff_and_citizens_get_404(client, world, other_executor):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    request = _send(world, appeal)
    for person in (other_executor, world.citizen):
        client.force_login(person)
        for url in (
            reverse("staff:send_document_request", args=[appeal.number]),
            reverse("staff:record_document_reply", args=[appeal.number, request.pk]),
        ):
            response = client.post(url, {"body_name": "Росреестр", "question": "x", "text": "x"})
            assert response.status_code in (403, 404), (person, url)
    assert DocumentRequest.objects.filter(appeal=appeal).count() == 1


def test_the_staff_page_costs_the_same_with_one_or_many_requests(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from appeals.services import materials

    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    materials.request_materials(citizen=world.citizen, appeal_id=appeal.pk)

    def reply(index):
        request = _send(world, appeal, question=f"Документ № {index}")
        document_requests.record_document_reply(
            actor=world.executor,
            appeal_id=appeal.pk,
            document_request_id=request.pk,
            upload=_pdf(f"{index}.pdf"),
        )

    reply(0)
    client.force_login(world.executor)
    url = reverse("staff:appeal", args=[appeal.number])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for index in range(1, 5):
        reply(index)
    with CaptureQueriesContext(connection) as five:
        page = client.get(url).content.decode()
    assert "4.pdf — документ от «Государственная жилищная инспекция»" in page
    assert len(five.captured_queries) == len(one.captured_queries)
