"""Back from a filed appeal shows the filing form as it was sent, the address included."""

import pytest
from playwright.sync_api import expect

from appeals.models import Appeal
from tests.accounts.factories import PASSWORD, UserFactory
from tests.organizations.factories import (
    CategoryFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
    RoutingRuleFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "г. Елизово, ул. Ленина, 12"
TEXT = "Во дворе не убран снег уже неделю, к подъезду не пройти."


def test_back_after_filing_restores_the_address_too(browser_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(region=region, name="Елизовский муниципальный район")
    category = CategoryFactory(name="Уборка снега и наледи", parent__name="Дороги", term_days=10)
    RoutingRuleFactory(
        category=category,
        municipality=municipality,
        organization=OrganizationFactory(region=region),
        region=region,
    )
    UserFactory(
        email="anna@example.ru",
        last_name="Иванова",
        first_name="Анна",
        postal_address="684000, г. Елизово, ул. Ленина, 1",
        municipality=municipality,
    )
    page = browser_page.page
    browser_page.log_in("anna@example.ru", PASSWORD)
    page.goto("/appeals/new/")
    browser_page.audit()
    page.get_by_label("Категория").select_option(label="Уборка снега и наледи — 10 дней")
    page.get_by_label("Муниципальное образование").select_option(
        label="Елизовский муниципальный район"
    )
    page.get_by_label("Адрес проблемы").fill(ADDRESS)
    page.get_by_label("Что случилось").fill(TEXT)
    page.get_by_label("обработку персональных данных", exact=False).check()
    page.get_by_role("button", name="Отправить обращение").click()
    appeal = Appeal.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(appeal.number)
    browser_page.audit()

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Новое обращение")
    expect(page.get_by_label("Что случилось")).to_have_value(TEXT)
    expect(page.get_by_label("Адрес проблемы")).to_have_value(ADDRESS)
