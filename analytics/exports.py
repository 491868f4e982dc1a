"""CSV and XLSX of every dashboard table. Aggregates only: names of places, categories and
organizations, counts and shares — nothing about a person or the text of an appeal."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import exports

TABLES = (
    "headline",
    "series",
    "grounds",
    "municipalities",
    "categories",
    "organizations",
    "league",
    "heat",
    "growth",
)
FORMATS = ("csv", "xlsx")
# The sheet of an XLSX export is named like the table's heading on the page.
SHEET_TITLES = {
    "headline": gettext_lazy("Headline figures"),
    "series": gettext_lazy("Over time"),
    "grounds": gettext_lazy("Rejected and closed without an answer, by ground"),
    "municipalities": gettext_lazy("By municipality"),
    "categories": gettext_lazy("By category"),
    "organizations": gettext_lazy("By organization"),
    "league": gettext_lazy("Organization league table"),
    "heat": gettext_lazy("Municipalities × most frequent categories"),
    "growth": gettext_lazy("Fastest-growing categories"),
}


def _pct(value):
    return None if value is None else round(100 * value, 1)


def _round(value, digits=2):
    return None if value is None else round(value, digits)


def _breakdown(rows, label):
    header = [
        label,
        _("Received"),
        _("Registered"),
        _("Rejected"),
        _("Redirected"),
        _("Answered"),
        _("On time"),
        _("On time, %"),
        _("Overdue at period end"),
        _("Ratings"),
        _("Average rating"),
        _("Solved, %"),
        _("Re-reviews"),
        _("Not rated"),
    ]
    body = [
        [
            r["name"],
            r["received"],
            r["registered"],
            r["rejected"],
            r["redirected"],
            r["answered"],
            r["on_time"],
            _pct(r["on_time_share"]),
            r["overdue_end"],
            r["ratings"],
            _round(r["average_rating"]),
            _pct(r["solved_share"]),
            r["rereviews"],
            r["not_rated"],
        ]
        for r in rows
    ]
    if rows and "formal_share" in rows[0]:  # by organization: the quality review's returns
        header += [_("Answers reviewed"), _("Returned for rework"), _("Formal answers, %")]
        for line, r in zip(body, rows, strict=True):
            line += [r["reviewed"], r["returned"], _pct(r["formal_share"])]
    return header, body


def table_rows(name: str, data: dict, labels: dict) -> tuple[list, list[list]]:
    """(header, rows) of one table of the dashboard data."""
    if name == "headline":
        header = [_("Figure"), _("Value"), _("Previous period"), _("Change, %")]
        body = [
            [
                labels.get(key, key),
                _round(card["value"], 3),
                _round(card["previous"], 3),
                _pct(card["change"]),
            ]
            for key, card in data["headline"].items()
        ]
        return header, body
    if name == "series":
        header = [
            _("Period"),
            _("Received"),
            _("Answered"),
            _("On time"),
            _("Ratings"),
            _("Average rating"),
        ]
        return header, [
            [
                r["bucket"].isoformat(),
                r["received"],
                r["answered"],
                r["on_time"],
                r["ratings"],
                _round(r["average_rating"]),
            ]
            for r in data["timeline"]
        ]
    if name == "grounds":
        return [_("Kind"), _("Ground"), _("Appeals")], [
            [
                capfirst(str(labels.get(g["kind"], g["kind"]))),
                capfirst(str(labels.get(g["ground"], g["ground"]))),
                g["n"],
            ]
            for g in data["grounds"]
        ]
    if name in ("municipalities", "categories", "organizations"):
        label = {
            "municipalities": _("Municipality"),
            "categories": _("Category"),
            "organizations": _("Organization"),
        }[name]
        return _breakdown(data[name], label)
    if name == "league":
        header = [
            _("Rank"),
            _("Organization"),
            _("Answered"),
            _("On time, %"),
            _("On time, 95% CI low"),
            _("On time, 95% CI high"),
            _("Ratings"),
            _("Solved, %"),
            _("Solved, 95% CI low"),
            _("Solved, 95% CI high"),
            _("Re-review rate, %"),
        ]
        body = []
        for r in data["league"]:
            on_time, solved = r["on_time_ci"] or (None, None), r["solved_ci"] or (None, None)
            body.append(
                [
                    r["rank"],
                    r["name"],
                    r["answered"],
                    _pct(r["on_time_share"]),
                    _pct(on_time[0]),
                    _pct(on_time[1]),
                    r["ratings"],
                    _pct(r["solved_share"]),
                    _pct(solved[0]),
                    _pct(solved[1]),
                    _pct(r["rereview_rate"]),
                ]
            )
        return header, body
    if name == "heat":
        header = [_("Municipality")] + [c["name"] for c in data["heat"]["columns"]]
        return header, [
            [r["name"]] + [v["value"] for v in r["values"]] for r in data["heat"]["rows"]
        ]
    if name == "growth":
        return [_("Category"), _("Received"), _("Previous period"), _("Change, %")], [
            [r["name"], r["received"], r["previous"], _pct(r["change"])] for r in data["growth"]
        ]
    raise KeyError(name)


def response(name: str, fmt: str, header, rows, *, filename: str):
    """One table as a download, in the platform's CSV dialect or as XLSX (core.exports)."""
    table = [header, *rows]
    if fmt == "csv":
        return exports.csv_response(table, filename=filename)
    return exports.xlsx_response(table, filename=filename, title=SHEET_TITLES[name])
