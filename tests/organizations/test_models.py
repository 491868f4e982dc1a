import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from organizations.models import Category, Membership
from organizations.validators import is_valid_inn, is_valid_ogrn, validate_inn, validate_ogrn
from tests.accounts.factories import UserFactory
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RoutingRuleFactory,
)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("7707083893", True),  # Sberbank, a published legal-entity INN
        ("7707083894", False),  # last digit changed
        ("500100732259", True),  # a 12-digit INN of an individual
        ("500100732258", False),
        ("770708389", False),  # too short
        ("77070838931", False),  # 11 digits is no INN
        ("77070838a3", False),
    ],
)
def test_inn_check_digits(value, valid):
    assert is_valid_inn(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("1027700132195", True),  # Sberbank
        ("1027700132196", False),
        ("304500116000157", True),  # a 15-digit OGRNIP
        ("304500116000158", False),
        ("102770013219", False),
    ],
)
def test_ogrn_check_digits(value, valid):
    assert is_valid_ogrn(value) is valid


def test_validators_explain_format_and_checksum_errors_separately():
    with pytest.raises(ValidationError) as format_error:
        validate_inn("123")
    assert format_error.value.code == "inn_format"
    with pytest.raises(ValidationError) as checksum_error:
        validate_ogrn("1027700132196")
    assert checksum_error.value.code == "ogrn_checksum"


@pytest.mark.django_db
def test_organization_full_clean_rejects_a_wrong_inn():
    organization = OrganizationFactory.build(inn="7707083894", region=OrganizationFactory().region)
    with pytest.raises(ValidationError) as error:
        organization.full_clean()
    assert "inn" in error.value.message_dict


@pytest.mark.django_db
def test_organization_cannot_be_subordinate_to_its_own_child():
    parent = OrganizationFactory()
    child = OrganizationFactory(parent=parent, region=parent.region)
    parent.parent = child
    with pytest.raises(ValidationError):
        parent.clean()


@pytest.mark.django_db
def test_category_term_is_limited_by_the_database():
    with pytest.raises(IntegrityError):
        CategoryFactory(term_days=45)


@pytest.mark.django_db
def test_category_tree_has_two_levels():
    category = CategoryFactory()
    grandchild = Category(parent=category, name="Третий уровень", slug="third")
    with pytest.raises(ValidationError):
        grandchild.clean()


@pytest.mark.django_db
def test_one_routing_rule_per_category_and_municipality():
    rule = RoutingRuleFactory()
    with pytest.raises(IntegrityError):
        RoutingRuleFactory(
            category=rule.category, municipality=rule.municipality, organization=rule.organization
        )


@pytest.mark.django_db
def test_one_fallback_rule_per_category_and_region():
    rule = RoutingRuleFactory(municipality=None)
    with pytest.raises(IntegrityError):
        RoutingRuleFactory(
            category=rule.category, municipality=None, organization=rule.organization
        )


@pytest.mark.django_db
def test_routing_rule_must_stay_in_its_region():
    rule = RoutingRuleFactory.build(
        category=CategoryFactory(),
        organization=OrganizationFactory(),
        municipality=MunicipalityFactory(region__code="25", region__name="Приморский край"),
    )
    rule.region = rule.organization.region
    with pytest.raises(ValidationError) as error:
        rule.clean()
    assert "municipality" in error.value.message_dict


@pytest.mark.django_db
def test_membership_scope_must_match_the_role(region):
    user = UserFactory()
    with pytest.raises(IntegrityError):
        MembershipFactory(
            user=user, role=Membership.Role.MODERATOR
        )  # a moderator with an organization


@pytest.mark.django_db
def test_membership_is_unique_per_user_organization_and_role():
    membership = MembershipFactory(user=UserFactory())
    with pytest.raises(IntegrityError):
        MembershipFactory(user=membership.user, organization=membership.organization)
