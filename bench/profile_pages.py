"""Where a request's CPU goes: cProfile over the in-process pages of bench/compare.py.

    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python bench/profile_pages.py \
        [--platform-db compare_platform] [--pages filing,detail,list] [--requests 200] [--top 25]

Runs in the production environment of bench/compare.py (DEBUG off, its users: run compare.py once
first so the database, the benchmark citizens and the executor exist), through the full
middleware stack with Django's test client (WSGI request objects, as gunicorn gives them; no
socket). For each page: 5 warm-up requests, then `--requests` under cProfile. Prints CPU per
request, the self time split by area (templates, ORM and psycopg, Redis, sessions, each
middleware's own code, the project's code…), each middleware's inclusive time, and the top
functions. Writes nothing but what the pages write (the filing POST files appeals).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import os
import pstats
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

AREAS = [
    (
        "templates",
        re.compile(r"django/template/|django/templatetags/|template_partials|/templatetags/"),
    ),
    ("ORM", re.compile(r"django/db/")),
    ("psycopg", re.compile(r"/psycopg/|/psycopg_pool/|psycopg")),
    ("redis", re.compile(r"/redis/")),
    ("sessions", re.compile(r"django/contrib/sessions/")),
    ("auth", re.compile(r"django/contrib/auth/")),
    ("allauth", re.compile(r"/allauth/")),
    ("csp", re.compile(r"/csp/")),
    ("gzip", re.compile(r"gzip|zlib")),
    ("forms", re.compile(r"django/forms/")),
    ("i18n", re.compile(r"django/utils/translation/|gettext")),
    ("urls", re.compile(r"django/urls/")),
    ("http/handlers", re.compile(r"django/http/|django/core/handlers/|django/test/")),
    ("middleware (django)", re.compile(r"django/middleware/|django/contrib/messages/")),
    ("htmx/whitenoise", re.compile(r"django_htmx|whitenoise")),
    ("project", re.compile(r"/work/wt/[^/]+/(?!\.venv)")),
    ("other django", re.compile(r"django/")),
]


def area_of(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    for name, pattern in AREAS:
        if pattern.search(filename):
            return name
    if "/lib/python3" in filename and "site-packages" not in filename:
        return "stdlib"
    return "other"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--platform-db", default="compare_platform")
    parser.add_argument("--pages", default="filing,detail,list")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dump", help="folder for the raw .prof files")
    parser.add_argument(
        "--no-profile", action="store_true", help="only CPU per iteration, without cProfile"
    )
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
    from django.test import Client

    from accounts.models import User
    from appeals.models import Appeal
    from organizations.models import Membership

    executor = User.objects.get(email="bench-compare-executor@bench.local")
    citizen = User.objects.get(email=base.EMAIL.format(n=1))
    org = Membership.objects.get(user=executor).organization_id
    numbers = list(
        Appeal.objects.filter(organization_id=org)
        .order_by("?")
        .values_list("number", flat=True)[:50]
    )
    client_kwargs = {"HTTP_HOST": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https", "secure": True}

    def hidden(html, name):
        return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)

    def filing(client, i):
        html = client.get("/appeals/new/").content.decode()
        categories = re.findall(r'<option value="(\d+)"', html.split('name="category"')[1])[:5]
        municipalities = re.findall(r'<option value="(\d+)"', html.split('name="municipality"')[1])
        response = client.post(
            "/appeals/new/",
            {
                "csrfmiddlewaretoken": hidden(html, "csrfmiddlewaretoken"),
                "idempotency_key": hidden(html, "idempotency_key"),
                "category": categories[i % len(categories)],
                "municipality": municipalities[i % len(municipalities)],
                "address": "ул. Ленинская, д. 5",
                "text": f"Во дворе не вывозят мусор уже неделю, прошу принять меры ({i}).",
                "consent": "on",
            },
        )
        assert response.status_code == 302, response.content[:300]

    def detail(client, i):
        response = client.get(f"/staff/appeals/{numbers[i % len(numbers)]}/")
        assert response.status_code == 200

    def staff_list(client, i):
        assert client.get("/staff/").status_code == 200

    pages = {
        "filing": (citizen, filing),
        "detail": (executor, detail),
        "list": (executor, staff_list),
    }
    for name in [p for p in args.pages.split(",") if p]:
        user, step = pages[name]
        client = Client(**client_kwargs)
        client.force_login(user)
        for i in range(5):
            step(client, i)
        queries = 0
        sql_seconds = 0.0

        def count(execute, sql, params, many, context):
            nonlocal queries, sql_seconds
            queries += 1
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                sql_seconds += time.perf_counter() - started

        profile = cProfile.Profile(time.process_time)  # CPU, not waiting on PostgreSQL
        if args.no_profile:
            spent, walls = [], []
            with connection.execute_wrapper(count):
                for i in range(args.requests):
                    started, wall = time.process_time(), time.perf_counter()
                    step(client, i)
                    spent.append(time.process_time() - started)
                    walls.append(time.perf_counter() - wall)
            spent.sort()
            walls.sort()
            print(
                f"{name}: CPU per iteration median {spent[len(spent) // 2] * 1000:.2f} ms, "
                f"p10 {spent[len(spent) // 10] * 1000:.2f} ms; wall median "
                f"{walls[len(walls) // 2] * 1000:.2f} ms, of it waiting on SQL (mean) "
                f"{sql_seconds / args.requests * 1000:.2f} ms; "
                f"{queries / args.requests:.1f} queries per iteration"
            )
            continue
        started = time.process_time()
        with connection.execute_wrapper(count):
            profile.enable()
            for i in range(args.requests):
                step(client, i)
            profile.disable()
        cpu = (time.process_time() - started) / args.requests * 1000
        if args.dump:
            Path(args.dump).mkdir(parents=True, exist_ok=True)
            profile.dump_stats(str(Path(args.dump) / f"{name}.prof"))
        stats = pstats.Stats(profile)
        total = sum(row[2] for row in stats.stats.values())
        areas: dict[str, float] = {}
        for (filename, _line, _func), row in stats.stats.items():
            areas[area_of(filename)] = areas.get(area_of(filename), 0.0) + row[2]
        print(
            f"\n=== {name}: {args.requests} iterations, CPU {cpu:.2f} ms per iteration "
            f"(profiled), {queries / args.requests:.1f} queries per iteration"
        )
        print("self time by area (ms per iteration, share):")
        for area, spent in sorted(areas.items(), key=lambda x: -x[1]):
            print(f"  {area:22s} {spent / args.requests * 1000:7.2f}  {spent / total:6.1%}")
        print("inclusive time of middleware and other entry points (ms per iteration):")
        for (filename, line, func), row in sorted(stats.stats.items(), key=lambda x: -x[1][3]):
            if func in {
                "__call__",
                "process_request",
                "process_response",
                "process_view",
                "render",
                "_get_response",
                "save",
                "load",
                "get_response",
            } and (
                "middleware" in filename or "sessions" in filename or "handlers/base" in filename
            ):
                short = filename.split("site-packages/")[-1].split("/work/wt/perf/")[-1]
                print(f"  {row[3] / args.requests * 1000:7.2f}  {short}:{line} {func}")
        print(f"top {args.top} by own time:")
        for (filename, line, func), row in sorted(stats.stats.items(), key=lambda x: -x[1][2])[
            : args.top
        ]:
            short = filename.split("site-packages/")[-1].split("/work/wt/perf/")[-1]
            print(
                f"  {row[2] / args.requests * 1000:6.3f} ms  {row[1] / args.requests:7.1f} calls  "
                f"{short}:{line} {func}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
