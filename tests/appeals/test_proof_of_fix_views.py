"""Proof of fix through the pages: the staff answer form, the citizen's confirm and «Не решено»,
and «Вы сказали — мы сделали» (/done/) with its photos, public problems only."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals import attachments, services
from appeals.models import Answer, Appeal, Event
from appeals.services import fixes
from tests.appeals.corpus import pdf, png_with_text
from tests.appeals.factories import world_appeal

pytestmark = pytest.mark.django_db
S = Appeal.Status
NOW = datetime(2026, 12, 9, 22, 0, tzinfo=UTC)  # 10 December, 10:00 in Kamchatka


@pytest.fixture
def works(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world.category.requires_work_on_site = True
    world.category.save()
    return world


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _answered_done(world, *, public=False, text="Яма заделана."):
    appeal = world_appeal(world, S.IN_PROGRESS, is_public=public)
    if public:
        attachments.store_attachment(
            upload=png_with_text("before.png"), uploaded_by=world.citizen, appeal=appeal
        )
    services.answer_appeal(
        actor=world.executor,
        appeal_id=appeal.pk,
        text=text,
        uploads=[png_with_text("after.png")],
        work_status="done",
    )
    return Appeal.objects.get(pk=appeal.pk)


def test_the_answer_form_explains_what_is_missing_and_keeps_the_text(client, works, frozen):
    appeal = world_appeal(works, S.IN_PROGRESS)
    client.force_login(works.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number]))
    assert "Работы на месте" in page.content.decode()
    url = reverse("staff:answer", args=[appeal.number])
    response = client.post(
        url, {"text": "Ремонт запланирован.", "outcome": "measures_taken", "work_status": "planned"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ремонт запланирован." in body
    assert "Укажите дату, на которую запланированы работы." in body
    response = client.post(
        url, {"text": "Сделано.", "outcome": "measures_taken", "work_status": "done"}
    )
    assert response.status_code == 400
    assert "Приложите фото или акт выполненных работ" in response.content.decode()
    assert not Answer.objects.filter(appeal=appeal).exists()

    response = client.post(
        url,
        {
            "text": "Сделано.",
            "outcome": "measures_taken",
            "work_status": "done",
            "files": pdf("act.pdf"),
        },
    )
    assert response.status_code == 302
    answer = Answer.objects.get(appeal=appeal)
    assert answer.work_status == "done"
    assert answer.attachments.count() == 1


def test_the_citizen_confirms_the_work_from_the_appeal_page(client, works, frozen):
    appeal = _answered_done(works)
    client.force_login(works.citizen)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "Работы выполнены?" in page
    assert "Подтверждаю, работы выполнены" in page
    response = client.post(reverse("appeals:confirm_fix", args=[appeal.number]))
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "Подтверждаю, работы выполнены" not in page
    assert "подтверждено заявителем" in page
    assert "заявитель подтвердил выполнение работ" in page  # the timeline


def test_not_solved_needs_a_comment_keeps_it_and_then_reopens(client, works, frozen):
    appeal = _answered_done(works)
    client.force_login(works.citizen)
    url = reverse("appeals:refute_fix", args=[appeal.number])
    response = client.post(url, {"comment": "Нет"})
    assert response.status_code == 400
    assert 'id="id_refute_comment"' in response.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).status == S.ANSWERED

    response = client.post(
        url, {"comment": "Яма на месте, ничего не сделано.", "files": png_with_text("now.png")}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "Яма на месте, ничего не сделано." in page  # the timeline shows the comment
    assert "возвращено на повторное рассмотрение" in page


def test_another_person_cannot_refute(client, works, frozen, other_executor):
    appeal = _answered_done(works)
    client.force_login(other_executor)
    response = client.post(
        reverse("appeals:refute_fix", args=[appeal.number]), {"comment": "Ничего не сделано!"}
    )
    assert response.status_code == 404
    assert not Event.objects.filter(appeal=appeal, action=Event.Action.REFUTE_FIX).exists()


def test_done_page_shows_a_public_fixed_problem_with_its_photos_and_not_a_private_one(
    client, works, frozen
):
    public = _answered_done(works, public=True)
    private = _answered_done(works, public=False)
    unconfirmed = _answered_done(works, public=True)
    for appeal in (public, private):
        fixes.confirm_fix(citizen=works.citizen, appeal_id=appeal.pk)
    response = client.get(reverse("done"))
    assert response.status_code == 200
    body = response.content.decode()
    assert public.number in body
    assert private.number not in body
    assert unconfirmed.number not in body
    assert works.citizen.last_name not in body
    before = public.attachments.get(answer__isnull=True)
    after = public.attachments.get(answer__isnull=False)
    assert reverse("problems:photo_thumbnail", args=[public.number, before.pk]) in body
    assert reverse("done_photo_thumbnail", args=[public.number, after.pk]) in body
    assert client.get(reverse("done_photo", args=[public.number, after.pk])).status_code == 200
    private_after = private.attachments.get(answer__isnull=False)
    assert (
        client.get(reverse("done_photo", args=[private.number, private_after.pk])).status_code
        == 404
    )
    # A proof photo is served only under its own problem's number
    assert client.get(reverse("done_photo", args=[unconfirmed.number, after.pk])).status_code == 404

    # Last month's page does not list it; a bad month is explained, not a 5xx
    assert public.number not in client.get(reverse("done"), {"month": "2026-11"}).content.decode()
    assert client.get(reverse("done"), {"month": "ноябрь"}).status_code == 400


def test_done_page_lists_a_problem_closed_as_solved_by_its_rating(client, works, frozen):
    appeal = _answered_done(works, public=True)
    services.rate_appeal(citizen=works.citizen, appeal_id=appeal.pk, score=5, solved=True)
    assert appeal.number in client.get(reverse("done")).content.decode()


def test_done_page_queries_do_not_grow_with_the_problems(client, works, frozen):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("done")).status_code == 200
        return len(queries)

    fixes.confirm_fix(citizen=works.citizen, appeal_id=_answered_done(works, public=True).pk)
    count()  # the first request of a test warms what later ones take from the cache
    one = count()
    for _ in range(3):
        fixes.confirm_fix(citizen=works.citizen, appeal_id=_answered_done(works, public=True).pk)
    assert count() == one


def test_staff_report_planned_work_done_on_the_appeal_page(client, works, frozen):
    appeal = world_appeal(works, S.IN_PROGRESS)
    services.answer_appeal(
        actor=works.executor,
        appeal_id=appeal.pk,
        text="Ремонт запланирован.",
        work_status="planned",
        planned_on=datetime(2026, 12, 20).date(),
    )
    client.force_login(works.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "Сообщить о выполнении работ" in page
    url = reverse("staff:report_work_done", args=[appeal.number])
    refused = client.post(url, {"comment": "Сделано досрочно."})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Приложите фото или акт выполненных работ" in body
    assert "Сделано досрочно." in body  # what was typed is kept
    response = client.post(url, {"comment": "Сделано досрочно.", "files": [pdf("act.pdf")]})
    assert response.status_code == 302
    assert Answer.objects.get(appeal=appeal).work_status == "done"
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "Сообщить о выполнении работ" not in page
    client.force_login(works.citizen)
    citizen_page = client.get(reverse("appeals:detail", args=[appeal.number])).content.decode()
    assert "Подтверждаю, работы выполнены" in citizen_page
