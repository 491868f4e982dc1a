"""The outbox: notifications are rows written with the change that causes them, delivered later.

In-app notifications are delivered by being written. Every other channel (e-mail, Web Push, SMS:
SENDERS maps each to its sender) has a `pending` row of its own per notice; a task queued after
commit delivers each one soon, and a periodic sweep delivers whatever is still pending, so a
Redis, SMTP, push service or SMS gateway outage delays a notice and never loses it. Each row is
retried with back-off independently of the others. No request waits on the broker: queueing is
tried once, after commit, and a failure only leaves the row for the sweep.

Delivery is at least once. A row is locked while its e-mail is handed to the mail server and
marked sent in the same transaction; if the process dies after the server accepted the message and
before that commit, the row is still pending and is sent again. So a crash duplicates at most one
e-mail per sending process (the one in flight), and never loses one. Each e-mail carries an
`X-Notification-Id` header for mail systems that de-duplicate.
"""

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core import push, sms
from core.errors import Undeliverable
from core.memo import forget
from core.models import Notification
from core.regions import site_url

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Celery tasks by name (core imports no app): appeals/tasks.py defines them, beside the other
# sweeps whose runs it records; the names stay so that messages already queued still arrive.
DELIVER_TASK = "appeals.deliver_notification"
RELAY_TASK = "appeals.send_pending_notifications"
# Subjects and bodies of the templates the apps register (AppConfig.ready) with register_template.
SUBJECTS: dict[str, object] = {}
_BODIES: dict[str, str] = {}
_EXTRA_CONTEXT: dict[str, Callable[[dict], dict]] = {}


def register_template(
    name: str,
    *,
    subject,
    body_template: str,
    extra_context: Callable[[dict], dict] | None = None,
) -> None:
    """Let an app send through this outbox with its own subject and body template.

    `subject` is a lazy translation with %(key)s placeholders filled from the context; a `url`
    in the context (a site path) makes the in-app notification a link. `extra_context`, given the
    stored context, returns what the body needs besides it (labels looked up at sending time).
    """
    SUBJECTS[name] = subject
    _BODIES[name] = body_template
    if extra_context is not None:
        _EXTRA_CONTEXT[name] = extra_context


_PLATFORM = object()


def quiet_until(moment: datetime, *, hours=_PLATFORM, zone: str | None = None) -> datetime | None:
    """The end of the night if `moment` falls in it, else None: notices written at night wait for
    the morning, except urgent ones. The night is `hours` (from, until) in `zone`; by default the
    platform's NOTICE_QUIET_HOURS in the region's time zone (TIME_ZONE)."""
    hours = settings.NOTICE_QUIET_HOURS if hours is _PLATFORM else hours
    if not hours:
        return None
    start, end = hours
    local = timezone.localtime(moment, ZoneInfo(zone or settings.TIME_ZONE))
    # A night that crosses midnight (22-8) or one that does not (1-6).
    across = start > end
    if not ((local.hour >= start or local.hour < end) if across else (start <= local.hour < end)):
        return None
    morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    return morning


def personal_quiet_until(recipient, moment: datetime) -> datetime | None:
    """The end of the recipient's own night (their quiet hours in their region's local time;
    the platform's NOTICE_QUIET_HOURS when they set none) if `moment` falls in it, else None."""
    hours = getattr(recipient, "quiet_hours", None) or settings.NOTICE_QUIET_HOURS
    zone = recipient.display_timezone if getattr(recipient, "municipality_id", None) else None
    return quiet_until(moment, hours=hours, zone=zone)


def _email_row(*, recipient, appeal, template, context, now, required, urgent) -> Notification:
    """A pending e-mail; held for the recipient's daily digest when they asked for one (never a
    notice the law requires, an urgent one, or one about the person's own appeal); at night it
    waits for the morning unless urgent (the person's own night if they asked for e-mails too)."""
    row = Notification(
        recipient=recipient,
        appeal=appeal,
        channel=Notification.Channel.EMAIL,
        template=template,
        context=context,
        next_attempt_at=now,
        created_at=now,
        required=required,
    )
    own = appeal is not None and appeal.citizen_id == recipient.pk
    if getattr(recipient, "staff_digest", False) and not (required or urgent or own):
        row.status = Notification.Status.HELD
    elif not urgent:
        if getattr(recipient, "quiet_email", False):
            row.next_attempt_at = personal_quiet_until(recipient, now) or now
        else:
            row.next_attempt_at = quiet_until(now) or now
    return row


def _outward_rows(*, recipient, appeal, template, context, now, required, urgent):
    """The rows of a notice besides the in-app one: one per channel the person chose.

    E-mail unless they turned it off (a notice the law requires goes by e-mail all the same);
    push when they subscribed a browser, except what waits for their staff digest; SMS, a short
    status line, only about their own appeal. Push and SMS keep the person's quiet hours.
    """
    rows = []
    email = None
    if recipient.can_receive_email and (getattr(recipient, "notice_email", True) or required):
        email = _email_row(
            recipient=recipient,
            appeal=appeal,
            template=template,
            context=context,
            now=now,
            required=required,
            urgent=urgent,
        )
        rows.append(email)
    held = email is not None and email.status == Notification.Status.HELD
    own = appeal is not None and appeal.citizen_id == recipient.pk
    channels = []
    if getattr(recipient, "notice_push", False) and push.available() and not held:
        channels.append(Notification.Channel.PUSH)
    if getattr(recipient, "notice_sms", False) and own and recipient.phone and sms.available():
        channels.append(Notification.Channel.SMS)
    if channels:
        due = now if urgent else (personal_quiet_until(recipient, now) or now)
        rows += [
            Notification(
                recipient=recipient,
                appeal=appeal,
                channel=channel,
                template=template,
                context=context,
                next_attempt_at=due,
                created_at=now,
                required=required,
            )
            for channel in channels
        ]
    return rows


def notify(
    *,
    recipient,
    appeal=None,
    template: str,
    context: dict | None = None,
    email: bool = True,
    required: bool = False,
    urgent: bool = False,
) -> None:
    """Write an in-app notification and a pending row for each other channel the person chose
    (e-mail when they have an address, push, SMS); `email=False`: in the cabinet only.

    `required`: a notice the law requires, marked so that its delivery can be shown later.
    `urgent`: sent at once even at night and never held for a digest.

    Call inside the transaction of the change: the notification exists exactly when the change does.
    """
    assert template in SUBJECTS, template
    now = timezone.now()
    context = {**({"number": appeal.number} if appeal is not None else {}), **(context or {})}
    rows = [
        Notification(
            recipient=recipient,
            appeal=appeal,
            channel=Notification.Channel.IN_APP,
            template=template,
            context=context,
            status=Notification.Status.SENT,
            sent_at=now,
            created_at=now,
            required=required,
        )
    ]
    if email:
        rows += _outward_rows(
            recipient=recipient,
            appeal=appeal,
            template=template,
            context=context,
            now=now,
            required=required,
            urgent=urgent,
        )
    created = Notification.objects.bulk_create(rows)
    forget_unread(recipient.pk)
    for row in created:
        if (
            row.channel in SENDERS
            and row.status == Notification.Status.PENDING
            and row.next_attempt_at <= now
        ):
            transaction.on_commit(lambda pk=row.pk: enqueue_delivery(pk))


def notify_bulk(items) -> int:
    """`notify` for a sweep's batch: rows in one INSERT, no message per e-mail.

    `items` yields (recipient, appeal or None, template, context, email). The e-mails (and push
    and SMS rows of the people who chose them) wait for the outbox relay, which one task queued after commit starts at once (a batch of a thousand alerts
    must not become a thousand broker messages). Returns the number of rows written.
    """
    now = timezone.now()
    rows = []
    for recipient, appeal, template, context, email in items:
        assert template in SUBJECTS, template
        context = {**({"number": appeal.number} if appeal is not None else {}), **(context or {})}
        common = {
            "recipient": recipient,
            "appeal": appeal,
            "template": template,
            "context": context,
            "created_at": now,
        }
        rows.append(
            Notification(
                channel=Notification.Channel.IN_APP,
                status=Notification.Status.SENT,
                sent_at=now,
                **common,
            )
        )
        if email:
            rows += _outward_rows(
                recipient=recipient,
                appeal=appeal,
                template=template,
                context=context,
                now=now,
                required=False,
                urgent=False,
            )
    Notification.objects.bulk_create(rows, batch_size=1000)
    forget_unread(*{row.recipient_id for row in rows})
    if any(row.channel in SENDERS for row in rows):
        transaction.on_commit(kick_relay)
    return len(rows)


# One background thread publishes to the broker, so a request never waits on Redis, even when it
# is down or frozen (publishing then fails after the broker timeouts, in this thread only).
_publisher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-publisher")


# After a failed publish the broker is left alone for a while: while Redis is down or frozen each
# attempt costs the broker timeouts, and the relay sweep sends these e-mails anyway.
BROKER_COOLDOWN_SECONDS = 10.0
_broker_skip_until = 0.0


def enqueue_task(task_name: str, args: list) -> None:
    """Queue a Celery task by name from the publisher thread: the caller never waits on the
    broker, and a failure only leaves the work for the periodic sweep that does it anyway.
    Call it after commit (`transaction.on_commit`)."""
    _publisher.submit(_publish, task_name, args)


def enqueue_delivery(notification_id: int) -> None:
    enqueue_task(DELIVER_TASK, [notification_id])


def kick_relay() -> None:
    """Ask a worker to run the outbox relay now (the periodic sweep does it anyway)."""
    enqueue_task(RELAY_TASK, [])


def _publish(task_name: str, args: list) -> None:
    global _broker_skip_until
    if time.monotonic() < _broker_skip_until:
        return
    try:
        # The project's Celery app (feedback_platform/celery.py) is the current one.
        current_app.send_task(task_name, args=args, retry=False)
    except Exception:  # noqa: BLE001 — the broker is optional: the relay sweep sends what stays pending
        _broker_skip_until = time.monotonic() + BROKER_COOLDOWN_SECONDS
        logger.warning("could not queue %s%s; the outbox relay will do it", task_name, args)


def subject_of(notification: Notification) -> str:
    return str(SUBJECTS[notification.template] % notification.context)


def with_subjects(notifications):
    """Set `.subject` on each notification of a list or page shown to a person; returns it."""
    for notification in notifications:
        notification.subject = subject_of(notification)
    return notifications


def render(notification: Notification) -> tuple[str, str]:
    """Subject and plain-text body, in Russian (the recipient's language on this platform)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject_of(notification)
        region_code = notice_region_code(notification)
        context = {
            **notification.context,
            "recipient": notification.recipient,
            "region_code": region_code,
            "site_url": site_url(region_code=region_code),
        }
        extra_context = _EXTRA_CONTEXT.get(notification.template)
        if extra_context is not None:
            context.update(extra_context(context))
        body = render_to_string(_BODIES[notification.template], context)
    return subject, body


def notice_region_code(notification: Notification) -> str | None:
    """The region a notice belongs to, for its links under REGION_HOSTS: the appeal's, else the
    recipient's (by the municipality of residence); None (SITE_URL) in a one-region deployment."""
    if not settings.REGION_HOSTS:
        return None
    if notification.appeal_id:
        return notification.appeal.region.code
    municipality = notification.recipient.municipality
    return municipality.region.code if municipality is not None else None


def _link(notification: Notification) -> str:
    """The absolute address a push or an SMS points to: the notice's page, else the appeal's."""
    path = notification.context.get("url") or (
        notification.appeal.get_absolute_url() if notification.appeal_id else ""
    )
    if not path.startswith("/"):
        return path
    return site_url(region_code=notice_region_code(notification)) + path


def push_payload(notification: Notification) -> dict:
    """What the service worker shows: the subject, and the page a click opens."""
    with translation.override(settings.LANGUAGE_CODE):
        title = subject_of(notification)
    return {"title": title, "url": _link(notification), "tag": f"pos-{notification.pk}"}


def sms_text(notification: Notification) -> str:
    """A short status line in Russian: «ПОС: <subject> <link>», kept to two SMS parts (the link
    is left out when it would need a third)."""
    with translation.override(settings.LANGUAGE_CODE):
        line = f"{settings.SMS_PREFIX}{subject_of(notification)}"
    with_link = f"{line} {_link(notification)}".strip()
    if len(with_link) <= sms.TWO_PARTS:
        return with_link
    return line if len(line) <= sms.TWO_PARTS else line[: sms.TWO_PARTS - 1] + "…"


def _send_email(notification: Notification) -> None:
    subject, body = render(notification)
    # The id lets a mail system (and our tests) spot the rare duplicate: see the module note.
    EmailMessage(
        subject,
        body,
        None,
        [notification.recipient.email],
        headers={"X-Notification-Id": str(notification.pk)},
    ).send()


def _send_push(notification: Notification) -> None:
    push.send(notification=notification, payload=push_payload(notification))


def _send_sms(notification: Notification) -> None:
    sms.send(notification=notification, text=sms_text(notification))


# Each outward channel and its sender: it raises Undeliverable when the notice can never be
# delivered on it (marked failed at once), any other error to be tried again later.
SENDERS: dict[str, Callable[[Notification], None]] = {
    Notification.Channel.EMAIL: _send_email,
    Notification.Channel.PUSH: _send_push,
    Notification.Channel.SMS: _send_sms,
}


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 240))


def deliver(*, notification_id: int) -> bool:
    """Send one pending notice on its channel. Safe to run twice or concurrently: the row lock
    claims it.

    Returns True when this call sent it. A failure schedules a retry with back-off; after
    MAX_ATTEMPTS, or at once when the channel cannot reach the person, the row is marked failed
    for staff to see.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "appeal__region")
            .filter(
                pk=notification_id,
                status=Notification.Status.PENDING,
                channel__in=list(SENDERS),
            )
            .first()
        )
        if notification is None:
            return False
        fields = ["attempts", "last_error", "next_attempt_at", "status", "delivery"]
        try:
            SENDERS[notification.channel](notification)
        except Undeliverable as error:
            notification.attempts += 1
            notification.last_error = str(error)[:1000]
            notification.status = Notification.Status.FAILED
            notification.save(update_fields=fields)
            return False
        except Exception as error:  # noqa: BLE001 — any delivery failure is retried later
            notification.attempts += 1
            notification.last_error = str(error)[:1000]
            notification.next_attempt_at = timezone.now() + _backoff(notification.attempts)
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
            notification.save(update_fields=fields)
            logger.warning(
                "notification %s (%s) not sent (attempt %s): %s",
                notification.pk,
                notification.channel,
                notification.attempts,
                error,
            )
            return False
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.attempts += 1
        notification.save(update_fields=["status", "sent_at", "attempts", "delivery"])
        return True


def send_pending(*, batch: int = 200, budget_seconds: float = 45.0) -> int:
    """The relay: send every due pending notice (every channel), batch after batch, for at most `budget_seconds`
    (the next run continues); returns how many were sent. Safe to run concurrently: `deliver`
    claims each row with a skip-locked lock."""
    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < budget_seconds:
        due = list(
            Notification.objects.filter(
                status=Notification.Status.PENDING,
                channel__in=list(SENDERS),
                next_attempt_at__lte=timezone.now(),
            )
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:batch]
        )
        delivered = [deliver(notification_id=pk) for pk in due]
        sent += sum(delivered)
        if len(due) < batch or not any(delivered):
            break
    return sent


DIGEST_TEMPLATE = "daily_digest"  # registered by the appeals app, like the notices it sums up
DIGEST_LIST = 50


def digest_cutoff(moment: datetime) -> datetime:
    """The last morning (the end of NOTICE_QUIET_HOURS, 08:00 without it) before `moment`, in
    the region's local time: a digest sums up what was held before it."""
    end = settings.NOTICE_QUIET_HOURS[1] if settings.NOTICE_QUIET_HOURS else 8
    local = timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))
    cutoff = local.replace(hour=end, minute=0, second=0, microsecond=0)
    return cutoff if cutoff <= local else cutoff - timedelta(days=1)


def send_digests(*, now: datetime | None = None) -> int:
    """One e-mail per person who asked for a daily digest, listing what was held for them before
    this morning; each held row is marked sent with it. Safe to run twice or concurrently: the
    rows are claimed under a skip-locked lock in the transaction that writes the digest.
    Returns the number of digests written (the relay sends them)."""
    now = now or timezone.now()
    cutoff = digest_cutoff(now)
    recipients = (
        Notification.objects.filter(status=Notification.Status.HELD, created_at__lt=cutoff)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by()
    )
    written = 0
    for recipient_id in list(recipients):
        with transaction.atomic():
            held = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(
                    recipient_id=recipient_id,
                    status=Notification.Status.HELD,
                    created_at__lt=cutoff,
                )
                .order_by("created_at", "pk")
            )
            if not held:
                continue
            items = [
                {"subject": subject_of(row), "url": row.context.get("url", "")} for row in held
            ]
            Notification.objects.create(
                recipient=held[0].recipient,
                channel=Notification.Channel.EMAIL,
                template=DIGEST_TEMPLATE,
                context={
                    "count": len(items),
                    "items": items[:DIGEST_LIST],
                    "more": max(0, len(items) - DIGEST_LIST),
                },
                next_attempt_at=now,
                created_at=now,
            )
            Notification.objects.filter(pk__in=[row.pk for row in held]).update(
                status=Notification.Status.SENT, sent_at=now
            )
            written += 1
    if written:
        transaction.on_commit(kick_relay)
    return written


def mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's in-app notifications read (all of them when no ids are given)."""
    rows = Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    )
    if notification_ids is not None:
        rows = rows.filter(pk__in=notification_ids)
    marked = rows.update(read_at=timezone.now())
    forget_unread(user.pk)
    return marked


# The unread count of the menu, in the shared cache: every page shows it. Each write above drops
# it; the lifetime bounds what a write elsewhere (a deleted appeal's notifications) leaves stale.
UNREAD_TTL = 600


def _unread_key(user_id: int) -> str:
    return f"unread-notifications:{user_id}"


def forget_unread(*user_ids: int) -> None:
    forget(*(_unread_key(user_id) for user_id in user_ids))


def unread_count(*, user) -> int:
    """How many in-app notifications the user has not read."""
    if not user.is_authenticated:
        return 0
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(
            recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
        ).count()
        cache.set(key, count, UNREAD_TTL)
    return count


def retry_failed(*, notification_ids: list[int]) -> list[int]:
    """Give failed notices (e-mails, pushes, SMS) a fresh set of attempts (after the mail
    server or the gateway is fixed).

    Returns the ids given another try; the caller audits who asked for it, in the same transaction.
    """
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(
                pk__in=notification_ids,
                status=Notification.Status.FAILED,
                channel__in=list(SENDERS),
            )
            .values_list("pk", flat=True)
        )
        count = Notification.objects.filter(pk__in=ids).update(
            status=Notification.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            last_error="",
        )
        if count:
            transaction.on_commit(kick_relay)
    return ids
