import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals.models import AnswerTemplate, Appeal, Attachment, Event
from appeals.services import sweeps
from tests.appeals.factories import world_appeal
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status
KAM = ZoneInfo("Asia/Kamchatka")


def _appeal(world, status, **fields):
    return world_appeal(world, status, **fields)


def _numbers(response) -> set[str]:
    return set(re.findall(r"41-2026-\d{6}", response.content.decode()))


def test_queue_is_for_organization_staff(client, world):
    client.force_login(world.citizen)
    assert client.get(reverse("staff:home")).status_code == 403
    client.force_login(world.moderator)
    assert client.get(reverse("staff:home")).status_code == 403


def test_tabs_filter_the_queue(client, world):
    overdue = _appeal(world, S.IN_PROGRESS, due_at=timezone.now() - timedelta(days=2))
    soon = _appeal(world, S.REGISTERED, due_at=timezone.now() + timedelta(days=2))
    later = _appeal(world, S.REGISTERED, due_at=timezone.now() + timedelta(days=20))
    answered = _appeal(world, S.ANSWERED)
    sweeps.mark_overdue()
    sweeps.warn_due_soon()  # the overdue and due-soon tabs show the sweeps' stored marks
    client.force_login(world.executor)
    assert _numbers(client.get(reverse("staff:home"), {"tab": "overdue"})) == {overdue.number}
    assert _numbers(client.get(reverse("staff:home"), {"tab": "due_soon"})) == {soon.number}
    assert _numbers(client.get(reverse("staff:home"), {"tab": "new"})) == {
        soon.number,
        later.number,
    }
    assert _numbers(client.get(reverse("staff:home"), {"tab": "answered"})) == {answered.number}
    page = client.get(reverse("staff:home")).content.decode()
    assert "просрочено на 2 дня" in page
    assert (
        page.index(overdue.number) < page.index(soon.number) < page.index(later.number)
    )  # nearest deadline first


def test_full_text_search_in_russian(client, world):
    heating = _appeal(
        world, S.REGISTERED, text="В квартире нет отопления, батареи холодные третий день."
    )
    _appeal(world, S.REGISTERED, text="Во дворе не вывезли мусор с контейнерной площадки.")
    client.force_login(world.executor)
    assert _numbers(client.get(reverse("staff:home"), {"q": "отопление"})) == {
        heating.number
    }  # another word form
    assert _numbers(client.get(reverse("staff:home"), {"q": heating.number[-6:]})) == {
        heating.number
    }


def test_htmx_gets_only_the_table_and_the_url_keeps_the_filters(client, world):
    _appeal(world, S.REGISTERED)
    client.force_login(world.executor)
    response = client.get(reverse("staff:home"), {"tab": "new"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and 'id="appeal-table"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_queue_costs_the_same_for_5_or_30_rows(client, world):
    for _ in range(5):
        _appeal(world, S.REGISTERED)
    client.force_login(world.executor)
    client.get(reverse("staff:home"))  # fills the cached category list, as the first visitor does
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("staff:home"))
    for _ in range(25):
        _appeal(world, S.IN_PROGRESS)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("staff:home"))
    assert len(many) == len(few)


def test_head_sees_appeals_of_subordinate_organizations(client, world):
    school = OrganizationFactory(
        parent=world.organization, region=world.region, name="МБОУ «Средняя школа № 1»"
    )
    appeal = _appeal(world, S.REGISTERED, organization=school)
    client.force_login(world.head)
    assert appeal.number in _numbers(client.get(reverse("staff:home")))
    client.force_login(world.executor)
    assert appeal.number not in _numbers(client.get(reverse("staff:home")))


def test_another_organizations_appeal_is_a_404_on_the_page_and_actions(
    client, world, other_executor
):
    appeal = _appeal(world, S.REGISTERED)
    client.force_login(other_executor)
    assert client.get(reverse("staff:appeal", args=[appeal.number])).status_code == 404
    for name in ("take", "answer", "clarify", "note", "contacts"):
        assert (
            client.post(reverse(f"staff:{name}", args=[appeal.number]), {"text": "x"}).status_code
            == 404
        )


def test_appeal_page_shows_contacts_only_on_request_and_audits_it(client, world):
    appeal = _appeal(world, S.REGISTERED)
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert world.citizen.email not in page
    shown = client.post(reverse("staff:contacts", args=[appeal.number])).content.decode()
    assert world.citizen.email in shown
    event = Event.objects.get(appeal=appeal, action="view_contacts")
    assert event.actor == world.executor and not event.is_public


def test_executor_takes_and_answers(client, world):
    appeal = _appeal(world, S.REGISTERED)
    client.force_login(world.executor)
    client.post(reverse("staff:take", args=[appeal.number]))
    response = client.post(
        reverse("staff:answer", args=[appeal.number]),
        {"text": "Снег убран 12 декабря.", "outcome": "measures_taken"},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.ANSWERED
    assert appeal.answers.get().text == "Снег убран 12 декабря."


def test_a_refused_action_explains_why_and_keeps_what_was_typed(client, world):
    appeal = _appeal(world, S.IN_PROGRESS)
    client.force_login(world.executor)
    response = client.post(
        reverse("staff:extend", args=[appeal.number]),
        {"days": "10", "reason": "Нужна выездная проверка теплотрассы."},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "руководител" in page  # only the head may extend
    assert "Нужна выездная проверка теплотрассы." in page


def test_redirect_to_the_complained_organization_is_explained(client, world):
    appeal = _appeal(world, S.IN_PROGRESS, complained_organization=world.other_organization)
    client.force_login(world.executor)
    response = client.post(
        reverse("staff:redirect", args=[appeal.number]),
        {"organization": world.other_organization.pk, "reason": "Их дорога."},
    )
    assert response.status_code == 400
    assert (
        "жалоба" in response.content.decode().lower()
        or world.other_organization.name in response.content.decode()
    )
    appeal.refresh_from_db()
    assert appeal.organization == world.organization


def test_head_extends_the_deadline_from_the_page(client, world):
    appeal = _appeal(world, S.IN_PROGRESS)
    client.force_login(world.head)
    response = client.post(
        reverse("staff:extend", args=[appeal.number]), {"days": "15", "reason": "Экспертиза."}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.extension_days == 15


def test_answer_template_fills_its_placeholders(client, world):
    appeal = _appeal(world, S.IN_PROGRESS)
    template = AnswerTemplate.objects.create(
        organization=world.organization,
        title="Снег убран",
        text="Уважаемый(ая) {citizen_name}! По обращению № {number} снег убран.",
    )
    client.force_login(world.executor)
    page = client.get(
        reverse("staff:appeal", args=[appeal.number]), {"template": template.pk}
    ).content.decode()
    assert (
        f"Уважаемый(ая) {world.citizen.get_full_name()}! По обращению № {appeal.number} снег убран."
        in page
    )
    assert Event.objects.filter(
        appeal=appeal, action="view_contacts", actor=world.executor
    ).exists()


def test_appeal_page_stays_within_12_queries_however_long_its_history(client, world):
    from appeals import services

    appeal = _appeal(world, S.REGISTERED)
    services.take_appeal(executor=world.executor, appeal_id=appeal.pk)
    client.force_login(world.executor)
    client.get(reverse("staff:appeal", args=[appeal.number]))  # a warm process
    with CaptureQueriesContext(connection) as short:
        assert client.get(reverse("staff:appeal", args=[appeal.number])).status_code == 200
    for text in ("Позвонить в УК.", "УК не отвечает.", "Выезд назначен на пятницу."):
        services.add_note(actor=world.executor, appeal_id=appeal.pk, text=text)
    with CaptureQueriesContext(connection) as long:
        client.get(reverse("staff:appeal", args=[appeal.number]))
    assert len(long) == len(short)
    assert len(long) <= 12


def test_the_queue_opens_on_the_open_appeals(client, world):
    open_one = _appeal(world, S.IN_PROGRESS)
    closed = _appeal(world, S.CLOSED)
    client.force_login(world.executor)
    assert _numbers(client.get(reverse("staff:home"))) == {open_one.number}
    assert _numbers(client.get(reverse("staff:home"), {"tab": "all"})) == {
        open_one.number,
        closed.number,
    }


def test_the_timeline_does_not_name_the_citizen_before_the_audited_click(client, world):
    from appeals import services

    appeal = _appeal(world, S.CLARIFICATION)
    services.reply_to_clarification(citizen=world.citizen, appeal_id=appeal.pk, text="Подъезд 2.")
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "Подъезд 2." in page
    assert world.citizen.get_full_name() not in page and world.citizen.email not in page


# --- redirect: where the head lands ---------------------------------------------------------


def _follow_redirect(client, appeal, organization):
    return client.post(
        reverse("staff:redirect", args=[appeal.number]),
        {"organization": organization.pk, "reason": "Вопрос в компетенции другой организации."},
        follow=True,
    )


@pytest.mark.parametrize("subordinate", [False, True], ids=["other-organization", "subordinate"])
def test_after_a_redirect_the_head_lands_where_the_appeal_is_still_visible(
    client, world, subordinate
):
    target = (
        OrganizationFactory(
            parent=world.organization, region=world.region, name="МБОУ «Средняя школа № 1»"
        )
        if subordinate
        else world.other_organization
    )
    appeal = _appeal(world, S.IN_PROGRESS)
    client.force_login(world.head)
    response = _follow_redirect(client, appeal, target)
    assert response.status_code == 200
    (landing, _status) = response.redirect_chain[-1]
    page = response.content.decode()
    if subordinate:  # the head still oversees it: stays on its page
        assert landing == reverse("staff:appeal", args=[appeal.number])
    else:  # out of the head's organizations: its page would be a 404, so the queue
        assert landing == reverse("staff:home")
        assert "Оно больше не в вашей очереди." in page
    assert f"Обращение {appeal.number} направлено в «{target.name}»" in page.replace("&quot;", '"')
    appeal.refresh_from_db()
    assert appeal.organization == target


# --- the deadline line of the staff page ----------------------------------------------------


def test_after_the_answer_the_deadline_line_says_when_it_was_answered(client, world):
    due = datetime(2026, 12, 12, 23, 59, 59, tzinfo=KAM)
    appeal = _appeal(
        world, S.ANSWERED, due_at=due, answered_at=datetime(2026, 12, 10, 15, tzinfo=KAM)
    )
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    line = re.search(r'<dd id="deadline">(.*?)</dd>', page, re.S).group(1).strip()
    assert line == "12.12.2026 · ответ дан 10.12.2026"
    assert "(12.12.2026)" not in page


# --- the answer form keeps its good files ----------------------------------------------------


def _pdf(name="act.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")


def test_a_refused_file_keeps_the_good_one_and_is_explained_once(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    appeal = _appeal(world, S.IN_PROGRESS)
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    key = re.search(r'name="draft_key" value="([0-9a-f-]{36})"', page).group(1)
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>")
    response = client.post(
        reverse("staff:answer", args=[appeal.number]),
        {
            "text": "Снег убран, акт во вложении.",
            "outcome": "measures_taken",
            "draft_key": key,
            "files": [_pdf(), fake],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    refusal = "Файл «photo.jpg» не является файлом JPEG, PNG или PDF."
    assert page.count(refusal) == 1  # once, and at the file field
    assert page.index('for="answer_files"') < page.index(refusal) < page.index('id="answer_files"')
    assert "act.pdf" in page and "Снег убран, акт во вложении." in page  # nothing lost
    assert f'name="draft_key" value="{key}"' in page
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS

    # Sent again without re-uploading: the kept PDF goes with the answer.
    response = client.post(
        reverse("staff:answer", args=[appeal.number]),
        {"text": "Снег убран, акт во вложении.", "outcome": "measures_taken", "draft_key": key},
    )
    assert response.status_code == 302
    answer = appeal.answers.get()
    assert [file.original_name for file in answer.attachments.all()] == ["act.pdf"]
    assert answer.attachments.get().appeal_id == appeal.pk


def test_a_kept_file_can_be_removed_before_sending(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    appeal = _appeal(world, S.IN_PROGRESS)
    client.force_login(world.executor)
    key = "6f1c1f3e-3f4a-4a53-9a65-0b7c2b0b1d11"
    client.post(
        reverse("staff:answer", args=[appeal.number]),
        {"text": "", "draft_key": key, "files": _pdf()},
    )
    draft = Attachment.objects.get(draft_key=key)
    response = client.post(
        reverse("staff:answer", args=[appeal.number]),
        {
            "text": "Снег убран.",
            "outcome": "measures_taken",
            "draft_key": key,
            "remove_draft": [str(draft.pk), "9" * 30, "²"],
        },
    )
    assert response.status_code == 302
    assert not appeal.answers.get().attachments.exists()
    assert not Attachment.objects.filter(pk=draft.pk).exists()


def test_queue_reads_its_select_options_in_one_round_trip_each(client, world):
    _appeal(world, S.REGISTERED)
    client.force_login(world.executor)
    client.get(reverse("staff:home"))
    with CaptureQueriesContext(connection) as page:
        html = client.get(reverse("staff:home")).content.decode()
    # Django's ModelChoiceField reads options through a server-side cursor (DECLARE, FETCH, CLOSE).
    assert not [q for q in page.captured_queries if q["sql"].lstrip().startswith("DECLARE")]
    assert world.municipality.name in html and 'name="executor"' in html
