"""Helpers shared by the appeal services."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from appeals import deadlines
from appeals.models import Appeal
from core.errors import DomainError


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
