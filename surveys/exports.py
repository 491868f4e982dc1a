"""A survey's responses as CSV (Russian Excel: BOM and «;») and XLSX, free-text answers included.

Anonymous surveys carry no name, e-mail or time of the response: only a running number.
"""

import csv
import io
from datetime import datetime

from django.http import HttpResponse

# Characters that make a spreadsheet read a cell as a formula (a respondent's free text).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    value = str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _filename(survey, extension: str) -> str:
    return f"survey-{survey.pk}-results.{extension}"


def to_csv(rows: list[list], *, survey) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([_text(value) for value in row])
    response = HttpResponse(buffer.getvalue().encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(survey, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


def to_xlsx(rows: list[list], *, survey) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Results")
    bold = Font(bold=True)
    for index, row in enumerate(rows):
        cells = []
        for value in row:
            cell = WriteOnlyCell(
                sheet, value=value if isinstance(value, int | datetime) else _text(value)
            )
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the respondent typed
            if isinstance(value, datetime):
                cell.number_format = "DD.MM.YYYY HH:MM"
            if index == 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(survey, "xlsx")}"'
    response["Cache-Control"] = "private, no-store"
    return response
