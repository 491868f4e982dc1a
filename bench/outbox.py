"""Benchmark: the outbox relay sending e-mails to a real SMTP server (what one worker process does).

Not a test: nothing runs it automatically. It WRITES into the database it is given (pending
notices, then their delivery), so use a database of its own with appeals in it:

    createdb -h 127.0.0.1 -U postgres bench_outbox
    export DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_outbox REDIS_URL=redis://127.0.0.1:6379/0
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py load_demo --force --appeals 0
    .venv/bin/python manage.py generate_appeals --count 5000
    .venv/bin/python bench/outbox.py --count 2000

What it measures: `--count` «answered» notices written the way a sweep writes them
(`outbox.notify_bulk`: an in-cabinet row and a pending e-mail each), then `outbox.send_pending` —
the relay task's body, as one worker process runs it — delivering them to an SMTP server on
loopback (aiosmtpd, in a thread of this process, accepting every message at once): e-mails per
second, per-e-mail milliseconds, the queries per e-mail. `--processes N` runs N relays at once (as
N worker processes would; the rows are claimed with a skip-locked lock, so none is sent twice).
"""

import argparse
import os
import sys
import threading
import time
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup(smtp_port: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "feedback_platform.settings")
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
    os.environ["DJANGO_EMAIL_HOST"] = "127.0.0.1"
    os.environ["DJANGO_EMAIL_PORT"] = str(smtp_port)
    import django

    django.setup()


def _relay(smtp_port: int) -> int:
    _setup(smtp_port)
    from core import outbox

    return outbox.send_pending(batch=200, budget_seconds=3600)


class Sink:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        with self.lock:
            self.count += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()

    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's line per command

    from tests.harness import free_port

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    _setup(port)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from appeals.models import Appeal
    from core import outbox
    from core.models import Notification

    appeals = list(Appeal.objects.select_related("citizen").order_by("pk")[: args.count])
    if len(appeals) < args.count:
        sys.exit(f"only {len(appeals)} appeals in the database: generate_appeals --count more")
    Notification.objects.filter(status=Notification.Status.PENDING).delete()
    with transaction.atomic():
        outbox.notify_bulk((appeal.citizen, appeal, "answered", {}, True) for appeal in appeals)
    pending = Notification.objects.filter(
        status=Notification.Status.PENDING, channel=Notification.Channel.EMAIL
    ).count()
    connection.close()

    started = time.monotonic()
    if args.processes == 1:
        with CaptureQueriesContext(connection) as queries:
            sent = outbox.send_pending(batch=200, budget_seconds=3600)
        per_email = len(queries) / max(sent, 1)
    else:
        with get_context("spawn").Pool(args.processes) as pool:
            sent = sum(pool.map(_relay, [port] * args.processes))
        per_email = float("nan")
    elapsed = time.monotonic() - started
    controller.stop()
    print(
        f"{pending} pending e-mails, {sent} sent, {sink.count} received by the SMTP server "
        f"in {elapsed:.1f} s with {args.processes} relay process(es): "
        f"{sent / elapsed:.1f} e-mails/s, {1000 * elapsed / max(sent, 1):.1f} ms each, "
        f"{per_email:.1f} queries each, load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
