"""Pre-fill the production calendar (``CalendarDay``) for Russia from the ``holidays`` library."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from appeals.deadlines import fill_calendar


class Command(BaseCommand):
    help = (
        "Add the missing production-calendar days for Russia (holidays on weekdays and "
        "transferred working weekends). Existing rows are never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years",
            nargs="+",
            type=int,
            help="Years to load; the current and the next year by default.",
        )

    def handle(self, *args, **options):
        years = options["years"]
        if not years:
            this_year = timezone.localdate().year
            years = [this_year, this_year + 1]
        created = fill_calendar(years=years)
        self.stdout.write(
            self.style.SUCCESS(
                f"Production calendar {', '.join(map(str, years))}: {created} days added."
            )
        )
