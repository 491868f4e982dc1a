"""Who sees which statistics: analysts their regions, heads their organizations, admins all."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from organizations import permissions
from organizations.models import Membership, Organization
from organizations.selectors import organization_scope


@dataclass(frozen=True)
class Scope:
    region_ids: frozenset[int] | None  # None: every region
    organization_ids: frozenset[int] | None  # None: every organization (and unrouted appeals)

    def q(self) -> Q:
        q = Q()
        if self.region_ids is not None:
            q &= Q(region_id__in=self.region_ids)
        if self.organization_ids is not None:
            q &= Q(organization_id__in=self.organization_ids)
        return q

    @property
    def is_organizations(self) -> bool:
        return self.organization_ids is not None


def can_view_analytics(user) -> bool:
    return (
        permissions.is_platform_admin(user)
        or permissions.is_analyst(user)
        or permissions.is_head(user)
    )


def analytics_scope(*, user) -> Scope | None:
    """The statistics `user` may see; None when none. An analyst's regions win over headed organizations."""
    if permissions.is_platform_admin(user):
        return Scope(None, None)
    if permissions.is_analyst(user):
        regions = frozenset(
            Membership.objects.filter(
                user=user, role=Membership.Role.ANALYST, region__isnull=False
            ).values_list("region_id", flat=True)
        )
        return Scope(regions, None)
    if permissions.is_head(user):
        _works, headed = organization_scope(user=user)
        regions = frozenset(
            Organization.objects.filter(id__in=headed).values_list("region_id", flat=True)
        )
        return Scope(regions, frozenset(headed))
    return None
