"""Reads for the background health page: sweeps, the outbox, failed deliveries (e-mail, push, SMS)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from appeals.models import Appeal, SweepRun
from core import outbox, sms
from core.models import Notification

FAILED = Notification.Status.FAILED


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
    """What waits in the outbox and what failed, on every outward channel (outbox.SENDERS):
    `pending`, `oldest`, `oldest_age`, `failed` and `failed_<channel>` for each channel."""
    now = now or timezone.now()
    outward = Notification.objects.filter(channel__in=list(outbox.SENDERS))
    figures = outward.aggregate(
        pending=Count("pk", filter=Q(status=Notification.Status.PENDING)),
        oldest=Min("created_at", filter=Q(status=Notification.Status.PENDING)),
        failed=Count("pk", filter=Q(status=FAILED)),
        **{
            f"failed_{channel}": Count("pk", filter=Q(status=FAILED, channel=channel))
            for channel in outbox.SENDERS
        },
    )
    figures["oldest_age"] = now - figures["oldest"] if figures["oldest"] else None
    return figures


def failed_notifications() -> QuerySet[Notification]:
    """Failed deliveries of every outward channel, newest first, ready to paginate (the
    recipient is shown: admins only)."""
    return (
        Notification.objects.filter(channel__in=list(outbox.SENDERS), status=FAILED)
        .select_related("recipient", "appeal")
        .order_by("-created_at", "-pk")
    )


def address_of(notification: Notification) -> str:
    """Where a notice was to go, as the admin may see it: the e-mail address (the account's, for
    a push to its browsers), for an SMS the phone masked (+7 9** ***-**-12)."""
    if notification.channel == Notification.Channel.SMS:
        return sms.mask_phone(notification.recipient.phone)
    return notification.recipient.email


def with_addresses(notifications):
    """Set `.address` (address_of) on each notification of a page; returns it."""
    for notification in notifications:
        notification.address = address_of(notification)
    return notifications


def overdue_marks() -> dict:
    """How many open appeals carry the sweeps' marks (a sanity figure for the operator)."""
    return Appeal.objects.filter(status__in=Appeal.OPEN_STATUSES).aggregate(
        overdue=Count("pk", filter=Q(overdue_at__isnull=False)),
        due_passed_unmarked=Count(
            "pk", filter=Q(overdue_at__isnull=True, due_at__lte=timezone.now())
        ),
    )
