"""Benchmark: `/problems.geojson` for bounding boxes over 100,000 public problems.

    .venv/bin/python bench/problems_geojson.py [--pg postgres://postgres@127.0.0.1:5432]
        [--db bench_problems] [--count 100000] [--private 20000] [--requests 200]

Its own database on the machine's PostgreSQL (created when missing, never dropped; it never
starts, stops or restarts a server): migrated, a region with one municipality, category and
organization, then `--count` public problems in working statuses (70 % within the city of
Petropavlovsk-Kamchatsky, the rest across Kamchatka) and `--private` private appeals in the same
places, written in one INSERT … SELECT; `VACUUM ANALYZE`. A second run reuses the rows.

Then in-process, with Django's test client (warm, DEBUG off, no server in between), for each
view of the map — the whole region at zoom 6, the city at zoom 12, a quarter at zoom 14 and a
street at zoom 17 — `--requests` GETs with the box moved a little each time: p50 and p95 of the
request time, the features returned, the response size and the SQL queries; and EXPLAIN (ANALYZE,
BUFFERS) of every query the view ran, flagging a sequential scan of appeals_appeal. Last, the
list page /problems/ (first page, page 2000, a status filter): p50, p95 and its queries.

REDIS_URL is read as by the platform (default redis://127.0.0.1:6379/12: the rate-limit and the
reference-data cache). This is a benchmark, not a test: it exits non-zero only when a request
failed or a plan scans appeals_appeal sequentially.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VIEWS = {
    # name: (centre lon, centre lat, width, height in degrees, zoom)
    "region, zoom 6": (161.0, 56.5, 14.0, 13.0, 6),
    "city, zoom 12": (158.65, 53.03, 0.35, 0.17, 12),
    "quarter, zoom 14": (158.65, 53.02, 0.09, 0.045, 14),
    "street, zoom 17": (158.65, 53.02, 0.011, 0.0055, 17),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="bench_problems")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--private", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    return parser.parse_args()


def ensure_database(pg: str, name: str) -> None:
    import psycopg

    parts = urlsplit(pg)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(pg: str, name: str) -> None:
    os.environ["DATABASE_URL"] = urlsplit(pg)._replace(path="/" + name).geturl()
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SITE_URL", "https://bench.invalid")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"  # the test client speaks plain HTTP
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "feedback_platform.settings")
    import django
    from django.conf import settings

    # HTML pages with DEBUG off need the collectstatic manifest; the benchmark measures the views.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    django.setup()


GENERATE = """
INSERT INTO appeals_appeal (
    number, citizen_id, region_id, category_id, municipality_id, organization_id, address,
    latitude, longitude, text, status, channel, is_public, public_text, submitted_at,
    registration_due_at, registered_at, due_at, consent_at, consent_version, extension_reason,
    redirect_count, review_round, flagged_for_moderator, due_warning_stage, close_reason, ground,
    updated_at
)
SELECT
    %(prefix)s || lpad(n::text, 6, '0'), %(citizen)s, %(region)s, %(category)s, %(municipality)s,
    %(organization)s, 'ул. Ленинская, ' || (n %% 200 + 1),
    CASE WHEN n %% 10 < 7 THEN 53.03 + (random() - 0.5) * 0.16 ELSE 51.0 + random() * 11.0 END,
    CASE WHEN n %% 10 < 7 THEN 158.65 + (random() - 0.5) * 0.3 ELSE 156.0 + random() * 10.0 END,
    'Во дворе не убран снег, проход к подъезду закрыт.',
    (ARRAY['registered', 'in_progress', 'clarification'])[1 + n %% 3], 'web', %(public)s, '',
    now() - (n %% 365) * interval '1 day', now() - (n %% 365) * interval '1 day' + interval '3 days',
    now() - (n %% 365) * interval '1 day', now() + interval '30 days',
    now() - (n %% 365) * interval '1 day', '2026-11', '', 0, 0, false, 0, '', '', now()
FROM generate_series(1, %(count)s) AS n
"""


def generate(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from appeals.models import Appeal
    from organizations.models import Category, Municipality, Organization, Region

    call_command("migrate", verbosity=0)
    public = Appeal.objects.filter(is_public=True).count()
    if public >= args.count:
        print(f"{public} public problems already there")
        return
    print(f"generating {args.count} public problems and {args.private} private appeals …")
    started = time.monotonic()
    region, _ = Region.objects.get_or_create(
        code="41", defaults={"name": "Камчатский край", "timezone": "Asia/Kamchatka"}
    )
    municipality, _ = Municipality.objects.get_or_create(
        region=region, name="Петропавловск-Камчатский городской округ"
    )
    section, _ = Category.objects.get_or_create(slug="roads", defaults={"name": "Дороги"})
    category, _ = Category.objects.get_or_create(
        slug="snow", defaults={"name": "Уборка снега и наледи", "parent": section}
    )
    organization = Organization.objects.filter(
        region=region
    ).first() or Organization.objects.create(
        region=region,
        name="Управление благоустройства",
        slug="bench-roads",
        kind="municipal_administration",
    )
    citizen = User.objects.filter(email="bench-citizen@bench.local").first() or (
        User.objects.create_user("bench-citizen@bench.local", None, last_name="Бенч")
    )
    Appeal.objects.all().delete()
    common = {
        "citizen": citizen.pk,
        "region": region.pk,
        "category": category.pk,
        "municipality": municipality.pk,
        "organization": organization.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            GENERATE, {**common, "prefix": "41-2026-", "public": True, "count": args.count}
        )
        cursor.execute(
            GENERATE, {**common, "prefix": "41-2025-", "public": False, "count": args.private}
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE appeals_appeal")
    print(f"generated in {time.monotonic() - started:.0f} s")


def box_around(view, rng: random.Random) -> str:
    lon, lat, width, height, _zoom = view
    lon += (rng.random() - 0.5) * width * 0.2
    lat += (rng.random() - 0.5) * height * 0.2
    return (
        f"{lon - width / 2:.5f},{lat - height / 2:.5f},{lon + width / 2:.5f},{lat + height / 2:.5f}"
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(args) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client()
    rng = random.Random(14)
    results = {}
    for name, view in VIEWS.items():
        zoom = view[4]
        for _ in range(5):  # warm: reference data, plans
            client.get("/problems.geojson", {"bbox": box_around(view, rng), "zoom": zoom})
        times, sizes, counts = [], [], []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(
                "/problems.geojson", {"bbox": box_around(view, rng), "zoom": zoom}
            )
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{name}: HTTP {response.status_code}: {response.content[:200]!r}")
            body = json.loads(response.content)
            sizes.append(len(response.content))
            counts.append(len(body["features"]))
        # The queries of one more request, for their plans.
        queries = []

        def record(execute, sql, params, many, context, queries=queries):
            queries.append((sql, params))
            return execute(sql, params, many, context)

        bbox = box_around(view, rng)
        with connection.execute_wrapper(record):
            body = json.loads(client.get("/problems.geojson", {"bbox": bbox, "zoom": zoom}).content)
        plans = []
        for sql, params in queries:
            if "appeals_appeal" not in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        seq = any("Seq Scan on appeals_appeal" in plan for plan in plans)
        results[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "features_median": statistics.median(counts),
            "bytes_median": statistics.median(sizes),
            "clustered": body["clustered"],
            "in_box": sum(f["properties"].get("count", 1) for f in body["features"]),
            "queries": len(queries),
            "seq_scan_of_appeals": seq,
            "plans": plans,
        }
        print(
            f"{name}: p50 {results[name]['p50_ms']} ms, p95 {results[name]['p95_ms']} ms, "
            f"{results[name]['features_median']} features ({'clusters' if body['clustered'] else 'points'}, "
            f"{results[name]['in_box']} problems in the box), {results[name]['bytes_median']} bytes, "
            f"{len(queries)} queries, seq scan of appeals: {seq}"
        )
    return results


def measure_list(args) -> None:
    """The list page beside the map: its first and a far page, for the record."""
    from django.db import connection
    from django.test import Client

    client = Client()
    for path in ("/problems/", "/problems/?page=2000", "/problems/?status=in_progress"):
        client.get(path)  # warm
        times = []
        for _ in range(max(args.requests // 4, 10)):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
        queries = []

        def record(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            client.get(path)
        print(
            f"{path}: p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
            f"{len(queries)} queries"
        )


def main() -> int:
    args = parse_args()
    ensure_database(args.pg, args.db)
    setup_django(args.pg, args.db)
    generate(args)
    results = measure(args)
    measure_list(args)
    for name, result in results.items():
        print(f"\n=== {name}: the plans ===")
        for plan in result["plans"]:
            print(plan, end="\n\n")
    return 1 if any(result["seq_scan_of_appeals"] for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
