"""Benchmark: the Decree 171 monthly report (reporting/report.py) over generated history.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fp_bench_171 REDIS_URL=redis://127.0.0.1:6379/9 \
        .venv/bin/python bench/report_171.py [--appeals 50000] [--months 12] [--repeats 15] [--explain]

Needs a database of its own (DATABASE_URL; it is migrated, the demo region loaded once with
`load_demo --appeals 0`, and appeals generated with demo.appeals.generate_appeals until the
region holds --appeals of them; a second run reuses them). Then `VACUUM ANALYZE` (bulk-loaded rows
are not yet all-visible), and for the last full month, in-process: the report of the whole region
and of the organization with the most appeals, each --repeats times after one warm-up, p50 and p95
of the wall time and the number of queries; with --explain, EXPLAIN (ANALYZE, BUFFERS) of each
query of one region run. At most 200,000 appeals: the machine is shared. See bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_APPEALS = 200_000


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appeals", type=int, default=50_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if not 0 < args.appeals <= MAX_APPEALS:
        parser.error(f"--appeals: 1 to {MAX_APPEALS}")
    if not os.environ.get("DATABASE_URL"):
        parser.error("DATABASE_URL: a database of its own for the benchmark")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "feedback_platform.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from analytics.periods import add_months
    from appeals.models import Appeal
    from demo.appeals import generate_appeals
    from organizations.models import Region
    from reporting.report import monthly_report

    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code="41").exists():
        started = time.monotonic()
        call_command("load_demo", force=True, appeals=0, stdout=io.StringIO())
        print(f"load_demo: {time.monotonic() - started:.1f} s")
    region = Region.objects.get(code="41")
    have = Appeal.objects.filter(region=region).count()
    if have < args.appeals:
        started = time.monotonic()
        generate_appeals(count=args.appeals - have, region=region, months=args.months, seed=171)
        print(f"generate_appeals {args.appeals - have}: {time.monotonic() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    month = add_months(timezone.localdate().replace(day=1), -1)
    busiest = (
        Appeal.objects.filter(region=region, organization__isnull=False)
        .values_list("organization_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    print(
        f"appeals in the region: {Appeal.objects.filter(region=region).count()}; "
        f"month {month:%Y-%m}; the busiest organization {busiest[0]} holds {busiest[1]}"
    )

    def run(organization_ids):
        return monthly_report(
            region_id=region.pk,
            zone=region.timezone,
            month=month,
            organization_ids=organization_ids,
        )

    for label, scope in (("region", None), ("organization", frozenset({busiest[0]}))):
        run(scope)  # warm-up
        times, queries = [], 0
        for _ in range(args.repeats):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                report = run(scope)
                times.append((time.perf_counter() - started) * 1000)
            queries = len(captured.captured_queries)
        print(
            f"{label}: p50 {statistics.median(times):.1f} ms, p95 {_percentile(times, 0.95):.1f} ms, "
            f"min {min(times):.1f} ms over {args.repeats}; {queries} queries; "
            f"{len(report.rows)} rows, received {report.total.figures['received']}"
        )
    if args.explain:
        with CaptureQueriesContext(connection) as captured:
            run(None)
        for number, query in enumerate(captured.captured_queries, start=1):
            sql = query["sql"]
            print(f"\n--- query {number} ({query['time']} s)\n{sql}\n")
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n".join(row[0] for row in cursor.fetchall()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
