"""The staff queue searches as one types, keeps the filter in the address bar and restores the
previous list on Back."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appeals.models import Appeal
from organizations.models import Membership
from tests.accounts.factories import PASSWORD, UserFactory
from tests.appeals.factories import make_appeal
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue_day(settings):
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(region=region, name="Елизовский муниципальный район")
    supplier = OrganizationFactory(region=region, name="Елизовская теплоснабжающая компания")
    heating = CategoryFactory(name="Отсутствие отопления", parent__name="ЖКХ")
    citizen = UserFactory(email="anna@example.ru", last_name="Иванова", first_name="Анна")
    executor = UserFactory(email="executor@example.ru", last_name="Петров", first_name="Илья")
    MembershipFactory(user=executor, organization=supplier, role=Membership.Role.EXECUTOR)
    common = {
        "organization": supplier,
        "citizen": citizen,
        "category": heating,
        "municipality": municipality,
        "region": region,
        "executor": executor,
        "due_at": timezone.now() + timedelta(days=5),
    }
    pipe = make_appeal(
        Appeal.Status.IN_PROGRESS, text="Прорвало теплотрассу у дома 5, холодно.", **common
    )
    pump = make_appeal(Appeal.Status.IN_PROGRESS, text="Шумит насос в подвале.", **common)
    return {"pipe": pipe, "pump": pump}


def test_search_as_you_type_keeps_the_filter_in_the_url(browser_page, queue_day):
    page = browser_page.page
    pipe, pump = queue_day["pipe"], queue_day["pump"]
    browser_page.log_in("executor@example.ru", PASSWORD)
    page.goto("/staff/")
    table = page.locator("#appeal-table")
    search = page.get_by_label("Поиск")
    heading = page.get_by_role("heading", level=1)
    expect(table).to_contain_text(pump.number)
    browser_page.audit()

    search.press_sequentially("теплотрасса", delay=20)  # neither Enter nor the button
    expect(table).not_to_contain_text(pump.number)
    expect(table).to_contain_text(pipe.number)
    expect(page).to_have_url(re.compile(r"[?&]q=%D1%82%D0%B5%D0%BF%D0%BB"))
    browser_page.audit()

    page.go_back()  # from htmx's history cache
    expect(page).not_to_have_url(re.compile(r"q="))
    expect(table).to_contain_text(pump.number)
    expect(table).to_contain_text(pipe.number)
    expect(search).to_have_value("")

    search.fill("насос")
    expect(table).not_to_contain_text(pipe.number)
    expect(page).to_have_url(re.compile(r"[?&]q=%D0%BD%D0%B0%D1%81"))
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")
    page.go_back()  # not in the cache: htmx fetches the page, which must come whole
    expect(page).not_to_have_url(re.compile(r"q="))
    expect(table).to_contain_text(pipe.number)
    expect(heading).to_have_text("Обращения организации")
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_visible()

    page.go_forward()
    expect(page).to_have_url(re.compile(r"q=%D0%BD%D0%B0%D1%81"))
    expect(search).to_have_value("насос")
    expect(table).not_to_contain_text(pipe.number)

    page.reload()  # a shared link or a reload keeps the filter
    expect(search).to_have_value("насос")
    expect(table).to_contain_text(pump.number)
    expect(table).not_to_contain_text(pipe.number)
    expect(heading).to_have_text("Обращения организации")
    browser_page.audit()

    page.get_by_role("navigation", name="Списки обращений").get_by_role("link", name="Все").click()
    expect(page).to_have_url(re.compile(r"tab=all"))
    expect(page).to_have_url(re.compile(r"q=%D0%BD%D0%B0%D1%81"))  # the tab keeps the search
    search.fill("теплотрасса")
    expect(table).to_contain_text(pipe.number)
    expect(page).to_have_url(re.compile(r"tab=all"))  # and the search keeps the tab
