"""Copies to several competent bodies (59-FZ art. 8 part 3: an appeal on questions within the
competence of several bodies goes to each of them).

The moderator sends one appeal to several organizations. The main appeal stays with the lead
organization; each other organization gets a copy: an appeal of its own, linked to the main one
(`copy_of`), numbered after it («41-2026-000123-2»), registered at once with its own term under
its own regime, in that organization's queue, warned, swept and signed like any other. The
citizen follows the main appeal, whose page shows every part. The answer notice of each part is
held back; when the last part is answered, one consolidated notice goes out (the main appeal's
`consolidate_answers` event) and the rating requests start.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import permissions
from appeals.identification import answer_email_allowed
from appeals.models import Answer, Appeal, Attachment, Event
from appeals.notices import notify_citizen
from appeals.services.common import check_receiving_organization, local_date
from appeals.workflow import transition
from core.errors import AlreadyDone, DomainError, NotAllowed
from core.outbox import notify
from organizations.models import Organization

S = Appeal.Status
# A part is done when it is answered or closed (on a ground, withdrawn): nothing more will come.
FINISHED = (S.ANSWERED, S.CLOSED)
MAX_COPIES = 10


def main_id_of(appeal: Appeal) -> int:
    return appeal.copy_of_id or appeal.pk


def has_copies(appeal: Appeal) -> bool:
    return appeal.copy_of_id is not None or Appeal.objects.filter(copy_of=appeal.pk).exists()


def parts_of(*, main_id: int):
    """The main appeal and its copies, the main one first (then in the order they were sent)."""
    return Appeal.objects.filter(Q(pk=main_id) | Q(copy_of_id=main_id)).order_by("pk")


def awaiting_other_parts(appeal: Appeal) -> bool:
    """Whether `appeal` is a part of an appeal sent to several organizations whose consolidated
    answer has not gone out yet (the answers are rated once all are in)."""
    if appeal.copy_of_id is None:
        return appeal.consolidated_at is None and has_copies(appeal)
    return Appeal.objects.filter(pk=appeal.copy_of_id, consolidated_at__isnull=True).exists()


def _check_moderator(moderator):
    def check(appeal: Appeal) -> None:
        if not permissions.can_moderate(moderator, appeal):
            raise NotAllowed(_("Only a moderator of the appeal's region may do this."))

    return check


def _unique(organizations: Iterable[Organization]) -> list[Organization]:
    return list({organization.pk: organization for organization in organizations}.values())


@transaction.atomic
def send_copies(
    *, moderator, appeal_id: int, organizations: Iterable[Organization], comment: str = ""
) -> list[Appeal]:
    """Send a copy of a registered appeal to each of `organizations`, for the part within its
    competence.

    Precondition: the appeal is the main one (not a copy), under review; each organization is an
    active participant of its region that holds no part of it yet and is not the organization it
    complains about. Effect: one registered copy per organization (its own number, term, regime
    and queue, the citizen's files with it), a `send_copies` event on the main appeal, one
    notice to the citizen naming every organization and its term. Returns the copies.
    """
    from appeals.services.moderation import accept_appeal  # registration of each copy

    chosen = _unique(organizations)
    if not chosen:
        raise DomainError(_("Choose at least one organization to send a copy to."))

    def check(appeal: Appeal) -> None:
        _check_moderator(moderator)(appeal)
        if appeal.copy_of_id is not None:
            raise DomainError(
                _("This is a copy: send copies from the main appeal %(number)s.")
                % {"number": appeal.copy_of.number}
            )
        holders = {appeal.organization_id, *appeal.copies.values_list("organization_id", flat=True)}
        if len(holders) - 1 + len(chosen) > MAX_COPIES:
            raise DomainError(
                _("An appeal goes to %(count)s organizations at most besides the lead one.")
                % {"count": MAX_COPIES}
            )
        for organization in chosen:
            if organization.pk in holders:
                raise DomainError(
                    _("«%(organization)s» already reviews this appeal or a copy of it.")
                    % {"organization": organization}
                )
            check_receiving_organization(appeal, organization)

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.SEND_COPIES,
        actor=moderator,
        check=check,
        comment=comment.strip(),
    )
    main = outcome.appeal
    made = []
    next_part = main.copies.count() + 2  # the main appeal is part 1
    for organization in chosen:
        copy = _make_copy(main, number=f"{main.number}-{next_part}", actor=moderator)
        made.append(
            accept_appeal(
                moderator=moderator,
                appeal_id=copy.pk,
                organization=organization,
                comment=comment,
                tell_citizen=False,
            )
        )
        next_part += 1
    outcome.event.data = {
        "copies": [{"number": c.number, "organization": c.organization_id} for c in made]
    }
    outcome.event.save(update_fields=["data"])
    notify(
        recipient=main.citizen,
        appeal=main,
        template="copies_sent",
        context={
            "parts": [
                {"organization": c.organization.name, "due": local_date(c, c.due_at)} for c in made
            ],
            "lead": main.organization.name,
            "lead_due": local_date(main, main.due_at),
        },
    )
    return made


def _make_copy(main: Appeal, *, number: str, actor) -> Appeal:
    """A submitted copy of `main` (registered right after by the caller), with its files."""
    copy = Appeal.objects.create(
        number=number,
        citizen=main.citizen,
        region=main.region,
        category=main.category,
        municipality=main.municipality,
        address=main.address,
        house=main.house,
        place_description=main.place_description,
        latitude=main.latitude,
        longitude=main.longitude,
        text=main.text,
        channel=main.channel,
        complained_organization=main.complained_organization,
        complained_official=main.complained_official,
        answer_by_email=main.answer_by_email,
        copy_of=main,
        # The rules in force when the citizen filed apply to every part.
        submitted_at=main.submitted_at,
        registration_due_at=main.registration_due_at,
        consent_at=main.consent_at,
        consent_version=main.consent_version,
    )
    # The same stored files, a row of the copy's own for each: the copy's staff reach them
    # through the copy, never through the main appeal.
    Attachment.objects.bulk_create(
        Attachment(
            appeal=copy,
            uploaded_by_id=file.uploaded_by_id,
            file=file.file.name,
            thumbnail=file.thumbnail.name,
            original_name=file.original_name,
            content_type=file.content_type,
            size=file.size,
            created_at=file.created_at,
        )
        for file in main.attachments.filter(answer__isnull=True)
    )
    Event.objects.create(
        appeal=copy,
        actor=actor,
        action=Event.Action.SUBMIT,
        to_status=copy.status,
        data={"channel": copy.channel, "copy_of": main.number},
        created_at=timezone.now(),
    )
    return copy


def part_done(appeal: Appeal) -> bool:
    """Called in the transaction that ended the review of `appeal` (answered, or closed on a
    ground). True when it is a part of an appeal sent to several organizations whose
    consolidated answer has not gone out: the caller sends no answer notice of its own. When this
    was the last part, the consolidated answer goes out now.
    """
    if appeal.copy_of_id is None and not Appeal.objects.filter(copy_of=appeal.pk).exists():
        return False
    main_id = main_id_of(appeal)
    # The main appeal's row lock serialises the parts' last answers: of two parts answered at
    # the same moment, the later one waits here, then sees the other answered and sends the
    # notice; never both of them, never neither.
    main = (
        Appeal.objects.select_for_update(of=("self",)).only("pk", "consolidated_at").get(pk=main_id)
    )
    if main.consolidated_at is not None:
        return False  # consolidated before (this is a re-review): the part's own notice
    unfinished = parts_of(main_id=main_id).exclude(status__in=FINISHED)
    if unfinished.exists():
        # The rating request waits for the consolidated answer.
        Appeal.objects.filter(pk=appeal.pk).update(rating_requested_at=None)
        appeal.rating_requested_at = None
        return True
    if not Answer.objects.filter(appeal__in=parts_of(main_id=main_id)).exists():
        return True  # every part ended without an answer, each with its own notice
    consolidate_answers(appeal_id=main_id)
    return True


@transaction.atomic
def consolidate_answers(*, appeal_id: int, actor=None) -> Appeal:
    """Every organization has answered its part: one consolidated answer notice to the citizen.

    Precondition: `appeal_id` is a main appeal with copies, every part answered or closed, and
    no consolidated answer sent yet. Effect: the `consolidate_answers` event on the main appeal,
    one notice naming each organization's answer (their texts when the citizen asked for the
    answer by e-mail), and the rating requests of the answered parts start now.
    """
    found = {}

    def check(main: Appeal) -> None:
        if main.copy_of_id is not None:
            raise DomainError(_("Answers are consolidated on the main appeal, not on a copy."))
        if main.consolidated_at is not None:
            raise AlreadyDone(_("The consolidated answer has already been sent."))
        parts = list(parts_of(main_id=main.pk).select_related("organization"))
        if len(parts) == 1:
            raise DomainError(_("The appeal was not sent to several organizations."))
        waiting = [part for part in parts if part.pk != main.pk and part.status not in FINISHED]
        if waiting:
            raise DomainError(
                _("Not every organization has answered yet: %(organizations)s.")
                % {"organizations": ", ".join(str(part.organization) for part in waiting)}
            )
        found["parts"] = [part for part in parts if part.pk != main.pk]

    def apply(main: Appeal) -> None:
        now = timezone.now()
        main.consolidated_at = now
        if main.status == S.ANSWERED:
            main.rating_requested_at = now
            main.rating_reminded_at = None

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.CONSOLIDATE_ANSWERS,
        actor=actor,
        check=check,
        apply=apply,
    )
    main = outcome.appeal
    parts = [main, *found["parts"]]
    outcome.event.data = {"parts": [part.number for part in parts]}
    outcome.event.save(update_fields=["data"])
    Appeal.objects.filter(copy_of=main.pk, status=S.ANSWERED).update(
        rating_requested_at=main.consolidated_at, rating_reminded_at=None
    )
    with_text = main.answer_by_email and answer_email_allowed(main.citizen)
    answers = {}
    for part in parts:
        answer = part.answers.order_by("-review_round").first()
        answers[part.pk] = answer
    notify_citizen(
        appeal=main,
        template="answered_all",
        context={
            "parts": [
                {
                    "organization": part.organization.name,
                    "answered": answers[part.pk] is not None,
                    **(
                        {"answer_text": answers[part.pk].text}
                        if with_text and answers[part.pk]
                        else {}
                    ),
                }
                for part in parts
            ]
        },
    )
    return main
