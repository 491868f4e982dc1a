"""Celery tasks of the appeals app: thin, idempotent, calling services."""

from celery import shared_task

from appeals import notifications


@shared_task(name="appeals.deliver_notification")
def deliver_notification_task(notification_id: int) -> bool:
    return notifications.deliver(notification_id=notification_id)


@shared_task(name="appeals.send_pending_notifications")
def send_pending_notifications_task() -> int:
    return notifications.send_pending()
