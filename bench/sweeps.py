"""Benchmark: the overdue sweep over a large appeals table (set-based, batched).

Not a test: nothing runs it automatically. It WRITES into the database it is given (marks,
events, notifications), so use a database of its own filled by `generate_appeals`:

    createdb -h 127.0.0.1 -U postgres bench_sweeps
    export DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sweeps REDIS_URL=redis://127.0.0.1:6379/0
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py load_demo --force --appeals 0
    .venv/bin/python manage.py generate_appeals --count 1000000
    .venv/bin/python bench/sweeps.py

What it measures:
1. the catch-up: every open appeal past its term is unmarked first (as if beat had been down for
   the whole history), then `mark_overdue()` marks them all, batch by batch, writing an Event and
   the alerts for each; time, rate and the process's peak memory;
2. the steady state: the same sweep again with nothing to do (what every 5-minute run costs).
"""

import os
import resource
import sys
import time
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
from core.models import Notification  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    total = Appeal.objects.count()
    if total < 1000:
        print("the database has almost no appeals: run generate_appeals first (see the docstring)")
        return 1
    open_q = Q(status__in=Appeal.OPEN_STATUSES)
    print(f"appeals: {total:,}; open: {Appeal.objects.filter(open_q).count():,}")

    # Reset: the backlog of a beat that was never running.
    started = time.perf_counter()
    Event.objects.filter(action="overdue").delete()
    Notification.objects.filter(template__in=["overdue", "overdue_digest"]).delete()
    Appeal.objects.filter(open_q, overdue_at__isnull=False).update(overdue_at=None)
    backlog = Appeal.objects.filter(
        open_q, overdue_at__isnull=True, due_at__lte=timezone.now()
    ).count()
    print(
        f"reset in {time.perf_counter() - started:.1f} s; backlog of overdue appeals to mark: {backlog:,}"
    )

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE appeals_appeal")
        cursor.execute(
            "EXPLAIN SELECT id FROM appeals_appeal WHERE status IN ('registered','in_progress','clarification') "
            "AND overdue_at IS NULL AND due_at <= now() ORDER BY due_at LIMIT 1000 FOR UPDATE SKIP LOCKED"
        )
        plan = "\n    ".join(row[0] for row in cursor.fetchall())
    print(f"claim query plan:\n    {plan}")

    rss_before = peak_rss_mb()
    started = time.perf_counter()
    marked = sweeps.mark_overdue()
    elapsed = time.perf_counter() - started
    print(
        f"catch-up: marked {marked:,} in {elapsed:.2f} s ({marked / elapsed:,.0f} appeals/s); "
        f"events {Event.objects.filter(action='overdue').count():,}; "
        f"notifications {Notification.objects.filter(template__in=['overdue', 'overdue_digest']).count():,}; "
        f"peak RSS {peak_rss_mb():.0f} MB (before {rss_before:.0f} MB)"
    )

    runs = []
    for _ in range(5):
        started = time.perf_counter()
        assert sweeps.mark_overdue() == 0
        runs.append((time.perf_counter() - started) * 1000)
    runs.sort()
    print(f"steady state (nothing to do), 5 runs: median {runs[2]:.1f} ms, max {runs[-1]:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
