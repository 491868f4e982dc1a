"""Writes of the analytics app: the full rebuild and the incremental run of the roll-ups.

Both take the same transaction-level advisory lock, so a periodic run never overlaps a rebuild
and two workers never both apply one change.
"""

import logging
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from analytics import sql
from analytics.models import AnswerTimeRollup, AppealFact, GroundRollup, Rollup, RollupState
from analytics.periods import preset_period
from analytics.scope import Scope
from analytics.selectors import Filters, cached_dashboard
from organizations.models import Membership, Region

logger = logging.getLogger(__name__)

LOCK_KEY = 7_000_007  # pg_advisory_xact_lock key of the roll-ups
REBUILD_CHUNK = 50_000  # appeal ids per rebuild step
INCREMENTAL_BATCH = 5_000  # appeals per incremental statement


_READ_ORDER = {
    Rollup._meta.db_table: "grain, region_id, day",
    GroundRollup._meta.db_table: "grain, region_id, day",
    AnswerTimeRollup._meta.db_table: "grain, level, region_id, municipality_id, organization_id, category_id, day",
}


def _lock(cursor) -> None:
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _apply(cursor, *, source: str, params: dict) -> None:
    for statement in (sql.APPLY_ROLLUP, sql.APPLY_GROUNDS, sql.APPLY_ANSWER_TIMES):
        cursor.execute(statement.format(source=source), params)


def _state() -> RollupState:
    state = RollupState.objects.select_for_update().order_by("pk").first()
    return state or RollupState.objects.create()


def rebuild_stats(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Drop every roll-up and compute it again from appeals, events and ratings.

    One transaction: the pages keep showing the old figures until the new ones are complete.
    Returns the number of appeals read.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        cursor.execute("SET LOCAL work_mem = '64MB'")
        state = _state()
        cursor.execute("SELECT COALESCE(max(id), 0) FROM appeals_event")
        watermark = cursor.fetchone()[0]
        for model in (Rollup, GroundRollup, AnswerTimeRollup, AppealFact):
            cursor.execute(f"TRUNCATE {model._meta.db_table}")  # noqa: S608 — our own table names
        cursor.execute(
            "SELECT COALESCE(min(id), 0), COALESCE(max(id), -1), count(*) FROM appeals_appeal"
        )
        low, high, total = cursor.fetchone()
        done = 0
        for start in range(low, high + 1, REBUILD_CHUNK):
            params = {"lo": start, "hi": start + REBUILD_CHUNK}
            cursor.execute(
                sql.INSERT_FACTS.format(
                    table="analytics_appealfact",
                    where="a.id >= %(lo)s AND a.id < %(hi)s",
                    event_where="e.appeal_id >= %(lo)s AND e.appeal_id < %(hi)s",
                ),
                params,
            )
            done += cursor.rowcount
            _apply(
                cursor,
                source="SELECT f.*, 1 AS sign FROM analytics_appealfact f WHERE f.appeal_id >= %(lo)s AND f.appeal_id < %(hi)s",
                params=params,
            )
            if progress is not None:
                progress(done, total)
        # The upserts above left a version of each weekly and monthly row per chunk: write every
        # table once more in the order the pages read it (grain, region, day), then analyze.
        for table, order in _READ_ORDER.items():
            cursor.execute(
                f"CREATE TEMP TABLE analytics_sorted ON COMMIT DROP AS SELECT * FROM {table} ORDER BY {order}"  # noqa: S608
            )
            cursor.execute(f"TRUNCATE {table}")
            cursor.execute(f"INSERT INTO {table} SELECT * FROM analytics_sorted ORDER BY {order}")  # noqa: S608
            cursor.execute("DROP TABLE analytics_sorted")
            cursor.execute(f"ANALYZE {table}")
        now = timezone.now()
        state.last_event_id = state.previous_event_id = watermark
        state.rebuilt_at = state.updated_at = now
        state.last_run_appeals = done
        state.version += 1
        state.save()
    _warm_after_run()
    return done


def update_stats() -> int:
    """Bring the roll-ups up to date with the appeals changed since the last run.

    An appeal changed when it has an event newer than the watermark (every transition writes one).
    Its old contribution (its fact) is subtracted and the new one added, so running twice changes
    nothing. Events are read from the watermark of the run *before* the last one: an event whose
    transaction committed after the last run had read past its id is still seen.
    Returns the number of appeals recomputed.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        state = _state()
        cursor.execute(
            "SELECT DISTINCT appeal_id FROM appeals_event WHERE id > %s", [state.previous_event_id]
        )
        changed = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT COALESCE(max(id), 0) FROM appeals_event")
        newest = cursor.fetchone()[0]
        if changed:
            cursor.execute("DROP TABLE IF EXISTS analytics_new_facts")
            cursor.execute(
                "CREATE TEMP TABLE analytics_new_facts (LIKE analytics_appealfact) ON COMMIT DROP"
            )
        for start in range(0, len(changed), INCREMENTAL_BATCH):
            params = {"ids": changed[start : start + INCREMENTAL_BATCH]}
            cursor.execute("TRUNCATE analytics_new_facts")
            cursor.execute(
                sql.INSERT_FACTS.format(
                    table="analytics_new_facts",
                    where="a.id = ANY(%(ids)s)",
                    event_where="e.appeal_id = ANY(%(ids)s)",
                ),
                params,
            )
            # Old facts out, new facts in, in one pass: only the cells whose counts differ are written.
            _apply(
                cursor,
                source="SELECT f.*, -1 AS sign FROM analytics_appealfact f WHERE f.appeal_id = ANY(%(ids)s) "
                "UNION ALL SELECT n.*, 1 AS sign FROM analytics_new_facts n",
                params=params,
            )
            cursor.execute(
                "DELETE FROM analytics_appealfact WHERE appeal_id = ANY(%(ids)s)", params
            )
            cursor.execute("INSERT INTO analytics_appealfact SELECT * FROM analytics_new_facts")
        if changed:
            cursor.execute("DROP TABLE analytics_new_facts")
        state.previous_event_id = state.last_event_id
        state.last_event_id = max(newest, state.last_event_id)
        state.updated_at = timezone.now()
        state.last_run_appeals = len(changed)
        if changed:
            state.version += 1
        state.save()
    logger.info("analytics: %s appeals recomputed", len(changed))
    _warm_after_run()
    return len(changed)


WARM_SCOPES_LIMIT = 100  # distinct analyst scopes precomputed per run (one per region in practice)


def _default_scopes() -> dict[Scope, set[str]]:
    """{scope: time zones} of the default dashboards people open: each analyst's regions (what an
    analyst sees), the platform's regions (each of REGION_HOSTS), and every region (platform
    admins). The time zones give the viewer's "today": the region's own and the settings' (users
    without a municipality)."""
    regions = {region.pk: region.timezone for region in Region.objects.only("pk", "timezone")}
    by_user: dict[int, set[int]] = {}
    for user_id, region_id in Membership.objects.filter(
        role=Membership.Role.ANALYST, region__isnull=False
    ).values_list("user_id", "region_id"):
        by_user.setdefault(user_id, set()).add(region_id)
    # The deployment's region and, in a national deployment, every region with a host.
    codes = {settings.PLATFORM_REGION_CODE, *settings.REGION_HOSTS.values()}
    platform = Region.objects.filter(code__in=codes).values_list("pk", flat=True)
    groups = {frozenset(ids) for ids in by_user.values()} | {frozenset([pk]) for pk in platform}
    scopes: dict[Scope, set[str]] = {Scope(None, None): {settings.TIME_ZONE}}
    for ids in sorted(groups, key=sorted)[:WARM_SCOPES_LIMIT]:
        scopes[Scope(ids, None)] = {settings.TIME_ZONE} | {
            regions[pk] for pk in ids if pk in regions
        }
    return scopes


def _warm_after_run() -> None:
    # The roll-up run is done and committed; a failed warm-up only costs the first viewer a wait.
    try:
        warm_default_dashboards()
    except Exception:  # noqa: BLE001 — never fail the roll-up run for its cache
        logger.exception("analytics: warming the default dashboards failed")


def warm_default_dashboards() -> int:
    """Compute the default dashboard (the last 12 months, no filter, by month) of every scope
    people open and render its page content in each language, into the cache the page reads:
    the first request after a roll-up run is a hit. Returns the number of pages warmed."""
    from django.http import QueryDict
    from django.utils import translation

    from analytics.views import page_content

    warmed = 0
    now = timezone.now()
    for scope, zones in _default_scopes().items():
        days: dict[date, str] = {}
        for zone in sorted(zones):
            days.setdefault(timezone.localtime(now, ZoneInfo(zone)).date(), zone)
        for today, zone in sorted(days.items()):
            cached_dashboard(
                scope=scope,
                filters=Filters(),
                period=preset_period("12m", today),
                today=today,
                series="month",
            )
            with timezone.override(ZoneInfo(zone)):
                for language, _name in settings.LANGUAGES:
                    with translation.override(language):
                        page_content(scope=scope, query=QueryDict())
                    warmed += 1
    return warmed
