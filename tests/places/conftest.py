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
