"""The analytics dashboard with filters other than the precomputed default, at 1,000,000 appeals.

    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python bench/analytics_filters.py \
        [--platform-db compare_platform_1m] [--requests 10]

In-process (Django's test client, bench/compare.py's production environment and its analyst of
region 41: run compare.py against the database first). Each question is asked cold, as right
after a roll-up run: the roll-up version is bumped before every request (the only write), so the
figures are read from the roll-ups and the page rendered. Prints the query count and the median
wall and CPU time per question: the whole region by month (the default), one municipality, one
category, one organization (the one with the most appeals), the last month, and an organization
over the last month.
"""

import argparse
import importlib.util
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--platform-db", default="compare_platform_1m")
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("bench_filing", ROOT / "bench" / "filing.py")
    base = importlib.util.module_from_spec(spec)
    sys.modules["bench_filing"] = base
    spec.loader.exec_module(base)
    env = base.server_env(0, ROOT / ".data" / "compare-static", ROOT / ".data" / "compare-media")
    env["DATABASE_URL"] = urlsplit(args.pg)._replace(path="/" + args.platform_db).geturl()
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "feedback_platform.settings")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, F
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from analytics.models import RollupState
    from appeals.models import Appeal

    analyst = User.objects.get(email="bench-compare-analyst@bench.local")
    top = (
        Appeal.objects.values("organization_id", "category_id", "municipality_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    today = timezone.localdate()
    month = {
        "preset": "custom",
        "start": (today - timedelta(days=30)).isoformat(),
        "end": today.isoformat(),
    }
    questions = [
        ("whole region, 12 months (default)", {"preset": "12m"}),
        ("one municipality, 12 months", {"preset": "12m", "municipality": top["municipality_id"]}),
        ("one category, 12 months", {"preset": "12m", "category": top["category_id"]}),
        ("one organization, 12 months", {"preset": "12m", "organization": top["organization_id"]}),
        ("last month, whole region", month),
        ("last month, one organization", {**month, "organization": top["organization_id"]}),
        ("12 months by week", {"preset": "12m", "series": "week"}),
        (
            "municipality + category, 12 months",
            {
                "preset": "12m",
                "municipality": top["municipality_id"],
                "category": top["category_id"],
            },
        ),
    ]
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", secure=True)
    client.force_login(analyst)
    print(f"appeals: {Appeal.objects.count()}; top cell {top}")
    print("| question | queries | median ms (wall) | median ms (CPU) | max ms (wall) |")
    print("|---|---|---|---|---|")
    for name, params in questions:
        path = "/analytics/?" + urlencode(params)
        assert client.get(path).status_code == 200
        walls, cpus, queries = [], [], []
        for _ in range(args.requests):
            RollupState.objects.update(version=F("version") + 1)
            count = []

            def counted(execute, sql, *rest, count=count):
                count.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(counted):
                c, t = time.process_time(), time.perf_counter()
                response = client.get(path)
                walls.append((time.perf_counter() - t) * 1000)
                cpus.append((time.process_time() - c) * 1000)
            assert response.status_code == 200 and b'id="headline-title"' in response.content
            queries.append(len(count))
        print(
            f"| {name} | {min(queries)}–{max(queries)} | {statistics.median(walls):.0f} | "
            f"{statistics.median(cpus):.0f} | {max(walls):.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
