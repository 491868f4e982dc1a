"""`manage.py rebuild_stats`: recompute every analytics roll-up from appeals, events and ratings."""

import time

from django.core.management.base import BaseCommand

from analytics.services import rebuild_stats

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Rebuild the analytics roll-ups from scratch (one transaction; pages show the old figures meanwhile)."

    def handle(self, *args, **options):
        started = time.monotonic()
        interactive = getattr(self.stdout, "isatty", lambda: False)()

        def progress(done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            filled = BAR_WIDTH * done // total if total else BAR_WIDTH
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            rate = done / elapsed if elapsed else 0
            line = f"[{bar}] {done}/{total} {rate:,.0f} appeals/s"
            self.stdout.write(
                f"\r{line}" if interactive else line, ending="" if interactive else "\n"
            )
            self.stdout.flush()

        done = rebuild_stats(progress=progress)
        if interactive:
            self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt statistics of {done:,} appeals in {time.monotonic() - started:.1f} s."
            )
        )
