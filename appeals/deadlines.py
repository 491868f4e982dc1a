"""Legal deadlines for appeals (Federal Law 59-FZ) and the production calendar.

Rules used here:

* A term is counted in the region's local time. The local date of the registration is day 0;
  the term starts on the next day (Civil Code art. 191).
* Calendar-day terms end on ``local_date + days``. 59-FZ counts calendar days, so a term whose
  last day is a weekend or a holiday is NOT moved to the next working day.
* Working-day terms end on the ``days``-th working day after the local registration date;
  the registration day itself never counts, even when it is a working day.
* A deadline is the END of its last day in the region's zone: 23:59:59.999999 local time.

The production calendar is the five-day week plus the exceptions stored in ``CalendarDay``:
``holiday`` (a non-working weekday) and ``working`` (a transferred working Saturday or Sunday).

What happens to the term of an appeal (one rule, so every page, sweep, export and statistic agrees):

* ``Appeal.due_at`` is always the effective term: the one the citizen was told and the sweeps,
  the queue, the exports and the analytics compare with. Nothing recomputes it from other fields.
* An extension moves ``due_at`` and is recorded beside it (``extension_days``, ``extension_reason``)
  for the term it extended. A head may extend a term once, by up to 30 days, before it passes.
* A redirect more than 7 days after registration keeps the term, extension included: the new
  organization inherits the deadline the citizen was told and cannot extend it again.
* A redirect within 7 days of registration, and a re-review after a low rating, start a fresh full
  term (``start_fresh_term``). The extension belonged to the old term: it is dropped (the Event
  history keeps it), so the fresh term may itself be extended once; the citizen is told the new
  date and that the extended one no longer applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.db import transaction

from appeals.models import CalendarDay
from regimes.selectors import regime_version_by_id

HOLIDAY = CalendarDay.Kind.HOLIDAY.value
WORKING = CalendarDay.Kind.WORKING.value

REGISTRATION_DAYS = 3
FRESH_TERM_REDIRECT_WINDOW = timedelta(days=7)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _require_positive(days: int) -> None:
    if days < 1:
        raise ValueError("days must be at least 1")


def _end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.max, tzinfo=zone)


def is_working_day(day: date, exceptions: dict[date, str] | None = None) -> bool:
    """Monday–Friday unless marked "holiday"; Saturday/Sunday only when marked "working"."""
    kind = (exceptions or {}).get(day)
    if day.weekday() < 5:
        return kind != HOLIDAY
    return kind == WORKING


def _load_exceptions(first: date, last: date) -> dict[date, str]:
    """All production-calendar exceptions in ``first..last`` in one query."""
    rows = CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "kind")
    return dict(rows)


def _add_working_days(local_date: date, days: int) -> date:
    """The ``days``-th working day strictly after ``local_date``.

    Exceptions are fetched in windows: the first one (``days * 3 + 30`` calendar days) covers any
    real term in a single query; a further window is only read if an admin has marked an
    implausibly long run of holidays.
    """
    window = days * 3 + 30
    first = local_date + timedelta(days=1)
    last = local_date + timedelta(days=window)
    exceptions = _load_exceptions(first, last)
    day, counted = local_date, 0
    while True:
        day += timedelta(days=1)
        if day > last:
            first, last = day, day + timedelta(days=window - 1)
            exceptions = _load_exceptions(first, last)
        if is_working_day(day, exceptions):
            counted += 1
            if counted == days:
                return day


def due_at(
    *, start: datetime, days: int, region_timezone: str, day_count: str = "calendar"
) -> datetime:
    """The legal deadline: the end of the last day of the term, in the region's zone.

    ``start`` is the aware registration time; its local date in ``region_timezone`` is day 0.
    ``day_count`` is "calendar" (59-FZ; the last day is not moved off weekends/holidays) or
    "working" (counted over the production calendar, one query to ``CalendarDay``).
    """
    _require_aware(start, "start")
    _require_positive(days)
    zone = ZoneInfo(region_timezone)
    local_date = start.astimezone(zone).date()
    if day_count == "calendar":
        last_day = local_date + timedelta(days=days)
    elif day_count == "working":
        last_day = _add_working_days(local_date, days)
    else:
        raise ValueError(f"unknown day_count: {day_count!r}")
    return _end_of_day(last_day, zone)


def extend(*, due: datetime, days: int, region_timezone: str) -> datetime:
    """The deadline moved by ``days`` calendar days, still at the end of the local day."""
    _require_aware(due, "due")
    _require_positive(days)
    zone = ZoneInfo(region_timezone)
    return _end_of_day(due.astimezone(zone).date() + timedelta(days=days), zone)


def regime_of(appeal):
    """The version of the regime rules the appeal is reviewed under, or None (no query)."""
    return regime_version_by_id(appeal.regime_version_id)


def term_of(appeal) -> tuple[int, str]:
    """(days, day count) of the appeal's answer term: its regime's, else its category's."""
    version = regime_of(appeal)
    if version is not None:
        return version.answer_days, version.day_count
    return appeal.category.term_days, appeal.category.day_count


def forwarding_window(appeal) -> timedelta:
    version = regime_of(appeal)
    return timedelta(days=version.forwarding_days) if version else FRESH_TERM_REDIRECT_WINDOW


def redirect_gives_fresh_term(
    *,
    registered_at: datetime,
    redirected_at: datetime,
    window: timedelta = FRESH_TERM_REDIRECT_WINDOW,
) -> bool:
    """A redirect within the forwarding term (7 days under 59-FZ) gives a fresh term."""
    return redirected_at - registered_at <= window


def start_fresh_term(appeal, *, start: datetime) -> None:
    """Give ``appeal`` its full term (``term_of``) counted from ``start`` (not saved here).

    The extension of the old term is dropped with it, and so are the deadline warnings and the
    overdue mark of the old term, so the sweeps warn and escalate for the new one.
    """
    days, day_count = term_of(appeal)
    appeal.due_at = due_at(
        start=start, days=days, region_timezone=appeal.region.timezone, day_count=day_count
    )
    appeal.extension_days = None
    appeal.extension_reason = ""
    appeal.overdue_at = None
    appeal.due_warning_stage = 0
    appeal.due_warned_for = None


def registration_due_at(*, submitted: datetime) -> datetime:
    """Moderation must register an appeal within 3 days of its submission."""
    return submitted + timedelta(days=REGISTRATION_DAYS)


def russian_calendar(years: Iterable[int]) -> dict[date, tuple[str, str]]:
    """Exceptions to the five-day week for Russia from the ``holidays`` library.

    Holidays and the government's bridge days ("Выходной (перенесено с …)") that fall on
    weekdays become "holiday"; holidays on a weekend are non-working anyway and are skipped.
    Transferred working weekends come from ``HolidayBase.weekend_workdays`` (the library fills
    it from the substituted-days table of ``holidays.countries.russia``) and become "working".
    The following year is populated too, since a transfer listed for it may name a working
    weekend in the year asked for; only dates in ``years`` are returned.
    """
    wanted = set(years)
    calendar = holidays.country_holidays(
        "RU", years=sorted(wanted | {year + 1 for year in wanted}), language="ru"
    )
    result: dict[date, tuple[str, str]] = {}
    for day, name in sorted(calendar.items()):
        if day.year in wanted and day.weekday() < 5:
            result[day] = (HOLIDAY, name[:200])
    for day in sorted(calendar.weekend_workdays):
        if day.year in wanted and day.weekday() >= 5 and day not in calendar:
            result[day] = (WORKING, "Рабочий день (перенесён)")
    return result


def fill_calendar(*, years: list[int]) -> int:
    """Create the missing ``CalendarDay`` rows for Russia in ``years``; return how many.

    Idempotent: existing rows (including ones an admin edited) are never changed.
    """
    if not years:
        return 0
    days = russian_calendar(years)
    with transaction.atomic():
        existing = set(
            CalendarDay.objects.filter(date__year__in=sorted(set(years))).values_list(
                "date", flat=True
            )
        )
        missing = [
            CalendarDay(date=day, kind=kind, name=name)
            for day, (kind, name) in sorted(days.items())
            if day not in existing
        ]
        # ignore_conflicts: a concurrent run that inserted the same date is not an error.
        CalendarDay.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)
