"""Writes of the organizations app that staff make outside the admin: the officials an
organization lists, kept by its head (the staff dashboard, /staff/officials/)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotAllowed
from organizations.models import Membership, Official
from organizations.selectors import organization_scope

NAME_MAX = Official._meta.get_field("name").max_length
POSITION_MAX = Official._meta.get_field("position").max_length
ORDER_MAX = 32767


def headed_organization_ids(user) -> set[int]:
    """The organizations whose officials `user` keeps: those they head, and those below them."""
    return organization_scope(user=user)[1]


def _check(*, head, organization_id: int, name: str, position: str, membership, order: int):
    if organization_id not in headed_organization_ids(head):
        raise NotAllowed(_("Only the head of the organization may change its officials."))
    if not name:
        raise DomainError(_("Enter the official's full name."))
    if not position:
        raise DomainError(_("Enter the official's position."))
    if len(name) > NAME_MAX or len(position) > POSITION_MAX:
        raise DomainError(_("The name or the position is too long."))
    if not 0 <= order <= ORDER_MAX:
        raise DomainError(_("The order is a number from 0 to 32767."))
    if membership is not None and (
        membership.organization_id != organization_id
        or membership.role not in Membership.ORGANIZATION_ROLES
    ):
        raise DomainError(_("Choose a staff member of this organization."))


@transaction.atomic
def add_official(
    *,
    head,
    organization_id: int,
    name: str,
    position: str,
    membership: Membership | None = None,
    order: int = 0,
    is_active: bool = True,
) -> Official:
    """The head lists a new official of an organization they head; citizens may address them."""
    name, position = name.strip(), position.strip()
    _check(
        head=head,
        organization_id=organization_id,
        name=name,
        position=position,
        membership=membership,
        order=order,
    )
    return Official.objects.create(
        organization_id=organization_id,
        name=name,
        position=position,
        membership=membership,
        order=order,
        is_active=is_active,
    )


@transaction.atomic
def change_official(
    *,
    head,
    official_id: int,
    name: str,
    position: str,
    membership: Membership | None = None,
    order: int = 0,
    is_active: bool = True,
) -> Official:
    """The head corrects an official, links their staff account, reorders or unlists them.

    An unlisted official is no longer offered to citizens; appeals already addressed to them keep
    the address, and a complaint about their actions still never reaches them.
    """
    official = Official.objects.select_for_update().filter(pk=official_id).first()
    if official is None:
        raise NotAllowed(_("Only the head of the organization may change its officials."))
    name, position = name.strip(), position.strip()
    _check(
        head=head,
        organization_id=official.organization_id,
        name=name,
        position=position,
        membership=membership,
        order=order,
    )
    official.name = name
    official.position = position
    official.membership = membership
    official.order = order
    official.is_active = is_active
    official.save()
    return official
