"""The background sweeps: find due work from stored timestamps and act on it in batches.

Every sweep claims its rows with `SELECT ... FOR UPDATE SKIP LOCKED`, sets the appeal's mark for
the current term in the same transaction as the Event and the notifications, and commits per
batch. So it is safe to run twice or in two workers at once (a row another sweeper holds is skipped,
and a committed mark removes it from every later query), and after an outage it simply finds
everything that became due meanwhile. Nothing here is scheduled with a countdown: time lives in
`due_at`, `registration_due_at`, `rating_requested_at`, and the sweeps compare it with now.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from appeals.models import AnswerDraft, Appeal, Attachment, Event, SweepRun
from appeals.services.common import local_date
from appeals.services.fixes import remind_planned_work
from appeals.services.work import close_appeal
from core import partitions
from core.outbox import notify_bulk, send_digests
from organizations.selectors import heads_by_organization, moderators_by_region

logger = logging.getLogger(__name__)

BATCH = 1000
OPEN = list(Appeal.OPEN_STATUSES)
RATING_REMINDER_AFTER = timedelta(days=3)
RATING_WAIT = timedelta(days=10)
WARNINGS = ((2, timedelta(days=1)), (1, timedelta(days=3)))  # (stage, how long before due_at)
DRAFT_LIFETIME = timedelta(days=1)
DIGEST_LIST = 20  # numbers named in a moderator's digest; the rest are counted


def _claim(queryset, *, order: str, batch: int) -> list[Appeal]:
    return list(
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related("region", "organization")
        .only(
            "pk",
            "number",
            "status",
            "region__timezone",
            "organization__name",
            "organization_id",
            "region_id",
            "executor_id",
            "citizen_id",
            "due_at",
            "registration_due_at",
            "review_round",
        )
        .order_by(order)[:batch]
    )


def _events(
    appeals: Iterable[Appeal], *, action: str, now: datetime, is_public: bool, data=None
) -> None:
    Event.objects.bulk_create(
        [
            Event(
                appeal=appeal,
                actor=None,
                action=action,
                from_status=appeal.status,
                to_status=appeal.status,
                is_public=is_public,
                data=data(appeal) if data else {},
                created_at=now,
            )
            for appeal in appeals
        ]
    )


def _digests(appeals: list[Appeal], *, template: str, url: str) -> list[tuple]:
    """One notification per moderator of each region, naming the batch's appeals of that region."""
    by_region: dict[int, list[Appeal]] = defaultdict(list)
    for appeal in appeals:
        by_region[appeal.region_id].append(appeal)
    moderators = moderators_by_region(region_ids=by_region)
    items = []
    for region_id, region_appeals in by_region.items():
        numbers = [appeal.number for appeal in region_appeals]
        context = {
            "count": len(numbers),
            "numbers": numbers[:DIGEST_LIST],
            "more": max(0, len(numbers) - DIGEST_LIST),
            "url": url,
        }
        items += [
            (moderator, None, template, context, True)
            for moderator in moderators.get(region_id, [])
        ]
    return items


def _mark_in_batches(
    queryset,
    *,
    order: str,
    batch: int,
    mark: dict,
    event: str,
    now: datetime,
    alerts: Callable[[list[Appeal]], list[tuple]],
    public: bool = False,
    data=None,
) -> int:
    """The shape of every marking sweep: claim a batch (skip-locked), set the mark, write the events
    and the alerts in one transaction; repeat until nothing is left. Returns how many were marked."""
    done = 0
    while True:
        with transaction.atomic():
            appeals = _claim(queryset, order=order, batch=batch)
            if not appeals:
                return done
            Appeal.objects.filter(pk__in=[appeal.pk for appeal in appeals]).update(**mark)
            _events(appeals, action=event, now=now, is_public=public, data=data)
            notify_bulk(alerts(appeals))
        done += len(appeals)


def alert_unregistered(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Submitted appeals past their 3-day registration term: alert the region's moderators once."""
    now = now or timezone.now()
    return _mark_in_batches(
        Appeal.objects.filter(
            status=Appeal.Status.SUBMITTED,
            registration_alerted_at__isnull=True,
            registration_due_at__lte=now,
        ),
        order="registration_due_at",
        batch=batch,
        now=now,
        mark={"registration_alerted_at": now},
        event=Event.Action.REGISTRATION_OVERDUE,
        alerts=lambda appeals: _digests(
            appeals, template="registration_overdue", url=reverse("moderation:home")
        ),
    )


def warn_due_soon(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Open appeals due within 3 days, then within 1 day: warn the executor and the heads.

    The warnings belong to one deadline (`due_warned_for`): an extension, a redirect with a fresh
    term or a re-review starts them again. A sweep that was down only sends the nearest warning.
    """
    now = now or timezone.now()
    done = 0
    for stage, before in WARNINGS:
        window = Q(due_at__gt=now, due_at__lte=now + before)
        if stage == 1:
            window &= Q(due_at__gt=now + WARNINGS[0][1])
        done += _mark_in_batches(
            Appeal.objects.filter(window, status__in=OPEN).exclude(
                due_warned_for=F("due_at"), due_warning_stage__gte=stage
            ),
            order="due_at",
            batch=batch,
            now=now,
            mark={"due_warning_stage": stage, "due_warned_for": F("due_at")},
            event=Event.Action.DUE_SOON,
            data=lambda appeal: {"due_at": appeal.due_at.isoformat()},
            alerts=lambda appeals: _staff_alerts(appeals, template="due_soon", executor=True),
        )
    return done


def _staff_alerts(appeals: list[Appeal], *, template: str, executor: bool) -> list[tuple]:
    heads = heads_by_organization(organization_ids={appeal.organization_id for appeal in appeals})
    executors = {}
    if executor:
        ids = {appeal.executor_id for appeal in appeals if appeal.executor_id}
        executors = get_user_model().objects.filter(pk__in=ids, is_active=True).in_bulk()
    items = []
    for appeal in appeals:
        recipients = {person.pk: person for person in heads.get(appeal.organization_id, [])}
        if appeal.executor_id in executors:
            recipients[appeal.executor_id] = executors[appeal.executor_id]
        context = {
            "due": local_date(appeal, appeal.due_at),
            "organization": appeal.organization.name,
        }
        items += [(person, appeal, template, context, True) for person in recipients.values()]
    return items


def mark_overdue(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Open appeals past `due_at`: mark them overdue and alert the heads and the regional moderators.

    Once per appeal and round: a re-review clears the mark, so an overrun re-review alerts again.
    Moderators get one digest per batch and region rather than one e-mail per appeal.
    """
    now = now or timezone.now()
    return _mark_in_batches(
        Appeal.objects.filter(status__in=OPEN, overdue_at__isnull=True, due_at__lte=now),
        order="due_at",
        batch=batch,
        now=now,
        mark={"overdue_at": now},
        event=Event.Action.OVERDUE,
        public=True,
        data=lambda appeal: {"due_at": appeal.due_at.isoformat(), "round": appeal.review_round},
        alerts=lambda appeals: (
            _staff_alerts(appeals, template="overdue", executor=False)
            + _digests(appeals, template="overdue_digest", url=reverse("moderation:overdue"))
        ),
    )


def remind_to_rate(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Answered appeals not rated 3 days after the request: one reminder to the citizen."""
    now = now or timezone.now()

    def reminders(appeals: list[Appeal]) -> list[tuple]:
        citizens = get_user_model().objects.in_bulk({appeal.citizen_id for appeal in appeals})
        return [
            (citizens[appeal.citizen_id], appeal, "rating_reminder", {}, True) for appeal in appeals
        ]

    return _mark_in_batches(
        Appeal.objects.filter(
            status=Appeal.Status.ANSWERED,
            rating_reminded_at__isnull=True,
            rating_requested_at__lte=now - RATING_REMINDER_AFTER,
            # A copy's rating request is its main appeal's (appeals/services/copies.py): one
            # reminder, for the appeal the citizen follows.
            copy_of__isnull=True,
        ),
        order="rating_requested_at",
        batch=batch,
        now=now,
        mark={"rating_reminded_at": now},
        event=Event.Action.RATING_REMINDER,
        alerts=reminders,
    )


def close_unrated(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Answered appeals with no rating 10 days after the request: closed as "not rated".

    Each goes through `close_appeal` (the workflow's guarded transition), so a rating that arrives
    at the same moment wins or loses cleanly under the row lock.
    """
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                Appeal.objects.filter(
                    status=Appeal.Status.ANSWERED, rating_requested_at__lte=now - RATING_WAIT
                )
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("rating_requested_at")
                .values_list("pk", flat=True)[:batch]
            )
            for pk in ids:
                close_appeal(appeal_id=pk, actor=None, reason=Appeal.CloseReason.NOT_RATED)
        if not ids:
            return done
        done += len(ids)


def purge_abandoned_drafts(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Files uploaded to a filing form that was never sent, after a day: rows, then the files.

    Not the files of an answer waiting for signature (AnswerDraft): they wait with it; nor the
    files of replies to requests for documents, which belong to their request (no appeal of their own).

    The files go after commit, so a rolled-back batch never leaves a row without its file.
    """
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            drafts = list(
                Attachment.objects.filter(
                    appeal__isnull=True,
                    answer__isnull=True,
                    document_request__isnull=True,
                    created_at__lte=now - DRAFT_LIFETIME,
                )
                .exclude(draft_key__in=AnswerDraft.objects.values("draft_key"))
                .select_for_update(skip_locked=True)
                .order_by("created_at")
                .only("pk", "file", "thumbnail")[:batch]
            )
            if not drafts:
                return done
            names = [f.name for draft in drafts for f in (draft.file, draft.thumbnail) if f]
            Attachment.objects.filter(pk__in=[draft.pk for draft in drafts]).delete()
            storage = Attachment._meta.get_field("file").storage
            transaction.on_commit(
                lambda names=names, storage=storage: [storage.delete(name) for name in names]
            )
        done += len(drafts)


def maintain_partitions() -> int:
    """The coming months' partitions of the events and notices, and their retention policy."""
    return partitions.maintain(months_ahead=settings.PARTITION_MONTHS_AHEAD)


SWEEPS: dict[str, Callable[..., int]] = {
    "alert_unregistered": alert_unregistered,
    "warn_due_soon": warn_due_soon,
    "mark_overdue": mark_overdue,
    "remind_to_rate": remind_to_rate,
    "close_unrated": close_unrated,
    "purge_abandoned_drafts": purge_abandoned_drafts,
    "send_digests": send_digests,
    "remind_planned_work": remind_planned_work,
    "maintain_partitions": maintain_partitions,
}


def run_recorded(*, name: str, sweep: Callable[[], int]) -> int:
    """Run a sweep and record its outcome for the background health page (a failure re-raises)."""
    started = timezone.now()
    clock = time.monotonic()
    SweepRun.objects.update_or_create(name=name, defaults={"last_started_at": started})
    try:
        processed = sweep()
    except Exception as error:
        SweepRun.objects.filter(name=name).update(
            last_failed_at=timezone.now(), last_error=repr(error)[:2000]
        )
        logger.exception("sweep %s failed", name)
        raise
    SweepRun.objects.filter(name=name).update(
        last_succeeded_at=timezone.now(),
        last_processed=processed,
        last_duration_ms=int((time.monotonic() - clock) * 1000),
        last_error="",
    )
    return processed
