"""Outages as the publish service leaves them (for tests of what reads them)."""

from datetime import timedelta

import factory
from django.utils import timezone

from outages.models import Outage
from tests.organizations.factories import MunicipalityFactory, OrganizationFactory


class OutageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outage
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    region = factory.LazyAttribute(lambda outage: outage.organization.region)
    municipality = factory.SubFactory(
        MunicipalityFactory, region=factory.SelfAttribute("..organization.region")
    )
    kind = Outage.Kind.WATER
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    ends_at = factory.LazyAttribute(lambda outage: outage.starts_at + timedelta(hours=10))
    description = "Замена задвижки на водоводе по ул. Ленинской."

    @factory.post_generation
    def houses(outage, create, extracted, **kwargs):
        if create and extracted:
            outage.houses.set(extracted)
