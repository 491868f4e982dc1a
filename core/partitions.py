"""Monthly range partitions of the two tables that grow with every appeal: the events (the
appeal's timeline and audit trail) and the notices (cabinet, e-mail, push, SMS).

PostgreSQL's declarative partitioning, by `created_at`: one partition a month
(`appeals_event_p2026_12`), and a DEFAULT partition that takes any row outside them (a clock far
off, a month not created yet), so an insert never fails. `convert_to_partitioned` turns the
plain table into that shape once (migrations appeals 0033, core 0005); `maintain` — a daily
sweep and `manage.py partitions` — creates the coming months (moving any of their rows out of
the DEFAULT partition first, as PostgreSQL requires) and applies the retention policy: a
partition wholly older than the table's retention (`EVENT_RETENTION_MONTHS`,
`NOTIFICATION_RETENTION_MONTHS`; 0 keeps everything) is detached, archived as a gzipped CSV with a
header into the default storage (the object storage when configured) under `archive/<table>/`,
and dropped. The archive loads back with `COPY <table> FROM … CSV HEADER` into a table of the
same columns.

On PostgreSQL before 17 a partitioned table cannot have an identity column: the ids come from a
sequence owned by the column (`<table>_id_seq`), and the primary key is (id, created_at) as
partitioning requires; the sequence keeps ids unique, and Django still sees `id` as the key.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

KEY = "created_at"


@dataclass(frozen=True)
class Partitioned:
    table: str
    retention_setting: str  # months; 0 keeps every partition

    @property
    def retention_months(self) -> int:
        return int(getattr(settings, self.retention_setting))


TABLES = (
    Partitioned("appeals_event", "EVENT_RETENTION_MONTHS"),
    Partitioned("appeals_notification", "NOTIFICATION_RETENTION_MONTHS"),
)


def month_start(day: date, offset: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def partition_name(table: str, month: date) -> str:
    return f"{table}_p{month.year:04d}_{month.month:02d}"


def _bound(month: date) -> str:
    return datetime(month.year, month.month, 1, tzinfo=UTC).isoformat()


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def is_partitioned(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def partitions(table: str) -> list[tuple[str, str]]:
    """(name, bound expression) of every partition of `table`, DEFAULT included."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT child.relname, pg_get_expr(child.relpartbound, child.oid)
            FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid
            WHERE pg_inherits.inhparent = to_regclass(%s)
            ORDER BY child.relname
            """,
            [table],
        )
        return cursor.fetchall()


def convert_to_partitioned(table: str, *, months_ahead: int = 3) -> None:
    """Turn the plain `table` into a partitioned one with the same columns, defaults, checks,
    indexes (same names: later migrations find them) and foreign keys; every row is kept, its
    months get partitions. For a migration: it holds an exclusive lock on the table meanwhile."""
    old = f"{table}_unpartitioned"
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {_quote(table)} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> %s",
            [table, f"{table}_pkey"],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = to_regclass(%s) AND contype = 'f'",
            [table],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(f"SELECT min({KEY}), max({KEY}) FROM {_quote(table)}")
        first, last = cursor.fetchone()
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {_quote(table)}")
        (next_id,) = cursor.fetchone()

        cursor.execute(f"ALTER TABLE {_quote(table)} RENAME TO {_quote(old)}")
        # Their names (the key's index, the identity's sequence) pass to the new table.
        cursor.execute(f"ALTER TABLE {_quote(old)} DROP CONSTRAINT {_quote(table + '_pkey')}")
        cursor.execute(f"ALTER TABLE {_quote(old)} ALTER COLUMN id DROP IDENTITY IF EXISTS")
        cursor.execute(
            f"CREATE TABLE {_quote(table)} (LIKE {_quote(old)} INCLUDING DEFAULTS "
            f"INCLUDING CONSTRAINTS INCLUDING STORAGE) PARTITION BY RANGE ({KEY})"
        )
        sequence = f"{table}_id_seq"
        cursor.execute(f"CREATE SEQUENCE {_quote(sequence)} START WITH {int(next_id)}")
        cursor.execute(
            f"ALTER TABLE {_quote(table)} ALTER COLUMN id SET DEFAULT nextval('{sequence}')"
        )
        cursor.execute(f"ALTER SEQUENCE {_quote(sequence)} OWNED BY {_quote(table)}.id")
        cursor.execute(
            f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(table + '_pkey')} "
            f"PRIMARY KEY (id, {KEY})"
        )
        cursor.execute(
            f"CREATE TABLE {_quote(table + '_default')} PARTITION OF {_quote(table)} DEFAULT"
        )
        today = timezone.now().date()
        start = month_start(min(first.date(), today) if first else today)
        end = month_start(max(last.date(), today) if last else today, months_ahead)
        month = start
        while month <= end:
            _create(cursor, table, month)
            month = month_start(month, 1)
        cursor.execute(f"INSERT INTO {_quote(table)} SELECT * FROM {_quote(old)}")
        cursor.execute(f"DROP TABLE {_quote(old)}")
        for _name, definition in indexes:
            cursor.execute(
                definition.replace(f" ON public.{old} ", f" ON public.{table} ", 1).replace(
                    f" ON {old} ", f" ON {table} ", 1
                )
            )
        for name, definition in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}"
            )


def _create(cursor, table: str, month: date) -> None:
    name = partition_name(table, month)
    cursor.execute(
        f"CREATE TABLE {_quote(name)} PARTITION OF {_quote(table)} "
        f"FOR VALUES FROM ('{_bound(month)}') TO ('{_bound(month_start(month, 1))}')"
    )


def create_month(table: str, month: date) -> bool:
    """The partition of `month`, made if missing; its rows already in the DEFAULT partition move
    into it (PostgreSQL refuses a partition whose rows sit in the DEFAULT one). True if made."""
    name = partition_name(table, month)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return False
        default = _quote(f"{table}_default")
        low, high = _bound(month), _bound(month_start(month, 1))
        # Writers wait for these few statements, so no row lands in DEFAULT meanwhile.
        cursor.execute(f"LOCK TABLE {_quote(table)} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            f"CREATE TABLE {_quote(name)} (LIKE {_quote(table)} INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS)"
        )
        cursor.execute(
            f"WITH moved AS (DELETE FROM {default} WHERE {KEY} >= %s AND {KEY} < %s "
            f"RETURNING *) INSERT INTO {_quote(name)} SELECT * FROM moved",
            [low, high],
        )
        cursor.execute(
            f"ALTER TABLE {_quote(table)} ATTACH PARTITION {_quote(name)} "
            f"FOR VALUES FROM ('{low}') TO ('{high}')"
        )
    return True


def archive_month(table: str, month: date) -> str:
    """Detach the partition of `month`, save its rows as `archive/<table>/<partition>.csv.gz` in
    the default storage, drop it. Returns the archive's name."""
    name = partition_name(table, month)
    buffer = io.BytesIO()
    with transaction.atomic(), connection.cursor() as cursor:
        # A table with deferred foreign-key checks still pending in this transaction can't be
        # dropped: run them now (a no-op in the sweep's own transaction).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {_quote(table)} DETACH PARTITION {_quote(name)}")
        with (
            gzip.GzipFile(fileobj=buffer, mode="wb") as archive,
            cursor.copy(f"COPY {_quote(name)} TO STDOUT WITH (FORMAT csv, HEADER)") as copy,
        ):
            for chunk in copy:
                archive.write(chunk)
        # Saved before the drop commits: a failed upload keeps the rows (the detach rolls back).
        saved = default_storage.save(
            f"archive/{table}/{name}.csv.gz", ContentFile(buffer.getvalue())
        )
        cursor.execute(f"DROP TABLE {_quote(name)}")
    return saved


def _create_months(table: str, first: date, last: date) -> int:
    made = 0
    month = month_start(first)
    while month <= month_start(last):
        made += create_month(table, month)
        month = month_start(month, 1)
    return made


def cover(*, first: date, last: date) -> int:
    """The partitions of every month from `first` to `last` (a history loaded at once: the demo
    generator, an import); returns how many were made."""
    return sum(
        _create_months(spec.table, first, last) for spec in TABLES if is_partitioned(spec.table)
    )


def maintain(*, months_ahead: int = 3, now: datetime | None = None) -> int:
    """The daily sweep: the next `months_ahead` months' partitions of every partitioned table,
    and the retention policy. Returns how many partitions were made or archived."""
    today = (now or timezone.now()).date()
    done = 0
    for spec in TABLES:
        if not is_partitioned(spec.table):
            continue
        done += _create_months(spec.table, today, month_start(today, months_ahead))
        if spec.retention_months:
            cutoff = month_start(today, -spec.retention_months)
            for name, _bound_text in partitions(spec.table):
                month = _month_of(spec.table, name)
                if month is not None and month_start(month, 1) <= cutoff:
                    archive_month(spec.table, month)
                    done += 1
    return done


def _month_of(table: str, name: str) -> date | None:
    suffix = name.removeprefix(f"{table}_p")
    if suffix == name or len(suffix) != 7:
        return None
    year, month = suffix.split("_")
    return date(int(year), int(month), 1)
