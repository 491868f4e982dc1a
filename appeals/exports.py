"""The staff queue as a spreadsheet: CSV for Russian Excel and XLSX.

Only the working fields of an appeal leave the system: no citizen's name, contacts or text.
Rows are streamed from the database in chunks; the export stops at MAX_ROWS with a note.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import islice

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals.models import Appeal

MAX_ROWS = 100_000
CHUNK_SIZE = 2000
CSV_DATE = "%d.%m.%Y"
CSV_DATETIME = "%d.%m.%Y %H:%M"
XLSX_DATE = "DD.MM.YYYY"
XLSX_DATETIME = "DD.MM.YYYY HH:MM"
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
# Characters that make Excel read a cell as a formula (CSV/formula injection via a citizen's address).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Note(str):
    """A row that is a remark for the reader (the export was cut), not an appeal."""


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
        appeals = queryset.select_related("category", "municipality", "executor").only(*FIELDS)
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


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(CSV_DATETIME)
    if isinstance(value, date):
        return value.strftime(CSV_DATE)
    return _safe_text(str(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def _filename(extension: str) -> str:
    return f"appeals-{timezone.localdate():%Y-%m-%d}.{extension}"


def to_csv(rows: Iterable[list]) -> StreamingHttpResponse:
    """UTF-8 with a BOM and `;` between fields: what Russian Excel opens with Cyrillic intact."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")

    def lines() -> Iterator[bytes]:
        yield "\ufeff".encode()
        for row in rows:
            yield writer.writerow([_csv_value(value) for value in row]).encode()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def to_xlsx(rows: Iterable[list]) -> HttpResponse:
    """A write-only workbook (rows go to disk, not memory); bold header, real dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Appeals")[:31])
    for column, width in zip("ABCDEFGHI", (17, 17, 30, 30, 40, 22, 28, 12, 17), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def dated(value, number_format):
        dated_cell = WriteOnlyCell(sheet, value=value)
        dated_cell.number_format = number_format
        return dated_cell

    def cell(value):
        if isinstance(value, datetime):
            return dated(value, XLSX_DATETIME)
        if isinstance(value, date):
            return dated(value, XLSX_DATE)
        if isinstance(value, str) and value.startswith("="):
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"  # never a formula, whatever the citizen typed into the address
            return text
        return value

    for index, row in enumerate(rows):
        if index == 0:
            header_cells = []
            for title in row:
                title_cell = WriteOnlyCell(sheet, value=title)
                title_cell.font = bold
                header_cells.append(title_cell)
            sheet.append(header_cells)
        elif isinstance(row[0], Note):
            note = WriteOnlyCell(sheet, value=str(row[0]))
            note.font = bold
            sheet.append([note])
        else:
            sheet.append([cell(value) for value in row])

    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
