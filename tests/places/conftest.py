import pytest

from tests.appeals import conftest as appeals_conftest
from tests.places.factories import HouseFactory, SettlementFactory, StreetFactory

world = appeals_conftest.world  # the appeals tests' region, routed category and people


@pytest.fixture(autouse=True)
def platform_region(settings, region):
    settings.PLATFORM_REGION_CODE = region.code


@pytest.fixture
def city(world):
    return SettlementFactory(municipality=world.municipality, name="Петропавловск-Камчатский")


@pytest.fixture
def leninskaya(city):
    return StreetFactory(settlement=city, name="Ленинская")


@pytest.fixture
def house(leninskaya):
    return HouseFactory(
        street=leninskaya, number="12", fias_id="0c5b2444-70a0-4932-980c-b4dc0d3f02b5"
    )


@pytest.fixture
def entrance(world):
    """«ЖКХ → Содержание подъездов»: the management company of the house answers; the rule sends
    it to the municipal administration."""
    from organizations.models import ServiceKind
    from tests.organizations.factories import CategoryFactory, RoutingRuleFactory

    category = CategoryFactory(
        name="Содержание подъездов и придомовой территории",
        parent__name="ЖКХ",
        served_by=ServiceKind.MANAGEMENT_COMPANY,
    )
    RoutingRuleFactory(
        category=category,
        municipality=world.municipality,
        organization=world.organization,
        region=world.region,
    )
    return category


@pytest.fixture
def company(world):
    from tests.organizations.factories import OrganizationFactory

    return OrganizationFactory(
        region=world.region, name="ООО «УК „Авача“»", kind="management_company"
    )
