"""/analytics/ and /stats/ on a small hand-made data set whose figures are computed by hand."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from analytics.exports import TABLES
from analytics.periods import preset_period
from analytics.scope import Scope
from analytics.selectors import Filters, dashboard
from analytics.services import rebuild_stats, update_stats
from appeals.models import Answer, Appeal, Event, Rating
from appeals.workflow import writing_history
from core.exports import ExcelRu
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals.factories import make_appeal
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
)

S = Appeal.Status
KAMCHATKA = ZoneInfo("Asia/Kamchatka")
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=KAMCHATKA)
SECRETS = (
    "Засекреченко",
    "Тайнослав",
    "secret.person@example.ru",
    "+7 914 555-66-77",
    "ул. Конспиративная, 7",
    "Секретный текст обращения про подвал",
    "Комментарий оценки с тайной",
)


def at(month, day, hour=12):
    return datetime(2026, month, day, hour, 0, tzinfo=KAMCHATKA)


@pytest.fixture
def world(db):
    """Two municipalities, two categories, two organizations, eight appeals (A1…A8)."""
    region = RegionFactory()
    m1 = MunicipalityFactory(region=region, name="Вилючинский городской округ")
    m2 = MunicipalityFactory(region=region, name="Усть-Камчатский район")
    c1, c2 = CategoryFactory(name="Уборка снега"), CategoryFactory(name="Отопление")
    o1 = OrganizationFactory(region=region, name="Управляющая компания «Лава»")
    o2 = OrganizationFactory(region=region, name="Администрация района «Гейзер»")
    citizen = UserFactory(
        email=SECRETS[2],
        last_name=SECRETS[0],
        first_name=SECRETS[1],
        phone=SECRETS[3],
        postal_address=SECRETS[4],
    )
    common = {"citizen": citizen, "region": region, "address": SECRETS[4], "text": SECRETS[5]}

    def appeal(status, m, c, o, **fields):
        return make_appeal(status, organization=o, municipality=m, category=c, **common, **fields)

    a1 = appeal(
        S.CLOSED,
        m1,
        c1,
        o1,
        submitted_at=at(5, 2),
        registered_at=at(5, 3, 10),
        due_at=at(5, 20, 23),
        answered_at=at(5, 10, 10),
        closed_at=at(5, 12),
        close_reason="rated",
    )
    Rating.objects.create(
        appeal=a1,
        answer=a1.answers.get(),
        score=5,
        solved=True,
        created_at=at(5, 12),
        comment=SECRETS[6],
    )
    appeal(
        S.ANSWERED,
        m1,
        c2,
        o1,
        submitted_at=at(5, 5),
        registered_at=at(5, 6, 0),
        due_at=at(5, 15, 23),
        answered_at=at(5, 20, 0),
    )
    a3 = appeal(
        S.IN_PROGRESS,
        m2,
        c1,
        o2,
        submitted_at=at(5, 7),
        registered_at=at(5, 8),
        due_at=at(5, 25, 23),
    )
    Event.objects.create(
        appeal=a3,
        action="redirect",
        from_status=S.IN_PROGRESS,
        to_status=S.REGISTERED,
        created_at=at(5, 12),
        comment=SECRETS[5],
    )
    make_appeal(
        S.REJECTED,
        municipality=m2,
        category=c1,
        ground="spam",
        submitted_at=at(5, 9),
        closed_at=at(5, 10),
        **common,
    )
    a5 = appeal(
        S.ANSWERED,
        m1,
        c1,
        o2,
        submitted_at=at(4, 20),
        registered_at=at(4, 21),
        due_at=at(6, 30, 23),
        answered_at=at(5, 15),
    )
    Rating.objects.create(
        appeal=a5, answer=a5.answers.get(), score=3, solved=False, created_at=at(5, 16)
    )
    appeal(
        S.CLOSED,
        m1,
        c2,
        o1,
        submitted_at=at(5, 20),
        registered_at=at(5, 21),
        due_at=at(6, 20, 23),
        answered_at=None,
        closed_at=at(5, 25),
        close_reason="ground",
        ground="repeated",
    )
    appeal(
        S.CLOSED,
        m1,
        c1,
        o1,
        submitted_at=at(5, 1, 8),
        registered_at=at(5, 1, 9),
        due_at=at(5, 30, 23),
        answered_at=at(5, 4, 9),
        closed_at=at(5, 11),
        close_reason="not_rated",
    )
    a8 = appeal(
        S.IN_PROGRESS,
        m2,
        c2,
        o2,
        submitted_at=at(5, 3),
        registered_at=at(5, 3),
        due_at=at(6, 6, 23),
        review_round=1,
    )
    answer = Answer.objects.create(
        appeal=a8,
        author=citizen,
        organization=o2,
        text=SECRETS[5],
        review_round=0,
        created_at=at(5, 6),
    )
    Rating.objects.create(
        appeal=a8, answer=answer, score=1, solved=False, created_at=at(5, 7), comment=SECRETS[6]
    )
    Event.objects.create(
        appeal=a8,
        action="rate",
        from_status=S.ANSWERED,
        to_status=S.IN_PROGRESS,
        created_at=at(5, 7),
    )
    rebuild_stats()
    return {"region": region, "m1": m1, "m2": m2, "c1": c1, "c2": c2, "o1": o1, "o2": o2}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def may(world, filters=None, scope=None):
    filters = filters or Filters()
    scope = scope or Scope(frozenset({world["region"].pk}), None)
    period = preset_period("last_month", NOW.date())
    return dashboard(scope=scope, filters=filters, period=period, today=NOW.date())


def test_figures_of_may_equal_the_hand_computed_values(world, frozen):
    data = may(world)
    total = data["total"]
    assert (
        total["received"],
        total["registered"],
        total["rejected"],
        total["closed_on_ground"],
    ) == (7, 6, 1, 1)
    assert (total["redirected"], total["answered"], total["on_time"], total["late"]) == (1, 4, 3, 1)
    assert (total["ratings"], total["average_rating"], total["solved"]) == (3, 3.0, 1)
    assert (total["rereviews"], total["not_rated"]) == (1, 1)
    # Answer times 72, 168, 336, 576 hours: median (nearest rank) 168, 90th percentile 576.
    assert (data["median_hours"], data["p90_hours"]) == (168, 576)
    assert data["headline"]["overdue_end"]["value"] == 1  # A3, due 25 May, still open on 31 May
    assert data["headline"]["overdue_now"]["value"] == 2  # A3 and the re-reviewed A8 (due 6 June)
    assert data["headline"]["received"]["previous"] == 1  # A5 in April
    assert data["headline"]["received"]["change"] == 6.0
    assert {(g["kind"], g["ground"]): g["n"] for g in data["grounds"]} == {
        ("rejected", "spam"): 1,
        ("ground", "repeated"): 1,
    }
    by_municipality = {row["name"]: row["received"] for row in data["municipalities"]}
    assert by_municipality == {"Вилючинский городской округ": 4, "Усть-Камчатский район": 3}
    by_organization = {
        row["name"]: (row["received"], row["answered"]) for row in data["organizations"]
    }
    assert by_organization == {
        "Управляющая компания «Лава»": (4, 3),
        "Администрация района «Гейзер»": (2, 1),
    }


def test_filters_narrow_every_figure(world, frozen):
    data = may(world, Filters(municipality=world["m2"].pk))
    assert (data["total"]["received"], data["total"]["rejected"], data["total"]["rereviews"]) == (
        3,
        1,
        1,
    )
    assert data["headline"]["overdue_end"]["value"] == 1
    data = may(world, Filters(category=world["c2"].pk))
    assert (data["total"]["received"], data["total"]["answered"], data["median_hours"]) == (
        3,
        1,
        336,
    )
    data = may(world, Filters(organization=world["o1"].pk, category=world["c1"].pk))
    assert (data["total"]["received"], data["total"]["answered"], data["median_hours"]) == (
        2,
        2,
        72,
    )


def test_incremental_run_picks_up_a_new_answer(world, frozen):
    a3 = Appeal.objects.get(status=S.IN_PROGRESS, due_at=at(5, 25, 23))
    with writing_history(appeal_ids=[a3.pk]):  # the set-up writes history, not a transition
        Appeal.objects.filter(pk=a3.pk).update(status=S.ANSWERED, answered_at=at(5, 30))
    Event.objects.create(
        appeal=a3,
        action="answer",
        from_status=S.IN_PROGRESS,
        to_status=S.ANSWERED,
        created_at=at(5, 30),
    )
    assert update_stats() == 1
    data = may(world)
    assert (data["total"]["answered"], data["total"]["on_time"]) == (5, 3)
    assert data["headline"]["overdue_end"]["value"] == 0
    assert update_stats() == 1  # re-read once more (late commits), same figures
    assert may(world)["total"]["answered"] == 5


@pytest.fixture
def analyst_of(world):
    user = UserFactory(email="analyst41@example.ru")
    MembershipFactory(
        user=user, organization=None, region=world["region"], role=Membership.Role.ANALYST
    )
    return user


def test_dashboard_page_shows_the_figures_with_filters_sorting_and_drill_down(
    client, world, frozen, analyst_of
):
    client.force_login(analyst_of)
    response = client.get(reverse("analytics:home"), {"preset": "last_month", "sort_m": "name"})
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Вилючинский городской округ",
        "Управляющая компания «Лава»",
        "Уборка снега",
        "series-chart-data",
    ):
        assert text in page
    assert f"municipality={world['m1'].pk}" in page  # drill-down link
    assert page.index("Вилючинский городской округ") < page.index("Усть-Камчатский район")
    response = client.get(
        reverse("analytics:home"), {"preset": "last_month", "municipality": world["m2"].pk}
    )
    assert response.context["data"]["total"]["received"] == 3


def test_bad_input_is_never_a_server_error(client, world, frozen, analyst_of):
    client.force_login(analyst_of)
    for params in (
        {"preset": "custom", "start": "2026-05-10", "end": "2026-05-01"},
        {"preset": "nonsense"},
        {"municipality": "abc"},
        {"start": "not a date", "preset": "custom"},
        {"sort_m": "drop table"},
        {"preset": "custom", "start": "2000-01-01", "end": "2026-01-01"},
    ):
        assert client.get(reverse("analytics:home"), params).status_code == 200
    response = client.get(
        reverse("analytics:home"), {"preset": "custom", "start": "2026-05-02", "end": "2026-05-09"}
    )
    assert response.context["data"]["total"]["received"] == 5  # A1, A2, A3, A4, A8
    assert client.get(reverse("analytics:export", args=["nope", "csv"])).status_code == 404
    assert client.get(reverse("analytics:export", args=["headline", "pdf"])).status_code == 404


def _csv_rows(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), dialect=ExcelRu))


def test_every_table_exports_as_csv_and_xlsx(client, world, frozen, analyst_of):
    client.force_login(analyst_of)
    for table in TABLES:
        response = client.get(
            reverse("analytics:export", args=[table, "csv"]), {"preset": "last_month"}
        )
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        rows = _csv_rows(response)
        assert len(rows[0]) > 1, table  # the platform's dialect: «;» between fields
        assert all(title[:1].isupper() or title[:1] == "№" for title in rows[0]), rows[0]
        assert {len(row) for row in rows} == {len(rows[0])}, table
        response = client.get(
            reverse("analytics:export", args=[table, "xlsx"]), {"preset": "last_month"}
        )
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [cell.value for cell in sheet[1]] == rows[0]
        assert sheet.title[:1].isupper() and not sheet.title.isascii(), sheet.title
    response = client.get(
        reverse("analytics:export", args=["municipalities", "csv"]), {"preset": "last_month"}
    )
    rows = {row[0]: row for row in _csv_rows(response)}
    assert rows["Вилючинский городской округ"][1] == "4"


def test_grounds_table_labels_start_with_a_capital_letter(client, world, frozen, analyst_of):
    client.force_login(analyst_of)
    response = client.get(
        reverse("analytics:export", args=["grounds", "csv"]), {"preset": "last_month"}
    )
    header, *rows = _csv_rows(response)
    assert header == ["Вид", "Основание", "Обращения"]
    assert rows, "the data set has rejected and closed-on-ground appeals"
    for kind, ground, _count in rows:
        assert kind in ("Отклонено при модерации", "Закрыто без ответа по существу"), kind
        assert ground[:1].isupper(), ground


def test_shares_use_a_decimal_comma_in_csv_and_real_numbers_in_xlsx(
    client, world, frozen, analyst_of
):
    client.force_login(analyst_of)
    url = reverse("analytics:export", args=["municipalities", "csv"])
    header, *rows = _csv_rows(client.get(url, {"preset": "last_month"}))
    column = header.index("В срок, %")
    by_name = {row[0]: row for row in rows}
    assert (
        by_name["Вилючинский городской округ"][column] == "75,0"
    )  # Russian Excel reads 75.0 as text
    url = reverse("analytics:export", args=["municipalities", "xlsx"])
    sheet = load_workbook(io.BytesIO(client.get(url, {"preset": "last_month"}).content)).active
    values = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(value is None or isinstance(value, int | float) for value in values)


def test_no_personal_data_on_any_page_or_export(client, world, frozen, analyst_of, platform_admin):
    pages = [
        reverse("analytics:home") + "?preset=last_month",
        reverse("analytics:home") + "?preset=12m&series=week",
        reverse("stats"),
    ]
    pages += [reverse("analytics:export", args=[t, "csv"]) + "?preset=last_month" for t in TABLES]
    xlsx = [reverse("analytics:export", args=[t, "xlsx"]) + "?preset=last_month" for t in TABLES]
    for user in (analyst_of, platform_admin):
        client.force_login(user)
        for url in pages:
            body = client.get(url).content.decode("utf-8-sig")
            for secret in SECRETS:
                assert secret not in body, (url, secret)
        for url in xlsx:
            sheet = load_workbook(io.BytesIO(client.get(url).content)).active
            text = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
            for secret in SECRETS:
                assert secret not in text, (url, secret)


def test_analyst_of_another_region_sees_nothing_of_this_one(client, world, frozen):
    other = RegionFactory(code="25", name="Приморский край", timezone="Asia/Vladivostok")
    user = UserFactory(email="analyst25@example.ru")
    MembershipFactory(user=user, organization=None, region=other, role=Membership.Role.ANALYST)
    client.force_login(user)
    response = client.get(reverse("analytics:home"), {"preset": "last_month"})
    assert response.status_code == 200
    assert response.context["data"]["total"]["received"] == 0
    page = response.content.decode()
    for name in ("Вилючинский городской округ", "Управляющая компания «Лава»"):
        assert name not in page
    # Filtering by this region's municipality is not a way in: the choice is not offered.
    response = client.get(
        reverse("analytics:home"), {"preset": "last_month", "municipality": world["m1"].pk}
    )
    assert response.context["data"]["total"]["received"] == 0
    csv_body = client.get(
        reverse("analytics:export", args=["municipalities", "csv"]), {"preset": "last_month"}
    )
    assert "Вилючинский" not in csv_body.content.decode("utf-8-sig")


def test_head_sees_own_organization_through_the_same_page(client, world, frozen):
    user = UserFactory(email="head-lava@example.ru")
    MembershipFactory(user=user, organization=world["o1"], role=Membership.Role.HEAD)
    client.force_login(user)
    response = client.get(reverse("analytics:home"), {"preset": "last_month"})
    assert response.status_code == 200
    data = response.context["data"]
    assert data["total"]["received"] == 4
    assert [row["name"] for row in data["organizations"]] == ["Управляющая компания «Лава»"]
    assert "Администрация района «Гейзер»" not in response.content.decode()


def test_other_roles_are_refused(client, world, citizen, executor):
    assert client.get(reverse("analytics:home")).status_code == 302  # sign in first
    for user in (citizen, executor):
        client.force_login(user)
        assert client.get(reverse("analytics:home")).status_code == 403
        assert client.get(reverse("analytics:export", args=["headline", "csv"])).status_code == 403


def test_analysts_cannot_open_appeal_pages(client, world, analyst_of):
    client.force_login(analyst_of)
    appeal = Appeal.objects.filter(region=world["region"]).first()
    for name in ("appeals:detail", "staff:appeal", "moderation:review"):
        response = client.get(reverse(name, args=[appeal.number]))
        assert response.status_code in (403, 404), name
        assert SECRETS[5] not in response.content.decode()


def test_query_count_does_not_grow_with_data(
    client, world, frozen, analyst_of, django_assert_max_num_queries
):
    client.force_login(analyst_of)
    url = reverse("analytics:home") + "?preset=12m&sort_o=name"
    client.get(reverse("stats"))  # the per-process caches of the site (menu, region) are warm
    with django_assert_max_num_queries(25) as captured:
        client.get(url + "&n=1")  # computed from the roll-ups
    computed = len(captured.captured_queries)
    with django_assert_max_num_queries(6):
        client.get(url + "&n=1")  # the same question again: from the cache until the next run
    for index in range(30):
        m = MunicipalityFactory(region=world["region"])
        make_appeal(
            S.ANSWERED,
            organization=OrganizationFactory(region=world["region"]),
            municipality=m,
            category=CategoryFactory(),
            submitted_at=NOW - timedelta(days=index + 1),
            registered_at=NOW - timedelta(days=index + 1),
            answered_at=NOW - timedelta(hours=index + 1),
            due_at=NOW + timedelta(days=10),
        )
    rebuild_stats()
    client.get(reverse("stats"))  # new municipalities and categories dropped the cached ones
    with django_assert_max_num_queries(computed):
        response = client.get(url + "&n=1")  # the roll-ups changed: computed again, no more queries
    assert response.context["data"]["total"]["received"] > 8


def test_public_stats_page_is_cached_and_has_the_headline_figures(
    client, world, frozen, settings, django_assert_max_num_queries
):
    settings.PLATFORM_REGION_CODE = world["region"].code
    response = client.get(reverse("stats"))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Вилючинский городской округ", "Уборка снега", "viewport"):
        assert text in page
    data = response.context["data"]
    assert data["received"] == 8 and data["answered"] == 4 and data["participants"] == 2
    assert data["processed"] == 4 + 1 + 1
    with django_assert_max_num_queries(
        3
    ):  # region and session only: the figures come from the cache
        assert client.get(reverse("stats")).status_code == 200
