"""Appeals addressed to an official, and complaints about an official's actions.

A complaint about an official's actions never reaches that official: no one assigns it to them,
they cannot take it, answer it or sign its answer (as a complaint is never sent to the
organization it complains about). The rule is checked here, by every service that would make the
official's staff account review the appeal, not only hidden in the pages.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from appeals import permissions
from appeals.models import Appeal, Event
from appeals.workflow import transition
from core.errors import DomainError, NotAllowed
from organizations.models import Official


def complained_user_id(appeal: Appeal) -> int | None:
    """The staff account of the official the appeal complains about (None: none, or not linked)."""
    if appeal.complained_official_id is None:
        return None
    return (
        Official.objects.filter(pk=appeal.complained_official_id)
        .values_list("membership__user_id", flat=True)
        .first()
    )


def is_complained_official(appeal: Appeal, user) -> bool:
    return user is not None and user.pk is not None and complained_user_id(appeal) == user.pk


def check_not_complained_official(appeal: Appeal, user) -> None:
    """Refuse `user` a move that would make them review, answer or sign a complaint about
    their own actions."""
    if is_complained_official(appeal, user):
        official = Official.objects.get(pk=appeal.complained_official_id)
        raise DomainError(
            _(
                "The appeal complains about the actions of %(official)s: they may not review it, "
                "answer it or sign its answer."
            )
            % {"official": official.name}
        )


@transaction.atomic
def mark_complaint_about_official(*, moderator, appeal_id: int, official: Official) -> Appeal:
    """The moderator records that the appeal complains about the actions of `official`.

    Precondition: the appeal is not answered yet and the official belongs to an organization of
    the appeal's region. Effect: from now on the official's staff account may not be assigned the
    appeal, take it, answer it or sign its answer; if it was theirs already, it is taken from
    them (the head assigns another executor).
    """
    result = {}

    def check(appeal: Appeal) -> None:
        if not permissions.can_moderate(moderator, appeal):
            raise NotAllowed(_("Only a moderator of the appeal's region may do this."))
        if official.organization.region_id != appeal.region_id:
            raise DomainError(_("Choose an official of an organization of the appeal's region."))
        if appeal.complained_official_id == official.pk:
            raise DomainError(_("The appeal is already marked as a complaint about this official."))

    def apply(appeal: Appeal) -> None:
        appeal.complained_official = official
        if appeal.executor_id is not None and appeal.executor_id == (
            official.membership.user_id if official.membership_id else None
        ):
            appeal.executor = None
            result["executor_removed"] = True

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.COMPLAINT_ABOUT_OFFICIAL,
        actor=moderator,
        check=check,
        apply=apply,
        is_public=False,
        comment=str(official),
        data={"official": official.pk},
    )
    if result.get("executor_removed"):
        outcome.event.data = {**outcome.event.data, "executor_removed": True}
        outcome.event.save(update_fields=["data"])
    return outcome.appeal
