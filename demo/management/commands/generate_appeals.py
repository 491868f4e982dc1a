"""`manage.py generate_appeals --count N`: bulk appeal history for demos and load tests."""

import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from appeals.models import Answer, Appeal, ClarificationMessage, Event, Rating
from core import partitions
from demo.appeals import generate_appeals
from organizations.models import Region

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Insert N generated appeals of a region with their whole history (events, answers, "
        "ratings, clarifications) spread over the last months. Fast: PostgreSQL COPY."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--count", type=int, required=True, metavar="N", help="Appeals to create."
        )
        parser.add_argument("--region", default="41", help="Region code (default 41).")
        parser.add_argument(
            "--months", type=int, default=12, help="History length in months (default 12)."
        )
        parser.add_argument("--seed", type=int, default=41, help="Random seed (default 41).")

    def handle(self, *args, **options):
        count = options["count"]
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if options["months"] < 1:
            raise CommandError("--months must be at least 1.")
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(
                f"Region {options['region']} does not exist. Load it first (manage.py load_demo for 41)."
            )
        started = time.monotonic()
        interactive = getattr(self.stdout, "isatty", lambda: False)()

        def progress(done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            filled = BAR_WIDTH * done // total
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            rate = done / elapsed if elapsed else 0
            line = f"[{bar}] {done}/{total} {rate:,.0f}/s"
            self.stdout.write(
                f"\r{line}" if interactive else line, ending="" if interactive else "\n"
            )
            self.stdout.flush()

        today = timezone.now().date()
        # The history's months get their partitions first: rows then land in them, not in DEFAULT.
        partitions.cover(first=today - timedelta(days=31 * options["months"]), last=today)
        try:
            created = generate_appeals(
                count=count,
                region=region,
                months=options["months"],
                seed=options["seed"],
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if interactive:
            self.stdout.write("")
        analyzed = analyze_filled_tables()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {created:,} appeals in {region} in {elapsed:.1f} s ({created / elapsed:,.0f} appeals/s)."
            )
        )
        self.stdout.write(f"Planner statistics updated: ANALYZE {', '.join(analyzed)}.")


# Rows arriving by COPY leave the planner with no statistics until autovacuum gets round to the
# tables, so the first queries after a large run (benchmarks, the staff queue) would plan for
# empty tables.
FILLED_MODELS = (Appeal, Answer, Rating, Event, ClarificationMessage)


def analyze_filled_tables() -> list[str]:
    tables = [model._meta.db_table for model in FILLED_MODELS]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
    return tables
