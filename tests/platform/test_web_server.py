"""The web server `make run` starts (scripts/devstack.py): gunicorn with threaded workers, the same
as the Docker image runs, holding a crowd of citizens at once; `make dev` keeps the reloading
runserver. Real processes: the devstack's own web command, against the test database."""

import contextlib
import http.client
import importlib.util
import json
import re
import threading
from pathlib import Path

import pytest
from django.db import connection

from tests.appeals.background import Processes, RedisServer, process_env
from tests.harness import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
CROWD = 100


@pytest.fixture(scope="module")
def devstack():
    spec = importlib.util.spec_from_file_location("devstack", ROOT / "scripts" / "devstack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def dockerfile_command() -> list[str]:
    text = (ROOT / "Dockerfile").read_text()
    match = re.search(r"^CMD (\[.*?\])\s*$", text.replace("\\\n", " "), re.MULTILINE | re.DOTALL)
    return json.loads(match.group(1))


def test_make_run_serves_through_gunicorn_threads_as_the_docker_image_does(devstack):
    web = devstack.child_commands("127.0.0.1", "8000")["web"]
    assert web[1:3] == ["-m", "gunicorn"]
    assert "feedback_platform.wsgi:application" in web
    assert _option(web, "--bind") == "127.0.0.1:8000"
    assert _option(web, "--worker-class") == "gthread"
    assert int(_option(web, "--threads")) >= 4
    image = dockerfile_command()
    assert image[0] == "gunicorn"
    for option in ("--worker-class", "--workers", "--threads"):
        assert _option(image, option) == _option(web, option), option


def test_make_dev_keeps_the_reloading_runserver(devstack):
    web = devstack.child_commands("0.0.0.0", "9000", reload=True)["web"]  # noqa: S104 — not bound
    assert web[1:] == ["manage.py", "runserver", "0.0.0.0:9000"]  # noqa: S104
    # The other children are the same in both modes.
    run = devstack.child_commands("0.0.0.0", "9000")  # noqa: S104
    dev = devstack.child_commands("0.0.0.0", "9000", reload=True)  # noqa: S104
    assert run["worker"] == dev["worker"] and run["beat"] == dev["beat"]


def test_workers_and_threads_come_from_the_environment(devstack):
    web = devstack.web_command("::1", "8001", env={"WEB_WORKERS": "3", "WEB_THREADS": "4"})
    assert _option(web, "--workers") == "3"
    assert _option(web, "--threads") == "4"
    assert _option(web, "--bind") == "[::1]:8001"


@pytest.fixture
def web_server(devstack, tmp_path, region):
    redis = RedisServer(tmp_path)
    redis.start()
    procs = Processes(tmp_path)
    port = free_port()
    env = process_env(redis_url=redis.url, smtp_port=free_port())
    command = devstack.child_commands("127.0.0.1", str(port))["web"]
    assert command[0] == devstack.PYTHON
    process = procs.start("web", command[1:], env)

    def healthy() -> bool:
        assert process.poll() is None, procs.log("web")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        return False

    try:
        wait_for(healthy, timeout=60, message="gunicorn")
        yield port, procs
    finally:
        procs.stop()
        redis.stop()
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_hundred_citizens_opening_the_home_page_at_once_are_all_served(web_server):
    port, procs = web_server
    barrier = threading.Barrier(CROWD)
    statuses: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()

    def citizen() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            barrier.wait(timeout=30)
            conn.request("GET", "/", headers={"Accept-Language": "ru"})
            response = conn.getresponse()
            body = response.read()
            with lock:
                statuses.append(response.status)
                if "Платформа обратной связи" not in body.decode():
                    failures.append(f"page without its title: {body[:200]!r}")
        except Exception as error:  # noqa: BLE001 — every dropped connection is counted
            with lock:
                failures.append(repr(error))
        finally:
            conn.close()

    threads = [threading.Thread(target=citizen) for _ in range(CROWD)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == [], (failures[:5], procs.log("web"))
    assert statuses == [200] * CROWD


@pytest.mark.django_db(transaction=True)
def test_static_files_are_served_by_the_same_server(web_server):
    port, _procs = web_server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/static/css/site.css")
    response = conn.getresponse()
    body = response.read()
    assert response.status == 200
    assert response.getheader("Content-Type").startswith("text/css")
    assert body
