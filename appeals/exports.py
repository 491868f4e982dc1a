"""The staff queue as a spreadsheet: CSV for Russian Excel and XLSX (written by core.exports).

Only the working fields of an appeal leave the system: no citizen's name, contacts or text.
Rows are streamed from the database in chunks; the export stops at MAX_ROWS with a note.
"""

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals.models import Appeal
from core import exports

MAX_ROWS = 100_000
CHUNK_SIZE = 2000
COLUMN_WIDTHS = (17, 17, 30, 30, 40, 22, 28, 12, 17)
FIELDS = (
    "number",
    "submitted_at",
    "due_at",
    "answered_at",
    "status",
    "address",
    "category__name",
    "municipality__name",
    "executor__last_name",
    "executor__first_name",
    "executor__patronymic",
    "executor__email",
)
Note = exports.Note


def header() -> list[str]:
    return [
        _("Number"),
        _("Received"),
        _("Category"),
        _("Municipality"),
        _("Address"),
        _("Status"),
        _("Executor"),
        _("Due date"),
        _("Answered at"),
    ]


def appeal_rows(queryset: QuerySet[Appeal]) -> Iterator[list]:
    """The header, then one row per appeal (dates as naive local date/datetime), then maybe a note.

    Labels and the time zone are fixed now, while the request's language and zone are active: a
    streaming response is iterated after the middleware has deactivated them.
    """
    zone = timezone.get_current_timezone()
    statuses = {value: str(label) for value, label in Appeal.Status.choices}
    head = [str(title) for title in header()]
    truncated = Note(
        _("Only the first %(limit)s appeals are exported; narrow the filters to get the rest.")
        % {"limit": f"{MAX_ROWS:,}".replace(",", " ")}
    )

    def local(moment: datetime | None) -> datetime | None:
        return timezone.localtime(moment, zone).replace(tzinfo=None) if moment else None

    def generate() -> Iterator[list]:
        yield head
        # Only the exported columns: the queue's other joins (the addressee) are dropped.
        appeals = (
            queryset.select_related(None)
            .select_related("category", "municipality", "executor")
            .only(*FIELDS)
        )
        rows = appeals.iterator(chunk_size=CHUNK_SIZE)
        for appeal in islice(rows, MAX_ROWS):
            executor = appeal.executor
            due = local(appeal.due_at)
            yield [
                appeal.number,
                local(appeal.submitted_at),
                appeal.category.name,
                appeal.municipality.name,
                appeal.address,
                statuses.get(appeal.status, appeal.status),
                (executor.get_full_name() or executor.email) if executor else "",
                due.date() if due else None,
                local(appeal.answered_at),
            ]
        if next(rows, None) is not None:
            yield [truncated]

    return generate()


def _filename(extension: str) -> str:
    return f"appeals-{timezone.localdate():%Y-%m-%d}.{extension}"


def to_csv(rows: Iterable[list]) -> StreamingHttpResponse:
    """Streamed in the platform's CSV dialect (core.exports: what Russian Excel opens)."""
    return exports.csv_response(rows, filename=_filename("csv"), stream=True)


def to_xlsx(rows: Iterable[list]) -> HttpResponse:
    return exports.xlsx_response(
        rows, filename=_filename("xlsx"), title=_("Appeals"), widths=COLUMN_WIDTHS
    )
