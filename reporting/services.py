"""Writes of the classifier: loading an edition from a file and mapping categories onto it."""

import csv
import io
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appeals import permissions as appeal_permissions
from appeals.models import Appeal, Event
from appeals.workflow import transition
from core.errors import DomainError, NotAllowed
from organizations.models import Category
from reporting.models import CODE_PATTERN, CategoryTopic, Topic
from reporting.selectors import TOPICS, questions


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    deactivated: int


def read_classifier(text: str) -> list[tuple[str, str]]:
    """(code, name) rows of a classifier file: CSV with a header, `;` or `,` between the fields,
    UTF-8 with or without a BOM (as a spreadsheet saves it)."""
    text = text.lstrip("\ufeff")
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [cell.strip().lower() for cell in next(reader, [])]
    if header[:2] not in (["code", "name"], ["код", "наименование"]):
        raise DomainError(
            _("The first line must name the columns: code;name (or код;наименование).")
        )
    rows = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not row[1].strip():
            raise DomainError(_("Line %(line)s: a code and a name are needed.") % {"line": number})
        code, name = row[0].strip(), row[1].strip()
        if not re.fullmatch(CODE_PATTERN, code):
            raise DomainError(
                _("Line %(line)s: «%(code)s» is not a classifier code (0005.0005.0056.1153).")
                % {"line": number, "code": code[:40]}
            )
        rows.append((code, name[:500]))
    return rows


@transaction.atomic
def import_classifier(
    *, rows: list[tuple[str, str]], deactivate_missing: bool = False
) -> ImportResult:
    """Load an edition of the classifier: new headings are created, renamed ones updated, each
    linked to its parent by code. A heading the edition drops is kept (appeals carry it) and,
    with `deactivate_missing`, marked as not in the current edition.

    Precondition: every heading's parent is in the file or already loaded.
    """
    by_code = {code: name for code, name in rows}
    existing = {topic.code: topic for topic in Topic.objects.select_for_update()}
    known = set(existing) | set(by_code)
    for code in by_code:
        parent = code.rpartition(".")[0]
        if parent and parent not in known:
            raise DomainError(
                _("«%(code)s» has no parent heading «%(parent)s» in the file or the database.")
                % {"code": code, "parent": parent}
            )
    created = updated = 0
    # Parents first: shorter codes are higher headings.
    for code in sorted(by_code, key=lambda c: (c.count("."), c)):
        parent_code = code.rpartition(".")[0]
        parent = existing.get(parent_code) if parent_code else None
        topic = existing.get(code)
        if topic is None:
            existing[code] = Topic.objects.create(code=code, name=by_code[code], parent=parent)
            created += 1
        elif (
            topic.name != by_code[code]
            or topic.parent_id != getattr(parent, "pk", None)
            or not topic.is_active
        ):
            topic.name, topic.parent, topic.is_active = by_code[code], parent, True
            topic.save(update_fields=["name", "parent", "is_active"])
            updated += 1
    deactivated = 0
    if deactivate_missing:
        deactivated = (
            Topic.objects.exclude(code__in=by_code).filter(is_active=True).update(is_active=False)
        )
    TOPICS.invalidate()  # an UPDATE sends no signal
    return ImportResult(created, updated, deactivated)


@transaction.atomic
def map_categories(*, mapping: dict[int, str]) -> int:
    """Category id → classifier code: the heading appeals of the category get at registration.
    Returns how many categories were mapped or remapped."""
    topics = dict(Topic.objects.filter(code__in=set(mapping.values())).values_list("code", "pk"))
    missing = sorted(set(mapping.values()) - set(topics))
    if missing:
        raise DomainError(
            _("No such classifier headings: %(codes)s.") % {"codes": ", ".join(missing)}
        )
    leaves = set(
        Category.objects.filter(pk__in=mapping, parent__isnull=False).values_list("pk", flat=True)
    )
    changed = 0
    for category_id, code in mapping.items():
        if category_id not in leaves:
            raise DomainError(_("Only a category, not a section, is mapped onto the classifier."))
        CategoryTopic.objects.update_or_create(
            category_id=category_id, defaults={"topic_id": topics[code]}
        )
        changed += 1
    return changed


def _check_may_change_topic(actor):
    def check(appeal: Appeal) -> None:
        if not (
            appeal_permissions.can_work_on(actor, appeal)
            or appeal_permissions.can_moderate(actor, appeal)
        ):
            raise NotAllowed(
                gettext_lazy(
                    "Only the organization's staff or the regional moderator may change the "
                    "classifier heading."
                )
            )

    return check


@transaction.atomic
def change_topic(*, actor, appeal_id: int, topic_id: int) -> Appeal:
    """Correct the classifier heading an appeal carries (set from its category at registration).

    Precondition: the appeal is registered (under review, answered or closed); the actor is staff
    of its organization or the region's moderator (else NotAllowed); the heading is a question of
    the current edition (else DomainError). Effect: `Appeal.topic` changes and a `change_topic`
    event records the old and the new code; the Decree 171 report counts the new heading. The
    same heading again changes nothing.
    """
    topic = questions().filter(pk=topic_id).first()
    if topic is None:
        raise DomainError(
            gettext_lazy("Choose a question or sub-question of the classifier's current edition.")
        )
    if Appeal.objects.filter(pk=appeal_id, topic_id=topic.pk).exists():
        return Appeal.objects.get(pk=appeal_id)
    data = {"to": topic.code, "to_id": topic.pk}

    def apply(appeal: Appeal) -> None:
        # Read under the row lock: two corrections at once each record what they replaced.
        data["from_id"] = appeal.topic_id
        data["from"] = appeal.topic.code if appeal.topic_id else None
        appeal.topic = topic

    return transition(
        appeal_id=appeal_id,
        action=Event.Action.CHANGE_TOPIC,
        actor=actor,
        check=_check_may_change_topic(actor),
        apply=apply,
        is_public=False,
        data=data,
    ).appeal
