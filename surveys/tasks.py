"""Celery tasks of the surveys app: thin and idempotent, calling services."""

from celery import shared_task

from surveys.services.subscriptions import notify_published_consultations


@shared_task(name="surveys.announce_published")
def announce_published_task() -> int:
    return notify_published_consultations()
