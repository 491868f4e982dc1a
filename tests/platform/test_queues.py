"""Celery queues by kind of work: every task of ours is routed, and the platform's workers
consume what the README says they do (docker-compose.yml, scripts/devstack.py)."""

import yaml
from django.conf import settings

from feedback_platform.celery import app
from tests.appeals.background import ROOT, compose_command

# The kind of each task (README «Queues»). A new task must be added here and routed in
# CELERY_TASK_ROUTES: otherwise it would land in the default queue, behind whatever is there.
KINDS = {
    "appeals.deliver_notification": "notifications",
    "outages.notify_subscribers": "notifications",
    "appeals.send_pending_notifications": "sweeps",
    "appeals.sweep": "sweeps",
    "surveys.announce_published": "sweeps",
    "outages.notify_pending": "sweeps",
    "analytics.update_stats": "rollups",
}


def _our_tasks() -> set[str]:
    app.loader.import_default_modules()  # the apps' tasks.py modules (autodiscover_tasks)
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_task_of_ours_goes_to_the_queue_of_its_kind():
    assert _our_tasks() == set(KINDS)
    for name, queue in KINDS.items():
        assert app.amqp.router.route({}, name)["queue"].name == queue, name


def test_every_queue_a_task_is_routed_to_is_declared():
    declared = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert declared == set(settings.TASK_QUEUE_NAMES)
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} <= declared
    assert settings.CELERY_TASK_DEFAULT_QUEUE in declared


def test_every_beat_entry_is_a_routed_task():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in settings.CELERY_TASK_ROUTES, entry["task"]


def _queues_of(command: list[str]) -> set[str]:
    return set(command[command.index("-Q") + 1].split(","))


def test_the_default_worker_consumes_every_queue():
    # docker-compose.yml's worker; `make run` runs the same command (tests/platform/test_devstack.py).
    assert _queues_of(compose_command("worker")) == set(settings.TASK_QUEUE_NAMES)


def test_the_scale_profile_adds_a_worker_for_notifications_only():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service = compose["services"]["worker-notifications"]
    assert service["profiles"] == ["scale"]
    assert _queues_of(service["command"]) == {"notifications"}
    # Its own node name, so `inspect ping` and the logs tell it from the main worker.
    name = service["command"][service["command"].index("-n") + 1]
    assert name.startswith("notifications@")
    assert f"--destination {name.split('@')[0]}@" in service["healthcheck"]["test"][1]
