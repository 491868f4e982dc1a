import pytest

from organizations import permissions
from organizations.errors import RoutingError
from organizations.models import Membership
from organizations.selectors import route_appeal, staff_organizations, staff_regions
from tests.accounts.factories import UserFactory
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RoutingRuleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return CategoryFactory(name="Отсутствие отопления", term_days=10, is_priority=True)


@pytest.fixture
def municipality(region):
    return MunicipalityFactory(region=region, name="Елизовский муниципальный район")


def test_route_appeal_uses_the_municipality_rule_before_the_fallback(
    region, category, municipality
):
    ministry = OrganizationFactory(region=region, name="Министерство ЖКХ")
    heat_supplier = OrganizationFactory(region=region, name="Теплоснабжающая организация")
    RoutingRuleFactory(category=category, municipality=None, organization=ministry)
    RoutingRuleFactory(category=category, municipality=municipality, organization=heat_supplier)
    assert route_appeal(category=category, municipality=municipality) == heat_supplier


def test_route_appeal_falls_back_to_the_region_wide_rule(region, category, municipality):
    ministry = OrganizationFactory(region=region, name="Министерство ЖКХ")
    RoutingRuleFactory(category=category, municipality=None, organization=ministry)
    assert route_appeal(category=category, municipality=municipality) == ministry


def test_route_appeal_ignores_a_fallback_of_another_region(region, category, municipality):
    other = OrganizationFactory(region__code="25", region__name="Приморский край")
    RoutingRuleFactory(category=category, municipality=None, organization=other)
    with pytest.raises(RoutingError):
        route_appeal(category=category, municipality=municipality)


def test_route_appeal_skips_an_inactive_organization(region, category, municipality):
    ministry = OrganizationFactory(region=region)
    closed = OrganizationFactory(region=region, is_active=False)
    RoutingRuleFactory(category=category, municipality=None, organization=ministry)
    RoutingRuleFactory(category=category, municipality=municipality, organization=closed)
    assert route_appeal(category=category, municipality=municipality) == ministry


def test_route_appeal_without_a_rule_explains_itself(category, municipality):
    with pytest.raises(RoutingError) as error:
        route_appeal(category=category, municipality=municipality)
    assert "Отсутствие отопления" in str(error.value)
    assert "Елизовский" in str(error.value)


def test_executor_sees_only_own_organization(organization, executor):
    OrganizationFactory(parent=organization, region=organization.region)
    assert list(staff_organizations(user=executor)) == [organization]


def test_head_also_sees_subordinate_organizations_at_any_depth(organization, head):
    school = OrganizationFactory(parent=organization, region=organization.region, name="Школа № 1")
    canteen = OrganizationFactory(
        parent=school, region=organization.region, name="Столовая школы № 1"
    )
    unrelated = OrganizationFactory(region=organization.region)
    visible = set(staff_organizations(user=head))
    assert visible == {organization, school, canteen}
    assert unrelated not in visible


def test_citizen_has_no_staff_scope(citizen):
    assert not staff_organizations(user=citizen).exists()


def test_staff_regions_of_a_moderator(moderator, region):
    assert list(staff_regions(user=moderator, role=Membership.Role.MODERATOR)) == [region]
    assert not staff_regions(user=moderator, role=Membership.Role.ANALYST).exists()


def test_role_predicates(citizen, executor, head, moderator, analyst, platform_admin):
    assert not permissions.is_organization_staff(citizen)
    assert permissions.is_citizen(citizen)
    assert permissions.is_executor(executor) and not permissions.is_head(executor)
    assert permissions.is_head(head) and permissions.is_organization_staff(head)
    assert permissions.is_moderator(moderator) and not permissions.is_organization_staff(moderator)
    assert permissions.is_analyst(analyst) and not permissions.is_moderator(analyst)
    assert permissions.is_platform_admin(platform_admin) and not permissions.is_platform_admin(head)


def test_one_person_may_hold_several_roles(organization, region):
    person = UserFactory()
    MembershipFactory(user=person, organization=organization, role=Membership.Role.HEAD)
    MembershipFactory(user=person, organization=None, region=region, role=Membership.Role.ANALYST)
    assert permissions.is_head(person) and permissions.is_analyst(person)
