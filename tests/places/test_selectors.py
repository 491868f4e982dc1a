from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.errors import RoutingError
from organizations.models import ServiceKind
from organizations.selectors import Route
from places.selectors import match_house, route_appeal, suggest_houses
from tests.organizations.factories import CategoryFactory, OrganizationFactory, RoutingRuleFactory
from tests.places.factories import HouseFactory, ServiceTerritoryFactory, StreetFactory

pytestmark = pytest.mark.django_db


def test_routing_by_house_beats_the_municipality_rule(world, entrance, house, company):
    ServiceTerritoryFactory(organization=company, house=house)
    route = route_appeal(category=entrance, municipality=world.municipality, house=house)
    assert route.organization == company and route.source == Route.Source.REGISTRY
    assert route.reason == "по реестру адресов: дом ул. Ленинская, 12 обслуживает ООО «УК „Авача“»"


def test_a_house_without_a_company_falls_back_to_the_rule(world, entrance, house, company):
    ServiceTerritoryFactory(organization=company, house=HouseFactory(street=house.street))
    route = route_appeal(category=entrance, municipality=world.municipality, house=house)
    assert route.organization == world.organization and route.source == Route.Source.RULE
    assert route.reason == "по правилу маршрутизации: категория × муниципалитет"


@time_machine.travel("2026-12-01 12:00 +12:00", tick=False)
def test_an_ended_or_future_contract_does_not_route(world, entrance, house, company):
    ServiceTerritoryFactory(
        organization=company, house=house, valid_from=date(2021, 1, 1), valid_to=date(2025, 12, 31)
    )
    ServiceTerritoryFactory(
        organization=OrganizationFactory(region=world.region),
        house=house,
        valid_from=date(2027, 1, 1),
    )
    route = route_appeal(category=entrance, municipality=world.municipality, house=house)
    assert route.organization == world.organization

    successor = OrganizationFactory(region=world.region, name="ТСЖ «Ленинская, 12»")
    ServiceTerritoryFactory(organization=successor, house=house, valid_from=date(2026, 1, 1))
    assert (
        route_appeal(category=entrance, municipality=world.municipality, house=house).organization
        == successor
    )


def test_an_inactive_company_is_skipped(world, entrance, house, company):
    company.is_active = False
    company.save()
    ServiceTerritoryFactory(organization=company, house=house)
    route = route_appeal(category=entrance, municipality=world.municipality, house=house)
    assert route.organization == world.organization


def test_a_category_without_a_service_ignores_the_registry(world, house, company):
    ServiceTerritoryFactory(organization=company, house=house)
    route = route_appeal(category=world.category, municipality=world.municipality, house=house)
    assert route.organization == world.organization


def test_an_area_territory_serves_its_houses_and_a_house_one_wins(world, house, city, company):
    heating = CategoryFactory(name="Отсутствие отопления", served_by=ServiceKind.HEAT_SUPPLIER)
    supplier = OrganizationFactory(region=world.region, name="ПАО «Камчатскэнерго»")
    ServiceTerritoryFactory(kind=ServiceKind.HEAT_SUPPLIER, organization=supplier, settlement=city)
    route = route_appeal(category=heating, municipality=world.municipality, house=house)
    assert route.organization == supplier
    assert route.reason == (
        "по реестру адресов: г. Петропавловск-Камчатский, где находится дом ул. Ленинская, 12, "
        "обслуживает ПАО «Камчатскэнерго»"
    )
    own = OrganizationFactory(region=world.region, name="Котельная дома")
    ServiceTerritoryFactory(kind=ServiceKind.HEAT_SUPPLIER, organization=own, house=house)
    assert (
        route_appeal(category=heating, municipality=world.municipality, house=house).organization
        == own
    )


def test_the_region_wide_rule_says_so_and_no_rule_is_an_error(world, house):
    category = CategoryFactory(served_by=ServiceKind.WASTE_OPERATOR)
    with pytest.raises(RoutingError):
        route_appeal(category=category, municipality=world.municipality, house=house)
    RoutingRuleFactory(category=category, municipality=None, organization=world.other_organization)
    route = route_appeal(category=category, municipality=world.municipality, house=house)
    assert route.organization == world.other_organization and route.source == Route.Source.FALLBACK
    assert route.reason == "по общему для региона правилу маршрутизации категории"


def test_typed_text_names_one_house(world, house, leninskaya):
    building = HouseFactory(street=leninskaya, number="12", building="2")
    HouseFactory(
        street=StreetFactory(settlement=leninskaya.settlement, name="Советская"), number="12"
    )
    municipality = world.municipality.pk
    assert match_house(text="ул. Ленинская, д. 12", municipality_id=municipality) == house
    assert (
        match_house(text="Ленинская 12, у второго подъезда", municipality_id=municipality) == house
    )
    assert (
        match_house(
            text="г. Петропавловск-Камчатский, ул. Ленинская, 12, корп. 2",
            municipality_id=municipality,
        )
        == building
    )
    assert match_house(text="ЛЕНИНСКАЯ 12к2", municipality_id=municipality) == building
    assert match_house(text="Ленинская, 13", municipality_id=municipality) is None
    assert match_house(text="12", municipality_id=municipality) is None
    assert match_house(text="Ленинская 12 и Советская 12", municipality_id=municipality) is None
    assert (
        match_house(text="Ленинская 12", municipality_id=world.other_organization.pk + 999) is None
    )


def test_suggestions_follow_the_typed_words(world, house, leninskaya):
    HouseFactory(street=leninskaya, number="14")
    other = HouseFactory(
        street=StreetFactory(settlement=leninskaya.settlement, name="Ленина"), number="1"
    )
    found = suggest_houses(text="ленин", municipality_id=world.municipality.pk)
    assert {h.short_label for h in found} == {
        "ул. Ленинская, 12",
        "ул. Ленинская, 14",
        "ул. Ленина, 1",
    }
    assert suggest_houses(text="Лёнинская 1", municipality_id=world.municipality.pk)[0] == house
    assert suggest_houses(text="ул. ленина", municipality_id=world.municipality.pk) == [other]
    assert suggest_houses(text="ленин", municipality_id=world.municipality.pk + 1000) == []
    assert suggest_houses(text="ул.", municipality_id=world.municipality.pk) == []


def test_registry_routes_for_a_page_cost_one_query(world, entrance, company, leninskaya):
    from places.selectors import house_routes, houses

    made = [HouseFactory(street=leninskaya) for _ in range(5)]
    for house in made:
        ServiceTerritoryFactory(organization=company, house=house)
    loaded = list(houses().filter(pk__in=[h.pk for h in made]))
    with CaptureQueriesContext(connection) as queries:
        routes = house_routes(pairs={(h, ServiceKind.MANAGEMENT_COMPANY) for h in loaded})
    assert len(queries) == 1 and len(routes) == 5
    assert {route.organization for route in routes.values()} == {company}
