"""Helpers shared by the appeal services."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from appeals import deadlines, permissions
from appeals.models import Appeal
from core.errors import DomainError, NotAllowed


def local_date(appeal: Appeal, moment: datetime | None) -> str:
    """A date as the citizen reads it: in the region's time zone, dd.mm.yyyy."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(appeal.region.timezone)).strftime("%d.%m.%Y")


def fresh_due_at(appeal: Appeal, start: datetime) -> datetime:
    """The appeal's full term counted from `start` (registration, an early redirect, a re-review)."""
    days, day_count = deadlines.term_of(appeal)
    return deadlines.due_at(
        start=start, days=days, region_timezone=appeal.region.timezone, day_count=day_count
    )


def lock_appeal(appeal_id: int) -> Appeal:
    """The appeal row, locked before a service reads what hangs on it (its open requests), so two
    requests about one appeal run one after the other; transition() then finds it locked already."""
    return Appeal.objects.select_for_update(of=("self",)).get(pk=appeal_id)


def staff_check(actor):
    """A transition check: the actor works on the appeal (its organization's executors and heads)."""

    def check(appeal: Appeal) -> None:
        if not permissions.can_work_on(actor, appeal):
            raise NotAllowed()

    return check


def check_receiving_organization(appeal: Appeal, organization) -> None:
    """An organization that is to review `appeal` (a redirect, a copy): an active participant of
    its region, and never the organization it complains about."""
    if organization.pk == appeal.complained_organization_id:
        raise DomainError(
            _("The appeal complains about «%(organization)s» and cannot be sent to it.")
            % {"organization": organization}
        )
    if organization.region_id != appeal.region_id or not organization.is_active:
        raise DomainError(
            _("The organization must be an active participant of the appeal's region.")
        )
