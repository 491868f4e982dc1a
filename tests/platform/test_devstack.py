"""scripts/devstack.py: the site address `make run` derives, and its supervisor, which starts a
child (worker, beat, web) that exits again instead of stopping everything. Real processes."""

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.appeals.background import wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def devstack():
    spec = importlib.util.spec_from_file_location("devstack", ROOT / "scripts" / "devstack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", "8000", "http://127.0.0.1:8000"),
        ("192.168.1.20", "9000", "http://192.168.1.20:9000"),
        ("pos.local", "80", "http://pos.local:80"),
        ("::1", "8001", "http://[::1]:8001"),
    ],
)
def test_site_url_follows_host_and_port(devstack, host, port, expected):
    assert devstack.site_url(host, port) == expected


def test_site_url_for_every_interface_names_the_machine(devstack):
    import socket

    wildcard = "0.0.0.0"  # noqa: S104 — the value HOST may hold, nothing is bound
    assert devstack.site_url(wildcard, "8000") == f"http://{socket.gethostname()}:8000"


def test_supervisor_starts_a_child_that_exits_again_and_leaves_the_others_alone(devstack, tmp_path):
    commands = {
        "worker": [sys.executable, "-c", "import sys; sys.exit(3)"],  # dies at once, every time
        "web": [sys.executable, "-c", "import time; time.sleep(120)"],
    }
    supervisor = devstack.Supervisor(
        commands, env={}, cwd=tmp_path, backoff=0.05, max_backoff=0.2, stable_after=60
    )
    supervisor.start_all()
    web_pid = supervisor.children["web"].pid
    try:

        def restarted_three_times():
            supervisor.poll()
            return supervisor.starts["worker"] >= 4

        wait_for(restarted_three_times, timeout=30, interval=0.05, message="worker restarts")
        assert supervisor.children["web"].pid == web_pid
        assert supervisor.children["web"].poll() is None
        assert supervisor.starts["web"] == 1
        assert supervisor.delay["worker"] == 0.2  # the back-off grew to its ceiling
    finally:
        supervisor.stop_all(timeout=5)
    assert supervisor.children["web"].poll() is not None


def test_supervisor_resets_the_back_off_of_a_child_that_ran_long_enough(devstack, tmp_path):
    flag = tmp_path / "run-once-more"
    flag.touch()
    script = (
        "import pathlib, sys, time\n"
        f"flag = pathlib.Path({str(flag)!r})\n"
        "if flag.exists():\n"
        "    flag.unlink(); time.sleep(0.5); sys.exit(1)\n"
        "time.sleep(120)\n"
    )
    supervisor = devstack.Supervisor(
        {"beat": [sys.executable, "-c", script]},
        env={},
        cwd=tmp_path,
        backoff=0.05,
        max_backoff=10,
        stable_after=0.3,
    )
    supervisor.start_all()
    try:

        def restarted():
            supervisor.poll()
            return supervisor.starts["beat"] == 2

        wait_for(restarted, timeout=30, interval=0.05, message="beat restarted")
        assert supervisor.delay["beat"] == 0.1  # reset to 0.05 (it ran 0.5 s), then doubled once
        assert supervisor.children["beat"].poll() is None
    finally:
        supervisor.stop_all(timeout=5)


def test_make_run_starts_the_worker_as_docker_compose_does(devstack):
    from tests.appeals.background import compose_command

    worker = devstack.child_commands("127.0.0.1", "8000")["worker"]
    assert worker[:2] == [sys.executable, "-m"]
    assert worker[2:] == compose_command("worker")
    # The steps whose reconnection after a Redis outage fails (kombu #582) are off in both.
    assert {"--without-gossip", "--without-mingle", "--without-heartbeat"} <= set(worker)
