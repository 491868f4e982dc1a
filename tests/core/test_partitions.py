"""Monthly partitions of the events and notices (core/partitions.py): rows land in their month,
the coming months are made ahead, a month made late takes its rows out of the DEFAULT partition,
old months are archived to the storage and dropped, and one appeal's events stay index scans."""

import csv
import gzip
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import connection

from appeals.models import Event
from appeals.services import sweeps
from core import partitions
from core.models import Notification
from tests.appeals.factories import make_appeal

pytestmark = pytest.mark.django_db


def _where(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _event(appeal, moment: datetime) -> Event:
    return Event.objects.create(appeal=appeal, action=Event.Action.NOTE, created_at=moment)


def test_both_tables_are_partitioned_with_the_coming_months_and_a_default():
    today = date.today()
    for table in ("appeals_event", "appeals_notification"):
        assert partitions.is_partitioned(table)
        names = {name for name, _bound in partitions.partitions(table)}
        assert f"{table}_default" in names
        for offset in range(4):
            assert partitions.partition_name(table, partitions.month_start(today, offset)) in names


def test_an_event_and_a_notice_land_in_the_partition_of_their_month(citizen):
    appeal = make_appeal()
    now = datetime.now(UTC)
    event = _event(appeal, now)
    assert _where("appeals_event", event.pk) == partitions.partition_name(
        "appeals_event", partitions.month_start(now.date())
    )
    notice = Notification.objects.create(
        recipient=citizen, appeal=appeal, channel="in_app", template="answered", context={}
    )
    assert _where("appeals_notification", notice.pk) == partitions.partition_name(
        "appeals_notification", partitions.month_start(now.date())
    )
    # Ids stay unique across partitions (a sequence, as identity columns can't be partitioned).
    later = _event(appeal, datetime(2031, 5, 2, tzinfo=UTC))
    assert later.pk > event.pk and _where("appeals_event", later.pk) == "appeals_event_default"


def test_a_month_made_late_takes_its_rows_out_of_the_default_partition():
    appeal = make_appeal()
    far = datetime(2031, 5, 2, 12, tzinfo=UTC)
    stray = [_event(appeal, far), _event(appeal, far.replace(day=30))]
    other_month = _event(appeal, far.replace(month=7))
    assert {_where("appeals_event", e.pk) for e in stray} == {"appeals_event_default"}

    made = partitions.maintain(months_ahead=0, now=far)
    assert made == 2  # May 2031 of both tables
    may = partitions.partition_name("appeals_event", date(2031, 5, 1))
    assert {_where("appeals_event", e.pk) for e in stray} == {may}
    assert _where("appeals_event", other_month.pk) == "appeals_event_default"
    assert appeal.events.filter(created_at__year=2031).count() == 3  # nothing lost or doubled
    assert partitions.maintain(months_ahead=0, now=far) == 0  # already there: a no-op


def test_old_months_of_notices_are_archived_to_the_storage_and_dropped(citizen, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.NOTIFICATION_RETENTION_MONTHS = 2
    appeal = make_appeal()
    with time_machine.travel(datetime(2031, 1, 15, tzinfo=UTC), tick=False):
        partitions.maintain(months_ahead=0)
        old = Notification.objects.create(
            recipient=citizen, appeal=appeal, channel="in_app", template="answered", context={}
        )
    with time_machine.travel(datetime(2031, 3, 10, tzinfo=UTC), tick=False):
        partitions.maintain(months_ahead=0)
        recent = Notification.objects.create(
            recipient=citizen, appeal=appeal, channel="in_app", template="answered", context={}
        )
        event = _event(appeal, datetime(2031, 1, 15, tzinfo=UTC))  # events are kept (0)

    # Two months later January is past the retention of two months; February is not yet.
    assert partitions.maintain(months_ahead=0, now=datetime(2031, 3, 31, tzinfo=UTC)) == 0
    assert partitions.maintain(months_ahead=0, now=datetime(2031, 4, 1, tzinfo=UTC)) >= 1

    assert not Notification.objects.filter(pk=old.pk).exists()
    assert Notification.objects.filter(pk=recent.pk).exists()
    assert Event.objects.filter(pk=event.pk).exists()
    names = {name for name, _bound in partitions.partitions("appeals_notification")}
    assert "appeals_notification_p2031_01" not in names
    assert "appeals_notification_p2031_03" in names
    name = "archive/appeals_notification/appeals_notification_p2031_01.csv.gz"
    with default_storage.open(name) as archive, gzip.open(archive, "rt", encoding="utf-8") as text:
        rows = list(csv.DictReader(text))
    assert [int(row["id"]) for row in rows] == [old.pk]
    assert rows[0]["template"] == "answered" and rows[0]["recipient_id"] == str(citizen.pk)


def test_the_daily_sweep_makes_the_coming_months(settings):
    settings.NOTIFICATION_RETENTION_MONTHS = 0  # only the making of months here
    far = datetime(2032, 2, 1, tzinfo=UTC)
    with time_machine.travel(far, tick=False):
        assert (
            sweeps.run_recorded(
                name="maintain_partitions", sweep=sweeps.SWEEPS["maintain_partitions"]
            )
            == 2 * 4
        )
    names = {name for name, _bound in partitions.partitions("appeals_event")}
    assert {"appeals_event_p2032_02", "appeals_event_p2032_05"} <= names


def test_one_appeals_events_are_read_by_index_on_every_partition():
    appeal = make_appeal()
    _event(appeal, datetime.now(UTC))
    with connection.cursor() as cursor:
        # A few test rows: a sequential scan would be cheaper; the question is whether an index
        # serves every partition.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = appeal.events.order_by("created_at", "pk").explain()
    assert "Seq Scan" not in plan
    scanned = plan.count("Index Scan") + plan.count("Bitmap Index Scan")
    assert scanned >= len(partitions.partitions("appeals_event"))
