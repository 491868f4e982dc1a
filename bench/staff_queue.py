"""Benchmark: an organization's staff queue at a million appeals, against gunicorn in production mode.

    python bench/staff_queue.py [--clients 4] [--duration 15] [--workers 2] [--port 0]

It picks the organization whose appeal count is closest to 20,000, signs in a benchmark executor
of it and measures, each scenario separately for --duration seconds with all clients at once:
the queue's default view, two filters (the overdue tab, a category), a full-text search, and the
appeal page cycling over ~200 of the organization's appeals. Then, in-process with Django's test
client, the number of SQL queries of each page, its median server time, and EXPLAIN (ANALYZE,
BUFFERS) of the page's queries on appeals_appeal, flagging any sequential scan.

DATABASE_URL and REDIS_URL are required; the database must already hold the appeals
(`manage.py generate_appeals`). It only adds the benchmark executor account (and its sessions).
See bench/README.md. This is a benchmark, not a test: it exits non-zero only when a request or a
step failed, never because a target was missed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import multiprocessing as mp
import os
import queue
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

# The helpers of bench/filing.py (server environment, gunicorn, CPU accounting, the cookie-keeping
# client, percentiles). Importing it has no side effects: everything there runs under main().
_spec = importlib.util.spec_from_file_location(
    "bench_filing", Path(__file__).with_name("filing.py")
)
base = importlib.util.module_from_spec(_spec)
sys.modules["bench_filing"] = base
_spec.loader.exec_module(base)

log = base.log
PASSWORD = "Bench-queue-2026!"  # noqa: S105 — the benchmark account only, in the benchmark's database
EMAIL = "bench-executor@bench.local"
TARGET_APPEALS = 20_000
APPEAL_PAGES = 200
SEARCH_WORDS = ("отопление", "снег", "мусор", "дорога", "освещение", "врач", "поликлиника")
QUEUE_TARGET = {"rps": 100, "p95": 50.0}
APPEAL_TARGET = {"rps": 200, "queries": 12}
HELPDESK = "django-helpdesk, same machine: ticket list 4.3 req/s at 100,000 tickets (p50 869 ms); ticket page 71 req/s, 34 queries"
MAX_ERROR_SAMPLES = 5
IN_PROCESS_REQUESTS = 20


# --- Setup: the organization, its numbers, the benchmark executor --------------------------------

SETUP_CODE = r"""
import json
from allauth.account.models import EmailAddress
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Count
from accounts.models import User
from appeals.models import Appeal
from organizations.models import Category, Membership, Organization

params = json.loads(__PARAMS__)
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT organization_id, count(*) FROM appeals_appeal WHERE organization_id IS NOT NULL GROUP BY 1"
    )
    counts = dict(cursor.fetchall())
assert counts, "no appeals with an organization: did generate_appeals run on this database?"
total_appeals = Appeal.objects.count()
if params["organization"]:
    org_id = params["organization"]
else:
    org_id = min(counts, key=lambda pk: (abs(counts[pk] - params["target"]), pk))
organization = Organization.objects.get(pk=org_id)
appeals = Appeal.objects.filter(organization_id=org_id)

# The most common category of the organization that the queue's filter accepts (a subcategory).
leaves = set(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
by_category = [
    (pk, n) for pk, n in appeals.values_list("category_id").annotate(n=Count("pk")).order_by("-n")
    if pk in leaves
]
category_id, category_count = by_category[0]
category_name = Category.objects.get(pk=category_id).name

# A search word that occurs in this organization's appeals.
word, word_count = params["query"], None
for candidate in ([word] if word else params["words"]):
    found = appeals.filter(search=SearchQuery(candidate, config="russian", search_type="websearch")).count()
    if found or word:
        word, word_count = candidate, found
        break
assert word_count, "none of the search words occurs in the organization's appeals: pass --query"

with connection.cursor() as cursor:  # a fixed spread over the organization (all statuses)
    cursor.execute(
        "SELECT number FROM appeals_appeal WHERE organization_id = %s ORDER BY md5(number) LIMIT %s",
        [org_id, params["pages"]],
    )
    numbers = [row[0] for row in cursor.fetchall()]

user = User.objects.filter(email=params["email"]).first() or User.objects.create_user(params["email"])
user.last_name = "Нагрузочный"
user.first_name = "Исполнитель"
user.set_password(params["password"])
user.save()
EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
EmailAddress.objects.filter(user=user, email=user.email).update(verified=True, primary=True)
# Executor of this organization only (an earlier run may have picked another one).
Membership.objects.filter(user=user).exclude(organization=organization, role="executor").delete()
Membership.objects.get_or_create(user=user, organization=organization, role="executor")

print("BENCH " + json.dumps({
    "total_appeals": total_appeals,
    "organization": org_id,
    "organization_name": organization.name,
    "appeals": counts[org_id],
    "statuses": dict(appeals.values_list("status").annotate(n=Count("pk")).order_by()),
    "category": category_id,
    "category_name": category_name,
    "category_appeals": category_count,
    "categories_in_org": len(by_category),
    "word": word,
    "word_appeals": word_count,
    "numbers": numbers,
}))
"""

# --- In-process: queries, server time and plans of each page ------------------------------------

PROFILE_CODE = r"""
import json
import re
import statistics
import time
import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User

params = json.loads(__PARAMS__)
user = User.objects.get(email=params["email"])
client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
client.force_login(user)
APPEAL_TABLE = re.compile(r'FROM "appeals_appeal"')


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


pages = []
for name, paths in params["pages"]:
    page = {"name": name, "path": paths[0], "statuses": [], "queries": [], "times": [], "cpu": []}
    client.get(paths[0])  # templates compiled, caches filled: not measured
    for path in paths[:5]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        page["statuses"].append(response.status_code)
        page["queries"].append(len(captured.captured_queries))
        if path == paths[0]:
            sqls = [q["sql"] for q in captured.captured_queries]
            page["first_body"] = response.content[:600].decode("utf-8", "replace") if response.status_code != 200 else ""
    for i in range(params["requests"]):
        path = paths[i % len(paths)]
        cpu, started = time.process_time(), time.perf_counter()
        response = client.get(path)
        page["times"].append((time.perf_counter() - started) * 1000)
        page["cpu"].append((time.process_time() - cpu) * 1000)
        page["statuses"].append(response.status_code)
    page["median_ms"] = statistics.median(page["times"])
    page["p95_ms"] = sorted(page["times"])[max(0, round(0.95 * len(page["times"]) + 0.5) - 1)]
    page["cpu_median_ms"] = statistics.median(page["cpu"])
    page["sql"] = sqls
    page["plans"] = []
    for sql in sqls:
        if not APPEAL_TABLE.search(sql) or not sql.lstrip().upper().startswith("SELECT"):
            continue
        entry = {"sql": sql, "main": " LIMIT " in sql and "COUNT(" not in sql.upper(), "count": None}
        if sql.lstrip().upper().startswith("SELECT COUNT("):
            with connection.cursor() as cursor:
                cursor.execute(sql)
                entry["count"] = cursor.fetchone()[0]
        entry["plan"] = explain(sql)
        page["plans"].append(entry)
    pages.append(page)

with connection.cursor() as cursor:
    cursor.execute("SHOW server_version")
    postgres = cursor.fetchone()[0]
print("BENCH " + json.dumps({"pages": pages, "postgres": postgres, "django": django.get_version()}))
"""


def snippet(code: str, params: dict) -> str:
    return code.replace("__PARAMS__", repr(json.dumps(params)))


def code_version() -> str:
    """The commit measured, and whether the working tree had uncommitted changes."""
    try:
        head = subprocess.run(  # noqa: S603
            ["git", "log", "-1", "--format=%h %s"],  # noqa: S607
            cwd=base.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(  # noqa: S603
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            cwd=base.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    return head[:90] + (" + uncommitted changes" if dirty else "")


def database_name() -> str:
    return urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/")


def postgres_backends_cpu(database: str) -> dict[int, float]:
    """CPU seconds of each local PostgreSQL backend connected to `database` (by its process title).

    Parallel workers carry no database name and live one query: they are not counted, so this
    is a lower bound of what PostgreSQL spent for the benchmark.
    """
    found = {}
    marker = f" {database} ".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            title = (entry / "cmdline").read_bytes()
            if not title.startswith(b"postgres:") or marker not in title:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / base.CLOCK_TICKS
    return found


# --- Scenarios -----------------------------------------------------------------------------------


def scenarios(setup: dict) -> list[dict]:
    numbers = setup["numbers"]
    return [
        {"key": "default", "label": "queue: default view", "paths": ["/staff/"], "kind": "queue"},
        {
            "key": "overdue",
            "label": "queue: tab=overdue",
            "paths": ["/staff/?tab=overdue"],
            "kind": "queue",
        },
        {
            "key": "category",
            "label": f"queue: category={setup['category']}",
            "paths": [f"/staff/?category={setup['category']}"],
            "kind": "queue",
        },
        {
            "key": "search",
            "label": f"queue: q={setup['word']}",
            "paths": [f"/staff/?q={quote(setup['word'])}"],
            "kind": "queue",
        },
        {
            "key": "appeal",
            "label": f"appeal page ×{len(numbers)}",
            "paths": [f"/staff/appeals/{number}/" for number in numbers],
            "kind": "appeal",
            "numbers": numbers,
        },
    ]


def expected_marker(scenario: dict, path: str) -> bytes:
    """Something a correct page has: a link into the queue's rows, or the appeal's number."""
    if scenario["kind"] == "appeal":
        return path.rstrip("/").rsplit("/", 1)[1].encode()
    return b'href="/staff/appeals/'


# --- The client side -----------------------------------------------------------------------------


def login(browser, email: str) -> None:
    status, _, html = browser.request("GET", "/accounts/login/")
    token = base.input_value(html, "csrfmiddlewaretoken")
    if status != 200 or token is None:
        raise base.FlowError("GET /accounts/login/", status, html)
    form = {"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD}
    status, location, html = browser.request("POST", "/accounts/login/", form)
    if status != 302 or "sessionid" not in browser.cookies:
        raise base.FlowError("POST /accounts/login/", status, html, location)


def client_main(index: int, port: int, commands, barrier, results) -> None:
    """One logged-in client; runs each scenario it is sent, in step with the others (the barrier)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent cleans up
    browser = base.Browser(port)
    fatal = None
    try:
        login(browser, EMAIL)
    except Exception as error:  # noqa: BLE001 — whatever it is, the parent must hear of it
        fatal = getattr(error, "sample", None) or {"step": "login", "status": repr(error)}
    while True:
        command = commands.get()
        if command is None:
            return
        result = {"client": index, "fatal": fatal, "latencies": [], "errors": 0, "samples": []}
        paths = command["paths"]
        offset = (index - 1) * max(1, len(paths) // max(1, command["clients"]))
        if fatal is None:
            try:
                for n in range(command["warmup"]):  # not measured
                    browser.request("GET", paths[(offset + n) % len(paths)])
            except Exception as error:  # noqa: BLE001
                result["fatal"] = {"step": "warm-up", "status": repr(error)}
        if result["fatal"]:
            results.put(result)
            barrier.abort()
            return
        try:
            barrier.wait(timeout=300)
        except threading.BrokenBarrierError:
            results.put(result)
            return
        cpu_start = resource.getrusage(resource.RUSAGE_SELF)
        deadline = time.monotonic() + command["duration"]
        browser.requests = 0
        n = offset
        while time.monotonic() < deadline:
            path = paths[n % len(paths)]
            n += 1
            started = time.perf_counter()
            try:
                status, location, body = browser.request("GET", path)
            except Exception as error:  # noqa: BLE001 — connection trouble
                result["errors"] += 1
                if len(result["samples"]) < MAX_ERROR_SAMPLES:
                    result["samples"].append(
                        {"step": f"GET {path}", "status": repr(error), "body": ""}
                    )
                continue
            result["latencies"].append(time.perf_counter() - started)
            if status != 200 or command["markers"][path] not in body:
                result["errors"] += 1
                if len(result["samples"]) < MAX_ERROR_SAMPLES:
                    step = f"GET {path}" + (
                        "" if status != 200 else " (200 without the expected content)"
                    )
                    result["samples"].append(
                        {
                            "step": step,
                            "status": status,
                            "location": location,
                            "body": body[:300].decode("utf-8", errors="replace"),
                        }
                    )
        cpu_end = resource.getrusage(resource.RUSAGE_SELF)
        result["ended"] = time.monotonic()
        result["requests"] = browser.requests
        result["cpu"] = (cpu_end.ru_utime + cpu_end.ru_stime) - (
            cpu_start.ru_utime + cpu_start.ru_stime
        )
        results.put(result)


def run_scenario(scenario, args, server, pipes, barrier, results_queue, logfile) -> dict | None:
    command = {
        "paths": scenario["paths"],
        "duration": args.duration,
        "warmup": args.warmup,
        "clients": args.clients,
        "markers": {path: expected_marker(scenario, path) for path in scenario["paths"]},
    }
    for pipe in pipes:
        pipe.put(command)
    try:
        barrier.wait(timeout=300)
        aborted = False
    except threading.BrokenBarrierError:
        aborted = True
    started = time.monotonic()
    machine_start = base.machine_cpu()
    server_start = base.process_tree_cpu(server.pid)
    postgres_start = postgres_backends_cpu(database_name())
    if not aborted:
        log(f"{scenario['label']}: measuring for {args.duration:g}s")
    try:
        results = [results_queue.get(timeout=args.duration + 120) for _ in pipes]
    except queue.Empty:
        log("a client process died without a result. Server log tail:")
        print(base.tail(logfile), file=sys.stderr)
        return None
    machine_end = base.machine_cpu()
    server_cpu = base.process_tree_cpu(server.pid) - server_start
    postgres_end = postgres_backends_cpu(database_name())
    postgres_cpu = sum(v - postgres_start.get(pid, 0.0) for pid, v in postgres_end.items())
    fatal = [r for r in results if r["fatal"]]
    if aborted or fatal:
        for r in fatal:
            log(
                f"client {r['client']} could not start: {json.dumps(r['fatal'], ensure_ascii=False)}"
            )
        log("no measurement. Server log tail:")
        print(base.tail(logfile), file=sys.stderr)
        return None
    window = max(r["ended"] for r in results) - started
    latencies = [v * 1000 for r in results for v in r["latencies"]]
    requests = sum(r["requests"] for r in results)
    measured = {
        "key": scenario["key"],
        "label": scenario["label"],
        "kind": scenario["kind"],
        "window": window,
        "requests": requests,
        "rps": requests / window,
        "p50": base.percentile(latencies, 50),
        "p95": base.percentile(latencies, 95),
        "p99": base.percentile(latencies, 99),
        "max": max(latencies, default=float("nan")),
        "errors": sum(r["errors"] for r in results),
        "samples": [s for r in results for s in r["samples"]][:MAX_ERROR_SAMPLES],
        "server_cpu": server_cpu,
        "client_cpu": sum(r["cpu"] for r in results),
        "postgres_cpu": postgres_cpu,
        "machine_busy": (machine_end[0] - machine_start[0])
        if machine_start and machine_end
        else None,
        "load_after": os.getloadavg(),
    }
    log(
        f"{scenario['label']}: {measured['rps']:.1f} req/s, p50 {measured['p50']:.1f} ms, "
        f"p95 {measured['p95']:.1f} ms, errors {measured['errors']}"
    )
    return measured


# --- Plans ---------------------------------------------------------------------------------------

SCAN = re.compile(
    r"((?:Parallel )?(?:Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan|Bitmap Index Scan)"
    r"(?: Backward)?(?: using \S+)? on \S+)"
)
EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")


def plan_summary(plan: str) -> dict:
    """The scans of appeals_appeal (and of its indexes) in a plan, its time, a sequential scan."""
    scans = []
    for match in SCAN.finditer(plan):
        scan = match.group(1)
        target = scan.rsplit(" on ", 1)[1]
        ours = target == "appeals_appeal" or target.startswith(("appeal_", "appeals_appeal_"))
        if ours and scan not in scans:
            scans.append(scan)
    execution = EXECUTION.search(plan)
    return {
        "scans": scans,
        "seq_scan": bool(re.search(r"Seq Scan on appeals_appeal\b", plan)),
        "ms": float(execution.group(1)) if execution else None,
    }


def query_shapes(sqls: list[str]) -> list[tuple[int, str]]:
    """Queries grouped by shape (literals blanked), most repeated first: where an N+1 shows."""
    shapes = Counter(re.sub(r"'[^']*'|\b\d+\b", "?", sql)[:160] for sql in sqls)
    return [(n, shape) for shape, n in shapes.most_common()]


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_plans(profile: dict) -> bool:
    """Print every plan of a query on appeals_appeal; True if any of them scans it sequentially."""
    any_seq = False
    for page in profile["pages"]:
        print(f"\n=== {page['name']}: {page['path']}")
        for entry in page["plans"]:
            summary = plan_summary(entry["plan"])
            any_seq |= summary["seq_scan"]
            role = "queue/appeal query (LIMIT)" if entry["main"] else "other query"
            if entry["count"] is not None:
                role = f"count query ({entry['count']} rows match)"
            flag = "   <<< SEQ SCAN ON appeals_appeal" if summary["seq_scan"] else ""
            print(f"--- {role}{flag}")
            print("    SQL: " + entry["sql"][:700] + ("…" if len(entry["sql"]) > 700 else ""))
            print("    " + entry["plan"].replace("\n", "\n    "))
    return any_seq


# --- Main ----------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients", type=int, default=4, help="concurrent clients (processes), default 4"
    )
    parser.add_argument(
        "--duration", type=float, default=15, help="measured seconds per scenario, default 15"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, default 2")
    parser.add_argument("--port", type=int, default=0, help="port for gunicorn; 0 picks a free one")
    parser.add_argument(
        "--warmup",
        type=int,
        default=3,
        help="unmeasured requests per client and scenario, default 3",
    )
    parser.add_argument(
        "--organization",
        type=int,
        default=0,
        help="organization id; default: the one with appeals closest to 20,000",
    )
    parser.add_argument(
        "--query",
        default="",
        help="the search word; default: the first of "
        f"{', '.join(SEARCH_WORDS)} found in the organization's appeals",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated scenarios to run: "
        "default,overdue,category,search,appeal (default: all)",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.workers < 1 or args.duration <= 0:
        parser.error("--clients, --workers and --duration must be positive")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if missing:
        print(
            f"bench/staff_queue.py needs {' and '.join(missing)}, and a database that holds the appeals "
            "(manage.py generate_appeals), e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/gen_bench REDIS_URL=redis://127.0.0.1:6379/0",
            file=sys.stderr,
        )
        return 2

    load_before = os.getloadavg()
    version = code_version()
    port = args.port or base.free_port()
    work = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    env = base.server_env(port, work / "static", work / "media")
    logfile = work / "gunicorn.log"
    server = None
    clients: list = []
    pipes: list = []

    def on_sigterm(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        base.run_step("compile translations", [base.PYTHON, "scripts/compilemessages.py"], env)
        base.manage(
            env, "collectstatic", "--noinput", "-v", "0", title="collectstatic (manifest storage)"
        )
        base.manage(env, "migrate", "--noinput", "-v", "0")
        setup = base.django_snippet(
            env,
            snippet(
                SETUP_CODE,
                {
                    "target": TARGET_APPEALS,
                    "organization": args.organization,
                    "query": args.query,
                    "words": list(SEARCH_WORDS),
                    "pages": APPEAL_PAGES,
                    "email": EMAIL,
                    "password": PASSWORD,
                },
            ),
            "organization, appeal numbers, benchmark executor",
        )
        log(
            f"organization {setup['organization']} «{setup['organization_name']}»: {setup['appeals']} of "
            f"{setup['total_appeals']} appeals; category {setup['category']} «{setup['category_name']}» "
            f"({setup['category_appeals']}); search «{setup['word']}» ({setup['word_appeals']} appeals)"
        )
        plan = scenarios(setup)
        if args.only:
            wanted = {key.strip() for key in args.only.split(",")}
            plan = [s for s in plan if s["key"] in wanted]
            if not plan:
                log(f"--only {args.only}: no such scenario")
                return 2

        profile = base.django_snippet(
            env,
            snippet(
                PROFILE_CODE,
                {
                    "email": EMAIL,
                    "requests": IN_PROCESS_REQUESTS,
                    "pages": [[s["label"], s["paths"]] for s in plan],
                },
            ),
            "in-process: queries, server time, EXPLAIN ANALYZE",
        )

        server = base.start_gunicorn(env, port, args.workers, logfile)
        base.wait_healthy(server, port, logfile)
        log(f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}, DEBUG off, no access log")

        barrier = mp.Barrier(args.clients + 1)
        results_queue = mp.Queue()
        pipes = [mp.Queue() for _ in range(args.clients)]
        clients = [
            mp.Process(
                target=client_main,
                args=(n + 1, port, pipes[n], barrier, results_queue),
                daemon=True,
            )
            for n in range(args.clients)
        ]
        for process in clients:
            process.start()
        log(f"{args.clients} clients logging in")

        measured = []
        for scenario in plan:
            result = run_scenario(scenario, args, server, pipes, barrier, results_queue, logfile)
            if result is None:
                return 1
            measured.append(result)
        for pipe in pipes:
            pipe.put(None)
        for process in clients:
            process.join(timeout=10)

        profile["load_before"] = load_before
        profile["code"] = version
        return report(args, setup, profile, measured, logfile)
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        for process in clients:
            if process.is_alive():
                process.terminate()
        base.stop_process(server)
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(work, ignore_errors=True)


def report(args, setup, profile, measured, logfile) -> int:
    pages = {page["name"]: page for page in profile["pages"]}
    print()
    print(base.machine_facts(profile))
    print(f"code: {profile['code']}")
    print(
        f"data: {setup['total_appeals']} appeals; organization {setup['organization']} "
        f"«{setup['organization_name']}» holds {setup['appeals']} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(setup['statuses'].items()))}); "
        f"categories in its appeals: {setup['categories_in_org']}, filtered: {setup['category']} "
        f"«{setup['category_name']}» ({setup['category_appeals']}); "
        f"search «{setup['word']}» matches {setup['word_appeals']}"
    )
    print(
        f"server: gunicorn, {args.workers} sync workers, DEBUG off; clients: {args.clients} processes; "
        f"{args.duration:g}s per scenario"
    )

    any_seq = print_plans(profile)

    print(
        "\n=== In-process (Django test client, one process, no concurrency; "
        f"{IN_PROCESS_REQUESTS} requests per page)"
    )
    print(
        f"  {'page':<34}{'queries':>8}{'median ms':>11}{'p95 ms':>9}{'CPU ms':>8}  plans on appeals_appeal"
    )
    in_process_errors = 0
    for page in profile["pages"]:
        bad = [s for s in page["statuses"] if s != 200]
        in_process_errors += len(bad)
        queries = max(page["queries"])
        scans = "; ".join(
            ", ".join(summary["scans"])
            + (f" ({summary['ms']:.1f} ms)" if summary["ms"] is not None else "")
            for summary in (plan_summary(e["plan"]) for e in page["plans"])
        )
        queries_text = (
            str(queries) if min(page["queries"]) == queries else f"{min(page['queries'])}-{queries}"
        )
        print(
            f"  {page['name']:<34}{queries_text:>8}{page['median_ms']:>11.1f}{page['p95_ms']:>9.1f}"
            f"{page['cpu_median_ms']:>8.1f}  {scans}"
        )
        if bad:
            print(f"    NON-200 statuses: {bad}; first body: {page.get('first_body', '')[:300]!r}")
    print("\n  queries repeated on a page (same shape, literals blanked):")
    for page in profile["pages"]:
        repeated = [(n, shape) for n, shape in query_shapes(page["sql"]) if n > 1]
        print(f"  {page['name']}: {len(page['sql'])} queries, {len(set(page['sql']))} distinct")
        for n, shape in repeated:
            print(f"    {n:>3}× {short(shape, 150)}")

    print("\n=== Under load (gunicorn; latency as the clients see it)")
    header = (
        f"  {'scenario':<34}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'errors':>8}"
        f"{'queries':>9}  target → met?"
    )
    print(header)
    errors = in_process_errors
    for m in measured:
        page = pages.get(m["label"])
        queries = max(page["queries"]) if page else None
        if m["kind"] == "queue":
            ok = m["rps"] >= QUEUE_TARGET["rps"] and m["p95"] <= QUEUE_TARGET["p95"]
            target = f"≥{QUEUE_TARGET['rps']} req/s, p95 ≤{QUEUE_TARGET['p95']:g} ms"
        else:
            ok = (
                m["rps"] >= APPEAL_TARGET["rps"]
                and queries is not None
                and queries <= APPEAL_TARGET["queries"]
            )
            target = f"≥{APPEAL_TARGET['rps']} req/s, ≤{APPEAL_TARGET['queries']} queries"
        errors += m["errors"]
        print(
            f"  {m['label']:<34}{m['rps']:>8.1f}{m['p50']:>8.1f}{m['p95']:>8.1f}{m['p99']:>8.1f}"
            f"{m['max']:>8.1f}{m['errors']:>8}{queries if queries is not None else '-':>9}  "
            f"{target} → {'MET' if ok else 'not met'}"
        )
    print(f"  ({HELPDESK})")

    print("\n=== CPU per scenario (core-seconds) and load average after it")
    for m in measured:
        busy = m["machine_busy"]
        pg = m["postgres_cpu"]
        other = (
            max(0.0, busy - m["server_cpu"] - m["client_cpu"] - pg)
            if busy is not None
            else float("nan")
        )
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        per_request = m["server_cpu"] / m["requests"] * 1000 if m["requests"] else float("nan")
        pg_per_request = pg / m["requests"] * 1000 if m["requests"] else float("nan")
        print(
            f"  {m['label']:<34} of {cores * m['window']:.1f}: busy {busy or float('nan'):.1f}; "
            f"gunicorn {m['server_cpu']:.1f} ({per_request:.1f} ms/req), "
            f"PostgreSQL backends of {database_name()} {pg:.1f} ({pg_per_request:.1f} ms/req), "
            f"clients {m['client_cpu']:.1f}, everything else {other:.1f}; "
            f"load average {' '.join(f'{v:.2f}' for v in m['load_after'])}"
        )
    print(
        "  (everything else: PostgreSQL's parallel workers, Redis, the kernel and other jobs on the machine)"
    )

    print(
        f"\nsequential scans on appeals_appeal: {'YES (see the flagged plans)' if any_seq else 'none'}"
    )
    print(f"errors: {errors}")
    for m in measured:
        for sample in m["samples"]:
            print(
                f"  {sample['step']}: status {sample['status']}"
                f"{' → ' + sample['location'] if sample.get('location') else ''}"
            )
            if sample.get("body"):
                print("    " + sample["body"].replace("\n", "\n    "))
    if errors:
        log("server log tail:")
        print(base.tail(logfile), file=sys.stderr)
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
