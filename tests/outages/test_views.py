"""The pages: the filing form shows the outages of the address, the appeal is linked and answered
with it, the staff publish/edit/cancel, the public list and map, the subscriptions."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from appeals import services as appeal_services
from appeals.models import Appeal
from outages import services
from outages.models import Outage, OutageEvent, OutageSubscription
from outages.selectors import unsubscribe_token
from tests.appeals.factories import filing_form
from tests.organizations.factories import MunicipalityFactory
from tests.outages.factories import OutageFactory

pytestmark = pytest.mark.django_db

DESCRIPTION = "Замена задвижки на водоводе. Подвоз воды — у дома 10."


@pytest.fixture
def outage_at_a(world, supplier, house_a):
    return OutageFactory(
        organization=supplier,
        municipality=world.municipality,
        houses=[house_a],
        description=DESCRIPTION,
    )


@pytest.fixture
def filer(client, world):
    world.citizen.postal_address = "683000, г. Петропавловск-Камчатский, ул. Ленинская, 1"
    world.citizen.save()
    client.force_login(world.citizen)
    return client


# --- the filing form --------------------------------------------------------------------------


def test_the_form_that_came_back_shows_the_outage_of_that_address_and_not_of_another(
    filer, world, outage_at_a
):
    # Without JavaScript: the form comes back (no text yet) and shows what is known at the address.
    for_a = filer.post(reverse("appeals:new"), filing_form(world, text=None))
    assert for_a.status_code == 400
    page = for_a.content.decode()
    assert "Отключения и работы по этому адресу" in page and DESCRIPTION in page
    assert "КГУП «Камчатский водоканал»" in page and "плановые работы, идут сейчас" in page
    for_b = filer.post(
        reverse("appeals:new"), filing_form(world, text=None, address="ул. Ленинская, 14")
    )
    assert for_b.status_code == 400 and DESCRIPTION not in for_b.content.decode()


def test_the_htmx_fragment_follows_the_chosen_address(filer, world, outage_at_a, supplier):
    url = reverse("outages:at_address")
    municipality = world.municipality.pk
    a = filer.get(
        url, {"municipality": municipality, "address": "ул. Ленинская, 12"}, HTTP_HX_REQUEST="true"
    )
    assert a.status_code == 200 and DESCRIPTION in a.content.decode()
    assert "<html" not in a.content.decode() and "HX-Request" in a["Vary"]
    b = filer.get(
        url, {"municipality": municipality, "address": "ул. Ленинская, 14"}, HTTP_HX_REQUEST="true"
    )
    assert b.status_code == 200 and b.content.decode().strip() == ""
    # No house: only what covers the whole municipality.
    whole = OutageFactory(
        organization=supplier,
        municipality=world.municipality,
        kind=Outage.Kind.HEATING,
        description="Гидравлические испытания тепловых сетей.",
    )
    area = filer.get(url, {"municipality": municipality, "address": ""}, HTTP_HX_REQUEST="true")
    assert whole.description in area.content.decode()
    assert DESCRIPTION not in area.content.decode()
    elsewhere = MunicipalityFactory(region=world.region, name="Вилючинский городской округ")
    other = filer.get(url, {"municipality": elsewhere.pk, "address": "ул. Ленинская, 12"})
    assert other.status_code == 200 and "<html" in other.content.decode()  # a page without htmx
    assert "По этому адресу отключений и работ не объявлено." in other.content.decode()
    assert filer.get(url, {"municipality": "²", "address": "x"}).status_code == 400
    assert filer.get(url, {"municipality": municipality, "address": "x" * 301}).status_code == 400


def test_the_form_asks_htmx_for_the_outages_when_the_address_is_chosen(filer):
    page = filer.get(reverse("appeals:new")).content.decode()
    assert 'id="outages"' in page
    assert 'data-hx-get="/outages/at-address/"' in page
    assert "address:picked from:#id_address" in page


def test_an_appeal_filed_anyway_is_linked_and_staff_answer_with_the_notice(
    filer, client, world, outage_at_a
):
    response = filer.post(reverse("appeals:new"), filing_form(world))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.outage == outage_at_a
    assert appeal.events.get(action="submit").data["outage"] == outage_at_a.pk

    appeal_services.accept_appeal(
        moderator=world.moderator, appeal_id=appeal.pk, organization=world.organization
    )
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "связано с отключением: водоснабжение, КГУП «Камчатский водоканал»" in page
    assert "Ответить текстом уведомления об отключении" in page
    filled = client.get(reverse("staff:appeal", args=[appeal.number]), {"outage_answer": "1"})
    text = filled.context["answer_form"].initial["text"]
    assert "Описанная вами проблема связана с этими работами" in text and DESCRIPTION in text
    answered = client.post(
        reverse("staff:answer", args=[appeal.number]),
        {"text": text, "outcome": "explained"},
    )
    assert answered.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.ANSWERED
    assert appeal.answers.get().text == text.replace("\r\n", "\n")


def test_an_appeal_at_another_house_is_not_linked(filer, world, outage_at_a):
    filer.post(reverse("appeals:new"), filing_form(world, address="ул. Ленинская, 14"))
    assert Appeal.objects.get().outage is None


# --- the staff pages --------------------------------------------------------------------------


def _form(world, supplier, **overrides):
    return {
        "organization": supplier.pk,
        "kind": "water",
        "municipality": world.municipality.pk,
        "addresses": "Ленинская, 12\nул. Ленинская 14",
        "starts_at": "2030-03-12T10:00",
        "ends_at": "2030-03-12T18:00",
        "description": DESCRIPTION,
        **overrides,
    }


def test_staff_publish_in_the_regions_time_and_see_it_in_their_list(
    client, world, supplier, supplier_executor, house_a, house_b
):
    world.region.timezone = "Asia/Vladivostok"  # the region's time, not the server's
    world.region.save()
    client.force_login(supplier_executor)
    assert client.get(reverse("outage_staff:new")).status_code == 200
    response = client.post(reverse("outage_staff:new"), _form(world, supplier))
    assert response.status_code == 302, response.content.decode()
    outage = Outage.objects.get()
    assert outage.organization == supplier and set(outage.houses.all()) == {house_a, house_b}
    assert outage.starts_at == datetime(2030, 3, 12, 10, 0, tzinfo=ZoneInfo("Asia/Vladivostok"))
    listing = client.get(reverse("outage_staff:list")).content.decode()
    assert "12.03.2030 10:00" in listing and "2 дома" in listing
    edit = client.get(reverse("outage_staff:edit", args=[outage.pk])).content.decode()
    assert 'value="2030-03-12T10:00"' in edit and house_a.label in edit


def test_an_address_not_in_the_registry_is_named_and_the_text_is_kept(
    client, world, supplier, supplier_executor, house_a
):
    client.force_login(supplier_executor)
    response = client.post(
        reverse("outage_staff:new"),
        _form(world, supplier, addresses="Ленинская, 12\nНабережная, 99"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Не найдены в реестре адресов этого муниципального образования: «Набережная, 99»" in page
    assert "Набережная, 99</textarea>" in page and DESCRIPTION in page
    assert not Outage.objects.exists()
    ended = client.post(
        reverse("outage_staff:new"),
        _form(
            world, supplier, addresses="", starts_at="2030-03-12T18:00", ends_at="2030-03-12T10:00"
        ),
    )
    assert "Окончание должно быть позже начала." in ended.content.decode()


def test_staff_edit_and_cancel_with_the_history_on_the_page(
    client, world, supplier, supplier_executor, house_a
):
    client.force_login(supplier_executor)
    client.post(reverse("outage_staff:new"), _form(world, supplier, addresses="Ленинская, 12"))
    outage = Outage.objects.get()
    response = client.post(
        reverse("outage_staff:edit", args=[outage.pk]),
        _form(world, supplier, addresses="Ленинская, 12", ends_at="2030-03-13T12:00"),
    )
    assert response.status_code == 302
    outage.refresh_from_db()
    assert outage.local_ends_at.strftime("%d.%m %H:%M") == "13.03 12:00"
    page = client.get(reverse("outage_staff:edit", args=[outage.pk])).content.decode()
    assert "изменено" in page and "окончание" in page
    client.post(reverse("outage_staff:cancel", args=[outage.pk]), {"reason": "Работы перенесены."})
    outage.refresh_from_db()
    assert outage.status == Outage.Status.CANCELLED
    assert list(outage.events.values_list("action", flat=True)) == [
        OutageEvent.Action.PUBLISH,
        OutageEvent.Action.EDIT,
        OutageEvent.Action.CANCEL,
    ]
    page = client.get(reverse("outage_staff:edit", args=[outage.pk])).content.decode()
    assert "жители его больше не видят" in page and "Работы перенесены." in page
    assert 'name="description"' not in page  # nothing left to change


def test_another_organizations_staff_get_404_and_citizens_403(
    client, world, outage_at_a, other_executor
):
    client.force_login(other_executor)
    for name in ("outage_staff:edit", "outage_staff:cancel"):
        assert client.post(reverse(name, args=[outage_at_a.pk]), {"reason": "x"}).status_code == 404
    assert DESCRIPTION not in client.get(reverse("outage_staff:list")).content.decode()
    client.force_login(world.citizen)
    assert client.get(reverse("outage_staff:list")).status_code == 403
    outage_at_a.refresh_from_db()
    assert outage_at_a.status == Outage.Status.PUBLISHED


# --- the public side --------------------------------------------------------------------------


def test_the_public_page_lists_current_outages_by_municipality(
    client, world, supplier, outage_at_a
):
    elsewhere = MunicipalityFactory(region=world.region, name="Вилючинский городской округ")
    there = OutageFactory(
        organization=supplier,
        municipality=elsewhere,
        kind=Outage.Kind.ROAD_WORKS,
        description="Ремонт дорожного полотна.",
    )
    OutageFactory(
        organization=supplier,
        municipality=world.municipality,
        starts_at=timezone.now() - timedelta(days=3),
        description="Давно закончилось.",
    )
    page = client.get(reverse("outages:list")).content.decode()
    assert page.index("Вилючинский городской округ") < page.index(world.municipality.name)
    assert DESCRIPTION in page and there.description in page
    assert "Давно закончилось." not in page
    assert f'id="outage-{outage_at_a.pk}"' in page
    filtered = client.get(reverse("outages:list"), {"municipality": elsewhere.pk})
    assert there.description in filtered.content.decode()
    assert DESCRIPTION not in filtered.content.decode()
    assert client.get(reverse("outages:list"), {"municipality": "²"}).status_code == 400


def test_the_map_feed_and_the_problems_map_show_outages(client, world, outage_at_a, house_a):
    feed = client.get(reverse("outages_geojson")).json()
    assert [f["geometry"]["coordinates"] for f in feed["features"]] == [[158.6505, 53.01712]]
    properties = feed["features"][0]["properties"]
    assert properties["title"] == "Водоснабжение" and properties["url"].startswith("http://")
    problems = client.get(reverse("problems:list")).content.decode()
    assert 'data-outages-url="/outages.geojson"' in problems


# --- subscriptions ----------------------------------------------------------------------------


def test_a_resident_subscribes_to_a_house_and_unsubscribes(client, world, house_a):
    client.force_login(world.citizen)
    url = reverse("outages:subscriptions")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"municipality": world.municipality.pk, "address": "Набережная, 99"})
    assert bad.status_code == 400 and "Набережная, 99" in bad.content.decode()
    assert "Этого адреса нет в реестре" in bad.content.decode()
    client.post(url, {"municipality": world.municipality.pk, "address": "Ленинская, 12"})
    subscription = OutageSubscription.objects.get(user=world.citizen)
    assert subscription.house == house_a
    page = client.get(url).content.decode()
    assert house_a.label in page and "Отписаться" in page
    token = client.get(url).context["subscriptions"][0][1]
    assert client.post(reverse("outages:unsubscribe", args=[token])).status_code == 302
    assert not OutageSubscription.objects.exists()


def test_an_unsubscribe_link_is_its_subscription_only(client, world, house_a):
    mine = services.subscribe(user=world.citizen, municipality=world.municipality)
    token = unsubscribe_token(mine)
    assert client.post(reverse("outages:unsubscribe", args=[token + "x"])).status_code == 404
    other_pk = str(mine.pk + 1)
    assert (
        client.get(
            reverse("outages:unsubscribe", args=[f"{other_pk}:{token.split(':')[1]}"])
        ).status_code
        == 404
    )
    assert OutageSubscription.objects.filter(pk=mine.pk).exists()
