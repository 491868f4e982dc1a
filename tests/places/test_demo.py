"""The demo registry of `manage.py load_demo`: three settlements, thousands of houses, who serves them."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from organizations.models import Category, ServiceKind
from organizations.selectors import Route
from places.models import House, ServiceTerritory, Settlement
from places.selectors import match_house, route_appeal

BOXES = {  # rough bounds of the real towns
    "Петропавловск-Камчатский": ((52.95, 53.12), (158.55, 158.72)),
    "Елизово": ((53.14, 53.23), (158.33, 158.45)),
    "Вилючинск": ((52.90, 52.97), (158.34, 158.46)),
}


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, force=True, appeals=0)
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_registry_routes_by_house_and_a_second_run_adds_nothing():
    output = _load()
    assert "Реестр адресов: 3 населённых пункта" in output
    settlements = {s.name: s for s in Settlement.objects.select_related("municipality")}
    assert set(settlements) == set(BOXES)
    assert settlements["Елизово"].municipality.name == "Елизовский муниципальный район"
    total = House.objects.count()
    assert 2500 <= total <= 4000
    for name, ((lat0, lat1), (lon0, lon1)) in BOXES.items():
        houses = House.objects.filter(street__settlement__name=name)
        assert houses.filter(latitude__isnull=True).count() == 0
        assert not houses.exclude(
            latitude__range=(Decimal(lat0), Decimal(lat1)),
            longitude__range=(Decimal(lon0), Decimal(lon1)),
        ).exists(), name
    managed = ServiceTerritory.objects.filter(
        kind=ServiceKind.MANAGEMENT_COMPANY, house__isnull=False, valid_to__isnull=True
    )
    assert 0.9 * total <= managed.count() < total  # a few houses have no company: the rule decides
    assert managed.values("organization").distinct().count() > 20

    municipality = settlements["Петропавловск-Камчатский"].municipality
    managed_house = managed.filter(house__street__name="Ленинская").first().house
    assert match_house(text=managed_house.label, municipality_id=municipality.pk) == managed_house
    entrance = Category.objects.get(slug="building-maintenance")
    assert entrance.served_by == ServiceKind.MANAGEMENT_COMPANY
    route = route_appeal(category=entrance, municipality=municipality, house=managed_house)
    assert route.source == Route.Source.REGISTRY
    assert route.organization.kind == "management_company"
    assert route.reason.startswith(
        f"по реестру адресов: дом {managed_house.short_label} обслуживает"
    )

    elizovo = House.objects.filter(street__settlement__name="Елизово").first()
    heating = Category.objects.get(slug="no-heating")
    route = route_appeal(
        category=heating, municipality=elizovo.street.settlement.municipality, house=elizovo
    )
    assert route.organization.slug == "kamchatskenergo" and route.source == Route.Source.REGISTRY
    vilyuchinsk = House.objects.filter(street__settlement__name="Вилючинск").first()
    waste = Category.objects.get(slug="uncollected-waste")
    route = route_appeal(
        category=waste, municipality=vilyuchinsk.street.settlement.municipality, house=vilyuchinsk
    )
    assert route.organization.slug == "waste-chisty-gorod"

    counts = (House.objects.count(), ServiceTerritory.objects.count())
    _load()
    assert (House.objects.count(), ServiceTerritory.objects.count()) == counts
