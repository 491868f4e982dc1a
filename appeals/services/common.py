"""Helpers shared by the appeal services."""

from datetime import datetime
from zoneinfo import ZoneInfo

from appeals import deadlines
from appeals.models import Appeal


def local_date(appeal: Appeal, moment: datetime | None) -> str:
    """A date as the citizen reads it: in the region's time zone, dd.mm.yyyy."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(appeal.region.timezone)).strftime("%d.%m.%Y")


def fresh_due_at(appeal: Appeal, start: datetime) -> datetime:
    """The appeal's full term counted from `start` (registration, an early redirect, a re-review)."""
    days, day_count = deadlines.term_of(appeal)
    return deadlines.due_at(
        start=start, days=days, region_timezone=appeal.region.timezone, day_count=day_count
    )
