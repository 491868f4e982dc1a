"""Reads of the analytics app. Every figure comes from the roll-ups, so a page costs the same
number of queries and about the same time whatever the number of appeals."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import F, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from analytics import figures
from analytics.models import AnswerTimeRollup, GroundRollup, Rollup, RollupState
from analytics.periods import Period, period_q, preset_period
from analytics.scope import Scope
from analytics.sql import COUNTERS
from appeals.models import Appeal
from organizations.models import Category, Municipality, Organization, Region
from quality.selectors import review_counts
from regimes.models import Regime

LEAGUE_MINIMUM = 30  # appeals answered in the period before an organization gets a rank
TABLE_LIMIT = 50  # organizations shown on the page (exports hold all)
HEAT_COLUMNS = 10
GROWTH_ROWS = 10
GROWTH_MINIMUM = 10  # appeals in the previous period before a growth rate means anything


@dataclass(frozen=True)
class Filters:
    municipality: int | None = None
    category: int | None = None
    organization: int | None = None

    def q(self) -> Q:
        q = Q()
        if self.municipality:
            q &= Q(municipality_id=self.municipality)
        if self.category:
            q &= Q(category_id=self.category)
        if self.organization:
            q &= Q(organization_id=self.organization)
        return q


def _sums():
    return {name: Sum(name) for name in COUNTERS}


def _rows(scope: Scope, filters: Filters):
    return Rollup.objects.filter(scope.q(), filters.q())


DASHBOARD_CACHE_SECONDS = 900


def versioned_key(kind: str, *, scope: Scope, question) -> str:
    """A cache key valid until the next roll-up run: the roll-up version, the viewer's scope and
    the question asked (one small query reads the version)."""
    version = RollupState.objects.order_by("pk").values_list("version", flat=True).first()
    text = repr(
        (
            version,
            sorted(scope.region_ids or ()),
            scope.region_ids is None,
            sorted(scope.organization_ids or ()),
            scope.organization_ids is None,
            question,
        )
    )
    return f"analytics:{kind}:" + hashlib.sha256(text.encode()).hexdigest()


def cached_dashboard(
    *, scope: Scope, filters: Filters, period: Period, today: date, series: str = "month"
) -> dict:
    """dashboard(), kept in the cache until the roll-ups change (their version is in the key).

    The figures cannot change between two roll-up runs, so the same question is computed once per
    run; one small query reads the version."""
    key = versioned_key("dashboard", scope=scope, question=(filters, period, today, series))
    data = cache.get(key)
    if data is None:
        data = dashboard(scope=scope, filters=filters, period=period, today=today, series=series)
        cache.set(key, data, DASHBOARD_CACHE_SECONDS)
    return data


def _answer_time_histogram(scope: Scope, filters: Filters, period: Period) -> dict[int, int]:
    """{hours: appeals} of the period at the level that matches the filters with the fewest rows."""
    chosen = [dim for dim in ("municipality", "organization", "category") if getattr(filters, dim)]
    if scope.is_organizations and "organization" not in chosen:
        chosen.append("organization")
    levels = {(): "r", ("municipality",): "m", ("organization",): "o", ("category",): "c"}
    level = levels.get(tuple(chosen), "x")
    # The dimensions outside the level are stored as 0: saying so lets the unique index serve the read.
    unused = {
        f"{dim}_id": 0
        for dim in ("municipality", "organization", "category")
        if level != "x" and dim not in chosen
    }
    q = Q(level=level, **unused) & period_q(period.start, period.end) & scope.q() & filters.q()
    rows = (
        AnswerTimeRollup.objects.filter(q)
        .values("hours")
        .annotate(n=Sum("count"))
        .values_list("hours", "n")
    )
    return dict(rows)


def _names() -> tuple[dict, dict]:
    municipalities = dict(Municipality.objects.values_list("id", "name"))
    categories = dict(Category.objects.filter(parent__isnull=False).values_list("id", "name"))
    return municipalities, categories


def organization_names(ids) -> dict[int, str]:
    return {
        pk: short or name
        for pk, name, short in Organization.objects.filter(id__in=set(ids)).values_list(
            "id", "name", "short_name"
        )
    }


def _table(groups: dict, names: dict, overdue: dict) -> list[dict]:
    table = []
    for key, total in groups.items():
        row = figures.derived(total)
        row.update({"id": key, "name": names.get(key, "—"), "overdue_end": overdue.get(key, 0)})
        table.append(row)
    return table


def dashboard(
    *, scope: Scope, filters: Filters, period: Period, today: date, series: str = "month"
) -> dict:
    """Every figure of /analytics/ for a scope, filters and period: headline cards with the change
    from the previous period, the series, the tables, the heat table, growth and the league."""
    previous = period.previous()
    rows = _rows(scope, filters)
    in_period = period_q(period.start, period.end)
    cells = list(
        rows.filter(in_period)
        .values("municipality_id", "organization_id", "category_id")
        .annotate(**_sums())
    )
    # The overdue stock is a running sum over all earlier history: per cell at the period's end,
    # and in total today and at the previous period's end.
    overdue_delta = F("overdue_started") - F("overdue_ended")
    overdue_cells = list(
        rows.filter(period_q(None, period.end))
        .values("municipality_id", "organization_id", "category_id")
        .annotate(overdue=Sum(overdue_delta))
    )
    now_q, previous_q = period_q(None, today - timedelta(days=1)), period_q(None, previous.end)
    stock = rows.filter(now_q | previous_q).aggregate(
        now=Sum(overdue_delta, filter=now_q), previous_end=Sum(overdue_delta, filter=previous_q)
    )
    before = {
        row["category_id"]: row
        for row in rows.filter(period_q(previous.start, previous.end))
        .values("category_id")
        .annotate(**_sums())
    }
    histogram = _answer_time_histogram(scope, filters, period)
    histogram_before = _answer_time_histogram(scope, filters, previous)
    grounds = list(
        GroundRollup.objects.filter(scope.q(), filters.q(), period_q(period.start, period.end))
        .values("kind", "ground")
        .annotate(n=Sum("count"))
        .order_by("kind", "-n")
    )
    trunc = TruncWeek("day") if series == "week" else TruncMonth("day")
    timeline = list(
        rows.filter(period_q(period.start, period.end, "w" if series == "week" else "m"))
        .annotate(bucket=trunc)
        .values("bucket")
        .annotate(**_sums())
        .order_by("bucket")
    )

    total = figures.empty()
    by_municipality, by_category, by_organization = (defaultdict(figures.empty) for _ in range(3))
    heat = defaultdict(int)
    for cell in cells:
        figures.add(total, cell)
        figures.add(by_municipality[cell["municipality_id"]], cell)
        figures.add(by_category[cell["category_id"]], cell)
        if cell["organization_id"]:
            figures.add(by_organization[cell["organization_id"]], cell)
        heat[(cell["municipality_id"], cell["category_id"])] += cell["received"]
    overdue_by = {"m": defaultdict(int), "c": defaultdict(int), "o": defaultdict(int)}
    overdue_end = 0
    for cell in overdue_cells:
        value = cell["overdue"] or 0
        overdue_end += value
        overdue_by["m"][cell["municipality_id"]] += value
        overdue_by["c"][cell["category_id"]] += value
        overdue_by["o"][cell["organization_id"]] += value
    total_before = figures.empty()
    for row in before.values():
        figures.add(total_before, row)

    municipality_names, category_names = _names()
    org_names = organization_names(list(by_organization) + [filters.organization or 0])
    headline = _headline(total, total_before, histogram, histogram_before)
    previous_end = stock["previous_end"] or 0
    headline["overdue_end"] = {
        "value": overdue_end,
        "previous": previous_end,
        "change": figures.change(overdue_end, previous_end),
    }
    headline["overdue_now"] = {"value": stock["now"] or 0, "previous": None, "change": None}
    organizations = _table(by_organization, org_names, overdue_by["o"])
    _add_review_counts(organizations, scope=scope, filters=filters, period=period)
    return {
        "period": period,
        "previous": previous,
        "headline": headline,
        "total": figures.derived(total),
        "median_hours": headline["median_hours"]["value"],
        "p90_hours": headline["p90_hours"]["value"],
        "grounds": grounds,
        "timeline": [{"bucket": row["bucket"], **figures.derived(row)} for row in timeline],
        "municipalities": _table(by_municipality, municipality_names, overdue_by["m"]),
        "categories": _table(by_category, category_names, overdue_by["c"]),
        "organizations": organizations,
        "league": league(organizations),
        "heat": _heat(heat, municipality_names, category_names, by_category),
        "growth": _growth(by_category, before, category_names),
        "names": {
            "municipality": municipality_names.get(filters.municipality),
            "category": category_names.get(filters.category),
            "organization": org_names.get(filters.organization),
        },
    }


def _add_review_counts(
    organizations: list[dict], *, scope: Scope, filters: Filters, period
) -> None:
    """«Доля формальных ответов»: the quality review's decisions of the period per organization
    (quality/selectors.py), one query beside the roll-ups (review decisions are few: a sample and
    the low-rated answers) and cached with the dashboard until the next roll-up run."""
    counts = review_counts(
        region_ids=scope.region_ids,
        organization_ids=scope.organization_ids,
        start=period.start,
        end=period.end,
        municipality=filters.municipality,
        category=filters.category,
        organization=filters.organization,
    )
    for row in organizations:
        row.update(counts.get(row["id"]) or {"reviewed": 0, "returned": 0, "formal_share": None})


def _headline(total, before, histogram, histogram_before) -> dict:
    now, then = figures.derived(total), figures.derived(before)
    cards = {}
    for name in (
        "received",
        "registered",
        "rejected",
        "closed_on_ground",
        "redirected",
        "answered",
        "on_time_share",
        "ratings",
        "average_rating",
        "solved_share",
        "rereviews",
        "not_rated",
    ):
        cards[name] = {"value": now[name], "previous": then[name]}
    cards["median_hours"] = {
        "value": figures.percentile(histogram.items(), 0.5),
        "previous": figures.percentile(histogram_before.items(), 0.5),
    }
    cards["p90_hours"] = {
        "value": figures.percentile(histogram.items(), 0.9),
        "previous": figures.percentile(histogram_before.items(), 0.9),
    }
    for card in cards.values():
        card["change"] = figures.change(card["value"], card["previous"])
    return cards


def league(organizations: list[dict]) -> list[dict]:
    """Organizations ranked by the lower bound of their on-time share (Wilson, 95 %): a small
    organization with few answers cannot top the table by luck. Below LEAGUE_MINIMUM answered
    appeals an organization is listed without a rank."""
    rows = []
    for row in organizations:
        on_time = figures.wilson(row["on_time"], row["answered"])
        solved = figures.wilson(row["solved"], row["ratings"])
        rows.append(
            {
                **row,
                "on_time_ci": on_time,
                "solved_ci": solved,
                "ranked": row["answered"] >= LEAGUE_MINIMUM,
            }
        )
    rows.sort(
        key=lambda r: (not r["ranked"], -(r["on_time_ci"][0] if r["on_time_ci"] else 0), r["name"])
    )
    rank = 0
    for row in rows:
        if row["ranked"]:
            rank += 1
            row["rank"] = rank
        else:
            row["rank"] = None
    return rows


def _heat(heat: dict, municipality_names: dict, category_names: dict, by_category: dict) -> dict:
    columns = sorted(by_category, key=lambda pk: -by_category[pk]["received"])[:HEAT_COLUMNS]
    municipalities = sorted({m for m, _c in heat}, key=lambda pk: municipality_names.get(pk, ""))
    peak = max((heat[(m, c)] for m in municipalities for c in columns), default=0)
    rows = []
    for m in municipalities:
        values = []
        for c in columns:
            value = heat.get((m, c), 0)
            values.append(
                {
                    "value": value,
                    "level": 0 if not peak or not value else 1 + 4 * value // (peak + 1),
                }
            )
        rows.append({"id": m, "name": municipality_names.get(m, "—"), "values": values})
    return {
        "columns": [{"id": c, "name": category_names.get(c, "—")} for c in columns],
        "rows": rows,
    }


def _growth(by_category: dict, before: dict, category_names: dict) -> list[dict]:
    rows = []
    for pk, total in by_category.items():
        previous = (before.get(pk) or {}).get("received") or 0
        if previous < GROWTH_MINIMUM:
            continue
        rows.append(
            {
                "id": pk,
                "name": category_names.get(pk, "—"),
                "received": total["received"],
                "previous": previous,
                "change": (total["received"] - previous) / previous,
            }
        )
    rows.sort(key=lambda r: (-r["change"], r["name"]))
    return rows[:GROWTH_ROWS]


def _official_this_year(*, region_id: int, today: date) -> int:
    """The appeal counter of the public page: 59-FZ appeals registered since 1 January (the
    figure the Decree 171 reports add up to; the page is cached, the count uses the region's
    registration index)."""
    region = Region.objects.get(pk=region_id)
    start = datetime.combine(today.replace(month=1, day=1), time.min, ZoneInfo(region.timezone))
    return Appeal.objects.filter(
        region_id=region_id,
        registered_at__gte=start,
        regime_version__regime__kind=Regime.Kind.APPEAL,
    ).count()


def public_stats(*, region_id: int, today: date) -> dict:
    """The headline figures of /stats/ over the last 12 months (this one included)."""
    period = preset_period("12m", today)
    rows = Rollup.objects.filter(region_id=region_id).filter(period_q(period.start, period.end))
    sums = rows.aggregate(**_sums())
    total = figures.derived({name: sums[name] or 0 for name in COUNTERS})
    municipality_names, category_names = _names()
    by_municipality = []
    for row in rows.values("municipality_id").annotate(**_sums()).order_by():
        derived = figures.derived(row)
        derived["name"] = municipality_names.get(row["municipality_id"], "—")
        by_municipality.append(derived)
    by_municipality.sort(key=lambda r: r["name"])
    top = [
        {"name": category_names.get(row["category_id"], "—"), "received": row["n"]}
        for row in rows.values("category_id")
        .annotate(n=Sum("received"))
        .order_by("-n", "category_id")[:10]
    ]
    return {
        "period": period,
        "processed": total["answered"] + total["rejected"] + total["closed_on_ground"],
        "received": total["received"],
        "answered": total["answered"],
        "on_time_share": total["on_time_share"],
        "average_rating": total["average_rating"],
        "solved_share": total["solved_share"],
        "participants": Organization.objects.filter(region_id=region_id, is_active=True).count(),
        "official_this_year": _official_this_year(region_id=region_id, today=today),
        "top_categories": top,
        "municipalities": by_municipality,
    }
