"""Benchmark: the platform side by side with django-helpdesk 2.6.1, interleaved, on this machine.

    .venv/bin/python bench/compare.py [--pairs 3] [--duration 10] [--clients 4]

Sets up both systems with the same volume (the peer: bench/helpdesk with its gen_tickets, 100,000
tickets; the platform: generate_appeals, 100,000 appeals), each in a PostgreSQL database of its
own that is kept and reused (generation is skipped when the rows are there). Serves each by
gunicorn with 2 sync workers on a loopback port, then for each work item runs platform and peer
interleaved (A, B, A, B, A, B), draining both servers before each run, and prints per-pair ratios,
their median, the load average before each run and the SQL queries per page. Then Django CPU per
request in-process (time.process_time, median of 20) for the filing GET and POST, the staff list
and the staff page of one appeal/ticket, on both.

Needs REDIS_URL (the platform's cache) and a PostgreSQL on 127.0.0.1 reachable as superuser
(--pg, default postgres://postgres@127.0.0.1:5432): it creates the role `bench` and the databases
--peer-db / --platform-db, never starts or stops a server. The peer runs in its own virtualenv,
.data/helpdesk-venv (git-ignored), installed from PyPI with pip on the first run.
Only 127.0.0.1 is loaded; every run is bounded by --duration (at most 60 s). See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import json
import multiprocessing as mp
import os
import queue
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

_spec = importlib.util.spec_from_file_location(
    "bench_filing", Path(__file__).with_name("filing.py")
)
base = importlib.util.module_from_spec(_spec)
sys.modules["bench_filing"] = base
_spec.loader.exec_module(base)
sys.path.insert(0, str(Path(__file__).parent))
from formparse import extract_form  # noqa: E402 — bench/formparse.py, beside this file

ROOT = base.ROOT
PEER = ROOT / "bench" / "helpdesk"
DATA = ROOT / ".data"
PEER_VENV = DATA / "helpdesk-venv"
PEER_PYTHON = PEER_VENV / "bin" / "python"
PYTHON = sys.executable
log = base.log

PEER_USER, PEER_PASSWORD = "staff", "staff-pass"  # gen_tickets' staff superuser
EXECUTOR = "bench-compare-executor@bench.local"
ANALYST = "bench-compare-analyst@bench.local"
PEER_LIST_DATA = (
    "/datatables_ticket_list/eyJmaWx0ZXJpbmciOiB7InN0YXR1c19faW4iOiBbMSwgMl19LCAic29ydGluZyI6ICJj"
    "cmVhdGVkIiwgInNlYXJjaF9zdHJpbmciOiAiIiwgInNvcnRyZXZlcnNlIjogZmFsc2V9?draw=1&start=0&length=25"
)
CPU_REQUESTS = 20


# --- Databases and set-up ------------------------------------------------------------------------


def pg(url: str, sql: str, params=(), *, db: str = "postgres"):
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(parts._replace(path="/" + db).geturl(), autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def ensure_databases(args) -> None:
    if not pg(args.pg, "SELECT 1 FROM pg_roles WHERE rolname = 'bench'"):
        pg(args.pg, "CREATE ROLE bench LOGIN PASSWORD 'bench' CREATEDB")
        log("created role bench")
    for name, owner in ((args.peer_db, "bench"), (args.platform_db, None)):
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise SystemExit(f"database name {name!r}: lower-case letters, digits, _ only")
        if not pg(args.pg, "SELECT 1 FROM pg_database WHERE datname = %s", [name]):
            pg(args.pg, f"CREATE DATABASE {name}" + (f" OWNER {owner}" if owner else ""))
            log(f"created database {name}")


def count(args, db: str, table: str) -> int:
    try:
        return pg(args.pg, f"SELECT count(*) FROM {table}", db=db)[0][0]  # noqa: S608 — our names
    except Exception:  # noqa: BLE001 — not migrated yet
        return 0


def peer_env(args, port: int = 0) -> dict:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    host = urlsplit(args.pg).hostname or "127.0.0.1"
    env.update(
        BENCH_DB_NAME=args.peer_db,
        BENCH_DB_HOST=host,
        BENCH_DB_PORT=str(urlsplit(args.pg).port or 5432),
        BENCH_STATIC_ROOT=str(DATA / "helpdesk-static"),
        BENCH_MEDIA_ROOT=str(DATA / "helpdesk-media"),
        BENCH_BIND=f"127.0.0.1:{port}",
        BENCH_WORKERS=str(args.workers),
        PYTHONUNBUFFERED="1",
    )
    return env


def peer_manage(args, *argv: str, title: str | None = None) -> str:
    return base.run_step(
        title or f"peer manage.py {' '.join(argv)}",
        [str(PEER_PYTHON), str(PEER / "manage.py"), *argv],
        peer_env(args),
    )


def setup_peer(args) -> None:
    if not PEER_PYTHON.exists():
        base.run_step("peer virtualenv", [sys.executable, "-m", "venv", str(PEER_VENV)], {})
    if subprocess.run([str(PEER_PYTHON), "-c", "import helpdesk"], check=False).returncode:  # noqa: S603
        base.run_step(
            "pip install django-helpdesk 2.6.1 (PyPI)",
            [str(PEER_PYTHON), "-m", "pip", "install", "-q", "-r", str(PEER / "requirements.txt")],
            dict(os.environ),
        )
    peer_manage(args, "migrate", "-v", "0")
    peer_manage(args, "collectstatic", "--noinput", "-v", "0")
    have = count(args, args.peer_db, "helpdesk_ticket")
    if have >= args.tickets:
        log(f"peer: {have} tickets already there, generation skipped")
    else:
        peer_manage(args, "gen_tickets", "--tickets", str(args.tickets), "--reset")
    # VACUUM as autovacuum does on a live table: rows bulk-loaded a minute ago are not yet marked
    # all-visible, so every index-only scan would still read the heap (see bench/README.md).
    pg(args.pg, "VACUUM ANALYZE", db=args.peer_db)


PLATFORM_USERS = r"""
import json
from allauth.account.models import EmailAddress
from django.db import connection
from accounts.models import User
from appeals.models import Appeal
from organizations.models import Membership, Organization, Region
p = json.loads(__PARAMS__)
region = Region.objects.get(code=p["region"])
with connection.cursor() as cursor:
    cursor.execute("SELECT organization_id FROM appeals_appeal WHERE organization_id IS NOT NULL "
                   "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
    org_id = cursor.fetchone()[0]
    cursor.execute("SELECT number FROM appeals_appeal WHERE organization_id = %s ORDER BY md5(number) LIMIT 200", [org_id])
    numbers = [r[0] for r in cursor.fetchall()]
for email, role in ((p["executor"], "executor"), (p["analyst"], "analyst")):
    user = User.objects.filter(email=email).first() or User.objects.create_user(email)
    user.last_name, user.first_name = "Сравнение", role
    user.set_password(p["password"])
    user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    EmailAddress.objects.filter(user=user, email=email).update(verified=True, primary=True)
    Membership.objects.filter(user=user).delete()
    if role == "executor":
        Membership.objects.create(user=user, organization_id=org_id, role=role)
    else:
        Membership.objects.create(user=user, region=region, role=role)
print("BENCH " + json.dumps({"organization": org_id, "numbers": numbers,
    "appeals_of_organization": Appeal.objects.filter(organization_id=org_id).count()}))
"""


def platform_env(args, port: int = 0) -> dict:
    env = base.server_env(port, DATA / "compare-static", DATA / "compare-media")
    parts = urlsplit(args.pg)
    env["DATABASE_URL"] = parts._replace(path="/" + args.platform_db).geturl()
    env["CACHE_KEY_PREFIX"] = f"compare-{os.getpid()}"
    return env


def setup_platform(args) -> dict:
    env = platform_env(args)
    base.run_step("compile translations", [PYTHON, "scripts/compilemessages.py"], env)
    base.manage(env, "collectstatic", "--noinput", "-v", "0", title="collectstatic")
    base.manage(env, "migrate", "--noinput", "-v", "0")
    region = env.get("PLATFORM_REGION_CODE", "41")
    have = count(args, args.platform_db, "appeals_appeal")
    if have >= args.appeals:
        log(f"platform: {have} appeals already there, generation skipped")
    else:
        if not pg(
            args.pg,
            "SELECT 1 FROM organizations_region WHERE code = %s",
            [region],
            db=args.platform_db,
        ):
            base.manage(env, "load_demo", "--force", "--appeals", "0")
        base.manage(env, "generate_appeals", "--count", str(args.appeals - have))
        base.manage(
            env,
            "shell",
            "-c",
            "from analytics.services import rebuild_stats; rebuild_stats()",
            title="analytics roll-up rebuild",
        )
    pg(args.pg, "VACUUM ANALYZE", db=args.platform_db)
    base.django_snippet(
        env,
        base.SETUP_CODE.format(
            region=region, clients=args.clients, email=base.EMAIL, password=base.PASSWORD
        ),
        f"{args.clients} benchmark citizens",
    )
    params = {"region": region, "executor": EXECUTOR, "analyst": ANALYST, "password": base.PASSWORD}
    return base.django_snippet(
        env, PLATFORM_USERS.replace("__PARAMS__", repr(json.dumps(params))), "staff accounts"
    )


def peer_facts(args) -> dict:
    low, high = pg(args.pg, "SELECT min(id), max(id) FROM helpdesk_ticket", db=args.peer_db)[0]
    return {"low": low, "high": high}


# --- Clients -------------------------------------------------------------------------------------


class PeerBrowser(base.Browser):
    """The peer's CSRF check refuses POSTs that say X-Forwarded-Proto: https: plain http here."""

    def __init__(self, port: int):
        super().__init__(port)
        self.origin = f"http://127.0.0.1:{port}"

    def request(self, method, path, form=None, referer=None):
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "compare-bench/1"}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.origin + (referer or path)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            raise
        for header in response.msg.get_all("Set-Cookie") or []:
            self._keep_cookie(header)
        return response.status, response.getheader("Location"), data


def peer_login(browser: PeerBrowser) -> None:
    status, _, html = browser.request("GET", "/login/")
    form = extract_form(html.decode(), ("csrfmiddlewaretoken", "username"))["fields"]
    form.update(username=PEER_USER, password=PEER_PASSWORD)
    status, location, html = browser.request("POST", "/login/", form)
    if status != 302:
        raise base.FlowError("peer login", status, html, location)


def expect(step: str, status, location, html, code: int = 200, marker: bytes | None = None):
    if status != code or (marker is not None and marker not in html):
        raise base.FlowError(step, status, html, location)


def platform_file(browser, rng, n) -> None:
    fields = base.get_form(browser)
    form = {
        "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
        "idempotency_key": fields["idempotency_key"],
        "category": rng.choice(fields["categories"]),
        "municipality": rng.choice(fields["municipalities"]),
        "address": f"ул. Ленинская, д. {rng.randint(1, 120)}",
        "text": f"{rng.choice(base.TEXTS)} (сравнение, обращение {n})",
        "consent": "on",
    }
    status, location, html = browser.request("POST", "/appeals/new/", form)
    if status != 302 or not base.APPEAL_URL.match(location or ""):
        raise base.FlowError("POST /appeals/new/", status, html, location)


def peer_file(browser, rng, n) -> None:
    status, location, html = browser.request("GET", "/tickets/submit/")
    expect("GET /tickets/submit/", status, location, html)
    form = extract_form(html.decode(), ("csrfmiddlewaretoken", "title", "body"))["fields"]
    form.update(
        title=f"Broken street light near house {n}",
        body=f"The street light in front of building {n} has been off for two weeks.",
        submitter_email=f"citizen{n}@example.invalid",
    )
    status, location, html = browser.request("POST", "/tickets/submit/", form)
    if status != 302 or "/view/" not in (location or ""):
        raise base.FlowError("POST /tickets/submit/", status, html, location)


def platform_list(browser, rng, n) -> None:
    expect("GET /staff/", *browser.request("GET", "/staff/"), marker=b'href="/staff/appeals/')


def peer_list(browser, rng, n) -> None:
    expect("GET /tickets/", *browser.request("GET", "/tickets/"))
    expect("GET list data", *browser.request("GET", PEER_LIST_DATA), marker=b'"data"')


def platform_detail(browser, rng, n, facts) -> None:
    number = rng.choice(facts["numbers"])
    path = f"/staff/appeals/{number}/"
    expect(f"GET {path}", *browser.request("GET", path), marker=number.encode())


def peer_detail(browser, rng, n, facts) -> None:
    path = f"/tickets/{rng.randint(facts['low'], facts['high'])}/"
    expect(f"GET {path}", *browser.request("GET", path))


def client_main(system: str, item: str, port: int, index: int, duration, facts, barrier, out):
    rng = random.Random(index * 7919 + int(time.time()))  # noqa: S311 — test data
    result = {"iterations": 0, "errors": 0, "samples": [], "latencies": []}
    try:
        if system == "platform":
            browser = base.Browser(port)
            who = {"filing": base.EMAIL.format(n=index), "list": EXECUTOR, "detail": EXECUTOR}
            base.login(browser, who[item])
            flow = {"filing": platform_file, "list": platform_list, "detail": platform_detail}[item]
        else:
            browser = PeerBrowser(port)
            if item != "filing":
                peer_login(browser)
            flow = {"filing": peer_file, "list": peer_list, "detail": peer_detail}[item]
        step = (
            (lambda n: flow(browser, rng, n, facts))
            if item == "detail"
            else (lambda n: flow(browser, rng, n))
        )
        step(0)  # warm: templates, connection
    except Exception as error:  # noqa: BLE001 — the parent reports it
        result["fatal"] = getattr(error, "sample", None) or repr(error)
        out.put(result)
        barrier.abort()
        return
    try:
        barrier.wait(timeout=120)
    except threading.BrokenBarrierError:
        out.put(result)
        return
    deadline = time.monotonic() + duration
    n = 0
    while time.monotonic() < deadline:
        n += 1
        started = time.perf_counter()
        try:
            step(index * 1_000_000 + n)
            result["iterations"] += 1
            result["latencies"].append(time.perf_counter() - started)
        except Exception as error:  # noqa: BLE001 — counted
            result["errors"] += 1
            if len(result["samples"]) < 3:
                result["samples"].append(getattr(error, "sample", None) or repr(error))
    out.put(result)


def drain(port: int, path: str) -> None:
    """A few cheap GETs, all answered: no slow request of the last run holds a worker any more."""

    def one():
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
            conn.getresponse().read()
            conn.close()

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)


def load_run(args, system: str, item: str, port: int, facts: dict) -> dict:
    drain(port, "/healthz" if system == "platform" else "/login/")
    db, table = (
        (args.platform_db, "appeals_appeal")
        if system == "platform"
        else (args.peer_db, "helpdesk_ticket")
    )
    rows_before = count(args, db, table) if item == "filing" else 0
    barrier = mp.Barrier(args.clients + 1)
    out = mp.Queue()
    procs = [
        mp.Process(
            target=client_main,
            args=(system, item, port, n + 1, args.duration, facts, barrier, out),
            daemon=True,
        )
        for n in range(args.clients)
    ]
    for proc in procs:
        proc.start()
    load = os.getloadavg()[0]
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=120)
    started = time.monotonic()
    try:
        results = [out.get(timeout=args.duration + 120) for _ in procs]
    except queue.Empty:
        raise SystemExit(f"{system} {item}: a client died without a result") from None
    elapsed = max(time.monotonic() - started, args.duration)
    for proc in procs:
        proc.join(timeout=10)
    fatal = [r["fatal"] for r in results if r.get("fatal")]
    if fatal:
        raise SystemExit(f"{system} {item}: a client failed to start: {fatal[0]}")
    iterations = sum(r["iterations"] for r in results)
    errors = sum(r["errors"] for r in results)
    samples = [s for r in results for s in r["samples"]][:2]
    latencies = sorted(x for r in results for x in r["latencies"])
    rate = iterations / elapsed
    if item == "filing":
        rate = (count(args, db, table) - rows_before) / elapsed
    run = {
        "system": system,
        "item": item,
        "rate": rate,
        "iterations": iterations,
        "errors": errors,
        "load": load,
        "p50": base.percentile(latencies, 0.5) * 1000 if latencies else None,
        "p95": base.percentile(latencies, 0.95) * 1000 if latencies else None,
    }
    log(
        f"{item:7} {system:8} {rate:8.1f}/s  p95 {run['p95'] or 0:7.1f} ms  errors {errors}"
        f"  load {load:.2f}" + (f"  e.g. {samples[0]}" if samples else "")
    )
    return run


ROLLUP_AND_WARM = "from analytics.services import update_stats; print('BENCH', update_stats())"


def stats_run(args, system: str, port: int, env: dict) -> dict:
    """The statistics page, its first request after a roll-up run (platform: one appeal filed,
    then the periodic update_stats run, then the analyst's GET; the peer computes /reports/ on
    every request, it has no roll-up)."""
    drain(port, "/healthz" if system == "platform" else "/login/")
    if system == "platform":
        citizen = base.Browser(port)
        base.login(citizen, base.EMAIL.format(n=1))
        platform_file(citizen, random.Random(), int(time.time()))  # noqa: S311
        base.manage(env, "shell", "-c", ROLLUP_AND_WARM, title="roll-up run (update_stats)")
        browser = base.Browser(port)
        base.login(browser, ANALYST)
        path, marker = "/analytics/", None
    else:
        browser = PeerBrowser(port)
        peer_login(browser)
        path, marker = "/reports/", None
    load = os.getloadavg()[0]
    started = time.perf_counter()
    status, location, html = browser.request("GET", path)
    seconds = time.perf_counter() - started
    expect(f"GET {path}", status, location, html, marker=marker)
    log(f"stats   {system:8} first request {seconds * 1000:8.1f} ms  load {load:.2f}")
    return {"system": system, "item": "stats", "seconds": seconds, "load": load}


# --- In-process: queries and CPU per request ------------------------------------------------------

IN_PROCESS = r"""
import json, re, statistics, time
from django.db import connection
from django.test import Client
from django.contrib.auth import get_user_model
p = json.loads(__PARAMS__)
User = get_user_model()
def hidden(html, must):
    forms = re.findall(r"<form\b.*?</form>", html, re.S)
    form = next(f for f in forms if all(('name="%s"' % m) in f for m in must))
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        name = re.search(r'\bname="([^"]+)"', tag)
        kind = re.search(r'\btype="([^"]+)"', tag)
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if name and (kind and kind.group(1) == "hidden"):
            fields[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        options = [v for v in re.findall(r'<option[^>]*value="([^"]+)"', body) if v]
        if options:
            fields[name] = options[len(options) // 2]
    return fields
class Counter:
    n = 0
    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)
out = {}
for page in p["pages"]:
    client = Client(**p["client"])
    if page.get("user"):
        client.force_login(User.objects.get(**page["user"]))
    cpu, queries = [], []
    for i in range(p["requests"] + 1):
        url = page["urls"][i % len(page["urls"])]
        data = None
        if page.get("post"):
            form = client.get(url).content.decode()
            data = {**hidden(form, page["post"]["must"]), **{k: v.replace("{n}", str(i)) for k, v in page["post"]["fields"].items()}}
        counter = Counter()
        with connection.execute_wrapper(counter):
            started = time.process_time()
            response = client.post(url, data) if data is not None else client.get(url)
            spent = time.process_time() - started
        assert response.status_code == page["status"], (page["name"], response.status_code, response.content[:500])
        if i:  # the first one warms the process
            cpu.append(spent * 1000)
            queries.append(counter.n)
    out[page["name"]] = {"cpu_ms": statistics.median(cpu), "queries": [min(queries), max(queries)]}
print("BENCH " + json.dumps(out))
"""


def in_process(args, system: str, env_or_args, facts: dict) -> dict:
    if system == "platform":
        citizen = {"email": base.EMAIL.format(n=1)}
        executor = {"email": EXECUTOR}
        pages = [
            {"name": "filing GET", "urls": ["/appeals/new/"], "user": citizen, "status": 200},
            {
                "name": "filing POST",
                "urls": ["/appeals/new/"],
                "user": citizen,
                "status": 302,
                "post": {
                    "must": ["idempotency_key"],
                    "fields": {
                        "address": "ул. Ленинская, д. 5",
                        "text": "Во дворе не вывозят мусор уже неделю, прошу принять меры ({n}).",
                        "consent": "on",
                    },
                },
            },
            {"name": "staff list", "urls": ["/staff/"], "user": executor, "status": 200},
            {
                "name": "staff page",
                "urls": [f"/staff/appeals/{n}/" for n in facts["numbers"][:20]],
                "user": executor,
                "status": 200,
            },
        ]
        client = {"HTTP_HOST": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https", "secure": True}
        params = {"pages": pages, "requests": CPU_REQUESTS, "client": client}
        code = IN_PROCESS.replace("__PARAMS__", repr(json.dumps(params)))
        return base.django_snippet(env_or_args, code, "platform in-process")
    staff = {"username": PEER_USER}
    ids = random.Random(1).sample(range(facts["low"], facts["high"] + 1), 20)  # noqa: S311
    pages = [
        {"name": "filing GET", "urls": ["/tickets/submit/"], "status": 200},
        {
            "name": "filing POST",
            "urls": ["/tickets/submit/"],
            "status": 302,
            "post": {
                "must": ["title", "body"],
                "fields": {
                    "title": "Broken street light near house {n}",
                    "body": "The street light in front of building {n} has been off for two weeks.",
                    "submitter_email": "citizen{n}@example.invalid",
                },
            },
        },
        {"name": "staff list", "urls": ["/tickets/"], "user": staff, "status": 200},
        {"name": "staff list data", "urls": [PEER_LIST_DATA], "user": staff, "status": 200},
        {
            "name": "staff page",
            "urls": [f"/tickets/{i}/" for i in ids],
            "user": staff,
            "status": 200,
        },
    ]
    params = {"pages": pages, "requests": CPU_REQUESTS, "client": {}}
    code = IN_PROCESS.replace("__PARAMS__", repr(json.dumps(params)))
    out = peer_manage(env_or_args, "shell", "-c", code, title="peer in-process")
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    return json.loads(line[len("BENCH ") :])


# --- Main ----------------------------------------------------------------------------------------


ITEMS = {
    "filing": "citizen filing, GET form + POST (created rows/s)",
    "list": "staff list (peer: HTML shell + its JSON rows), req/s",
    "detail": "staff page of one appeal / ticket, req/s",
    "stats": "statistics, first request after a roll-up (ratio of times)",
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10, help="seconds per run, ≤ 60")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers, each system")
    parser.add_argument("--appeals", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--peer-db", default="compare_helpdesk")
    parser.add_argument("--platform-db", default="compare_platform")
    parser.add_argument(
        "--items", default=",".join(ITEMS), help="comma-separated: " + ",".join(ITEMS)
    )
    parser.add_argument("--skip-cpu", action="store_true")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= 60 or not 1 <= args.clients <= 16 or not 1 <= args.pairs <= 5:
        parser.error("bounded runs only: --duration ≤ 60, --clients ≤ 16, --pairs ≤ 5")
    if urlsplit(args.pg).hostname not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("--pg must be on this machine (loopback)")
    return args


def start_servers(args, penv: dict, pport: int, hport: int, logs: Path):
    platform = base.start_gunicorn(penv, pport, args.workers, logs / "platform.log")
    with (logs / "peer.log").open("wb") as out:
        peer = subprocess.Popen(  # noqa: S603 — the peer's venv
            [
                str(PEER_VENV / "bin" / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "helpdesk_site.wsgi:application",
            ],
            cwd=PEER,
            env=peer_env(args, hport),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=base._die_with_parent,
        )
    base.wait_healthy(platform, pport, logs / "platform.log")
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", hport, timeout=5)
            conn.request("GET", "/login/", headers={"Host": f"127.0.0.1:{hport}"})
            if conn.getresponse().status == 200:
                break
        if peer.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the peer's gunicorn did not start:\n" + base.tail(logs / "peer.log"))
        time.sleep(0.3)
    return platform, peer


def ratio(item: str, a: dict, b: dict) -> float | None:
    if item == "stats":
        return b["seconds"] / a["seconds"] if a["seconds"] else None
    return a["rate"] / b["rate"] if b["rate"] else None


def fmt_rate(run: dict) -> str:
    if run["item"] == "stats":
        return f"{run['seconds'] * 1000:.0f} ms"
    return f"{run['rate']:.1f}"


def main(argv=None) -> int:
    args = parse_args(argv)
    if not os.environ.get("REDIS_URL"):
        print("bench/compare.py needs REDIS_URL (the platform's cache and broker)", file=sys.stderr)
        return 2
    items = [i for i in args.items.split(",") if i]
    began = time.monotonic()
    ensure_databases(args)
    setup_peer(args)
    facts = setup_platform(args)
    facts.update(peer_facts(args))
    log(
        f"platform: executor of organization {facts['organization']} "
        f"({facts['appeals_of_organization']} appeals); peer ticket ids {facts['low']}–{facts['high']}"
    )
    logs = DATA / "compare-logs"
    logs.mkdir(parents=True, exist_ok=True)
    pport, hport = base.free_port(), base.free_port()
    penv = platform_env(args, pport)
    platform = peer = None
    runs: dict[str, list[tuple[dict, dict]]] = {}
    try:
        platform, peer = start_servers(args, penv, pport, hport, logs)
        log(
            f"servers: platform 127.0.0.1:{pport}, peer 127.0.0.1:{hport}, {args.workers} sync workers each"
        )
        measure_started = time.monotonic()
        for item in items:
            pairs = []
            for _ in range(args.pairs):
                if item == "stats":
                    a = stats_run(args, "platform", pport, penv)
                    b = stats_run(args, "peer", hport, penv)
                else:
                    a = load_run(args, "platform", item, pport, facts)
                    b = load_run(args, "peer", item, hport, facts)
                pairs.append((a, b))
            runs[item] = pairs
        measured = time.monotonic() - measure_started
    finally:
        base.stop_process(platform)
        base.stop_process(peer)
    cpu = {}
    if not args.skip_cpu:
        cpu["platform"] = in_process(args, "platform", platform_env(args), facts)
        cpu["peer"] = in_process(args, "peer", args, facts)
    report(args, items, runs, cpu, facts, measured, time.monotonic() - began)
    return 0


def report(args, items, runs, cpu, facts, measured, total) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print()
    print(
        f"## Side by side, {now}: {args.appeals:,} appeals vs {args.tickets:,} tickets, "
        f"{args.clients} clients, {args.pairs} interleaved pairs of {args.duration:g} s, "
        f"gunicorn {args.workers} sync workers each (measuring {measured:.0f} s, all {total:.0f} s)"
    )
    print()
    print(
        "| work | platform (per run) | peer (per run) | ratio per pair | median | load before runs (A/B) | errors |"
    )
    print("|---|---|---|---|---|---|---|")
    for item in items:
        pairs = runs.get(item, [])
        ratios = [ratio(item, a, b) for a, b in pairs]
        good = [r for r in ratios if r is not None]
        errors = sum(a.get("errors", 0) + b.get("errors", 0) for a, b in pairs)
        print(
            f"| {ITEMS[item]} | {', '.join(fmt_rate(a) for a, _ in pairs)} "
            f"| {', '.join(fmt_rate(b) for _, b in pairs)} "
            f"| {', '.join(f'{r:.2f}×' for r in good)} "
            f"| **{statistics.median(good):.2f}×** | "
            + ", ".join(f"{a['load']:.1f}/{b['load']:.1f}" for a, b in pairs)
            + f" | {errors} |"
        )
    if "list" in runs or "detail" in runs:
        print()
        for item in ("list", "detail"):
            for a, b in runs.get(item, []):
                print(f"- {item}: p95 platform {a['p95'] or 0:.0f} ms, peer {b['p95'] or 0:.0f} ms")
    if cpu:
        print()
        print(
            "In-process, one client, median of 20 requests (Django CPU, time.process_time) and SQL queries:"
        )
        print()
        print(
            "| page | platform CPU ms | platform queries | peer CPU ms | peer queries | CPU ratio peer/platform |"
        )
        print("|---|---|---|---|---|---|")
        for page in ("filing GET", "filing POST", "staff list", "staff page"):
            a, b = cpu["platform"][page], cpu["peer"][page]
            peer_cpu, peer_q = b["cpu_ms"], b["queries"]
            if page == "staff list":
                d = cpu["peer"]["staff list data"]
                peer_cpu += d["cpu_ms"]
                peer_q = [peer_q[0] + d["queries"][0], peer_q[1] + d["queries"][1]]

            def q(r):
                return str(r[0]) if r[0] == r[1] else f"{r[0]}–{r[1]}"

            print(
                f"| {page} | {a['cpu_ms']:.1f} | {q(a['queries'])} | {peer_cpu:.1f} | {q(peer_q)} "
                f"| {peer_cpu / a['cpu_ms']:.2f}× |"
            )
    print()
    print(
        "Ratios: platform ÷ peer for rates, peer time ÷ platform time for statistics; > 1 = platform faster."
    )


if __name__ == "__main__":
    sys.exit(main())
