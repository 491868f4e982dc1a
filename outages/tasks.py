"""Celery tasks of outages: thin and idempotent, calling services."""

from celery import shared_task

from outages import services


@shared_task(name="outages.notify_subscribers")
def notify_subscribers_task(outage_id: int) -> int:
    return services.notify_subscribers(outage_id=outage_id)


@shared_task(name="outages.notify_pending")
def notify_pending_task() -> int:
    return services.notify_pending()
