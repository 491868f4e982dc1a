"""`manage.py partitions`: the monthly partitions of the events and notices (core/partitions.py).

Lists them with their row counts; `--maintain` does what the daily sweep does (the coming
`--ahead` months, then the retention policy: old months archived to the storage and dropped)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from core import partitions


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--maintain", action="store_true", help="Make and archive months.")
        parser.add_argument(
            "--ahead",
            type=int,
            default=settings.PARTITION_MONTHS_AHEAD,
            help="Months ahead to make (default PARTITION_MONTHS_AHEAD).",
        )

    def handle(self, *args, **options):
        if options["maintain"]:
            done = partitions.maintain(months_ahead=options["ahead"])
            self.stdout.write(f"{done} partition(s) made or archived.")
        for spec in partitions.TABLES:
            if not partitions.is_partitioned(spec.table):
                self.stdout.write(f"{spec.table}: not partitioned")
                continue
            retention = spec.retention_months or "∞"
            self.stdout.write(f"{spec.table} (kept {retention} months):")
            for name, bound in partitions.partitions(spec.table):
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
                    (rows,) = cursor.fetchone()
                self.stdout.write(f"  {name}: {rows} rows, {bound}")
