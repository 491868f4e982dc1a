"""The maps in a browser, with the tile server unreachable (tests/browser/conftest.py points it at a
closed port): a citizen places a pin and files a public appeal; anybody browses the public
problems on the list and the map. Every page passes vnu and axe."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from appeals.models import Appeal
from tests.accounts.factories import UserFactory
from tests.appeals.factories import make_appeal
from tests.organizations.factories import (
    CategoryFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
    RoutingRuleFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def place(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    settings.MAP_CENTER = "53.0245,158.6433,13"
    municipality = MunicipalityFactory(
        region=region, name="Петропавловск-Камчатский городской округ"
    )
    category = CategoryFactory(name="Уборка снега и наледи", parent__name="Дороги", term_days=10)
    organization = OrganizationFactory(region=region)
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=organization, region=region
    )
    return region, municipality, category, organization


def test_a_citizen_places_a_pin_and_files_a_public_appeal(browser_page, place):
    _region, municipality, _category, _organization = place
    citizen = UserFactory(
        email="anna@example.ru",
        last_name="Иванова",
        first_name="Анна",
        postal_address="683000, г. Петропавловск-Камчатский, ул. Ленинская, 1",
        municipality=municipality,
    )
    page = browser_page.page
    browser_page.sign_in(citizen)
    page.goto("/appeals/new/")
    # The map's files are fetched when it comes into view (a weak link does not carry them for
    # nothing): scrolled to, as a person does.
    page.locator("[data-map-picker]").scroll_into_view_if_needed()
    picker = page.get_by_role("region", name="Карта для отметки места проблемы")
    expect(picker).to_be_visible()
    expect(page.get_by_role("button", name="Моё местоположение")).to_be_visible()
    browser_page.audit()
    page.get_by_label("Категория").select_option(label="Уборка снега и наледи — 10 дней")
    page.get_by_label("Муниципальное образование").select_option(
        label="Петропавловск-Камчатский городской округ"
    )
    page.get_by_label("Адрес проблемы").fill("ул. Ленинская, 12")
    # The keyboard way: Enter puts the pin at the map's centre; «Убрать точку» takes it away.
    picker.focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_text(re.compile(r"Выбрана точка: 53\.024\d\d, 158\.643\d\d\."))
    ).to_be_visible()
    page.get_by_role("button", name="Убрать точку").click()
    expect(page.get_by_text("Точка не выбрана.")).to_be_visible()
    assert page.locator("#id_latitude").input_value() == ""
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] / 2 + 40, "y": box["height"] / 2 - 30})
    expect(page.get_by_text("Выбрана точка:")).to_be_visible()
    latitude = page.locator("#id_latitude").input_value()
    longitude = page.locator("#id_longitude").input_value()
    assert latitude and longitude
    page.get_by_label("Что случилось").fill(
        "Во дворе не убран снег уже неделю, к подъезду не пройти."
    )
    page.get_by_label("Сделать проблему публичной").check()
    page.get_by_label("обработку персональных данных", exact=False).check()
    browser_page.audit()  # with the pin on the map
    page.get_by_role("button", name="Отправить обращение").click()
    appeal = Appeal.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(appeal.number)
    browser_page.audit()
    assert appeal.is_public
    assert appeal.latitude == Decimal(latitude) and appeal.longitude == Decimal(longitude)
    # North-east of the centre, where the click was.
    assert appeal.latitude > Decimal("53.0245") and appeal.longitude > Decimal("158.6433")


def test_the_problems_page_shows_the_list_and_the_map(browser_page, place):
    _region, municipality, category, organization = place
    problems = [
        make_appeal(
            Appeal.Status.IN_PROGRESS,
            organization=organization,
            municipality=municipality,
            category=category,
            is_public=True,
            latitude=Decimal("53.02") + Decimal(index) / 1000,
            longitude=Decimal("158.64") + Decimal(index) / 1000,
            address=f"ул. Ленинская, {index + 1}",
        )
        for index in range(3)
    ]
    make_appeal(
        Appeal.Status.IN_PROGRESS,
        organization=organization,
        municipality=municipality,
        category=category,
        latitude=Decimal("53.03"),
        longitude=Decimal("158.65"),
        address="ул. Тайная, 7",
    )
    page = browser_page.page
    page.goto("/")
    browser_page.audit()
    page.get_by_role("navigation", name="Главное меню").get_by_role(
        "link", name="Публичные проблемы"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Публичные проблемы")
    expect(page.get_by_role("region", name="Карта публичных проблем")).to_be_visible()
    markers = page.locator(".leaflet-marker-icon")
    expect(markers).to_have_count(3)
    expect(page.get_by_role("table")).not_to_contain_text("Тайная")
    browser_page.audit()
    page.get_by_role("button", name=problems[0].number).click()
    page.get_by_role("link", name="Открыть проблему").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Проблема {problems[0].number}")
    expect(page.get_by_role("region", name="Карта: место проблемы")).to_be_visible()
    browser_page.audit()
