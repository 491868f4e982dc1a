from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals.models import Appeal, Event
from tests.appeals.factories import filing_form, world_appeal
from tests.places.factories import HouseFactory, ServiceTerritoryFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- the moderator sees why -----------------------------------------------------------------------


def test_the_moderator_sees_why_the_organization_was_chosen(
    client, world, entrance, house, company
):
    ServiceTerritoryFactory(organization=company, house=house)
    by_house = world_appeal(
        world, S.SUBMITTED, category=entrance, house=house, address="Ленинская 12"
    )
    by_rule = world_appeal(world, S.SUBMITTED, category=entrance, address="где-то")
    client.force_login(world.moderator)

    page = client.get(reverse("moderation:review", args=[by_house.number])).content.decode()
    assert (
        "Предлагаемая организация: ООО «УК „Авача“» — по реестру адресов: дом ул. Ленинская, 12 "
        "обслуживает ООО «УК „Авача“»."
    ) in page.replace("&quot;", '"')
    assert "по реестру: г. Петропавловск-Камчатский, ул. Ленинская, 12" in page
    assert f'<option value="{company.pk}" selected>' in page

    page = client.get(reverse("moderation:review", args=[by_rule.number])).content.decode()
    assert "по правилу маршрутизации: категория × муниципалитет" in page

    queue = client.get(reverse("moderation:home")).content.decode()
    assert "Зарегистрировать → ООО «УК „Авача“»" in queue.replace("&quot;", '"')
    assert "по реестру адресов: дом ул. Ленинская, 12" in queue


def test_one_click_registration_follows_the_registry_and_records_why(
    client, world, entrance, house, company
):
    ServiceTerritoryFactory(organization=company, house=house)
    appeal = world_appeal(world, S.SUBMITTED, category=entrance, house=house)
    client.force_login(world.moderator)
    response = client.post(reverse("moderation:accept", args=[appeal.number]))
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.REGISTERED and appeal.organization == company
    event = appeal.events.get(action=Event.Action.ACCEPT)
    assert event.data["route"] == "registry"
    assert event.data["route_reason"].startswith("по реестру адресов: дом ул. Ленинская, 12")


def test_the_queue_costs_the_same_for_2_or_12_appeals_at_houses(
    client, world, entrance, leninskaya, company
):
    client.force_login(world.moderator)

    def add(count):
        for _ in range(count):
            house = HouseFactory(street=leninskaya)
            ServiceTerritoryFactory(organization=company, house=house)
            world_appeal(world, S.SUBMITTED, category=entrance, house=house)

    add(2)
    client.get(reverse("moderation:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("moderation:home"))
    add(10)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("moderation:home")).content.decode()
    assert len(many) == len(few)
    assert page.count("по реестру адресов") == 12


# --- filing -----------------------------------------------------------------------------------------


def test_filing_without_javascript_links_the_house_and_takes_its_coordinates(client, world, house):
    HouseFactory(street=house.street, number="12", building="2")
    client.force_login(world.citizen)
    response = client.post(
        reverse("appeals:new"), filing_form(world, address="ул. Ленинская, д. 12")
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.house == house and appeal.address == "ул. Ленинская, д. 12"
    assert (appeal.latitude, appeal.longitude) == (Decimal("53.02000"), Decimal("158.65000"))


def test_an_address_outside_the_registry_is_kept_as_free_text(client, world, house):
    client.force_login(world.citizen)
    response = client.post(
        reverse("appeals:new"), filing_form(world, address="у остановки «Рыбный порт»")
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.house is None and appeal.address == "у остановки «Рыбный порт»"
    assert appeal.latitude is None


def test_no_exact_address_needs_a_description_of_the_place(client, world):
    client.force_login(world.citizen)
    response = client.post(
        reverse("appeals:new"), filing_form(world, address="", no_exact_address="on")
    )
    assert response.status_code == 400
    assert "Опишите, где находится место." in response.content.decode()

    response = client.post(reverse("appeals:new"), filing_form(world, address=""))
    assert response.status_code == 400
    assert "Укажите адрес или отметьте «Нет точного адреса»" in response.content.decode()

    response = client.post(
        reverse("appeals:new"),
        filing_form(
            world,
            address="",
            no_exact_address="on",
            place_description="Тропа от конечной остановки к сопке, 300 м до родника",
        ),
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.place_description.startswith("Тропа от конечной") and appeal.house is None


def test_the_filing_form_offers_the_suggestions(client, world):
    client.force_login(world.citizen)
    page = client.get(reverse("appeals:new")).content.decode()
    assert f'data-hx-get="{reverse("appeals:address_suggestions")}"' in page
    assert 'id="address-suggestions"' in page and "js/address-suggest" in page
    assert "Нет точного адреса" in page and 'name="place_description"' in page


# --- suggestions ------------------------------------------------------------------------------------


def _suggest(client, **params):
    return client.get(reverse("appeals:address_suggestions"), params)


def test_suggestions_list_matching_houses_with_their_coordinates(client, world, house):
    HouseFactory(street=house.street, number="14", latitude=None, longitude=None)
    client.force_login(world.citizen)
    response = _suggest(client, address="ленинская 1", municipality=world.municipality.pk)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="address-suggestion"') == 2
    assert 'data-address="г. Петропавловск-Камчатский, ул. Ленинская, 12"' in page
    assert 'data-latitude="53.02000" data-longitude="158.65000"' in page
    assert "2 адреса из реестра" in page


def test_suggestions_say_when_nothing_matches_and_refuse_bad_input(client, world, house):
    client.force_login(world.citizen)
    nothing = _suggest(client, address="Несуществующая 5", municipality=world.municipality.pk)
    assert (
        nothing.status_code == 200
        and "В реестре нет подходящего адреса" in nothing.content.decode()
    )
    assert _suggest(client, address="").content.decode().strip() == ""
    assert _suggest(client, address="Ленинская", municipality="abc").status_code == 400
    assert _suggest(client, address="Ленинская", municipality="9" * 40).status_code == 400
    assert _suggest(client, address="Л" * 500).status_code == 400
    assert _suggest(client, address="%00'; drop table", municipality="").status_code == 200


def test_suggestions_are_for_signed_in_people(client, world, house):
    response = _suggest(client, address="Ленинская")
    assert response.status_code == 302
