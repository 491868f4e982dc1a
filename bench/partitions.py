"""Benchmark: one appeal's events and the overdue sweep with tens of millions of events in
monthly partitions (core/partitions.py).

Not a test: nothing runs it automatically. It WRITES into the database it is given (it adds
`--events` synthetic events spread over `--months` monthly partitions, then runs the overdue
sweep), so use a database of its own filled by `generate_appeals`:

    createdb -h 127.0.0.1 -U postgres bench_partitions
    export DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_partitions REDIS_URL=redis://127.0.0.1:6379/0
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py load_demo --force --appeals 0
    .venv/bin/python manage.py generate_appeals --count 1000000 --months 24
    .venv/bin/python bench/partitions.py --events 50000000 --months 24

What it measures:
1. the fill: events added until the table holds `--events`, month by month (one INSERT … SELECT
   per month, into its partition), each on a random appeal of the database;
2. one appeal's events as the staff page reads them (the prefetch of appeals/selectors/staff.py:
   `appeal_id IN (…) ORDER BY created_at, id`, with the actor): p50, p95, p99 over `--samples`
   random appeals, and the plan of one (an index scan on each partition);
3. the overdue sweep (`mark_overdue`): the catch-up of a backlog (`--backlog` open appeals past
   their term unmarked first) and the steady state, as bench/sweeps.py does without partitions.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "feedback_platform.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from appeals.models import Appeal, Event  # noqa: E402
from appeals.services import sweeps  # noqa: E402
from core import partitions  # noqa: E402

FILL_SQL = """
INSERT INTO appeals_event
    (action, from_status, to_status, reason_code, comment, is_public, data, created_at, appeal_id)
SELECT 'note', '', '', '', 'bench', (g %% 3 <> 0), '{}'::jsonb,
       %(low)s::timestamptz + random() * (%(high)s::timestamptz - %(low)s::timestamptz),
       ids.ids[1 + floor(random() * ids.n)::int]
FROM generate_series(1, %(rows)s) g,
     (SELECT array_agg(id) AS ids, count(*) AS n FROM appeals_appeal) ids
"""


def fill(target: int, months: int) -> None:
    have = Event.objects.count()
    if have >= target:
        print(f"events: {have:,} already (target {target:,})")
        return
    today = timezone.now().date()
    first = partitions.month_start(today, -(months - 1))
    partitions.cover(first=first, last=today)
    per_month = (target - have) // months + 1
    started = time.perf_counter()
    for offset in range(months):
        month = partitions.month_start(first, offset)
        low = partitions.month_start(month)
        high = partitions.month_start(month, 1)
        with connection.cursor() as cursor:
            cursor.execute(
                FILL_SQL, {"low": low.isoformat(), "high": high.isoformat(), "rows": per_month}
            )
        done = (offset + 1) * per_month
        rate = done / (time.perf_counter() - started)
        print(f"  {month:%Y-%m}: +{per_month:,} events ({rate:,.0f}/s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) appeals_event")
    print(f"fill: {target - have:,} events in {time.perf_counter() - started:.0f} s")


def read_timelines(samples: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM appeals_appeal")
        low, high = cursor.fetchone()
    durations, sizes = [], []
    for _ in range(samples):
        appeal_id = random.randint(low, high)  # noqa: S311 — a sample, not a secret
        started = time.perf_counter()
        rows = list(
            Event.objects.select_related("actor")
            .filter(appeal_id__in=[appeal_id])
            .order_by("created_at", "pk")
        )
        durations.append((time.perf_counter() - started) * 1000)
        sizes.append(len(rows))
    durations.sort()
    quantiles = statistics.quantiles(durations, n=100)
    print(
        f"one appeal's events, {samples} random appeals ({statistics.mean(sizes):.1f} events "
        f"each on average): p50 {quantiles[49]:.2f} ms, p95 {quantiles[94]:.2f} ms, "
        f"p99 {quantiles[98]:.2f} ms, max {durations[-1]:.2f} ms"
    )
    plan = (
        Event.objects.select_related("actor")
        .filter(appeal_id__in=[low])
        .order_by("created_at", "pk")
        .explain(analyze=True)
    )
    lines = plan.splitlines()
    print(f"plan ({len(lines)} lines; first 12):")
    for line in lines[:12]:
        print(f"    {line}")
    print(
        f"    … {sum('Index Scan' in line for line in lines)} index scans, "
        f"{sum('Seq Scan' in line for line in lines)} sequential scans"
    )


def sweep(backlog: int) -> None:
    open_q = Q(status__in=Appeal.OPEN_STATUSES)
    candidates = list(
        Appeal.objects.filter(open_q, overdue_at__isnull=False).values_list("pk", flat=True)[
            :backlog
        ]
    )
    Appeal.objects.filter(pk__in=candidates).update(overdue_at=None)
    Appeal.objects.filter(pk__in=candidates, due_at__gt=timezone.now()).update(
        due_at=timezone.now() - timedelta(days=1)
    )
    started = time.perf_counter()
    marked = sweeps.mark_overdue()
    elapsed = time.perf_counter() - started
    print(f"overdue catch-up: {marked:,} marked in {elapsed:.2f} s ({marked / elapsed:,.0f}/s)")
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        sweeps.mark_overdue()
        runs.append((time.perf_counter() - started) * 1000)
    runs.sort()
    print(f"overdue steady state, 5 runs: median {runs[2]:.1f} ms, max {runs[-1]:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--backlog", type=int, default=10_000)
    args = parser.parse_args()
    if not partitions.is_partitioned("appeals_event"):
        print("appeals_event is not partitioned: migrate first")
        return 1
    if Appeal.objects.count() < 1000:
        print("the database has almost no appeals: run generate_appeals first (see the docstring)")
        return 1
    fill(args.events, args.months)
    read_timelines(args.samples)
    sweep(args.backlog)
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
