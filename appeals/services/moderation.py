"""Moderation: the regional moderator registers, rejects or merges submitted appeals (3-day window)."""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import permissions
from appeals.deadlines import term_of
from appeals.identification import appeal_assurance
from appeals.models import Appeal, Event, Ground
from appeals.notices import notify_citizen
from appeals.services.common import fresh_due_at, local_date
from appeals.workflow import transition
from core.errors import DomainError, NotAllowed
from core.outbox import notify
from organizations.errors import RoutingError
from organizations.models import Category, Organization
from organizations.selectors import Route
from places.selectors import route_appeal
from regimes.selectors import resolve_regime
from reporting.selectors import topic_id_for


def _check_moderator(moderator):
    def check(appeal: Appeal) -> None:
        if not permissions.can_moderate(moderator, appeal):
            raise NotAllowed(_("Only a moderator of the appeal's region may do this."))

    return check


@transaction.atomic
def accept_appeal(
    *,
    moderator,
    appeal_id: int,
    organization: Organization | None = None,
    category: Category | None = None,
    comment: str = "",
    copies: Sequence[Organization] = (),
    tell_citizen: bool = True,
) -> Appeal:
    """Register a submitted appeal and route it.

    The moderator may correct the category and choose the organization; otherwise the routing rules
    decide. Effect: `registered`, the answer term starts (`due_at`), the citizen is told the number,
    the organization and the due date. `copies`: other competent organizations that each get a
    copy for their part (appeals/services/copies.py), in the same transaction: a refused copy
    leaves the appeal unregistered. `tell_citizen=False` registers a copy, whose notice is the
    main appeal's.
    """

    def check(appeal: Appeal) -> None:
        _check_moderator(moderator)(appeal)
        chosen_category = category or appeal.category
        if chosen_category.parent_id is None:
            raise DomainError(_("Choose a category, not a whole section."))
        if organization is not None and (
            organization.region_id != appeal.region_id or not organization.is_active
        ):
            raise DomainError(
                _("The organization must be an active participant of the appeal's region.")
            )

    def apply(appeal: Appeal) -> None:
        if category is not None:
            appeal.category = category
        # The moderator's choice; else the body proposed at filing (the supervising body of a
        # complaint about an answer, the organization of the addressed official); else the
        # address registry, then the routing rules.
        if organization is not None:
            appeal.organization = organization
        elif appeal.organization_id is not None:
            data["route"] = Route.Source.PROPOSED
        else:
            try:
                route = route_appeal(
                    category=appeal.category, municipality=appeal.municipality, house=appeal.house
                )
            except RoutingError as error:
                raise DomainError(str(error)) from error
            appeal.organization = route.organization
            data["route"] = route.source
            data["route_reason"] = route.reason
        if appeal.organization_id == appeal.complained_organization_id:
            raise DomainError(
                _("The appeal complains about «%(organization)s» and cannot be sent to it.")
                % {"organization": appeal.organization}
            )
        appeal.registered_at = timezone.now()
        # The rules in force when the citizen filed, for this category at this kind of body and
        # for an author identified as the channel allows: kept for the appeal's whole life,
        # whatever an administrator changes later.
        resolution = resolve_regime(
            category_id=appeal.category_id,
            parent_id=appeal.category.parent_id,
            organization_kind=appeal.organization.kind,
            as_of=appeal.submitted_at,
            channel=appeal.channel,
            assurance=appeal_assurance(channel=appeal.channel, citizen=appeal.citizen),
        )
        appeal.regime_version = resolution.version
        appeal.official_regime_version = resolution.official
        appeal.due_at = fresh_due_at(appeal, appeal.registered_at)
        # The heading of the federal classifier it is reported under (Decree 171).
        appeal.topic_id = topic_id_for(category_id=appeal.category_id)
        data["organization"] = appeal.organization_id

    # apply() adds how the organization was found, before the event is written
    data = {
        "category_changed": category is not None,
        "organization_chosen": organization is not None,
    }
    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.ACCEPT,
        actor=moderator,
        check=check,
        apply=apply,
        comment=comment,
        data=data,
    )
    appeal = outcome.appeal
    if outcome.changed and copies:
        from appeals.services.copies import send_copies  # copies register through this function

        send_copies(moderator=moderator, appeal_id=appeal.pk, organizations=copies, comment=comment)
    if outcome.changed and tell_citizen:
        notify_citizen(
            appeal=appeal,
            template="registered",
            context={
                "organization": appeal.organization.name,
                "due": local_date(appeal, appeal.due_at),
                "term_days": term_of(appeal)[0],
            },
        )
    return appeal


@transaction.atomic
def reject_appeal(*, moderator, appeal_id: int, ground: str, comment: str = "") -> Appeal:
    """Refuse to register an appeal on a coded ground; the citizen gets the templated notice."""
    if ground not in Ground.values:
        raise DomainError(_("Choose a ground from the list."))

    def apply(appeal: Appeal) -> None:
        appeal.ground = ground
        appeal.closed_at = timezone.now()

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.REJECT,
        actor=moderator,
        check=_check_moderator(moderator),
        apply=apply,
        reason_code=ground,
        comment=comment,
    )
    appeal = outcome.appeal
    if outcome.changed:
        notify(
            recipient=appeal.citizen,
            appeal=appeal,
            template="rejected",
            context={"ground": ground, "comment": comment},
        )
    return appeal


@transaction.atomic
def mark_duplicate(*, moderator, appeal_id: int, original_number: str, comment: str = "") -> Appeal:
    """Reject a submitted appeal as a duplicate of an earlier one of the same citizen or problem."""
    original = Appeal.objects.filter(number=original_number.strip()).first()
    if original is None or original.pk == appeal_id:
        raise DomainError(
            _("There is no other appeal with number «%(number)s».") % {"number": original_number}
        )

    def check(appeal: Appeal) -> None:
        _check_moderator(moderator)(appeal)
        if original.region_id != appeal.region_id:
            raise DomainError(_("The original appeal belongs to another region."))

    def apply(appeal: Appeal) -> None:
        appeal.ground = Ground.DUPLICATE
        appeal.duplicate_of = original
        appeal.closed_at = timezone.now()

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.REJECT,
        actor=moderator,
        check=check,
        apply=apply,
        reason_code=Ground.DUPLICATE,
        comment=comment,
        data={"duplicate_of": original.number},
    )
    appeal = outcome.appeal
    if outcome.changed:
        notify(
            recipient=appeal.citizen,
            appeal=appeal,
            template="rejected",
            context={
                "ground": Ground.DUPLICATE,
                "comment": comment,
                "original": original.number,
            },
        )
    return appeal
