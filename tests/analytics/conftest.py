"""Direct computation of every analytics figure from appeals, events and ratings — independent of
the roll-up SQL — to compare the dashboard with."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from appeals.models import Appeal, Event, Rating

S = Appeal.Status


def _day(moment, zone) -> date | None:
    return moment.astimezone(zone).date() if moment else None


def _midnight_after(day: date, zone) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def direct_figures(
    *,
    start: date,
    end: date,
    region,
    municipality=None,
    category=None,
    organization=None,
    organizations=None,
) -> dict:
    """Every figure of a period straight from the source tables."""
    zone = ZoneInfo(region.timezone)
    appeals = Appeal.objects.filter(region=region)
    if municipality:
        appeals = appeals.filter(municipality_id=municipality)
    if category:
        appeals = appeals.filter(category_id=category)
    if organization:
        appeals = appeals.filter(organization_id=organization)
    if organizations is not None:
        appeals = appeals.filter(organization_id__in=organizations)
    appeals = list(appeals)
    ids = [a.pk for a in appeals]
    events = defaultdict(list)
    for event in Event.objects.filter(appeal_id__in=ids, action__in=["redirect", "rate"]):
        events[event.appeal_id].append(event)
    ratings = defaultdict(list)
    for rating in Rating.objects.filter(appeal_id__in=ids):
        ratings[rating.appeal_id].append(rating)

    def inside(moment) -> bool:
        day = _day(moment, zone)
        return day is not None and start <= day <= end

    f = Counter()
    hours = []
    grounds = Counter()
    end_moment = _midnight_after(end, zone)
    for a in appeals:
        f["received"] += inside(a.submitted_at)
        f["registered"] += inside(a.registered_at)
        if a.status == S.REJECTED and inside(a.closed_at):
            f["rejected"] += 1
            grounds[("rejected", a.ground)] += 1
        on_ground = a.status == S.CLOSED and a.close_reason == Appeal.CloseReason.GROUND
        if on_ground and inside(a.closed_at):
            f["closed_on_ground"] += 1
            grounds[("ground", a.ground)] += 1
        if a.status == S.CLOSED and not on_ground and not ratings[a.pk] and inside(a.closed_at):
            f["not_rated"] += 1
        for event in events[a.pk]:
            if event.action == "redirect" and inside(event.created_at):
                f["redirected"] += 1
            if (
                event.action == "rate"
                and event.to_status == S.IN_PROGRESS
                and inside(event.created_at)
            ):
                f["rereviews"] += 1
        if a.answered_at and inside(a.answered_at):
            f["answered"] += 1
            f["on_time"] += a.answered_at <= a.due_at
            hours.append(math.floor((a.answered_at - a.registered_at).total_seconds() / 3600))
        for rating in ratings[a.pk]:
            if inside(rating.created_at):
                f["ratings"] += 1
                f["rating_sum"] += rating.score
                f["solved"] += rating.solved
        resolved = a.answered_at or (a.closed_at if a.status == S.CLOSED else None)
        if a.due_at and a.due_at < end_moment and (resolved is None or resolved >= end_moment):
            f["overdue_end"] += 1
    hours.sort()

    def quantile(fraction):
        if not hours:
            return None
        return hours[max(1, math.ceil(fraction * len(hours))) - 1]

    f["median_hours"] = quantile(0.5)
    f["p90_hours"] = quantile(0.9)
    f["grounds"] = dict(grounds)
    return dict(f)
