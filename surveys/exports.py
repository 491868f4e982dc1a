"""A survey's responses as CSV and XLSX (core.exports: the platform's one dialect), free-text
answers included.

Anonymous surveys carry no name, e-mail or time of the response: only a running number.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _

from core import exports


def _filename(survey, extension: str) -> str:
    return f"survey-{survey.pk}-results.{extension}"


def to_csv(rows: list[list], *, survey) -> HttpResponse:
    return exports.csv_response(rows, filename=_filename(survey, "csv"))


def to_xlsx(rows: list[list], *, survey) -> HttpResponse:
    return exports.xlsx_response(rows, filename=_filename(survey, "xlsx"), title=_("Results"))
