"""Shared by the installable web app's browser tests."""

from tests.accounts.factories import UserFactory
from tests.organizations.factories import (
    CategoryFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
    RoutingRuleFactory,
)


def make_villager(settings):
    """A citizen of a Kamchatka village with a name and an address (the form opens at once), and
    a category that routes in their municipality."""
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(region=region, name="Мильковский муниципальный округ")
    category = CategoryFactory(name="Уборка снега и наледи", parent__name="Дороги", term_days=10)
    organization = OrganizationFactory(region=region)
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=organization, region=region
    )
    return UserFactory(
        email="anna@example.ru",
        last_name="Иванова",
        first_name="Анна",
        postal_address="684300, с. Мильково, ул. Ленинская, 1",
        municipality=municipality,
    )


def wait_controlled(page) -> None:
    """Until the service worker controls the page (its activation claims the open pages)."""
    assert page.evaluate(
        """() => navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller
          ? true
          : new Promise((done) => navigator.serviceWorker.addEventListener(
              "controllerchange", () => done(true))))"""
    )
