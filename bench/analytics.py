"""Benchmark: the analytics dashboard over a year of appeals, against gunicorn in production mode.

    python bench/analytics.py [--clients 4] [--duration 20] [--workers 2] [--port 0] [--events 10000]

Needs DATABASE_URL (a database of its own that holds the appeals: `manage.py generate_appeals`) and
REDIS_URL. Steps: migrate; `rebuild_stats` when the roll-ups were never built (timed); a benchmark
analyst of region 41; in-process with the test client, the query count and the median server time
of `/analytics/?preset=12m` (20 requests after a warm-up) and of `/stats/` uncached; the incremental
run: --events open appeals answered now, each with its "answer" event (every event changes the
figures of another appeal), then `update_stats()` timed; gunicorn with --workers sync workers and
--clients client processes, each signed in through allauth, GETting the dashboard for --duration
seconds. See bench/README.md. It exits non-zero only when a step or a request failed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import multiprocessing as mp
import os
import queue
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "bench_filing", Path(__file__).with_name("filing.py")
)
base = importlib.util.module_from_spec(_spec)
sys.modules["bench_filing"] = base
_spec.loader.exec_module(base)

log = base.log
PASSWORD = "Bench-analytics-2026!"  # noqa: S105 — the benchmark account only, in the benchmark's database
EMAIL = "bench-analyst@bench.local"
PAGE = "/analytics/?preset=12m"
MARKER = b'id="headline-title"'
TARGET_RPS = 20

SETUP_CODE = r"""
import json, time
from allauth.account.models import EmailAddress
from accounts.models import User
from analytics.models import Rollup, RollupState
from analytics.services import rebuild_stats
from appeals.models import Appeal, Event
from organizations.models import Membership, Region

params = json.loads(__PARAMS__)
region = Region.objects.get(code="41")
state = RollupState.objects.first()
rebuild_seconds = None
if state is None or state.rebuilt_at is None or params["rebuild"]:
    started = time.monotonic()
    rebuild_stats()
    rebuild_seconds = time.monotonic() - started
user = User.objects.filter(email=params["email"]).first() or User.objects.create_user(params["email"])
user.set_password(params["password"])
user.save()
EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
EmailAddress.objects.filter(user=user, email=user.email).update(verified=True, primary=True)
Membership.objects.filter(user=user).delete()
Membership.objects.create(user=user, region=region, role="analyst")
print("BENCH " + json.dumps({
    "appeals": Appeal.objects.count(),
    "events": Event.objects.order_by("-id").values_list("id", flat=True).first(),
    "rollup_rows": Rollup.objects.count(),
    "rollup_rows_month": Rollup.objects.filter(grain="m").count(),
    "rebuild_seconds": rebuild_seconds,
}))
"""

PROFILE_CODE = r"""
import json, statistics, time
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.conf import settings
from accounts.models import User
from django.db.models import F
from analytics.models import RollupState
from analytics.services import update_stats
from organizations.models import Region
from appeals.models import Appeal, Event
from appeals.workflow import writing_history
from django.db import transaction

params = json.loads(__PARAMS__)
client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
client.force_login(User.objects.get(email=params["email"]))
result = {}
region = Region.objects.get(code="41")
stats_key = f"analytics:stats:{region.pk}:{timezone.localdate().isoformat()}:{settings.LANGUAGE_CODE}"
# "cold": the roll-up version bumped before each request, as right after a roll-up run (nothing
# cached: the roll-ups are read and the page rendered); "warm": the same question again, as
# between two runs.
for name, path, cold in (("analytics_cold", params["page"], True), ("analytics_warm", params["page"], False),
                         ("stats_cold", "/stats/", True)):
    client.get(path)
    queries = []
    if cold and "?" not in path:
        cache.delete(stats_key)
    elif cold:
        RollupState.objects.update(version=F("version") + 1)
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        status = client.get(path).status_code
    times, cpu = [], []
    for n in range(params["requests"]):
        url = path
        if cold and "?" in path:  # as right after a roll-up run: the version moved, nothing cached
            RollupState.objects.update(version=F("version") + 1)
        elif cold:
            cache.delete(stats_key)
        c, t = time.process_time(), time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    result[name] = {"status": status, "queries": len(queries),
                    "median_ms": statistics.median(times), "p95_ms": sorted(times)[int(0.95 * len(times)) - 1],
                    "cpu_median_ms": statistics.median(cpu)}

# The incremental run: bring the watermark up to date, add events, time the run that folds them in.
update_stats(); update_stats()
# Open appeals answered now, each with its "answer" event: every event changes figures (answered,
# on time, answer time, overdue) of another appeal, the costly case for the run.
ids = list(Appeal.objects.filter(status__in=["registered", "in_progress"]).order_by("?")
           .values_list("id", flat=True)[: params["events"]])
now = timezone.now()
with transaction.atomic(), writing_history(appeal_ids=ids):  # history, not a transition
    Appeal.objects.filter(id__in=ids).update(status="answered", answered_at=now)
Event.objects.bulk_create(
    [Event(appeal_id=pk, action="answer", from_status="in_progress", to_status="answered", is_public=True,
           created_at=now) for pk in ids],
    batch_size=5000,
)
started = time.monotonic()
recomputed = update_stats()
result["incremental"] = {"events": len(ids), "appeals": recomputed, "seconds": time.monotonic() - started}
started = time.monotonic()
recomputed = update_stats()  # the next run re-reads the same events once more (late commits)
result["incremental_again"] = {"appeals": recomputed, "seconds": time.monotonic() - started}
started = time.monotonic()
update_stats()
result["incremental_idle"] = {"seconds": time.monotonic() - started}
print("BENCH " + json.dumps(result))
"""


def snippet(code: str, params: dict) -> str:
    return code.replace("__PARAMS__", repr(json.dumps(params)))


def login(browser) -> None:
    status, _, html = browser.request("GET", "/accounts/login/")
    token = base.input_value(html, "csrfmiddlewaretoken")
    if status != 200 or token is None:
        raise base.FlowError("GET /accounts/login/", status, html)
    form = {"csrfmiddlewaretoken": token, "login": EMAIL, "password": PASSWORD}
    status, location, html = browser.request("POST", "/accounts/login/", form)
    if status != 302 or "sessionid" not in browser.cookies:
        raise base.FlowError("POST /accounts/login/", status, html, location)


def client_main(index: int, port: int, duration: float, warmup: int, barrier, results) -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    browser = base.Browser(port)
    result = {"client": index, "latencies": [], "errors": 0, "samples": [], "fatal": None}
    try:
        login(browser)
        for _ in range(warmup):
            browser.request("GET", PAGE)
    except Exception as error:  # noqa: BLE001 — the parent must hear of it
        result["fatal"] = repr(error)
        results.put(result)
        barrier.abort()
        return
    try:
        barrier.wait(timeout=300)
    except threading.BrokenBarrierError:
        results.put(result)
        return
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            status, _location, body = browser.request("GET", PAGE)
        except Exception as error:  # noqa: BLE001
            result["errors"] += 1
            result["samples"].append(repr(error))
            continue
        result["latencies"].append(time.perf_counter() - started)
        if status != 200 or MARKER not in body:
            result["errors"] += 1
            if len(result["samples"]) < 3:
                result["samples"].append(f"{status} {body[:300]!r}")
    result["ended"] = time.monotonic()
    results.put(result)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--requests", type=int, default=20, help="in-process requests per page")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the roll-ups even when they exist"
    )
    parser.add_argument("--skip-incremental", action="store_true")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        print(
            "bench/analytics.py needs DATABASE_URL and REDIS_URL (see bench/README.md)",
            file=sys.stderr,
        )
        return 2
    port = args.port or base.free_port()
    work = Path(tempfile.mkdtemp(prefix="bench-analytics-"))
    env = base.server_env(port, work / "static", work / "media")
    logfile = work / "gunicorn.log"
    server, clients = None, []
    try:
        base.run_step("compile translations", [base.PYTHON, "scripts/compilemessages.py"], env)
        base.manage(
            env, "collectstatic", "--noinput", "-v", "0", title="collectstatic (manifest storage)"
        )
        base.manage(env, "migrate", "--noinput", "-v", "0")
        setup = base.django_snippet(
            env,
            snippet(SETUP_CODE, {"email": EMAIL, "password": PASSWORD, "rebuild": args.rebuild}),
            "roll-ups and the benchmark analyst",
        )
        log(f"setup: {json.dumps(setup)}")
        profile = base.django_snippet(
            env,
            snippet(
                PROFILE_CODE,
                {
                    "email": EMAIL,
                    "page": PAGE,
                    "requests": args.requests,
                    "events": 0 if args.skip_incremental else args.events,
                },
            ),
            "in-process: queries and server time; the incremental run",
        )
        log(f"in-process: {json.dumps(profile)}")

        server = base.start_gunicorn(env, port, args.workers, logfile)
        base.wait_healthy(server, port, logfile)
        barrier = mp.Barrier(args.clients + 1)
        results_queue = mp.Queue()
        clients = [
            mp.Process(
                target=client_main,
                args=(n + 1, port, args.duration, args.warmup, barrier, results_queue),
            )
            for n in range(args.clients)
        ]
        for process in clients:
            process.start()
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=300)
        started = time.monotonic()
        server_start = base.process_tree_cpu(server.pid)
        log(f"{args.clients} clients GET {PAGE} for {args.duration:g}s")
        try:
            results = [results_queue.get(timeout=args.duration + 120) for _ in clients]
        except queue.Empty:
            log("a client died without a result; server log:")
            print(base.tail(logfile), file=sys.stderr)
            return 1
        server_cpu = base.process_tree_cpu(server.pid) - server_start
        fatal = [r["fatal"] for r in results if r["fatal"]]
        if fatal:
            log(f"clients failed: {fatal}")
            return 1
        latencies = sorted(ms * 1000 for r in results for ms in r["latencies"])
        window = max(r["ended"] for r in results) - started
        errors = sum(r["errors"] for r in results)
        rps = len(latencies) / window if window else 0
        log(
            f"RESULT appeals={setup['appeals']:,} requests={len(latencies)} window={window:.1f}s "
            f"rps={rps:.1f} p50={base.percentile(latencies, 50):.0f}ms p95={base.percentile(latencies, 95):.0f}ms "
            f"p99={base.percentile(latencies, 99):.0f}ms errors={errors} gunicorn_cpu={server_cpu:.1f}s "
            f"target≥{TARGET_RPS}/s {'met' if rps >= TARGET_RPS else 'NOT met'}"
        )
        for r in results:
            for sample in r["samples"][:2]:
                log(f"error sample: {sample}")
        return 1 if errors else 0
    except KeyboardInterrupt:
        return 130
    finally:
        for process in clients:
            if process.is_alive():
                process.terminate()
        base.stop_process(server)


if __name__ == "__main__":
    raise SystemExit(main())
