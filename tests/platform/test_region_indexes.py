"""Every list and aggregate a region's people and public pages read is scoped by the region and
read through an index that starts with it (or with the organization, for a list of one
organization's rows: an organization belongs to one region). One national deployment serves many
regions from one database (core/regions.py): a region's page must not scan the others' rows.

Each query is run as the page runs it, captured, and EXPLAINed with sequential scans off (a few
test rows: a scan would be cheaper here, and the plan would say nothing about the index a full
table gets).

Not here, and why: Decree 171 (reporting/report.py) reads the month's events (a partition by
created_at, core/partitions.py) joined to the region's appeals — events carry no region; the
citizen API's and a citizen's own lists are per citizen (appeal_citizen_idx).
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.periods import period_q, preset_period
from analytics.scope import Scope
from analytics.selectors import Filters, _answer_time_histogram, _rows, public_stats
from answers import selectors as answer_selectors
from appeals import selectors as appeal_selectors
from appeals.models import Appeal
from appeals.selectors import fixes, open311
from appeals.selectors.public import (
    BBox,
    ProblemFilters,
    map_features,
    public_problem_list,
    public_texts_to_check,
)
from appeals.selectors.staff import QueueFilter, queue
from outages import selectors as outage_selectors
from surveys.models import Survey
from surveys.selectors import consultations_for
from tests.appeals.factories import make_appeal

pytestmark = pytest.mark.django_db
S = Appeal.Status
SCAN = re.compile(r"(?:Index Scan|Index Only Scan)(?: Backward)? using (\S+) on (\S+)")
BITMAP = re.compile(r"Bitmap Index Scan on (\S+)")
BOX = BBox(min_lon=150, min_lat=50, max_lon=170, max_lat=60)


def _first_column(index: str) -> tuple[str, str]:
    """(table, first column) of an index."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, a.attname FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE c.relname = %s
            """,
            [index],
        )
        return cursor.fetchone()


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def _indexes_read(table: str, run) -> list[tuple[str, str]]:
    """(index, first column) of the indexes the plans of `run`'s queries on `table` read; fails
    when a plan scans the table whole."""
    with CaptureQueriesContext(connection) as captured:
        result = run()
        if hasattr(result, "__iter__") and not isinstance(result, dict):
            list(result)
    statements = [q["sql"] for q in captured.captured_queries if f'FROM "{table}"' in q["sql"]]
    assert statements, f"no query on {table}"
    found = []
    for sql in statements:
        plan = _plan(sql)
        assert f"Seq Scan on {table}" not in plan, plan
        names = [name for name, _table in SCAN.findall(plan)] + BITMAP.findall(plan)
        here = []
        for name in names:
            owner, column = _first_column(name)
            if owner == table:
                here.append((name, column))
        assert here, plan
        found += [(name, column, plan) for name, column in here]
    return found


def assert_region_first(table: str, run, *, column: str = "region_id") -> None:
    found = _indexes_read(table, run)
    assert found and all(first == column for _name, first, _plan in found), found


@pytest.fixture
def rows(world, executor, moderator, analyst):
    make_appeal(
        S.IN_PROGRESS,
        organization=world.organization,
        municipality=world.municipality,
        is_public=True,
        latitude="53.01",
        longitude="158.65",
    )
    make_appeal(S.SUBMITTED, region=world.region, municipality=world.municipality)
    return world


@pytest.fixture
def world(region, organization):
    from tests.organizations.factories import CategoryFactory, MunicipalityFactory

    class World:
        pass

    world = World()
    world.region, world.organization = region, organization
    world.municipality = MunicipalityFactory(region=region)
    world.category = CategoryFactory()
    return world


APPEALS = Appeal._meta.db_table


def test_public_problems_list_map_and_fixed(rows):
    region_id = rows.region.pk
    filters = ProblemFilters(region_id=region_id)
    assert_region_first(APPEALS, lambda: public_problem_list(filters=filters)[:20])
    assert_region_first(APPEALS, lambda: map_features(box=BOX, filters=filters))
    month = timezone.localdate().replace(day=1)
    assert_region_first(APPEALS, lambda: fixes.fixed_problems(region_id=region_id, month=month))


def test_open311_requests_and_the_moderation_queues(rows, moderator):
    now = timezone.now()
    assert_region_first(
        APPEALS,
        lambda: open311.open311_requests(
            region_id=rows.region.pk, start=now - timedelta(days=90), end=now
        )[:50],
    )
    assert_region_first(APPEALS, lambda: appeal_selectors.moderation_queue(user=moderator)[:25])
    assert_region_first(APPEALS, lambda: public_texts_to_check(user=moderator)[:25])


def test_the_staff_queue_is_read_by_organization(rows, executor):
    assert_region_first(
        APPEALS,
        lambda: queue(user=executor, filters=QueueFilter(tab="all"))[:25],
        column="organization_id",
    )


def test_outages_answers_and_surveys(rows, citizen):
    from answers.models import PublishedAnswer
    from outages.models import Outage

    region_id = rows.region.pk
    assert_region_first(
        Outage._meta.db_table, lambda: outage_selectors.public_outages(region_id=region_id)
    )
    assert_region_first(
        Outage._meta.db_table, lambda: outage_selectors.map_features(region_id=region_id)
    )
    # Published answers of the region's organizations: per organization (one region each).
    assert_region_first(
        PublishedAnswer._meta.db_table,
        lambda: answer_selectors.public_answers(region_id=region_id)[:20],
        column="organization_id",
    )
    assert_region_first(
        Survey._meta.db_table,
        lambda: consultations_for(model=Survey, user=citizen, region=rows.region),
    )


def test_stats_and_the_analytics_roll_ups(rows):
    from analytics.models import AnswerTimeRollup, Rollup

    region_id = rows.region.pk
    today = timezone.localdate()
    period = preset_period("12m", today)
    scope = Scope(frozenset([region_id]), None)
    assert_region_first(
        Rollup._meta.db_table,
        lambda: list(_rows(scope, Filters()).filter(period_q(period.start, period.end)).values()),
    )
    assert_region_first(
        Rollup._meta.db_table, lambda: public_stats(region_id=region_id, today=today)
    )
    assert_region_first(
        AnswerTimeRollup._meta.db_table,
        lambda: _answer_time_histogram(scope, Filters(), period),
    )


def test_the_index_first_column_lookup_tells_region_from_organization():
    assert _first_column("appeal_region_public_idx") == (APPEALS, "region_id")
    assert _first_column("appeal_queue_idx") == (APPEALS, "organization_id")
