"""Background work with real parts: Redis started by the test, real Celery workers and beats,
gunicorn serving real HTTP, an aiosmtpd sink. And the faults that break comparable platforms:
Redis stopped or frozen under load, a worker killed mid-batch, beat down while deadlines pass,
two beats at once.

Every wait is bounded; a failure prints the logs of the processes involved.
"""

import collections
import signal
import time
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from appeals import services
from appeals.models import Appeal, Event
from core import outbox
from core.models import Notification
from feedback_platform.celery import app as celery_app
from tests.accounts.factories import PASSWORD, UserFactory
from tests.appeals.background import (
    HttpClient,
    Processes,
    RabbitServer,
    RedisServer,
    SmtpSink,
    free_port,
    input_value,
    process_env,
    wait_for,
)
from tests.appeals.factories import make_appeal

S = Appeal.Status
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(request, redis_server, tmp_path):
    """The Celery broker: the test's Redis (also the cache), or a RabbitMQ node of the test's own
    for the tests parametrised with BROKERS (the cache stays on the test's Redis)."""
    if getattr(request, "param", "redis") == "redis":
        yield redis_server
        return
    server = RabbitServer(tmp_path)
    server.start()
    yield server
    server.kill()


# The fault tests that must hold on either broker the settings accept (CELERY_BROKER_URL).
BROKERS = pytest.mark.parametrize(
    "broker", ["redis", pytest.param("rabbitmq", marks=pytest.mark.slow)], indirect=True
)


def _env(redis_server, broker, sink) -> dict:
    return process_env(redis_url=redis_server.url, broker_url=broker.url, smtp_port=sink.port)


@pytest.fixture
def procs(tmp_path):
    processes = Processes(tmp_path)
    yield processes
    processes.stop()
    connection.close()


def _logs(procs: Processes) -> str:
    return "\n".join(f"--- {name} ---\n{procs.log(name)}" for name in procs.children)


def _email_ids(**filters) -> set[int]:
    return set(Notification.objects.filter(channel="email", **filters).values_list("pk", flat=True))


def _all_sent(ids: set[int]) -> bool:
    return (
        not Notification.objects.filter(pk__in=ids)
        .exclude(status=Notification.Status.SENT)
        .exists()
    )


# --- Integration: worker + beat -------------------------------------------------------------------


def test_an_answer_reaches_the_citizen_as_a_rating_request_email(
    world, redis_server, broker, procs
):
    with SmtpSink() as sink:
        env = _env(redis_server, broker, sink)
        procs.worker("worker", env, beat=True)
        appeal = make_appeal(
            S.IN_PROGRESS,
            organization=world.organization,
            citizen=world.citizen,
            category=world.category,
            municipality=world.municipality,
            region=world.region,
            executor=world.executor,
        )
        services.answer_appeal(
            actor=world.executor, appeal_id=appeal.pk, text="Снег вывезен, наледь убрана."
        )
        request_id = Notification.objects.get(
            appeal=appeal, channel="email", template="answered"
        ).pk
        wait_for(
            lambda: request_id in sink.notification_ids(),
            timeout=60,
            message="the rating request\n" + _logs(procs),
        )
        message = next(m for m in sink.messages if int(m["X-Notification-Id"]) == request_id)
        assert message["To"] == world.citizen.email
        body = message.get_payload(decode=True).decode()
        assert appeal.number in body and f"/appeals/{appeal.number}/" in body
        assert sink.notification_ids().count(request_id) == 1


@BROKERS
def test_two_beats_and_two_workers_alert_an_appeal_crossing_its_deadline_exactly_once(
    world, redis_server, broker, procs
):
    with SmtpSink() as sink:
        env = _env(redis_server, broker, sink)
        procs.worker("worker-a", env, beat=True)
        procs.worker("worker-b", env, beat=True)
        appeal = make_appeal(
            S.IN_PROGRESS,
            organization=world.organization,
            citizen=world.citizen,
            category=world.category,
            municipality=world.municipality,
            region=world.region,
            due_at=timezone.now() + timedelta(seconds=3),
        )
        wait_for(
            lambda: Event.objects.filter(appeal=appeal, action="overdue").exists(),
            timeout=60,
            message="the overdue mark\n" + _logs(procs),
        )
        _wait_for_sweep_runs(procs, "mark_overdue", runs=4)  # several more, from both beats
        assert Event.objects.filter(appeal=appeal, action="overdue").count() == 1
        alerts = _email_ids(appeal=appeal, template="overdue")
        assert len(alerts) == 1  # the head
        wait_for(
            lambda: alerts <= set(sink.notification_ids()), timeout=30, message="the alert e-mail"
        )
        _wait_for_sweep_runs(procs, "send_pending_notifications")
        assert collections.Counter(sink.notification_ids())[alerts.pop()] == 1
        assert (
            Notification.objects.filter(
                template="overdue_digest", recipient=world.moderator, channel="email"
            ).count()
            == 1
        )


# --- Faults -----------------------------------------------------------------------------------------


def _citizens(count: int) -> list:
    people = [
        UserFactory(email=f"fault.citizen{n}@example.ru", last_name="Соколова", first_name="Мария")
        for n in range(count)
    ]
    # The web server checks passwords with the production hashers, not the tests' fast one.
    password = PBKDF2PasswordHasher().encode(PASSWORD, "faultsalt", iterations=1000)
    User.objects.filter(pk__in=[person.pk for person in people]).update(password=password)
    return people


def _logged_in(port: int, citizens: list) -> list[HttpClient]:
    clients = []
    for person in citizens:
        client = HttpClient(port)
        client.log_in(person.email, PASSWORD)
        clients.append(client)
    return clients


def _file(client: HttpClient, world, n: int, statuses: list) -> None:
    status, _location, html = client.request("GET", "/appeals/new/")
    statuses.append(status)
    if status != 200:
        return
    form = {
        "csrfmiddlewaretoken": input_value(html, "csrfmiddlewaretoken"),
        "idempotency_key": input_value(html, "idempotency_key"),
        "category": world.category.pk,
        "municipality": world.municipality.pk,
        "address": f"ул. Ленинская, д. {n + 1}",
        "text": f"Во дворе не убран снег, проход к дому {n + 1} закрыт сугробами. Прошу расчистить.",
        "consent": "on",
    }
    status, location, _html = client.request("POST", "/appeals/new/", form)
    statuses.append(status)
    assert status == 302 and "/appeals/" in (location or ""), (status, location)


def _outage_run(world, redis_server, broker, procs, *, fault, recover):
    """100 submissions over HTTP while Redis is unavailable, then recovery and delivery."""
    with SmtpSink() as sink:
        env = _env(redis_server, broker, sink)
        port = free_port()
        procs.web("web", env, port)
        procs.worker("worker", env, beat=True)
        clients = _logged_in(
            port, _citizens(10)
        )  # before the fault: logging in is not the point here
        statuses = []
        fault()
        try:
            for round_ in range(10):
                for index, client in enumerate(clients):
                    _file(client, world, round_ * 10 + index, statuses)
        finally:
            recover()
        assert Appeal.objects.filter(citizen__email__startswith="fault.citizen").count() == 100
        assert [status for status in statuses if status >= 500] == []
        # How long a request may take during the fault is measured by bench/filing.py --redis-fault.
        receipts = _email_ids(template="submitted", recipient__email__startswith="fault.citizen")
        assert len(receipts) == 100
        wait_for(
            lambda: receipts <= set(sink.notification_ids()),
            timeout=120,
            message="every receipt e-mail after the outage\n" + _logs(procs),
        )
        _wait_for_sweep_runs(procs, "send_pending_notifications")  # nothing may arrive twice
        delivered = collections.Counter(sink.notification_ids())
        assert {pk: n for pk, n in delivered.items() if n > 1} == {}
        assert _all_sent(receipts)


@BROKERS
def test_broker_stopped_during_100_submissions_loses_nothing_and_sends_each_email_once(
    world, redis_server, broker, procs
):
    # With Redis as the broker the cache goes down with it; with RabbitMQ only the queue does.
    _outage_run(world, redis_server, broker, procs, fault=broker.stop, recover=broker.start)


def test_redis_frozen_during_100_submissions_loses_nothing_and_sends_each_email_once(
    world, redis_server, broker, procs
):
    _outage_run(
        world, redis_server, broker, procs, fault=redis_server.freeze, recover=redis_server.thaw
    )


@BROKERS
def test_a_worker_killed_mid_batch_loses_nothing(world, redis_server, broker, procs):
    recipients = _citizens(60)
    with SmtpSink(delay=0.1) as sink:
        env = _env(redis_server, broker, sink)
        with transaction.atomic():
            outbox.notify_bulk(
                (
                    person,
                    None,
                    "registration_overdue",
                    {"count": 1, "numbers": ["41-2026-000001"], "more": 0},
                    True,
                )
                for person in recipients
            )
        ids = _email_ids(recipient__in=recipients)
        assert len(ids) == 60
        procs.worker("worker", env, beat=True)
        wait_for(
            lambda: len(sink.messages) >= 15,
            timeout=60,
            message="the batch to start\n" + _logs(procs),
        )
        procs.kill("worker")  # SIGKILL: no clean-up, no acknowledgement, an SMTP session may be cut
        killed_at = len(sink.messages)
        assert killed_at < 60
        procs.worker("worker-restarted", env, beat=True)
        wait_for(
            lambda: _all_sent(ids), timeout=90, message="the rest of the batch\n" + _logs(procs)
        )
        _wait_for_sweep_runs(procs, "send_pending_notifications")
        delivered = collections.Counter(sink.notification_ids())
        assert set(delivered) == ids  # nothing lost
        # At most the one e-mail in flight when the worker died is sent twice (see core/outbox.py).
        assert sum(n - 1 for n in delivered.values()) <= 1


def test_beat_stopped_while_deadlines_pass_catches_up_once(world, redis_server, broker, procs):
    with SmtpSink() as sink:
        env = _env(redis_server, broker, sink)
        procs.worker("worker", env)
        procs.beat("beat", env)
        wait_for(
            lambda: Notification.objects.exists() or _beat_ran(), timeout=30, message="beat to run"
        )
        procs.kill("beat", sig=signal.SIGTERM)
        # What beat queued before it stopped is worked off first (the worker takes tasks in order):
        # a mark_overdue still in the queue must not be taken for a sweep while beat is down.
        _run_sweep_through_worker(broker, procs, "warn_due_soon")
        # While beat is down, 30 appeals cross their deadlines (some hours ago, some just now).
        appeals = [
            make_appeal(
                S.IN_PROGRESS,
                organization=world.organization,
                citizen=world.citizen,
                category=world.category,
                municipality=world.municipality,
                region=world.region,
                due_at=timezone.now() - timedelta(hours=n),
            )
            for n in range(30)
        ]
        # The worker is alive and working (it runs a sweep we ask for), but nobody schedules
        # mark_overdue while beat is down.
        _run_sweep_through_worker(broker, procs, "warn_due_soon")
        assert not Event.objects.filter(action="overdue").exists()  # nobody swept meanwhile
        procs.beat("beat-restarted", env)
        wait_for(
            lambda: Event.objects.filter(action="overdue").count() == 30,
            timeout=60,
            message="the catch-up\n" + _logs(procs),
        )
        _wait_for_sweep_runs(procs, "mark_overdue")  # more sweeps: nothing twice
        assert Event.objects.filter(action="overdue").count() == 30
        assert set(Event.objects.filter(action="overdue").values_list("appeal", flat=True)) == {
            a.pk for a in appeals
        }
        alerts = _email_ids(template="overdue", recipient=world.head)
        assert len(alerts) == 30
        wait_for(
            lambda: alerts <= set(sink.notification_ids()), timeout=60, message="the alert e-mails"
        )
        assert max(collections.Counter(sink.notification_ids()).values()) == 1


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["production", "solo"])
def test_redis_stopped_for_30_seconds_while_appeals_are_filed_the_worker_rides_it_out(
    world, redis_server, broker, procs, shape
):
    with SmtpSink(delay=0.3) as sink:  # slow mail: the worker is mid-task when Redis goes
        env = _env(redis_server, broker, sink)
        port = free_port()
        procs.web("web", env, port)
        if shape == "production":  # as docker-compose.yml and `make run`: worker and beat apart
            worker = procs.worker("worker", env, production=True)
            procs.beat("beat", env)
        else:
            worker = procs.worker("worker", env, beat=True)
        clients = _logged_in(port, _citizens(5))
        statuses = []
        filed = 0

        def file_round():
            nonlocal filed
            for client in clients:
                _file(client, world, filed, statuses)
                filed += 1

        file_round()  # Redis up: the worker has tasks in flight and its connections open
        wait_for(
            lambda: len(sink.messages) >= 1, timeout=60, message="a first e-mail\n" + _logs(procs)
        )
        redis_server.stop()
        stopped = time.monotonic()
        # Citizens keep filing through the outage, a round every 5 s (a steady pace, not a flood:
        # the mail sink takes 0.3 s a message, and the point is the worker, not the sink).
        for round_number in range(1, 7):
            file_round()
            time.sleep(max(0.0, stopped + 5 * round_number - time.monotonic()))
        redis_server.start()
        file_round()  # and after it
        assert [status for status in statuses if status >= 500] == []
        receipts = _email_ids(template="submitted", recipient__email__startswith="fault.citizen")
        assert len(receipts) == filed
        wait_for(
            lambda: receipts <= set(sink.notification_ids()),
            timeout=180,
            message="every receipt e-mail after the outage\n" + _logs(procs),
        )
        assert worker.poll() is None, _logs(procs)  # the same worker, reconnected
        log = procs.log("worker", limit=None)
        assert "Connection to broker lost" in log
        assert "Unrecoverable error" not in log
        assert "Error on restarting" not in log, log[-6000:]  # every step came back cleanly
        _wait_for_sweep_runs(procs, "send_pending_notifications")
        delivered = collections.Counter(sink.notification_ids())
        assert {pk: n for pk, n in delivered.items() if n > 1} == {}
        assert _all_sent(receipts)


def _run_sweep_through_worker(broker, procs: Processes, name: str) -> None:
    """Ask the worker for the sweep `name` through the broker and wait until it has run."""
    before = _last_sweep_run(name)
    with celery_app.connection_for_write(broker.url) as connection_:
        celery_app.send_task("appeals.sweep", args=[name], connection=connection_)
    wait_for(
        lambda: _last_sweep_run(name) not in {None, before},
        timeout=60,
        message=f"the worker to run the sweep {name}\n" + _logs(procs),
    )


def _last_sweep_run(name: str):
    from appeals.models import SweepRun

    row = SweepRun.objects.filter(name=name).first()
    return row.last_succeeded_at if row else None


def _wait_for_sweep_runs(procs: Processes, name: str, runs: int = 2) -> None:
    """Wait until the sweep `name` has finished `runs` more runs. For the outbox relay: whatever
    was queued before has been worked off (a worker takes tasks in order), so an e-mail sent
    twice would have arrived by then."""
    for _ in range(runs):
        before = _last_sweep_run(name)
        wait_for(
            lambda before=before: _last_sweep_run(name) not in {None, before},
            timeout=60,
            message=f"the sweep {name} to run\n" + _logs(procs),
        )


def _beat_ran() -> bool:
    from appeals.models import SweepRun

    return SweepRun.objects.filter(last_succeeded_at__isnull=False).exists()
