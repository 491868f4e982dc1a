"""The Decree 171 report: on random generated history, every figure equals the one computed
directly from appeals, events and answers; the exports carry the same figures; scopes hold."""

import csv
import io
from collections import Counter, defaultdict
from datetime import date
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from analytics.periods import add_months
from appeals import services
from appeals.models import Answer, Appeal, Event
from appeals.services.rights import make_official, withdraw_appeal
from core.exports import ExcelRu
from demo.appeals import generate_appeals
from organizations.models import Category, Organization, Region
from organizations.selectors import organization_scope
from regimes.models import Regime
from reporting.report import KEYS, SECTIONS, monthly_report
from tests.appeals.factories import make_appeal

pytestmark = pytest.mark.django_db
A = Event.Action
S = Appeal.Status
FORMS = {"web": "electronic", "widget": "electronic", "api": "electronic", "paper": "written"}
FORMS |= {"phone": "oral", "visit": "oral"}
RESULTS = {"supported": "supported", "measures_taken": "supported"}
RESULTS |= {"explained": "explained", "not_supported": "not_supported"}


@pytest.fixture
def region():
    call_command("load_demo", force=True, appeals=0, stdout=io.StringIO())
    return Region.objects.get(code="41")


def _user(email):
    return get_user_model().objects.get(email=email)


def direct(region, month: date) -> dict[int, Counter]:
    """Each organization's figures of `month`, replaying every 59-FZ appeal's events in Python:
    who held it when (not the events' `from`), its form, its classifier section."""
    zone = ZoneInfo(region.timezone)

    def in_month(moment) -> bool:
        local = moment.astimezone(zone)
        return (local.year, local.month) == (month.year, month.month)

    figures: dict[int, Counter] = defaultdict(Counter)
    appeals = Appeal.objects.filter(
        region=region, regime_version__regime__kind=Regime.Kind.APPEAL
    ).select_related("topic")
    events = defaultdict(list)
    for event in Event.objects.filter(appeal__in=appeals).order_by("created_at", "pk"):
        events[event.appeal_id].append(event)
    for appeal in appeals:
        timeline = events[appeal.pk]
        registrations = [e for e in timeline if e.action in (A.ACCEPT, A.MAKE_OFFICIAL)]
        last_registration = registrations[-1] if registrations else None
        section = appeal.topic.code[:4] if appeal.topic_id else None
        column = f"section_{section}" if section in SECTIONS else "no_code"
        holder = None

        def receive(org, *, forwarded, form=FORMS[appeal.channel], column=column):
            cells = figures[org]
            cells["received"] += 1
            cells["forwarded_in"] += forwarded
            cells[form] += 1
            cells[column] += 1

        for event in timeline:
            if event.action in (A.ACCEPT, A.MAKE_OFFICIAL):
                holder = event.data["organization"]
                if event is last_registration and in_month(event.created_at):
                    receive(holder, forwarded=False)
            elif event.action == A.REDIRECT:
                if in_month(event.created_at):
                    figures[holder]["forwarded"] += 1
                    receive(event.data["organization"], forwarded=True)
                holder = event.data["organization"]
            elif (
                event.action == A.CLOSE_ON_GROUND
                or (event.action == A.WITHDRAW and event.to_status == S.CLOSED)
            ) and in_month(event.created_at):
                figures[holder]["no_answer"] += 1
        assert holder == appeal.organization_id, appeal.number  # the ledger adds up
    for answer in Answer.objects.filter(appeal__in=appeals):
        if in_month(answer.created_at) and answer.outcome in RESULTS:
            figures[answer.organization_id][RESULTS[answer.outcome]] += 1
            if answer.outcome == "measures_taken":
                figures[answer.organization_id]["measures_taken"] += 1
    return {org: cells for org, cells in figures.items() if any(cells.values())}


def _live_history(region):
    """What the bulk generator does not write: a platform message made official after its author
    identified (counted once, when converted), and a withdrawal under review."""
    moderator = _user("moderator@demo.local")
    citizen = _user("citizen@demo.local")
    citizen.identity_verified_at = None
    citizen.save(update_fields=["identity_verified_at"])
    category = Category.objects.get(slug="capital-repair")
    administration = Organization.objects.filter(
        region=region, kind=Organization.Kind.MUNICIPAL_ADMINISTRATION
    ).first()
    municipality = administration.municipalities.first() or region.municipalities.first()
    filed = [
        make_appeal(
            S.SUBMITTED,
            citizen=citizen,
            region=region,
            category=category,
            municipality=municipality,
            channel=Appeal.Channel.API,
        )
        for _ in range(2)
    ]
    for appeal in filed:
        services.accept_appeal(
            moderator=moderator, appeal_id=appeal.pk, organization=administration
        )
    citizen.identity_verified_at = timezone.now()
    citizen.save(update_fields=["identity_verified_at"])
    converted = make_official(citizen=citizen, appeal_id=filed[0].pk)
    assert converted.regime_version.regime.kind == Regime.Kind.APPEAL
    withdraw_appeal(citizen=citizen, appeal_id=filed[0].pk, reason="Вопрос решён.")
    assert Appeal.objects.get(pk=filed[1].pk).regime_version.regime.kind == Regime.Kind.MESSAGE
    return administration


@pytest.mark.slow
def test_every_figure_equals_the_one_computed_from_the_appeals(region):
    generate_appeals(count=1500, region=region, months=7, seed=11)
    administration = _live_history(region)
    this_month = timezone.localdate().replace(day=1)
    seen = Counter()
    for back in range(7):
        month = add_months(this_month, -back)
        report = monthly_report(region_id=region.pk, zone=region.timezone, month=month)
        expected = direct(region, month)
        got = {row.organization_id: row.figures for row in report.rows}
        assert set(got) == set(expected), month
        for org, cells in expected.items():
            assert got[org] == {key: cells.get(key, 0) for key in KEYS}, (month, org)
        for key in KEYS:
            assert report.total.figures[key] == sum(c.get(key, 0) for c in expected.values())
            seen[key] += report.total.figures[key]
    # The history exercises every column the generator can produce.
    for key in ("received", "forwarded_in", "electronic", "section_0005", "section_0002"):
        assert seen[key] > 0, key
    for key in ("supported", "measures_taken", "explained", "not_supported", "forwarded"):
        assert seen[key] > 0, key
    # The message made official counts once, this month, at the administration; its withdrawal
    # under review ends it without an answer.
    now = {
        row.organization_id: row.figures
        for row in monthly_report(region_id=region.pk, zone=region.timezone, month=this_month).rows
    }
    assert now[administration.pk]["no_answer"] >= 1


def test_the_page_and_the_exports_show_the_same_figures_and_heads_see_only_their_own(
    client, region
):
    generate_appeals(count=300, region=region, months=2, seed=3)
    month = timezone.localdate().replace(day=1)
    report = monthly_report(region_id=region.pk, zone=region.timezone, month=month)
    assert report.rows, "the generated month has 59-FZ appeals"
    client.force_login(_user("analyst@demo.local"))
    page = client.get(reverse("reporting:report"), {"month": month.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Отчёт по Указу № 171" in html
    assert "Жилищно-коммунальная сфера" in html  # a column named after its classifier section
    total_received = report.total.figures["received"]
    response = client.get(reverse("reporting:export", args=["csv"]), {"month": month.isoformat()})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), dialect=ExcelRu))
    assert rows[0][0] == "Организация" and rows[0][1] == "Поступило"
    assert rows[-1][0] == "Итого" and int(rows[-1][1]) == total_received
    assert len(rows) == len(report.rows) + 2
    response = client.get(reverse("reporting:export", args=["xlsx"]), {"month": month.isoformat()})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[-1][0] == "Итого" and values[-1][1] == total_received

    # A head sees the rows of the organizations they head (with the subordinate ones) only.
    head = _user("head@demo.local")
    _works, headed = organization_scope(user=head)
    client.force_login(head)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("reporting:export", args=["csv"]), {"month": month.isoformat()}
                ).content.decode("utf-8-sig")
            ),
            dialect=ExcelRu,
        )
    )
    names = set(Organization.objects.filter(pk__in=headed).values_list("name", flat=True))
    assert {row[0] for row in rows[1:-1]} <= names
    assert len(rows) - 2 < len(report.rows)  # not the region's other organizations
    own = sum(row.figures["received"] for row in report.rows if row.organization_id in headed)
    assert int(rows[-1][1]) == own  # and a total of their own
    # A citizen gets no report at all.
    client.force_login(_user("citizen@demo.local"))
    assert client.get(reverse("reporting:report")).status_code == 403


def test_a_month_outside_the_list_is_a_clear_error_not_a_server_error(client, region):
    client.force_login(_user("analyst@demo.local"))
    response = client.get(reverse("reporting:report"), {"month": "1999-13"})
    assert response.status_code == 400
    assert "Выберите корректный вариант" in response.content.decode()
    assert client.get(reverse("reporting:export", args=["pdf"])).status_code == 404
