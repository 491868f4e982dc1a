"""The outbox tasks: called directly (twice: idempotent) and once through a real Celery worker."""

import pytest
from django.core import mail
from django.db import connection

from appeals import services
from appeals.models import Appeal
from appeals.tasks import deliver_notification_task, send_pending_notifications_task
from core.models import Notification
from feedback_platform.celery import app as celery_app
from tests.appeals.background import Processes, RedisServer, SmtpSink, process_env
from tests.appeals.factories import make_appeal
from tests.harness import mail_text, wait_for


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


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test alone, so no other worker on the machine takes its tasks."""
    server = RedisServer(tmp_path)
    server.start()
    yield server.url
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_email_to_a_real_smtp_server(world, own_redis, tmp_path):
    processes = Processes(tmp_path)
    with SmtpSink() as sink:
        worker = processes.worker("worker", process_env(redis_url=own_redis, smtp_port=sink.port))
        try:
            appeal = _submitted(world)
            services.reject_appeal(moderator=world.moderator, appeal_id=appeal.pk, ground="spam")
            email = Notification.objects.get(appeal=appeal, channel="email")
            with celery_app.connection_for_write(own_redis) as broker:
                deliver_notification_task.apply_async(args=[email.pk], connection=broker)

            def delivered() -> bool:
                assert worker.poll() is None, processes.log("worker")
                return bool(sink.messages)

            wait_for(delivered, timeout=30, message="the e-mail at the SMTP server")
            assert appeal.number in mail_text(sink.messages[0])
            email.refresh_from_db()
            assert email.status == Notification.Status.SENT
        finally:
            processes.stop()
            connection.close()
