from datetime import timedelta

import pytest
from django.utils import timezone

from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals import conftest as appeals_conftest
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.places.factories import HouseFactory, SettlementFactory, StreetFactory

world = appeals_conftest.world  # the appeals tests' region, routed category and people
other_executor = appeals_conftest.other_executor


@pytest.fixture(autouse=True)
def platform_region(settings, region):
    settings.PLATFORM_REGION_CODE = region.code


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def city(world):
    return SettlementFactory(municipality=world.municipality, name="Петропавловск-Камчатский")


@pytest.fixture
def leninskaya(city):
    return StreetFactory(settlement=city, name="Ленинская")


@pytest.fixture
def house_a(leninskaya):
    return HouseFactory(street=leninskaya, number="12", latitude="53.01712", longitude="158.65050")


@pytest.fixture
def house_b(leninskaya):
    return HouseFactory(street=leninskaya, number="14", latitude="53.01750", longitude="158.65110")


@pytest.fixture
def supplier(world):
    """The water supplier: publishes outages; its executor is the publishing staff."""
    return OrganizationFactory(
        region=world.region, name="КГУП «Камчатский водоканал»", kind="resource_supplier"
    )


@pytest.fixture
def supplier_executor(supplier):
    user = UserFactory(email="dispatcher@vodokanal.example.ru")
    MembershipFactory(user=user, organization=supplier, role=Membership.Role.EXECUTOR)
    return user


@pytest.fixture
def period():
    """Under way: began two hours ago, ends in eight."""
    now = timezone.now().replace(microsecond=0)
    return now - timedelta(hours=2), now + timedelta(hours=8)
