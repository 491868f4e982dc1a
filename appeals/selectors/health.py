"""Reads for the background health page: sweeps, the outbox, failed e-mails."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from appeals.models import Appeal, SweepRun
from core.models import Notification


def sweep_status(*, now=None) -> list[dict]:
    """Every scheduled sweep with its last run; `stale` when it missed three runs (beat or the
    workers are down) or never ran."""
    now = now or timezone.now()
    runs = SweepRun.objects.in_bulk()
    rows = []
    for name, stale_after in settings.SWEEP_STALE_AFTER.items():
        run = runs.get(name)
        last = run.last_succeeded_at if run else None
        rows.append(
            {
                "name": name,
                "run": run,
                "stale": last is None or now - last > timedelta(seconds=stale_after),
                "failing": bool(
                    run and run.last_failed_at and (last is None or run.last_failed_at > last)
                ),
            }
        )
    return rows


def outbox_status(*, now=None) -> dict:
    now = now or timezone.now()
    emails = Notification.objects.filter(channel=Notification.Channel.EMAIL)
    figures = emails.aggregate(
        pending=Count("pk", filter=Q(status=Notification.Status.PENDING)),
        oldest=Min("created_at", filter=Q(status=Notification.Status.PENDING)),
        failed=Count("pk", filter=Q(status=Notification.Status.FAILED)),
    )
    figures["oldest_age"] = now - figures["oldest"] if figures["oldest"] else None
    return figures


def failed_notifications() -> QuerySet[Notification]:
    """Failed e-mails, newest first, ready to paginate (the recipient is shown: admins only)."""
    return (
        Notification.objects.filter(
            channel=Notification.Channel.EMAIL, status=Notification.Status.FAILED
        )
        .select_related("recipient", "appeal")
        .order_by("-created_at", "-pk")
    )


def overdue_marks() -> dict:
    """How many open appeals carry the sweeps' marks (a sanity figure for the operator)."""
    return Appeal.objects.filter(status__in=Appeal.OPEN_STATUSES).aggregate(
        overdue=Count("pk", filter=Q(overdue_at__isnull=False)),
        due_passed_unmarked=Count(
            "pk", filter=Q(overdue_at__isnull=True, due_at__lte=timezone.now())
        ),
    )
