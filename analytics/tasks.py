from celery import shared_task

from analytics.services import update_stats


@shared_task(name="analytics.update_stats")
def update_stats_task() -> int:
    """Periodic: fold the appeals changed since the last run into the roll-ups (idempotent)."""
    return update_stats()
