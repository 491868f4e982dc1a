"""On random generated history, every roll-up figure equals the same figure computed directly."""

import io
import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics.models import AnswerTimeRollup, GroundRollup, Rollup
from analytics.periods import Period, preset_period
from analytics.scope import Scope
from analytics.selectors import Filters, dashboard
from analytics.services import rebuild_stats, update_stats
from appeals.models import Answer, Appeal, Event, Rating
from appeals.workflow import writing_history
from demo.appeals import generate_appeals
from organizations.models import Region
from tests.analytics.conftest import direct_figures

pytestmark = pytest.mark.django_db

S = Appeal.Status
FIGURES = (
    "received",
    "registered",
    "rejected",
    "closed_on_ground",
    "redirected",
    "answered",
    "on_time",
    "ratings",
    "rating_sum",
    "solved",
    "rereviews",
    "not_rated",
)


@pytest.fixture
def region():
    call_command("load_demo", force=True, appeals=0, stdout=io.StringIO())
    return Region.objects.get(code="41")


def compare(region, period, filters=None, scope=None):
    filters = filters or Filters()
    scope = scope or Scope(frozenset({region.pk}), None)
    data = dashboard(scope=scope, filters=filters, period=period, today=timezone.localdate())
    expected = direct_figures(
        start=period.start,
        end=period.end,
        region=region,
        municipality=filters.municipality,
        category=filters.category,
        organization=filters.organization,
        organizations=scope.organization_ids,
    )
    for name in FIGURES:
        assert data["total"][name] == expected.get(name, 0), (name, period, filters)
    assert data["median_hours"] == expected["median_hours"], (period, filters)
    assert data["p90_hours"] == expected["p90_hours"], (period, filters)
    assert data["headline"]["overdue_end"]["value"] == expected.get("overdue_end", 0), (
        period,
        filters,
    )
    grounds = {(g["kind"], g["ground"]): g["n"] for g in data["grounds"] if g["n"]}
    assert grounds == expected["grounds"]
    # The breakdowns add up to the total, and each row is the filtered figure.
    assert sum(row["received"] for row in data["municipalities"]) == data["total"]["received"]
    assert sum(row["answered"] for row in data["categories"]) == data["total"]["answered"]
    assert sum(row["received"] for row in data["timeline"]) == data["total"]["received"]
    return data


def periods(today):
    return [
        preset_period("12m", today),
        preset_period("last_month", today),
        preset_period("month", today),
        Period(today - timedelta(days=100), today - timedelta(days=9)),  # edges in daily roll-ups
        Period(date(2000, 1, 1), today + timedelta(days=60)),
    ]


def test_rebuild_then_incremental_runs_equal_direct_figures(region):
    generate_appeals(count=1200, region=region, months=6, seed=7)
    rebuild_stats()
    today = timezone.localdate()
    for period in periods(today):
        compare(region, period)
    year = compare(region, preset_period("12m", today))["total"]
    for name in (
        "received",
        "rejected",
        "closed_on_ground",
        "redirected",
        "answered",
        "on_time",
        "ratings",
        "rereviews",
        "not_rated",
        "overdue_started",
    ):
        assert year[name] > 0, name  # the generated history exercises every figure
    rng = random.Random(5)
    appeal = Appeal.objects.filter(region=region).order_by("?").first()
    filters = [
        Filters(municipality=appeal.municipality_id),
        Filters(category=appeal.category_id),
        Filters(organization=appeal.organization_id),
        Filters(municipality=appeal.municipality_id, category=appeal.category_id),
    ]
    for f in filters:
        compare(region, preset_period("12m", today), f)
        compare(region, periods(today)[3], f)
    compare(
        region,
        preset_period("12m", today),
        scope=Scope(frozenset({region.pk}), frozenset({appeal.organization_id})),
    )

    # More history and changes to existing appeals, folded in by the incremental run.
    generate_appeals(count=300, region=region, months=2, seed=8)
    answered = list(Appeal.objects.filter(status=S.ANSWERED).order_by("pk")[:20])
    now = timezone.now()
    # The set-up writes history with its events, not transitions.
    with writing_history(appeal_ids=[appeal.pk for appeal in answered]):
        for index, appeal in enumerate(answered):
            answer = appeal.answers.order_by("-review_round").first()
            low = index % 2 == 0 and appeal.review_round == 0
            Rating.objects.create(
                appeal=appeal, answer=answer, score=2 if low else 5, solved=not low, created_at=now
            )
            if low:  # back to re-review, as rate_appeal does
                Appeal.objects.filter(pk=appeal.pk).update(
                    status=S.IN_PROGRESS,
                    review_round=1,
                    answered_at=None,
                    due_at=now + timedelta(days=rng.randint(-3, 20)),
                )
                Event.objects.create(
                    appeal=appeal,
                    action="rate",
                    from_status=S.ANSWERED,
                    to_status=S.IN_PROGRESS,
                    created_at=now,
                )
            else:
                Appeal.objects.filter(pk=appeal.pk).update(
                    status=S.CLOSED, closed_at=now, close_reason="rated"
                )
                Event.objects.create(
                    appeal=appeal,
                    action="rate",
                    from_status=S.ANSWERED,
                    to_status=S.CLOSED,
                    created_at=now,
                )
    assert update_stats() >= 300
    assert update_stats() >= 0  # twice: the same figures
    for period in periods(today):
        compare(region, period)
    for f in filters:
        compare(region, preset_period("12m", today), f)

    # The incremental tables equal a rebuild from scratch, row for row.
    def snapshot():
        return (
            sorted(
                tuple(r)
                for r in Rollup.objects.exclude(
                    received=0,
                    registered=0,
                    rejected=0,
                    closed_on_ground=0,
                    redirected=0,
                    answered=0,
                    overdue_started=0,
                    overdue_ended=0,
                    ratings=0,
                    rereviews=0,
                    not_rated=0,
                ).values_list(
                    "grain",
                    "day",
                    "municipality_id",
                    "organization_id",
                    "category_id",
                    "received",
                    "answered",
                    "on_time",
                    "ratings",
                    "solved",
                    "overdue_started",
                    "overdue_ended",
                    "rereviews",
                    "not_rated",
                )
            ),
            sorted(
                GroundRollup.objects.exclude(count=0).values_list(
                    "grain", "day", "kind", "ground", "count"
                )
            ),
            sorted(
                AnswerTimeRollup.objects.exclude(count=0).values_list(
                    "grain", "day", "level", "hours", "count"
                )
            ),
        )

    incremental = snapshot()
    rebuild_stats()
    assert snapshot() == incremental


def test_answer_is_counted_once_and_moves_with_the_appeal(region):
    generate_appeals(count=200, region=region, months=2, seed=9)
    rebuild_stats()
    assert Answer.objects.exists()
    total = Rollup.objects.filter(grain="m").values_list("received", flat=True)
    assert sum(total) == Appeal.objects.count()
