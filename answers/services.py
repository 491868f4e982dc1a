"""Writes of published answers: publish, change, withdraw (each with its PublishedAnswerEvent).

A published answer is public at once and without personal data: one made from an answered
appeal is refused while the text still names that appeal's citizen (name, e-mail, phone).
"""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from answers import permissions
from answers.models import (
    ANSWER_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    PublishedAnswer,
    PublishedAnswerEvent,
)
from core.errors import DomainError, NotAllowed
from organizations.models import Category, Organization

A = PublishedAnswerEvent.Action
EDITABLE = ("title", "question", "answer", "category_id")


class PersonalDataFound(DomainError):
    """The text names the citizen of the appeal it was made from."""

    def __init__(self, message, *, field: str):
        super().__init__(message)
        self.field = field


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def personal_data_in(*, text: str, citizen) -> list[str]:
    """What of the citizen's personal data the text still contains: labels, for the error.

    The surname in any case ending (Петров, Петрова, Петрову), the first name with the patronymic,
    the e-mail and the phone number however its digits are grouped.
    """
    found = []
    lowered = text.casefold()
    surname = (citizen.last_name or "").strip()
    given = " ".join(part for part in (citizen.first_name, citizen.patronymic) if part).strip()
    # The stem without a changing ending: Иванова → Иванов(ой, у).
    stem = surname.casefold()
    if len(stem) >= 5 and stem[-1] in "аяйьоеиыу":
        stem = stem[:-1]
    named = len(stem) >= 3 and re.search(rf"(?<!\w){re.escape(stem)}\w{{0,3}}(?!\w)", lowered)
    if named or (citizen.patronymic and given and given.casefold() in lowered):
        found.append(gettext("the name"))
    if citizen.email and citizen.email.casefold() in lowered:
        found.append(gettext("the e-mail"))
    phone = _digits(citizen.phone or "")[-10:]
    if len(phone) >= 6:
        runs = (_digits(run) for run in re.findall(r"\+?\d[\d\s()\-]{4,}\d", text))
        if any(phone in run for run in runs):
            found.append(gettext("the phone number"))
    return found


def _check_personal_data(*, source_appeal, title: str, question: str, answer: str) -> None:
    if source_appeal is None:
        return
    citizen = source_appeal.citizen
    for field, text in (("title", title), ("question", question), ("answer", answer)):
        found = personal_data_in(text=text, citizen=citizen)
        if found:
            raise PersonalDataFound(
                _(
                    "The text still contains personal data of the citizen of appeal %(number)s: "
                    "%(what)s. Remove it: a published answer is read by everyone."
                )
                % {"number": source_appeal.number, "what": ", ".join(found)},
                field=field,
            )


def _clean(*, title: str, question: str, answer: str) -> tuple[str, str, str]:
    title, question, answer = (
        value.strip() for value in (title or "", question or "", answer or "")
    )
    if not title or not question or not answer:
        raise DomainError(_("A published answer needs a title, the question and the answer."))
    for value, limit in (
        (title, TITLE_MAX_LENGTH),
        (question, QUESTION_MAX_LENGTH),
        (answer, ANSWER_MAX_LENGTH),
    ):
        if len(value) > limit:
            raise DomainError(
                _("The text is too long: at most %(limit)d characters.") % {"limit": limit}
            )
    return title, question, answer


def _check_publisher(actor, organization_id: int) -> None:
    if not permissions.can_publish_for(actor, organization_id):
        raise NotAllowed(
            _("Only the staff of the organization may publish and change its answers.")
        )


def _check_category(category: Category | None) -> None:
    if category is not None and category.parent_id is None:
        raise DomainError(_("Choose a category, not a section."))


def _record(*, published_answer, actor, action: str, comment: str = "", data=None):
    return PublishedAnswerEvent.objects.create(
        published_answer=published_answer,
        actor=actor,
        action=action,
        comment=comment,
        data=data or {},
    )


@transaction.atomic
def publish_answer(
    *,
    actor,
    organization: Organization,
    title: str,
    question: str,
    answer: str,
    category: Category | None = None,
    source_appeal=None,
):
    """Publish an answer of `organization` to a question of general concern.

    Precondition: the actor is staff of the organization (else NotAllowed); title, question and
    answer are given; made from `source_appeal` (an appeal of the organization), the texts no
    longer contain its citizen's name, e-mail or phone (else PersonalDataFound). Effect: public at
    once (the public list, the filing form's suggestions) and a `publish` event is written.
    """
    _check_publisher(actor, organization.pk)
    _check_category(category)
    title, question, answer = _clean(title=title, question=question, answer=answer)
    if source_appeal is not None and source_appeal.organization_id != organization.pk:
        raise DomainError(_("The appeal is not one of this organization's."))
    _check_personal_data(source_appeal=source_appeal, title=title, question=question, answer=answer)
    now = timezone.now()
    published = PublishedAnswer.objects.create(
        organization=organization,
        category=category,
        title=title,
        question=question,
        answer=answer,
        source_appeal=source_appeal,
        published_by=actor,
        published_at=now,
        updated_at=now,
    )
    data = {"organization": organization.pk}
    if source_appeal is not None:
        data["appeal"] = source_appeal.pk
    _record(published_answer=published, actor=actor, action=A.PUBLISH, data=data)
    return published


def _locked(answer_id: int) -> PublishedAnswer:
    published = (
        PublishedAnswer.objects.select_for_update(of=("self",))
        .select_related("source_appeal__citizen", "organization")
        .filter(pk=answer_id)
        .first()
    )
    if published is None:
        raise DomainError(_("This published answer no longer exists."))
    return published


@transaction.atomic
def edit_answer(
    *,
    actor,
    answer_id: int,
    title: str,
    question: str,
    answer: str,
    category: Category | None = None,
):
    """Change a published answer (a new fact, a better wording); its organization stays.

    Precondition: as for publishing, and not withdrawn. Effect: an `edit` event names the
    changed fields; nothing changed, nothing is written.
    """
    published = _locked(answer_id)
    _check_publisher(actor, published.organization_id)
    if published.is_withdrawn:
        raise DomainError(_("A withdrawn answer cannot be changed: publish a new one."))
    _check_category(category)
    title, question, answer = _clean(title=title, question=question, answer=answer)
    _check_personal_data(
        source_appeal=published.source_appeal, title=title, question=question, answer=answer
    )
    new = {
        "title": title,
        "question": question,
        "answer": answer,
        "category_id": getattr(category, "pk", None),
    }
    changed = [name for name in EDITABLE if getattr(published, name) != new[name]]
    if not changed:
        return published
    for name in changed:
        setattr(published, name, new[name])
    published.updated_at = timezone.now()
    published.save(update_fields=[*changed, "updated_at"])
    _record(published_answer=published, actor=actor, action=A.EDIT, data={"changed": changed})
    return published


@transaction.atomic
def withdraw_answer(*, actor, answer_id: int, reason: str = ""):
    """Take a published answer off the public list and the suggestions (it became outdated).

    Precondition: staff of the organization. Effect: `withdrawn_at` is set and a `withdraw` event
    written; appeals answered with a link to it keep the link (the page says it is withdrawn).
    Withdrawing again changes nothing.
    """
    published = _locked(answer_id)
    _check_publisher(actor, published.organization_id)
    if published.is_withdrawn:
        return published
    published.withdrawn_at = timezone.now()
    published.save(update_fields=["withdrawn_at"])
    _record(
        published_answer=published, actor=actor, action=A.WITHDRAW, comment=(reason or "").strip()
    )
    return published
