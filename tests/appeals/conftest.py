from dataclasses import dataclass

import pytest
from django.utils import timezone

from organizations.models import Membership, Organization
from regimes.models import Regime, RegimeRule
from tests.accounts.factories import UserFactory
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RoutingRuleFactory,
)


@dataclass
class World:
    region: object
    municipality: object
    category: object
    organization: object
    other_organization: object
    citizen: object
    executor: object
    head: object
    moderator: object


@pytest.fixture
def world(region, organization, citizen, executor, head, moderator):
    """One region with a routed category, two organizations and a person for every role."""
    municipality = MunicipalityFactory(
        region=region, name="Петропавловск-Камчатский городской округ"
    )
    category = CategoryFactory(
        name="Уборка снега и наледи", parent__name="Дороги", term_days=10, is_priority=True
    )
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=organization, region=region
    )
    other = OrganizationFactory(
        region=region, name="Министерство транспорта и дорожного строительства"
    )
    return World(
        region, municipality, category, organization, other, citizen, executor, head, moderator
    )


@pytest.fixture
def other_executor(world):
    user = UserFactory(email="other.executor@example.ru")
    MembershipFactory(
        user=user, organization=world.other_organization, role=Membership.Role.EXECUTOR
    )
    return user


@pytest.fixture
def demo_rules(world):
    """The demo's rules: 59-FZ anywhere, housing rules at management companies, messages for
    the pressing category of the world (its term is 10 days)."""
    regimes = {regime.code: regime for regime in Regime.objects.all()}
    # 547-FZ: the tests using these rules are about terms; identification has its own
    world.citizen.identity_verified_at = timezone.now()
    world.citizen.save()
    RegimeRule.objects.create(regime=regimes["59-fz"])
    RegimeRule.objects.create(
        regime=regimes["housing"], organization_kind=Organization.Kind.MANAGEMENT_COMPANY
    )
    RegimeRule.objects.create(regime=regimes["message"], category=world.category)
    return regimes
