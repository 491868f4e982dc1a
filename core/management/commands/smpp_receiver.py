"""Bind to the SMPP gateway as a receiver and store the SMS delivery receipts it delivers.

Runs until stopped (SIGTERM or Ctrl-C), reconnecting when the gateway goes away. One process per
installation is enough; a second one is harmless (each receipt is stored on its part once more).
"""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from core import sms


class Command(BaseCommand):
    help = "Receive SMS delivery receipts from the SMPP gateway (SMPP_HOST) and store them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--poll-seconds",
            type=float,
            default=sms.LISTEN_POLL_SECONDS,
            help="Idle time after which the link is checked with enquire_link.",
        )

    def handle(self, *args, poll_seconds: float, **options):
        if not sms.available():
            raise CommandError("SMPP_HOST is not set: there is no SMS gateway to listen to.")
        stopping = threading.Event()

        def stop(*_):
            stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("Receiving SMS delivery receipts…")
        sms.listen(stop=stopping.is_set, poll_seconds=poll_seconds)
