"""core.exports: the one CSV dialect and XLSX writer behind every download."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from core.exports import ExcelRu, Note, csv_bytes, csv_response, xlsx_response

ROWS = [
    ["номер", "дата", "доля, %", "адрес"],
    [1, date(2026, 12, 12), 75.5, "=1+1"],
    [2, datetime(2026, 12, 1, 9, 30), Decimal("3.25"), "ул. Ленина; д. 1"],
    [Note("выгружены только первые 2 строки")],
]


def test_csv_is_utf8_with_bom_semicolons_decimal_commas_and_capital_headers():
    body = csv_bytes(ROWS)
    assert body.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), dialect=ExcelRu))
    assert rows == [
        ["Номер", "Дата", "Доля, %", "Адрес"],
        ["1", "12.12.2026", "75,5", "'=1+1"],
        ["2", "01.12.2026 09:30", "3,25", "ул. Ленина; д. 1"],
        ["выгружены только первые 2 строки"],
    ]


def test_aware_times_are_written_in_the_current_zone(settings):
    settings.TIME_ZONE = "Asia/Kamchatka"
    body = csv_bytes([["Время"], [datetime(2026, 12, 1, 0, 0, tzinfo=UTC)]])
    assert body.decode("utf-8-sig").splitlines()[1] == "01.12.2026 12:00"


def test_downloads_are_private_attachments_with_an_rfc_5987_name():
    response = csv_response(ROWS, filename="обращения-2026.csv")
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%D0%BE%D0%B1%D1%80%D0%B0%D1%89%D0%B5%D0%BD%D0%B8%D1%8F-2026.csv"
    )
    streamed = csv_response(ROWS, filename="appeals.csv", stream=True)
    assert b"".join(streamed.streaming_content) == response.content
    assert streamed["Content-Disposition"] == 'attachment; filename="appeals.csv"'
    assert streamed["Cache-Control"] == "private, no-store"


def test_xlsx_has_a_bold_header_real_values_and_no_formulas():
    response = xlsx_response(ROWS, filename="x.xlsx", title="Очень длинное название листа книги")
    assert response["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.title == "Очень длинное название листа кн"  # Excel's 31 characters
    assert [cell.value for cell in sheet[1]] == ["Номер", "Дата", "Доля, %", "Адрес"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["B2"].value == datetime(2026, 12, 12) and sheet["B2"].number_format == "DD.MM.YYYY"
    assert sheet["C2"].value == 75.5
    assert sheet["D2"].data_type == "s" and sheet["D2"].value == "=1+1"
    assert sheet["A4"].value == "выгружены только первые 2 строки" and sheet["A4"].font.bold
