"""Celery tasks of the appeals app: thin, idempotent, calling services.

The periodic ones are the sweeps of appeals/services/sweeps.py, scheduled by beat
(CELERY_BEAT_SCHEDULE). A sweep's lost or doubled message only delays or repeats a no-op.
"""

from celery import shared_task

from appeals.services import sweeps
from core import outbox


@shared_task(name="appeals.deliver_notification")
def deliver_notification_task(notification_id: int) -> bool:
    return outbox.deliver(notification_id=notification_id)


@shared_task(name="appeals.send_pending_notifications")
def send_pending_notifications_task() -> int:
    return sweeps.run_recorded(name="send_pending_notifications", sweep=outbox.send_pending)


@shared_task(name="appeals.sweep")
def sweep_task(name: str) -> int:
    return sweeps.run_recorded(name=name, sweep=sweeps.SWEEPS[name])
