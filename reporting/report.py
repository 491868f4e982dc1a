"""The monthly report on 59-FZ appeals in the shape of Decree 171 (ССТУ), per organization.

The events are the ledger: an appeal is received by the body it is registered at (the accept
event, or the conversion of a platform message into an official appeal after its author
identified) and by each body it is forwarded to; the sending body reports it as forwarded. The
results are the answers released in the month with the result of the review they state, and the
reviews ended without an answer (a ground of 59-FZ art. 11, or withdrawal). Only appeals reviewed
under a 59-FZ regime count: platform messages and the housing rules are not reported here.

Months are the region's local months. Aggregates only: no person, no text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, IntegerField, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext_lazy as _

from analytics.periods import add_months
from appeals.models import Answer, Appeal, Event
from organizations.models import Organization
from regimes.models import Outcome, Regime
from reporting.models import Topic

A = Event.Action
C = Appeal.Channel
FORMS = {
    C.WEB: "electronic",
    C.WIDGET: "electronic",
    C.API: "electronic",
    C.PAPER: "written",
    C.PHONE: "oral",
    C.VISIT: "oral",
}
SECTIONS = ("0001", "0002", "0003", "0004", "0005")
REGISTRATIONS = (A.ACCEPT, A.MAKE_OFFICIAL)
RESULT_COLUMNS = {
    Outcome.SUPPORTED: "supported",
    Outcome.MEASURES_TAKEN: "supported",  # and also counted in measures_taken
    Outcome.EXPLAINED: "explained",
    Outcome.NOT_SUPPORTED: "not_supported",
}

# (key, label) of the report's columns after the organization, in order.
COLUMNS = (
    ("received", _("Received")),
    ("forwarded_in", _("of them, forwarded by other bodies")),
    ("electronic", _("in electronic form")),
    ("written", _("in writing")),
    ("oral", _("orally")),
    *((f"section_{code}", None) for code in SECTIONS),  # labelled with the sections' names
    ("no_code", _("without a classifier heading")),
    ("supported", _("supported")),
    ("measures_taken", _("of them, measures taken")),
    ("explained", _("explained")),
    ("not_supported", _("not supported")),
    ("no_answer", _("left without an answer on the merits")),
    ("forwarded", _("forwarded to other bodies")),
)
KEYS = tuple(key for key, _label in COLUMNS)


@dataclass
class Row:
    organization_id: int | None
    name: str
    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS, 0))


@dataclass
class Report:
    month: date
    rows: list[Row]  # one per organization with any figure, by name
    total: Row
    labels: list[str]


def month_range(month: date, zone: str) -> tuple[datetime, datetime]:
    """The first instant of the local month and of the next one."""
    tz = ZoneInfo(zone)
    start = datetime.combine(month.replace(day=1), time.min, tz)
    return start, datetime.combine(add_months(month.replace(day=1), 1), time.min, tz)


def labels() -> list[str]:
    names = dict(Topic.objects.filter(code__in=SECTIONS).values_list("code", "name"))
    return [
        str(label) if label is not None else names.get(key[-4:], key[-4:]) for key, label in COLUMNS
    ]


def _org(path: str):
    return Cast(KT(path), IntegerField())


def monthly_report(
    *, region_id: int, zone: str, month: date, organization_ids: frozenset[int] | None = None
) -> Report:
    """The Decree 171 figures of `month` for the region's organizations (or only `organization_ids`)."""
    start, end = month_range(month, zone)
    official = Q(
        appeal__region_id=region_id, appeal__regime_version__regime__kind=Regime.Kind.APPEAL
    )
    in_month = Q(created_at__gte=start, created_at__lt=end)
    figures: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KEYS, 0))

    # Received: the appeal's last registration (a message accepted, then made official, counts
    # once: when it became an official appeal), and every forwarding to another body.
    later = Event.objects.filter(
        appeal_id=OuterRef("appeal_id"),
        action__in=REGISTRATIONS,
        created_at__gt=OuterRef("created_at"),
    )
    registered = (
        Event.objects.filter(official, in_month, action__in=REGISTRATIONS)
        .exclude(Exists(later))
        .annotate(org=_org("data__organization"))
    )
    forwarded_in = Event.objects.filter(official, in_month, action=A.REDIRECT).annotate(
        org=_org("data__organization")
    )
    for rows, extra in ((registered, None), (forwarded_in, "forwarded_in")):
        for org, channel, section, n in (
            rows.annotate(section=Substr("appeal__topic__code", 1, 4))
            .values_list("org", "appeal__channel", "section")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            cell = figures[org]
            cell["received"] += n
            if extra:
                cell[extra] += n
            cell[FORMS.get(channel, "electronic")] += n
            cell[f"section_{section}" if section in SECTIONS else "no_code"] += n

    for org, n in (
        Event.objects.filter(official, in_month, action=A.REDIRECT)
        .annotate(org=_org("data__from"))
        .values_list("org")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        figures[org]["forwarded"] += n

    for org, outcome, n in (
        Answer.objects.filter(official, in_month)
        .values_list("organization_id", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if outcome in RESULT_COLUMNS:
            figures[org][RESULT_COLUMNS[outcome]] += n
        if outcome == Outcome.MEASURES_TAKEN:
            figures[org]["measures_taken"] += n

    # Ended without an answer: closed on a ground, or withdrawn while under review (a withdrawal
    # before registration never reached a body). A closed appeal stays with its last body.
    for org, n in (
        Event.objects.filter(official, in_month)
        .filter(Q(action=A.CLOSE_ON_GROUND) | Q(action=A.WITHDRAW, to_status=Appeal.Status.CLOSED))
        .values_list("appeal__organization_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        figures[org]["no_answer"] += n

    figures.pop(None, None)  # an event without an organization (none is written so)
    if organization_ids is not None:
        figures = {org: cells for org, cells in figures.items() if org in organization_ids}
    names = dict(Organization.objects.filter(pk__in=figures).values_list("pk", "name"))
    rows = sorted(
        (Row(org, names.get(org, str(org)), dict(cells)) for org, cells in figures.items()),
        key=lambda row: row.name,
    )
    total = Row(None, str(_("Total")))
    for row in rows:
        for key in KEYS:
            total.figures[key] += row.figures[key]
    return Report(month=month.replace(day=1), rows=rows, total=total, labels=labels())


def table(report: Report) -> tuple[list[str], list[list]]:
    """Header and rows for the CSV and XLSX exports: organizations, then the total."""
    header = [str(_("Organization")), *report.labels]
    rows = [[row.name, *(row.figures[key] for key in KEYS)] for row in report.rows]
    rows.append([report.total.name, *(report.total.figures[key] for key in KEYS)])
    return header, rows
