import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals import exports
from appeals.models import Answer, Appeal, Rating
from appeals.selectors.overview import overview
from appeals.services import sweeps
from core.exports import ExcelRu
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status
KAM = ZoneInfo("Asia/Kamchatka")
NOW = datetime(2026, 12, 15, 12, 0, tzinfo=KAM)


def _appeal(world, status, **fields):
    return world_appeal(world, status, **{"executor": None, **fields})


def _answered(world, *, at, due, score=None, solved=True, rated_at=None, **fields):
    """An answered appeal whose answer (and, if given, rating) carry the given times."""
    appeal = _appeal(
        world, S.ANSWERED, executor=world.executor, answered_at=at, due_at=due, **fields
    )
    answer = Answer.objects.get(appeal=appeal)
    Answer.objects.filter(pk=answer.pk).update(created_at=at)
    if score is not None:
        Rating.objects.create(
            appeal=appeal, answer=answer, score=score, solved=solved, created_at=rated_at or at
        )
    return appeal


def _person(organization, role, last_name):
    user = UserFactory(last_name=last_name, first_name="Ирина", patronymic="")
    MembershipFactory(user=user, organization=organization, role=role)
    return user


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def data(world, now, other_executor):
    """A small organization with a subordinate school, and noise in another organization."""
    day = timedelta(days=1)
    school = OrganizationFactory(
        parent=world.organization, region=world.region, name="МБОУ «Школа № 1»"
    )
    teacher = _person(school, Membership.Role.EXECUTOR, "Учителева")
    former = UserFactory(
        last_name="Ушедшая", first_name="Вера", patronymic=""
    )  # no membership any more
    appeals = {
        "overdue_mine": _appeal(
            world, S.IN_PROGRESS, executor=world.executor, due_at=now - 2 * day
        ),
        "soon_unassigned": _appeal(world, S.REGISTERED, due_at=now + 3 * day),
        "overdue_unassigned": _appeal(world, S.REGISTERED, due_at=now - timedelta(hours=1)),
        "waiting_mine": _appeal(
            world, S.CLARIFICATION, executor=world.executor, due_at=now + 20 * day
        ),
        "week_head": _appeal(world, S.IN_PROGRESS, executor=world.head, due_at=now + 6 * day),
        "eight_days": _appeal(world, S.IN_PROGRESS, executor=former, due_at=now + 8 * day),
        "school_overdue": _appeal(world, S.REGISTERED, organization=school, due_at=now - day),
        # answered this month: two on time (one at 00:30 on 1 December in Kamchatka), one late
        "on_time": _answered(world, at=now - 2 * day, due=now + 5 * day, score=5, solved=True),
        "late": _answered(world, at=now - day, due=now - 3 * day, score=2, solved=False),
        "first_of_month": _answered(
            world,
            at=datetime(2026, 12, 1, 0, 30, tzinfo=KAM),
            due=now + 10 * day,
            score=4,
            solved=True,
        ),
        # last month in Kamchatka (though 1 December somewhere west): not counted, nor its rating
        "last_month": _answered(
            world, at=datetime(2026, 11, 30, 23, 30, tzinfo=KAM), due=now, score=1, solved=False
        ),
    }
    # another organization: counted nowhere
    _appeal(
        world,
        S.IN_PROGRESS,
        organization=world.other_organization,
        executor=other_executor,
        due_at=now - day,
    )
    _answered(
        world,
        organization=world.other_organization,
        at=now - day,
        due=now + day,
        score=1,
        solved=False,
    )
    return {"appeals": appeals, "teacher": teacher, "former": former, "school": school}


def test_figures_are_the_hand_counted_ones(world, data):
    figures = overview(user=world.head)
    assert (figures["open"], figures["overdue"], figures["due_this_week"]) == (7, 3, 2)
    assert (figures["answered"], figures["answered_on_time"], figures["on_time_percent"]) == (
        3,
        2,
        67,
    )
    assert (figures["rated"], figures["average_rating"]) == (3, 3.7)  # (5 + 2 + 4) / 3
    assert (figures["solved"], figures["solved_percent"]) == (2, 67)
    assert figures["month"] == datetime(2026, 12, 1).date()
    load = {row["executor_id"]: (row["open"], row["overdue"]) for row in figures["workload"]}
    assert load == {
        world.executor.pk: (2, 1),
        world.head.pk: (1, 0),
        data["teacher"].pk: (0, 0),  # an executor with nothing to do is listed too
        data["former"].pk: (1, 0),  # still holds an appeal after leaving
    }
    assert figures["unassigned"] == {"open": 3, "overdue": 2}


def test_overview_page_links_every_figure_into_the_queue(client, world, data):
    client.force_login(world.head)
    response = client.get(reverse("staff:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    queue = reverse("staff:home")
    assert f'<a href="{queue}">7</a>' in page
    assert f'<a href="{queue}?tab=overdue">3</a>' in page
    assert f'<a href="{queue}?tab=due_soon">2</a>' in page
    assert f'<a href="{queue}?tab=answered">2</a>' in page
    assert f'<a href="{queue}?executor={world.executor.pk}">2</a>' in page
    assert f'<a href="{queue}?tab=overdue&amp;executor={world.executor.pk}">1</a>' in page
    assert f'<a href="{queue}?executor={data["teacher"].pk}">0</a>' in page
    assert '<dl class="figures">' in page and "<caption>" in page and '<th scope="row">' in page
    assert "3,7" in page  # the Russian decimal comma
    assert "67%" in page
    assert world.citizen.email not in page and world.citizen.last_name not in page


def test_executor_linked_from_the_overview_is_a_valid_queue_filter(client, world, data):
    client.force_login(world.head)
    page = client.get(reverse("staff:home"), {"executor": data["teacher"].pk}).content.decode()
    assert data["appeals"]["overdue_mine"].number not in page  # the filter applied, not ignored


def test_overview_and_bulk_assign_are_for_heads_only(client, world):
    appeal = _appeal(world, S.REGISTERED)
    for person in (world.executor, world.citizen, world.moderator):
        client.force_login(person)
        assert client.get(reverse("staff:overview")).status_code == 403
        response = client.post(
            reverse("staff:bulk_assign"), {"appeal": [appeal.pk], "executor": world.executor.pk}
        )
        assert response.status_code == 403
    appeal.refresh_from_db()
    assert appeal.executor is None
    client.logout()
    assert client.get(reverse("staff:overview")).status_code == 302


def _message(response) -> tuple[str, str]:
    (message,) = list(get_messages(response.wsgi_request))
    return message.level_tag, str(message)


def test_bulk_assign_assigns_in_scope_ignores_others_and_reports_refusals(
    client, world, other_executor
):
    school = OrganizationFactory(parent=world.organization, region=world.region)
    first = _appeal(world, S.REGISTERED)
    second = _appeal(world, S.IN_PROGRESS, executor=world.head)
    third = _appeal(world, S.REGISTERED)
    foreign = _appeal(world, S.REGISTERED, organization=world.other_organization)
    answered = _appeal(world, S.ANSWERED, executor=world.head)  # refused: not in a state to assign
    at_school = _appeal(world, S.REGISTERED, organization=school)  # not selected
    client.force_login(world.head)
    response = client.post(
        reverse("staff:bulk_assign"),
        {
            "appeal": [
                str(first.pk),
                second.number,
                third.number,
                str(foreign.pk),
                foreign.number,
                answered.number,
            ],
            "executor": world.executor.pk,
            "next": "/staff/?tab=new",
        },
    )
    assert response.status_code == 302 and response.url == "/staff/?tab=new"
    for appeal in (first, second, third, foreign, answered, at_school):
        appeal.refresh_from_db()
    assert first.executor == world.executor and first.status == S.IN_PROGRESS
    assert second.executor == third.executor == world.executor
    assert foreign.executor is None and foreign.status == S.REGISTERED  # never touched
    assert answered.executor == world.head and at_school.executor is None
    level, text = _message(response)
    assert level == "warning"
    assert sorted(re.findall(r"(?<![\w-])\d+(?![\w-])", text)) == [
        "1",
        "3",
    ]  # 3 assigned, 1 refused
    assert answered.number in text and at_school.number not in text
    assert foreign.number not in text and first.number not in text


def test_bulk_assign_all_accepted_is_a_success_and_unsafe_next_goes_to_the_queue(client, world):
    appeal = _appeal(world, S.REGISTERED)
    client.force_login(world.head)
    response = client.post(
        reverse("staff:bulk_assign"),
        {
            "appeal": [appeal.pk],
            "executor": world.executor.pk,
            "next": "https://evil.example/staff/",
        },
    )
    assert response.status_code == 302 and response.url == reverse("staff:home")
    assert _message(response)[0] == "success"
    appeal.refresh_from_db()
    assert appeal.executor == world.executor


def test_bulk_assign_refuses_an_executor_from_outside_the_scope(client, world, other_executor):
    appeal = _appeal(world, S.REGISTERED)
    client.force_login(world.head)
    response = client.post(
        reverse("staff:bulk_assign"), {"appeal": [appeal.pk], "executor": other_executor.pk}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("Этому сотруднику нельзя назначить все выбранные обращения") == 1
    assert f'value="{other_executor.pk}"' not in page
    appeal.refresh_from_db()
    assert appeal.executor is None


def _options(page: str) -> dict[str, bool]:
    """The executor select's options: value → selected."""
    select = re.search(r'<select name="executor".*?</select>', page, re.S).group(0)
    return {
        value: "selected" in attrs
        for value, attrs in re.findall(r'<option value="([^"]*)"([^>]*)>', select)
    }


def test_the_queue_asks_for_no_executor_before_the_appeals_are_chosen(client, world):
    _appeal(world, S.REGISTERED)
    client.force_login(world.head)
    page = client.get(reverse("staff:home")).content.decode()
    bulk = page[page.index('id="bulk-assign"') :]
    assert 'name="executor"' not in bulk[: bulk.index("</form>")]  # no default that can fail
    assert "Назначить исполнителя выбранным…" in bulk


def test_bulk_assign_offers_only_people_who_can_take_every_selected_appeal(client, world):
    school = OrganizationFactory(parent=world.organization, region=world.region, name="Школа № 1")
    teacher = _person(school, Membership.Role.EXECUTOR, "Учителева")
    both = _person(world.organization, Membership.Role.EXECUTOR, "Общая")
    MembershipFactory(user=both, organization=school, role=Membership.Role.EXECUTOR)
    mine, at_school = (
        _appeal(world, S.REGISTERED),
        _appeal(world, S.REGISTERED, organization=school),
    )
    client.force_login(world.head)

    # Step 1, from the queue: only the appeals; the page offers who can take all of them.
    response = client.post(
        reverse("staff:bulk_assign"),
        {"appeal": [mine.pk, at_school.pk], "next": "/staff/?tab=new"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert mine.number in page and at_school.number in page
    options = _options(page)
    assert set(options) == {"", str(both.pk)}  # not the executor, the head or the teacher
    assert not options[str(both.pk)]  # nothing preselected: the placeholder asks to choose
    assert str(teacher.pk) not in options

    # Step 2: the choice is assigned to every selected appeal.
    response = client.post(
        reverse("staff:bulk_assign"),
        {"appeal": [mine.pk, at_school.pk], "executor": both.pk, "next": "/staff/?tab=new"},
    )
    assert response.status_code == 302 and response.url == "/staff/?tab=new"
    assert _message(response)[0] == "success"
    for appeal in (mine, at_school):
        appeal.refresh_from_db()
        assert appeal.executor == both


def test_bulk_assign_says_so_when_no_one_can_take_them_all(client, world):
    school = OrganizationFactory(parent=world.organization, region=world.region, name="Школа № 1")
    _person(school, Membership.Role.EXECUTOR, "Учителева")
    mine, at_school = (
        _appeal(world, S.REGISTERED),
        _appeal(world, S.REGISTERED, organization=school),
    )
    client.force_login(world.head)
    response = client.post(reverse("staff:bulk_assign"), {"appeal": [mine.pk, at_school.pk]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Никому нельзя назначить сразу все выбранные обращения" in page
    assert "Школа № 1" in page and world.organization.name in page
    assert 'name="executor"' not in page


def test_bulk_assign_goes_back_to_the_queue_on_a_bare_word_next(client, world):
    appeal = _appeal(world, S.REGISTERED)
    client.force_login(world.head)
    response = client.post(
        reverse("staff:bulk_assign"),
        {"appeal": [appeal.pk], "executor": world.executor.pk, "next": "back"},
    )
    assert response.status_code == 302 and response.url == reverse("staff:home")


def _export_world(world):
    overdue = _appeal(
        world,
        S.IN_PROGRESS,
        executor=world.executor,
        due_at=timezone.now() - timedelta(days=2),
        address="ул. Ленинская, д. 5",
    )
    later = _appeal(world, S.REGISTERED, due_at=timezone.now() + timedelta(days=20))
    answered = _appeal(world, S.ANSWERED, executor=world.executor)
    _appeal(world, S.REGISTERED, organization=world.other_organization)
    return overdue, later, answered


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), dialect=ExcelRu))


def test_csv_export_is_the_filtered_queue_without_personal_data(client, world):
    overdue, later, answered = _export_world(world)
    sweeps.mark_overdue()
    client.force_login(world.executor)
    response = client.get(reverse("staff:export_csv"), {"tab": "overdue"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="appeals-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    header, *rows = _csv(response)
    assert len(header) == 9
    assert [row[0] for row in rows] == [overdue.number]
    (row,) = rows
    assert row[3] == world.municipality.name and row[4] == "ул. Ленинская, д. 5"
    assert row[6] == world.executor.get_full_name()
    assert row[7] == timezone.localtime(overdue.due_at).strftime("%d.%m.%Y")

    response = client.get(reverse("staff:export_csv"), {"tab": "all"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    numbers = [row[0] for row in csv.reader(io.StringIO(body), delimiter=";")][1:]
    assert sorted(numbers) == sorted([overdue.number, later.number, answered.number])
    for secret in (world.citizen.email, world.citizen.last_name, overdue.text[:30], "Снег убран"):
        assert secret not in body


def test_exports_are_private_with_capitalised_headers(client, world):
    _export_world(world)
    client.force_login(world.executor)
    csv_response = client.get(reverse("staff:export_csv"), {"tab": "all"})
    xlsx_response = client.get(reverse("staff:export_xlsx"), {"tab": "all"})
    for response in (csv_response, xlsx_response):
        assert response["Cache-Control"] == "private, no-store"
    header = _csv(csv_response)[0]
    assert header == [
        "Номер",
        "Поступило",
        "Категория",
        "Муниципальное образование",
        "Адрес",
        "Статус",
        "Исполнитель",
        "Срок ответа",
        "Дата ответа",
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).active
    assert [cell.value for cell in sheet[1]] == header


def test_export_neutralises_formulas_typed_by_a_citizen(client, world):
    _appeal(world, S.REGISTERED, address='=HYPERLINK("http://evil.example","x")')
    client.force_login(world.executor)
    (_header, row) = _csv(client.get(reverse("staff:export_csv")))
    assert row[4].startswith("'=")
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("staff:export_xlsx")).content))
    cell = book.active["E2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_xlsx_export_has_the_same_rows_with_real_dates(client, world):
    overdue, later, answered = _export_world(world)
    client.force_login(world.executor)
    csv_rows = _csv(client.get(reverse("staff:export_csv"), {"tab": "all"}))
    response = client.get(reverse("staff:export_xlsx"), {"tab": "all"})
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="appeals-{timezone.localdate():%Y-%m-%d}.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == csv_rows[0]
    assert all(cell.font.bold for cell in sheet[1])
    assert [row[0] for row in rows[1:]] == [row[0] for row in csv_rows[1:]]
    by_number = {row[0]: row for row in rows[1:]}
    assert isinstance(by_number[overdue.number][1], datetime)  # received: a date-time cell
    assert by_number[overdue.number][7] == datetime.combine(
        timezone.localdate(overdue.due_at), datetime.min.time()
    )
    answered_local = timezone.localtime(answered.answered_at).replace(tzinfo=None)
    assert abs(by_number[answered.number][8] - answered_local) < timedelta(seconds=1)
    assert by_number[later.number][8] is None
    text = "\n".join(str(value) for row in rows for value in row)
    assert world.citizen.email not in text and world.citizen.last_name not in text


def test_export_stops_at_the_cap_with_a_note(client, world, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 2)
    for _ in range(3):
        _appeal(world, S.REGISTERED)
    client.force_login(world.executor)
    rows = _csv(client.get(reverse("staff:export_csv")))
    assert len(rows) == 1 + 2 + 1
    assert len(rows[-1]) == 1 and "2" in rows[-1][0]
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("staff:export_xlsx")).content)
    ).active
    assert sheet.max_row == 4


def test_exports_are_for_staff_only(client, world):
    _appeal(world, S.REGISTERED)
    for person in (world.citizen, world.moderator):
        client.force_login(person)
        assert client.get(reverse("staff:export_csv")).status_code == 403
        assert client.get(reverse("staff:export_xlsx")).status_code == 403


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("staff:overview")).status_code == 200
    return len(queries)


def test_overview_costs_the_same_for_3_or_30_appeals(client, world, now):
    for _ in range(3):
        _appeal(world, S.IN_PROGRESS, executor=world.executor)
    client.force_login(world.head)
    _queries(client)  # warm up
    few = _queries(client)
    for index in range(27):
        if index % 3:
            _appeal(world, S.REGISTERED, due_at=now - timedelta(days=1))
        else:
            _answered(world, at=now - timedelta(days=1), due=now + timedelta(days=1), score=4)
    assert _queries(client) == few


def test_overview_costs_the_same_for_1_or_3_executors(client, world, now):
    # The hierarchy stays as it is (its depth costs one query a level); only the people change.
    school = OrganizationFactory(parent=world.organization, region=world.region)
    _appeal(world, S.IN_PROGRESS, executor=world.executor)
    client.force_login(world.head)
    _queries(client)  # warm up
    few = _queries(client)
    for name, organization in (("Второва", world.organization), ("Третьякова", school)):
        person = _person(organization, Membership.Role.EXECUTOR, name)
        _appeal(world, S.IN_PROGRESS, organization=organization, executor=person)
    assert _queries(client) == few


def test_export_follows_a_full_text_search_of_the_queue(client, world):
    heating = _appeal(
        world, S.REGISTERED, text="В квартире нет отопления, батареи холодные третий день."
    )
    _appeal(world, S.REGISTERED, text="Во дворе не вывезли мусор с контейнерной площадки.")
    client.force_login(world.executor)
    rows = _csv(client.get(reverse("staff:export_csv"), {"q": "отопление", "sort": "relevance"}))
    assert [row[0] for row in rows[1:]] == [heating.number]
    assert "отоплени" not in "".join(
        ";".join(row) for row in rows
    )  # the text itself stays in the system
