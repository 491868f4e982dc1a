from datetime import date
from decimal import Decimal

import factory

from organizations.models import ServiceKind
from places.models import House, ServiceTerritory, Settlement, Street
from tests.organizations.factories import MunicipalityFactory, OrganizationFactory


class SettlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Settlement

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Посёлок {n}")
    kind = Settlement.Kind.CITY


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    settlement = factory.SubFactory(SettlementFactory)
    name = factory.Sequence(lambda n: f"Улица {n}")
    kind = "ул."


class HouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = House

    street = factory.SubFactory(StreetFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    latitude = Decimal("53.02000")
    longitude = Decimal("158.65000")


class ServiceTerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceTerritory

    kind = ServiceKind.MANAGEMENT_COMPANY
    organization = factory.SubFactory(OrganizationFactory)
    valid_from = date(2024, 1, 1)
