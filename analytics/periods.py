"""Periods of the dashboard: presets, the previous period, and the split into roll-up grains."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PRESETS = {
    "month": _("this month"),
    "last_month": _("last month"),
    "quarter": _("this quarter"),
    "year": _("this year"),
    "12m": _("last 12 months"),
}


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period just before, of the same length (whole months when this one is whole months)."""
        if self.start == month_start(self.start) and self.end == month_end(self.end):
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            start = add_months(self.start, -months)
            return Period(start, self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def preset_period(preset: str, today: date) -> Period:
    if preset == "last_month":
        start = add_months(month_start(today), -1)
        return Period(start, month_end(start))
    if preset == "quarter":
        start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return Period(start, month_end(add_months(start, 2)))
    if preset == "year":
        return Period(date(today.year, 1, 1), date(today.year, 12, 31))
    if preset == "12m":
        return Period(add_months(month_start(today), -11), month_end(today))
    return Period(month_start(today), month_end(today))


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def grain_ranges(start: date | None, end: date, coarse: str = "m") -> list[tuple[str, date, date]]:
    """[(grain, first bucket, last bucket)] covering start..end exactly: whole months (weeks) from
    the coarse roll-up, the days at the edges from the daily one. `start=None`: from the beginning."""
    if coarse == "w":
        first = _week_start(start) if start else None
        if first is not None and first != start:
            first += timedelta(days=7)
        last = _week_start(end + timedelta(days=1)) - timedelta(days=7)  # last week ending ≤ end
        step_end = last + timedelta(days=6) if first is None or last >= first else None
    else:
        first = month_start(start) if start else None
        if first is not None and first != start:
            first = add_months(first, 1)
        last = add_months(month_start(end + timedelta(days=1)), -1)  # last month ending ≤ end
        step_end = month_end(last) if first is None or last >= first else None
    if step_end is None:
        return [("d", start or date.min, end)]
    ranges = [(coarse, first or date.min, last)]
    if start is not None and start < first:
        ranges.append(("d", start, first - timedelta(days=1)))
    if step_end < end:
        ranges.append(("d", step_end + timedelta(days=1), end))
    return ranges


def period_q(start: date | None, end: date, coarse: str = "m") -> Q:
    q = Q(pk__in=[])
    for grain, first, last in grain_ranges(start, end, coarse):
        q |= Q(grain=grain, day__gte=first, day__lte=last)
    return q
