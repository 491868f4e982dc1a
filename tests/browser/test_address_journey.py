"""A citizen files an appeal with the keyboard only, choosing the address from the registry's
suggestions (no map); the moderator sees that the registry chose the house's company."""

import pytest
from playwright.sync_api import expect

from appeals.models import Appeal
from organizations.models import Membership, ServiceKind
from tests.accounts.factories import UserFactory
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
    RoutingRuleFactory,
)
from tests.places.factories import (
    HouseFactory,
    ServiceTerritoryFactory,
    SettlementFactory,
    StreetFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registry(settings):
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(
        region=region, name="Петропавловск-Камчатский городской округ"
    )
    administration = OrganizationFactory(
        region=region, name="Администрация Петропавловск-Камчатского городского округа"
    )
    company = OrganizationFactory(region=region, name="ООО «УК „Авача“»")
    category = CategoryFactory(
        name="Содержание подъездов",
        parent__name="ЖКХ",
        served_by=ServiceKind.MANAGEMENT_COMPANY,
    )
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=administration, region=region
    )
    city = SettlementFactory(municipality=municipality, name="Петропавловск-Камчатский")
    street = StreetFactory(settlement=city, name="Ленинская")
    HouseFactory(street=street, number="12", latitude="53.01712", longitude="158.65050")
    chosen = HouseFactory(street=street, number="14", latitude="53.01750", longitude="158.65110")
    HouseFactory(street=StreetFactory(settlement=city, name="Океанская"), number="14")
    ServiceTerritoryFactory(organization=company, house=chosen)
    citizen = UserFactory(
        email="anna@example.ru",
        last_name="Иванова",
        first_name="Анна",
        postal_address="683000, г. Петропавловск-Камчатский, ул. Ленинская, 14",
        municipality=municipality,
    )
    moderator = UserFactory(email="moderator@example.ru")
    MembershipFactory(
        user=moderator, organization=None, region=region, role=Membership.Role.MODERATOR
    )
    return {
        "category": category,
        "citizen": citizen,
        "moderator": moderator,
        "house": chosen,
        "company": company,
    }


def test_a_citizen_files_with_the_keyboard_and_the_address_suggestions(browser_page, registry):
    page = browser_page.page
    keyboard = page.keyboard
    browser_page.sign_in(registry["citizen"])
    page.goto("/appeals/new/")
    browser_page.audit()

    category = page.get_by_label("Категория")
    category.focus()
    keyboard.press("ArrowDown")  # the first (only) category after «— choose a category —»
    expect(category).to_have_value(str(registry["category"].pk))
    keyboard.press("Tab")
    expect(page.get_by_label("Муниципальное образование")).to_be_focused()
    keyboard.press("Tab")
    address = page.get_by_label("Адрес проблемы")
    expect(address).to_be_focused()
    keyboard.type("ленинская 1")

    suggestions = page.locator("#address-suggestions")
    expect(suggestions.get_by_role("button")).to_have_count(2)
    expect(suggestions).to_contain_text("2 адреса из реестра")
    browser_page.audit()  # the form with its suggestions open
    keyboard.press("ArrowDown")
    expect(suggestions.get_by_role("button").first).to_be_focused()
    keyboard.press("ArrowDown")
    second = suggestions.get_by_role(
        "button", name="г. Петропавловск-Камчатский, ул. Ленинская, 14"
    )
    expect(second).to_be_focused()
    keyboard.press("Enter")
    expect(address).to_have_value("г. Петропавловск-Камчатский, ул. Ленинская, 14")
    expect(address).to_be_focused()
    expect(suggestions.get_by_role("button")).to_have_count(0)

    keyboard.press("Tab")
    expect(page.get_by_label("Нет точного адреса")).to_be_focused()
    keyboard.press("Tab")
    expect(page.get_by_label("Описание места")).to_be_focused()
    # The map picker's controls come next (skippable: the address is the complete path)
    text = page.get_by_label("Что случилось")
    for _ in range(15):
        keyboard.press("Tab")
        if text.evaluate("element => element === document.activeElement"):
            break
    expect(text).to_be_focused()
    keyboard.type("В подъезде третью неделю не моют полы и не меняют перегоревшие лампы.")
    keyboard.press("Tab")
    expect(page.get_by_label("Фотографии или документы")).to_be_focused()
    keyboard.press("Tab")
    expect(page.get_by_label("Сделать проблему публичной")).to_be_focused()
    keyboard.press("Tab")
    expect(page.get_by_label("Прислать текст ответа и на электронную почту")).to_be_focused()
    keyboard.press("Tab")
    expect(page.get_by_label("Коллективное обращение")).to_be_focused()
    keyboard.press("Tab")
    consent = page.get_by_label("обработку персональных данных", exact=False)
    expect(consent).to_be_focused()
    keyboard.press("Space")
    expect(consent).to_be_checked()
    keyboard.press("Tab")
    expect(page.get_by_role("button", name="Отправить обращение")).to_be_focused()
    keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("41-")
    appeal = Appeal.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(appeal.number)
    browser_page.audit()
    assert appeal.house == registry["house"]
    assert str(appeal.latitude) == "53.01750" and str(appeal.longitude) == "158.65110"

    browser_page.sign_in(registry["moderator"])
    page.goto(f"/moderation/{appeal.number}/")
    expect(page.locator("#route-reason")).to_contain_text(
        "по реестру адресов: дом ул. Ленинская, 14 обслуживает ООО «УК „Авача“»"
    )
    browser_page.audit()
