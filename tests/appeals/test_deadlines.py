"""Legal deadlines (59-FZ) and the production calendar."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from appeals.deadlines import (
    due_at,
    extend,
    fill_calendar,
    is_working_day,
    registration_due_at,
    russian_calendar,
)
from appeals.models import CalendarDay

KAMCHATKA = "Asia/Kamchatka"  # UTC+12, no DST
MOSCOW = "Europe/Moscow"  # UTC+3
KAM = ZoneInfo(KAMCHATKA)
MSK = ZoneInfo(MOSCOW)


def end_of(day: str, zone: ZoneInfo) -> datetime:
    return datetime.fromisoformat(f"{day}T23:59:59.999999").replace(tzinfo=zone)


# --- calendar days: no database, no moving off weekends ---------------------------------
# These tests have no django_db mark: pytest-django would fail them on any query.


@pytest.mark.parametrize(
    ("start", "days", "zone", "expected"),
    [
        # month end, non-leap February: Jan 31 + 30 = Mar 2
        (datetime(2026, 1, 31, 10, tzinfo=KAM), 30, KAMCHATKA, end_of("2026-03-02", KAM)),
        # leap year
        (datetime(2028, 2, 28, 10, tzinfo=MSK), 1, MOSCOW, end_of("2028-02-29", MSK)),
        (datetime(2027, 2, 28, 10, tzinfo=MSK), 1, MOSCOW, end_of("2027-03-01", MSK)),
        # year end
        (datetime(2026, 12, 15, 9, tzinfo=KAM), 30, KAMCHATKA, end_of("2027-01-14", KAM)),
        # the last day is Sunday 2026-03-22: NOT moved (59-FZ counts calendar days)
        (datetime(2026, 3, 12, 9, tzinfo=KAM), 10, KAMCHATKA, end_of("2026-03-22", KAM)),
        # the last day is a holiday (2027-01-01): NOT moved either
        (datetime(2026, 12, 2, 9, tzinfo=KAM), 30, KAMCHATKA, end_of("2027-01-01", KAM)),
        # 23:59 in Kamchatka is day 0 locally, though it is 11:59 UTC the same date
        (
            datetime.fromisoformat("2026-03-10T23:59+12:00"),
            10,
            KAMCHATKA,
            end_of("2026-03-20", KAM),
        ),
        # 12:30 UTC on Mar 10 is already 00:30 on Mar 11 in Kamchatka: Mar 11 is day 0
        (datetime(2026, 3, 10, 12, 30, tzinfo=UTC), 10, KAMCHATKA, end_of("2026-03-21", KAM)),
        # the same instant in Moscow is 15:30 on Mar 10
        (datetime(2026, 3, 10, 12, 30, tzinfo=UTC), 10, MOSCOW, end_of("2026-03-20", MSK)),
    ],
)
def test_due_at_calendar_days(start, days, zone, expected):
    result = due_at(start=start, days=days, region_timezone=zone)
    assert result == expected
    assert result.utcoffset() == expected.utcoffset()
    assert result.astimezone(ZoneInfo(zone)).date() == expected.date()


def test_kamchatka_deadline_in_utc():
    result = due_at(
        start=datetime.fromisoformat("2026-03-10T23:59+12:00"), days=10, region_timezone=KAMCHATKA
    )
    assert result == datetime.fromisoformat("2026-03-20T23:59:59.999999+12:00")
    assert result.astimezone(UTC) == datetime.fromisoformat("2026-03-20T11:59:59.999999+00:00")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": datetime(2026, 3, 10, 12), "days": 10}, "aware"),
        ({"start": datetime(2026, 3, 10, tzinfo=UTC), "days": 0}, "at least 1"),
        (
            {"start": datetime(2026, 3, 10, tzinfo=UTC), "days": 10, "day_count": "lunar"},
            "day_count",
        ),
    ],
)
def test_due_at_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        due_at(region_timezone=KAMCHATKA, **kwargs)


# --- is_working_day -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "exceptions", "expected"),
    [
        (date(2026, 3, 13), None, True),  # Friday
        (date(2026, 3, 14), None, False),  # Saturday
        (date(2026, 3, 15), {}, False),  # Sunday
        (date(2026, 3, 13), {date(2026, 3, 13): "holiday"}, False),
        (date(2026, 3, 14), {date(2026, 3, 14): "working"}, True),
        (date(2026, 3, 14), {date(2026, 3, 14): "holiday"}, False),
        (date(2026, 3, 13), {date(2026, 3, 13): "working"}, True),
        (date(2026, 3, 13), {date(2026, 3, 16): "holiday"}, True),  # another date's exception
    ],
)
def test_is_working_day(day, exceptions, expected):
    assert is_working_day(day, exceptions) is expected


# --- working days over the production calendar -------------------------------------------


# Non-working days in the library's RU calendar around these dates (holidays 0.109):
# 2026-12-31 Thu (bridge day, transferred from Sun 2026-01-04), 2027-01-01 Fri,
# 2027-01-02/03 weekend, 2027-01-04..08 Mon-Fri holidays, 2027-01-09/10 weekend;
# 2027-02-20 Sat is a transferred WORKING day, 2027-02-22 Mon and 02-23 Tue are holidays;
# 2026-02-23 Mon and 2026-03-09 Mon (Women's Day observed) are holidays.
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "days", "zone", "expected"),
    [
        # Tue 2026-12-29 + 10 working days: Dec 30 (1); Dec 31 and Jan 1-10 are off;
        # Jan 11-15 (2-6), Jan 18-21 (7-10) -> Thu 2027-01-21
        (datetime(2026, 12, 29, 10, tzinfo=KAM), 10, KAMCHATKA, end_of("2027-01-21", KAM)),
        # Fri + 1 working day -> Mon
        (datetime(2026, 3, 13, 10, tzinfo=KAM), 1, KAMCHATKA, end_of("2026-03-16", KAM)),
        # Sat + 1 working day -> Mon (the start day never counts)
        (datetime(2026, 3, 14, 10, tzinfo=KAM), 1, KAMCHATKA, end_of("2026-03-16", KAM)),
        # Fri 20:00 UTC is Sat 08:00 in Kamchatka: + 1 working day -> Mon
        (datetime(2026, 3, 13, 20, tzinfo=UTC), 1, KAMCHATKA, end_of("2026-03-16", KAM)),
        # ... but still Fri 23:00 in Moscow -> Mon as well
        (datetime(2026, 3, 13, 20, tzinfo=UTC), 1, MOSCOW, end_of("2026-03-16", MSK)),
        # Fri 2026-02-20 + 1: Mon Feb 23 is a holiday -> Tue Feb 24
        (datetime(2026, 2, 20, 10, tzinfo=MSK), 1, MOSCOW, end_of("2026-02-24", MSK)),
        # Fri 2026-03-06 + 1: Mon Mar 9 (Women's Day moved off Sunday) -> Tue Mar 10
        (datetime(2026, 3, 6, 10, tzinfo=MSK), 1, MOSCOW, end_of("2026-03-10", MSK)),
        # Fri 2027-02-19 + 1: Sat Feb 20 is a transferred working day
        (datetime(2027, 2, 19, 10, tzinfo=MSK), 1, MOSCOW, end_of("2027-02-20", MSK)),
        # Fri 2027-02-19 + 2: Sat Feb 20 (1), Sun 21 off, Mon 22 and Tue 23 holidays -> Wed 24
        (datetime(2027, 2, 19, 10, tzinfo=MSK), 2, MOSCOW, end_of("2027-02-24", MSK)),
        # Thu 2026-12-24 + 30 working days: Dec 25, 28-30 (4), Jan 11-15 (9), 18-22 (14),
        # 25-29 (19), Feb 1-5 (24), 8-12 (29), Mon Feb 15 (30)
        (datetime(2026, 12, 24, 10, tzinfo=KAM), 30, KAMCHATKA, end_of("2027-02-15", KAM)),
    ],
)
def test_due_at_working_days_with_production_calendar(start, days, zone, expected):
    fill_calendar(years=[2026, 2027])
    assert due_at(start=start, days=days, region_timezone=zone, day_count="working") == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("exceptions", "expected"),
    [
        ({}, "2026-03-16"),  # Fri + 1 -> Mon
        ({date(2026, 3, 14): "working"}, "2026-03-14"),  # a working Saturday counts
        ({date(2026, 3, 16): "holiday"}, "2026-03-17"),  # a holiday Monday does not
        ({date(2026, 3, 14): "working", date(2026, 3, 15): "working"}, "2026-03-14"),
    ],
)
def test_due_at_working_days_with_admin_exceptions(exceptions, expected):
    CalendarDay.objects.bulk_create(CalendarDay(date=d, kind=k) for d, k in exceptions.items())
    result = due_at(
        start=datetime(2026, 3, 13, 10, tzinfo=KAM),
        days=1,
        region_timezone=KAMCHATKA,
        day_count="working",
    )
    assert result == end_of(expected, KAM)


@pytest.mark.django_db
def test_working_days_issue_exactly_one_query(django_assert_num_queries):
    fill_calendar(years=[2026, 2027])
    with django_assert_num_queries(1):
        result = due_at(
            start=datetime(2026, 12, 24, 10, tzinfo=KAM),
            days=30,
            region_timezone=KAMCHATKA,
            day_count="working",
        )
    assert result == end_of("2027-02-15", KAM)


@pytest.mark.django_db
def test_working_days_read_a_further_window_only_past_the_first(django_assert_num_queries):
    # An admin marked 40 days in a row (Sat 2026-03-14 .. Wed 04-22) as holidays: a 1-day term
    # runs past the first window (1 * 3 + 30 = 33 days, up to 04-15) into a second one.
    first = date(2026, 3, 14)
    CalendarDay.objects.bulk_create(
        CalendarDay(date=first + timedelta(days=i), kind="holiday") for i in range(40)
    )
    with django_assert_num_queries(2):
        result = due_at(
            start=datetime(2026, 3, 13, 10, tzinfo=KAM),
            days=1,
            region_timezone=KAMCHATKA,
            day_count="working",
        )
    # the first day after the run, 2026-04-23, is a Thursday
    assert result == end_of("2026-04-23", KAM)


# --- extension and registration -----------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "days", "zone", "expected"),
    [
        (end_of("2026-03-20", KAM), 30, KAMCHATKA, end_of("2026-04-19", KAM)),
        (end_of("2028-01-30", MSK), 30, MOSCOW, end_of("2028-02-29", MSK)),
        (end_of("2026-12-31", KAM), 1, KAMCHATKA, end_of("2027-01-01", KAM)),
        # a deadline stored in UTC: 2026-03-20T11:59:59Z is the end of Mar 20 in Kamchatka
        (end_of("2026-03-20", KAM).astimezone(UTC), 10, KAMCHATKA, end_of("2026-03-30", KAM)),
        # not at the end of the day (e.g. a legacy value): still ends at 23:59:59.999999 local
        (datetime(2026, 3, 20, 2, tzinfo=UTC), 5, KAMCHATKA, end_of("2026-03-25", KAM)),
    ],
)
def test_extend_adds_calendar_days(due, days, zone, expected):
    assert extend(due=due, days=days, region_timezone=zone) == expected


def test_extend_rejects_zero_days():
    with pytest.raises(ValueError, match="at least 1"):
        extend(due=end_of("2026-03-20", KAM), days=0, region_timezone=KAMCHATKA)


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        (datetime(2026, 3, 10, 23, 59, tzinfo=KAM), datetime(2026, 3, 13, 23, 59, tzinfo=KAM)),
        (datetime(2028, 2, 27, 12, tzinfo=UTC), datetime(2028, 3, 1, 12, tzinfo=UTC)),
    ],
)
def test_registration_due_at(submitted, expected):
    assert registration_due_at(submitted=submitted) == expected


# --- filling the production calendar ------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2026, 1, 9), "holiday"),  # bridge day "Выходной (перенесено с 03.01.2026)"
        (date(2026, 12, 31), "holiday"),  # bridge day from 2026-01-04
        (date(2026, 3, 9), "holiday"),  # Women's Day moved off Sunday
        (date(2027, 2, 20), "working"),  # transferred working Saturday
        (date(2025, 11, 1), "working"),  # transferred working Saturday
        (date(2026, 1, 3), None),  # a holiday on a weekend is not stored
        (date(2026, 3, 13), None),  # an ordinary Friday
    ],
)
def test_russian_calendar(day, kind):
    calendar = russian_calendar([2025, 2026, 2027])
    assert calendar.get(day, (None, ""))[0] == kind


@pytest.mark.django_db
def test_fill_calendar_is_idempotent_and_keeps_admin_edits():
    CalendarDay.objects.create(date=date(2026, 12, 31), kind="working", name="Решение губернатора")
    # 2026: 14 weekday holidays, 2027: 15 weekday holidays + 1 working Saturday, minus the edited row
    assert fill_calendar(years=[2026, 2027]) == 29
    assert fill_calendar(years=[2026, 2027]) == 0
    assert CalendarDay.objects.count() == 30
    edited = CalendarDay.objects.get(date=date(2026, 12, 31))
    assert (edited.kind, edited.name) == ("working", "Решение губернатора")
    bridge = CalendarDay.objects.get(date=date(2026, 1, 9))
    assert (bridge.kind, bridge.name) == ("holiday", "Выходной (перенесено с 03.01.2026)")
    assert CalendarDay.objects.get(date=date(2027, 2, 20)).kind == "working"
    assert not CalendarDay.objects.filter(date__year=2028).exists()


@pytest.mark.django_db
def test_load_calendar_command_defaults_to_this_and_next_year(capsys, time_machine):
    time_machine.move_to(datetime(2026, 6, 1, 12, tzinfo=KAM), tick=False)
    call_command("load_calendar")
    assert "30 days added" in capsys.readouterr().out
    assert {d.year for d in CalendarDay.objects.dates("date", "year")} == {2026, 2027}


@pytest.mark.django_db
def test_load_calendar_command_with_years(capsys):
    call_command("load_calendar", "--years", "2026")
    assert "14 days added" in capsys.readouterr().out
    call_command("load_calendar", "--years", "2026")
    assert "0 days added" in capsys.readouterr().out


# --- one term for every display, sweep and export ---------------------------------------------
# The rule (appeals/deadlines.py): `due_at` is the effective term; an extension stays with the
# appeal through a late redirect; a redirect within 7 days of registration, or a re-review, gives a
# fresh full term and drops the extension of the old one.

REGISTERED = datetime(2026, 11, 12, 10, tzinfo=KAM)  # a 30-day term ends on 12.12.2026


@pytest.mark.parametrize(
    ("steps", "due", "extended", "told"),
    [
        pytest.param(
            [(1, "extend", 10), (3, "redirect")],
            "15.12.2026",  # fresh term from 15.11
            None,
            "продлённый ранее срок (до 22.12.2026) больше не действует",
            id="extension-then-redirect-within-7-days",
        ),
        pytest.param(
            [(0, "extend", 10), (0, "redirect")],
            "12.12.2026",  # the issue's case: on the day of registration, the fresh term is 12.12
            None,
            "продлённый ранее срок (до 22.12.2026) больше не действует",
            id="extension-then-redirect-the-same-day",
        ),
        pytest.param(
            [(1, "extend", 10), (9, "redirect")],
            "22.12.2026",  # the extension stays with the appeal
            10,
            None,
            id="extension-then-redirect-after-7-days",
        ),
        pytest.param(
            [(2, "redirect"), (4, "extend", 5)],
            "19.12.2026",  # fresh term 14.12, extended by the new organization's head
            5,
            None,
            id="redirect-within-7-days-then-extension",
        ),
        pytest.param(
            [(10, "redirect"), (12, "extend", 7)],
            "19.12.2026",  # the original term, extended by the new organization's head
            7,
            None,
            id="redirect-after-7-days-then-extension",
        ),
        pytest.param(
            [(1, "extend", 10), (5, "take"), (6, "answer"), (7, "rate", 1)],
            "19.12.2026",  # the re-review's fresh term from 19.11; the extension is not carried
            None,
            None,
            id="extension-then-re-review-after-a-low-rating",
        ),
        pytest.param(
            [(1, "extend", 10), (5, "take"), (6, "answer"), (7, "rate", 1), (8, "extend", 3)],
            "22.12.2026",  # the re-review's own term may be extended once
            3,
            None,
            id="re-review-term-extended",
        ),
    ],
)
@pytest.mark.django_db
def test_the_term_is_the_same_everywhere(client, world, time_machine, steps, due, extended, told):
    from appeals import services
    from appeals.models import Appeal
    from appeals.services import sweeps
    from core import outbox as notifications
    from core.models import Notification
    from organizations.models import Membership
    from tests.accounts.factories import UserFactory
    from tests.appeals.factories import make_appeal
    from tests.organizations.factories import CategoryFactory, MembershipFactory

    time_machine.move_to(REGISTERED, tick=False)
    other = world.other_organization
    heads = {world.organization.pk: world.head, other.pk: UserFactory(email="head2@example.ru")}
    MembershipFactory(user=heads[other.pk], organization=other, role=Membership.Role.HEAD)
    category = CategoryFactory(term_days=30)
    appeal = make_appeal(
        Appeal.Status.REGISTERED,
        organization=world.organization,
        citizen=world.citizen,
        category=category,
        municipality=world.municipality,
        region=world.region,
        registered_at=REGISTERED,
        due_at=due_at(start=REGISTERED, days=30, region_timezone=KAMCHATKA),
    )
    for day, action, *args in sorted(steps, key=lambda step: step[0]):
        time_machine.move_to(REGISTERED + timedelta(days=day), tick=False)
        appeal.refresh_from_db()
        head = heads[appeal.organization_id]
        if action == "extend":
            services.extend_deadline(
                head=head, appeal_id=appeal.pk, days=args[0], reason="Нужна экспертиза."
            )
        elif action == "redirect":
            services.redirect_appeal(
                actor=head, appeal_id=appeal.pk, organization=other, reason="Краевая дорога."
            )
        elif action == "take":
            services.take_appeal(executor=head, appeal_id=appeal.pk)
        elif action == "answer":
            services.answer_appeal(actor=head, appeal_id=appeal.pk, text="Снег убран.")
        elif action == "rate":
            services.rate_appeal(
                citizen=world.citizen, appeal_id=appeal.pk, score=args[0], solved=False
            )
    appeal.refresh_from_db()
    head = heads[appeal.organization_id]

    # The stored term and its extension mark.
    assert appeal.due_at.astimezone(KAM).strftime("%d.%m.%Y") == due
    assert appeal.extension_days == extended
    mark = "срок продлён"

    # The citizen's page and the staff page show that date, and «продлён» only when it is.
    client.force_login(world.citizen)
    citizen_page = client.get(reverse("appeals:detail", args=[appeal.number])).content.decode()
    client.force_login(head)
    staff_page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    for page in (citizen_page, staff_page):
        shown = re.search(r'<dd id="deadline">(.*?)</dd>', page, re.S).group(1)
        assert due in shown
        assert (mark in shown) == bool(extended), shown
        if extended:
            assert f"на {extended} д" in shown

    # The export cell.
    export = client.get(reverse("staff:export_csv"), {"tab": "all"})
    rows = list(
        csv.reader(
            io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    column = rows[0].index("Срок ответа")
    (row,) = [row for row in rows[1:] if row[0] == appeal.number]
    assert row[column] == due
    export = client.get(reverse("staff:export_xlsx"), {"tab": "all"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    (cells,) = [cells for cells in sheet.iter_rows(values_only=True) if cells[0] == appeal.number]
    assert cells[column].strftime("%d.%m.%Y") == due

    # The citizen was told the date the pages show.
    notice = (
        Notification.objects.filter(
            recipient=world.citizen, appeal=appeal, channel=Notification.Channel.EMAIL
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    body = notifications.render(notice)[1]
    assert due in body, body
    if told:
        assert told in body, body
    else:
        assert "больше не действует" not in body, body

    # The sweeps: warned for this term, overdue right after its end and not before.
    end = appeal.due_at
    time_machine.move_to(end - timedelta(hours=12), tick=False)
    sweeps.warn_due_soon()
    sweeps.mark_overdue()
    appeal.refresh_from_db()
    assert appeal.due_warned_for == end and appeal.overdue_at is None
    time_machine.move_to(end + timedelta(minutes=1), tick=False)
    assert sweeps.mark_overdue() == 1
    appeal.refresh_from_db()
    assert appeal.overdue_at is not None


@pytest.mark.django_db
def test_an_early_redirect_of_an_overdue_appeal_starts_the_overdue_watch_again(
    client, world, time_machine
):
    """A short term can pass within the 7 days: the fresh term is not overdue until it passes."""
    from appeals import services
    from appeals.models import Appeal
    from appeals.services import sweeps
    from tests.appeals.factories import make_appeal
    from tests.organizations.factories import CategoryFactory

    time_machine.move_to(REGISTERED, tick=False)
    appeal = make_appeal(
        Appeal.Status.IN_PROGRESS,
        organization=world.organization,
        executor=world.executor,
        citizen=world.citizen,
        category=CategoryFactory(term_days=3),
        municipality=world.municipality,
        region=world.region,
        registered_at=REGISTERED,
        due_at=due_at(start=REGISTERED, days=3, region_timezone=KAMCHATKA),
    )
    time_machine.move_to(REGISTERED + timedelta(days=4), tick=False)
    assert sweeps.mark_overdue() == 1
    time_machine.move_to(REGISTERED + timedelta(days=5), tick=False)
    appeal = services.redirect_appeal(
        actor=world.head,
        appeal_id=appeal.pk,
        organization=world.other_organization,
        reason="Краевая дорога.",
    )
    appeal.refresh_from_db()
    assert appeal.due_at.astimezone(KAM).strftime("%d.%m.%Y") == "20.11.2026"
    assert appeal.overdue_at is None  # not in the new organization's «Просроченные»
    assert sweeps.mark_overdue() == 0
    time_machine.move_to(appeal.due_at + timedelta(minutes=1), tick=False)
    assert sweeps.mark_overdue() == 1  # and alerted again when the fresh term passes


@pytest.mark.parametrize(
    ("redirect_day", "on_time"),
    [
        pytest.param(9, True, id="late-redirect-keeps-the-extension"),
        pytest.param(3, False, id="early-redirect-fresh-term-without-it"),
    ],
)
@pytest.mark.django_db
def test_on_time_in_the_statistics_follows_the_same_term(
    world, time_machine, redirect_day, on_time
):
    """Extended to 22.12, answered on 20.12: on time unless a fresh term (15.12) replaced it."""
    from analytics.periods import Period
    from analytics.scope import Scope
    from analytics.selectors import Filters, dashboard
    from analytics.services import rebuild_stats
    from appeals import services
    from appeals.models import Appeal
    from appeals.selectors.overview import overview
    from organizations.models import Membership
    from tests.accounts.factories import UserFactory
    from tests.appeals.factories import make_appeal
    from tests.organizations.factories import CategoryFactory, MembershipFactory

    time_machine.move_to(REGISTERED, tick=False)
    head = UserFactory(email="head2@example.ru")
    MembershipFactory(user=head, organization=world.other_organization, role=Membership.Role.HEAD)
    appeal = make_appeal(
        Appeal.Status.REGISTERED,
        organization=world.organization,
        citizen=world.citizen,
        category=CategoryFactory(term_days=30),
        municipality=world.municipality,
        region=world.region,
        registered_at=REGISTERED,
        due_at=due_at(start=REGISTERED, days=30, region_timezone=KAMCHATKA),
    )
    time_machine.move_to(REGISTERED + timedelta(days=1), tick=False)
    services.extend_deadline(head=world.head, appeal_id=appeal.pk, days=10, reason="Экспертиза.")
    time_machine.move_to(REGISTERED + timedelta(days=redirect_day), tick=False)
    services.redirect_appeal(
        actor=world.head,
        appeal_id=appeal.pk,
        organization=world.other_organization,
        reason="Краевая дорога.",
    )
    time_machine.move_to(datetime(2026, 12, 20, 12, tzinfo=KAM), tick=False)
    services.take_appeal(executor=head, appeal_id=appeal.pk)
    services.answer_appeal(actor=head, appeal_id=appeal.pk, text="Снег убран.")
    assert overview(user=head)["answered_on_time"] == int(on_time)
    rebuild_stats()
    figures = dashboard(
        scope=Scope(frozenset({world.region.pk}), None),
        filters=Filters(),
        period=Period(date(2026, 11, 1), date(2026, 12, 31)),
        today=date(2026, 12, 20),
    )
    assert figures["total"]["on_time"] == int(on_time)
