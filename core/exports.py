"""The one CSV and XLSX writer of every export (staff queue, analytics tables, survey results).

CSV is written for Russian Excel, which opens a double-clicked file with the system's list
separator and decimal mark: UTF-8 with a BOM (else Cyrillic comes out garbled), `;` between fields,
a decimal comma in numbers, dates as ДД.ММ.ГГГГ, CRLF line ends — the `ExcelRu` dialect below;
`csv.reader(..., dialect=ExcelRu)` reads it back. XLSX is a write-only workbook (rows go to a
temporary file, not to memory), with a bold frozen header, real numbers and real dates.

Rows are lists; the first one is the header. Every header starts with a capital letter. A text
cell that a spreadsheet would read as a formula (a citizen's address, a respondent's answer) is
neutralised: a leading apostrophe in CSV, a plain string cell in XLSX. A `Note` row (one cell: a
remark for the reader, such as "the export was cut") is shown in bold.

Every response is an attachment with an RFC 5987 file name and `Cache-Control: private, no-store`:
exports are for the person who asked, never for a shared cache or the browser's history.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.text import capfirst

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_DATE = "%d.%m.%Y"
CSV_DATETIME = "%d.%m.%Y %H:%M"
XLSX_DATE = "DD.MM.YYYY"
XLSX_DATETIME = "DD.MM.YYYY HH:MM"
BOM = "\ufeff"
# Characters that make a spreadsheet read a cell as a formula (CSV/formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExcelRu(csv.Dialect):
    """What Russian Excel expects of a CSV file it opens by double click."""

    delimiter = ";"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


class Note(str):
    """A row that is a remark for the reader (the export was cut), not data."""


def header_row(titles: Iterable) -> list[str]:
    """The header as text, each title with a capital first letter."""
    return [capfirst(str(title)) for title in titles]


def local_naive(moment: datetime) -> datetime:
    """A spreadsheet has no time zones: aware times become the current zone's wall clock."""
    if timezone.is_aware(moment):
        return timezone.localtime(moment).replace(tzinfo=None)
    return moment


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return local_naive(value).strftime(CSV_DATETIME)
    if isinstance(value, date):
        return value.strftime(CSV_DATE)
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The file line by line (BOM first), so a long export streams."""
    writer = csv.writer(_Echo(), dialect=ExcelRu)
    yield BOM.encode()
    for index, row in enumerate(rows):
        cells = header_row(row) if index == 0 else [csv_value(value) for value in row]
        yield writer.writerow(cells).encode()


def csv_bytes(rows: Iterable[Sequence]) -> bytes:
    return b"".join(csv_lines(rows))


def xlsx_bytes(
    rows: Iterable[Sequence], *, title: str, widths: Sequence[int] | None = None
) -> bytes:
    """A write-only workbook of one sheet named `title` (Excel allows 31 characters)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    for index, width in enumerate(widths or (), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value, *, strong=False):
        if isinstance(value, Promise):
            value = str(value)
        if isinstance(value, datetime):
            value = local_naive(value)
        result = WriteOnlyCell(sheet, value=value)
        if isinstance(value, datetime):
            result.number_format = XLSX_DATETIME
        elif isinstance(value, date):
            result.number_format = XLSX_DATE
        elif isinstance(value, str):
            result.data_type = "s"  # never a formula, whatever a person typed
        if strong:
            result.font = bold
        return result

    for index, row in enumerate(rows):
        if index == 0:
            sheet.append([cell(title, strong=True) for title in header_row(row)])
        elif len(row) == 1 and isinstance(row[0], Note):
            sheet.append([cell(str(row[0]), strong=True)])
        else:
            sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """Content-Disposition with the file name (RFC 5987 `filename*` when it is not ASCII), and
    no caching anywhere: an export is private to the person who asked for it."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(
    rows: Iterable[Sequence], *, filename: str, stream: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """A CSV download. `stream`: rows are written as the client reads them — after the request's
    language is gone, so every label in them must already be text, not a lazy translation."""
    if stream:
        response = StreamingHttpResponse(csv_lines(rows), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(csv_bytes(rows), content_type=CSV_CONTENT_TYPE)
    return as_attachment(response, filename)


def xlsx_response(
    rows: Iterable[Sequence], *, filename: str, title: str, widths: Sequence[int] | None = None
) -> HttpResponse:
    return as_attachment(
        HttpResponse(xlsx_bytes(rows, title=title, widths=widths), content_type=XLSX_CONTENT_TYPE),
        filename,
    )
