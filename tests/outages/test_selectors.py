from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from organizations.models import ServiceKind
from outages import selectors
from outages.models import Outage
from tests.organizations.factories import MunicipalityFactory
from tests.outages.factories import OutageFactory

pytestmark = pytest.mark.django_db


def _outage(world, supplier, **fields):
    fields.setdefault("municipality", world.municipality)
    return OutageFactory(organization=supplier, **fields)


def test_an_outage_of_house_a_shows_for_a_and_not_for_b(world, supplier, house_a, house_b):
    outage = _outage(world, supplier, houses=[house_a])
    for_a = selectors.outages_for_address(house=house_a, municipality_id=world.municipality.pk)
    for_b = selectors.outages_for_address(house=house_b, municipality_id=world.municipality.pk)
    assert for_a == [outage] and for_b == []
    assert for_a[0].whole_area is False


def test_an_outage_of_one_house_does_not_show_for_the_municipality_without_a_house(
    world, supplier, house_a
):
    _outage(world, supplier, houses=[house_a])
    assert selectors.outages_for_address(house=None, municipality_id=world.municipality.pk) == []


def test_a_municipality_wide_outage_covers_every_house_and_the_municipality(
    world, supplier, house_a, house_b
):
    outage = _outage(world, supplier, kind=Outage.Kind.HEATING)
    other_place = _outage(
        world, supplier, municipality=MunicipalityFactory(region=world.region, name="Палана")
    )
    for house in (house_a, house_b, None):
        found = selectors.outages_for_address(house=house, municipality_id=world.municipality.pk)
        assert found == [outage], house
        assert found[0].whole_area is True
    assert selectors.outages_for_address(
        house=None, municipality_id=other_place.municipality_id
    ) == [other_place]
    assert selectors.outages_for_address(house=None, municipality_id=None) == []


def test_upcoming_outages_show_ended_and_cancelled_ones_do_not(world, supplier, house_a):
    now = timezone.now()
    coming = _outage(world, supplier, starts_at=now + timedelta(days=2), houses=[house_a])
    under_way = _outage(world, supplier, starts_at=now - timedelta(hours=1), houses=[house_a])
    _outage(world, supplier, starts_at=now - timedelta(days=2), houses=[house_a])  # ended
    _outage(
        world,
        supplier,
        houses=[house_a],
        status=Outage.Status.CANCELLED,
        cancelled_at=now,
    )
    found = selectors.outages_for_address(house=house_a, municipality_id=world.municipality.pk)
    assert found == [under_way, coming]  # soonest first
    assert found[0].under_way and not found[1].under_way


def test_the_appeal_is_linked_to_the_outage_under_way_of_its_service(world, supplier, house_a):
    now = timezone.now()
    heating = _outage(world, supplier, kind=Outage.Kind.HEATING)  # whole municipality
    water = _outage(world, supplier, kind=Outage.Kind.WATER, houses=[house_a])
    _outage(world, supplier, kind=Outage.Kind.GAS, starts_at=now + timedelta(hours=1))  # coming
    at = dict(house=house_a, municipality_id=world.municipality.pk, at=now)
    assert selectors.outage_under_way(service=ServiceKind.HEAT_SUPPLIER, **at) == heating
    assert selectors.outage_under_way(service=ServiceKind.WATER_SUPPLIER, **at) == water
    # No service of its own: the one naming the house wins over the area-wide one.
    assert selectors.outage_under_way(service="", **at) == water
    assert selectors.outage_under_way(service=ServiceKind.GAS_SUPPLIER, **at) == water


def test_nothing_under_way_links_nothing(world, supplier, house_a, house_b):
    now = timezone.now()
    _outage(world, supplier, houses=[house_a])
    _outage(world, supplier, starts_at=now + timedelta(days=1))
    assert (
        selectors.outage_under_way(
            house=house_b, municipality_id=world.municipality.pk, service="", at=now
        )
        is None
    )


def test_the_public_list_and_the_map(world, supplier, house_a, house_b):
    world.municipality.latitude, world.municipality.longitude = 53.0, 158.6
    world.municipality.save()
    houses = _outage(world, supplier, houses=[house_a, house_b])
    whole = _outage(world, supplier, kind=Outage.Kind.ROAD_WORKS)
    _outage(world, supplier, starts_at=timezone.now() - timedelta(days=3))  # ended
    assert list(selectors.public_outages(region_id=world.region.pk)) == [houses, whole]
    features = selectors.map_features(region_id=world.region.pk)
    points = sorted((f["properties"]["id"], tuple(f["geometry"]["coordinates"])) for f in features)
    assert points == sorted(
        [
            (houses.pk, (158.6505, 53.01712)),
            (houses.pk, (158.6511, 53.0175)),
            (whole.pk, (158.6, 53.0)),
        ]
    )
    assert features[0]["properties"]["url"].endswith(f"#outage-{features[0]['properties']['id']}")


def test_staff_see_only_their_organizations_outages(world, supplier, supplier_executor):
    own = _outage(world, supplier)
    theirs = OutageFactory(organization=world.organization, municipality=world.municipality)
    assert list(selectors.staff_outages(user=supplier_executor)) == [own]
    with pytest.raises(Http404):
        selectors.get_outage_for_staff(user=supplier_executor, outage_id=theirs.pk)
    assert selectors.get_outage_for_staff(user=world.executor, outage_id=theirs.pk) == theirs


def test_the_answer_text_says_what_where_and_until_when(world, supplier, house_a):
    outage = _outage(world, supplier, houses=[house_a])
    text = selectors.answer_text(outage=outage)
    assert supplier.name in text and house_a.label in text
    assert outage.description in text
    assert outage.local_ends_at.strftime("%d.%m.%Y %H:%M") in text


def test_subscribers_are_those_of_the_area_once_each(world, supplier, house_a, house_b):
    from outages.services import subscribe
    from tests.accounts.factories import UserFactory

    whole = subscribe(user=UserFactory(), municipality=world.municipality)
    at_a = subscribe(user=UserFactory(), municipality=world.municipality, house=house_a)
    subscribe(user=UserFactory(), municipality=world.municipality, house=house_b)
    both = UserFactory()
    subscribe(user=both, municipality=world.municipality)
    both_at_a = subscribe(user=both, municipality=world.municipality, house=house_a)
    subscribe(user=UserFactory(), municipality=MunicipalityFactory(region=world.region))
    inactive = UserFactory(is_active=False)
    subscribe(user=inactive, municipality=world.municipality)

    outage = _outage(world, supplier, houses=[house_a])
    found = selectors.subscribers_of(outage=outage)
    assert set(found.values()) == {whole, at_a, both_at_a}  # the house one names the area
    area_wide = _outage(world, supplier)
    assert len(selectors.subscribers_of(outage=area_wide)) == 4


def test_a_forged_unsubscribe_token_is_a_404(world):
    from outages.services import subscribe

    subscription = subscribe(user=world.citizen, municipality=world.municipality)
    token = selectors.unsubscribe_token(subscription)
    assert selectors.subscription_by_token(token) == subscription
    for forged in (token[:-1] + ("A" if token[-1] != "A" else "B"), "1", "x:y", "²:abc"):
        with pytest.raises(Http404):
            selectors.subscription_by_token(forged)
