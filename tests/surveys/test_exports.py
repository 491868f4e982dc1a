"""Survey results download in the platform's one CSV dialect and as XLSX, never cached."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.exports import ExcelRu
from surveys import services
from tests.surveys.factories import QuestionFactory, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(organization, resident):
    survey = make_survey(organization=organization, is_anonymous=True)
    free = QuestionFactory(survey=survey, kind="text", text="что ещё?", is_required=False)
    single = survey.questions.get(kind="single")
    answers = {single.pk: [single.options.all()[1].pk], free.pk: '=HYPERLINK("x"); и ещё'}
    services.submit_response(citizen=resident, survey_id=survey.pk, answers=answers)
    return survey


def test_csv_uses_the_platform_dialect_with_capitalised_headers(client, head, answered, resident):
    client.force_login(head)
    response = client.get(reverse("surveys:export_csv", args=[answered.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == (
        f'attachment; filename="survey-{answered.pk}-results.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    body = response.content.decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(body), dialect=ExcelRu)
    assert header == ["№", "Какое место благоустроить первым?", "Что ещё?"]
    assert rows == [["1", "Парк Победы", '\'=HYPERLINK("x"); и ещё']]
    assert resident.email not in body and resident.last_name not in body


def test_xlsx_has_the_same_header_and_plain_text_cells(client, head, answered):
    client.force_login(head)
    response = client.get(reverse("surveys:export_xlsx", args=[answered.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Результаты"
    assert [cell.value for cell in sheet[1]] == [
        "№",
        "Какое место благоустроить первым?",
        "Что ещё?",
    ]
    assert all(cell.font.bold for cell in sheet[1])
    formula = sheet["C2"]
    assert formula.data_type == "s" and formula.value == '=HYPERLINK("x"); и ещё'
