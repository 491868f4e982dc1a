"""A moderator finds the organization among hundreds by typing a part of its name, picks it with
the keyboard from the list of matches and registers the appeal there."""

import pytest
from playwright.sync_api import expect

from appeals.models import Appeal
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


def test_moderator_picks_the_organization_by_typing(browser_page, settings):
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(region=region, name="Елизовский муниципальный район")
    OrganizationFactory.create_batch(60, region=region)
    waste = OrganizationFactory(region=region, name="Региональный оператор «Спецтранс»")
    moderator = UserFactory(email="moderator@example.ru")
    MembershipFactory(user=moderator, organization=None, region=region, role="moderator")
    appeal = make_appeal(
        Appeal.Status.SUBMITTED,
        organization=None,
        citizen=UserFactory(email="anna@example.ru"),
        category=CategoryFactory(name="Вывоз мусора", parent__name="ЖКХ"),
        municipality=municipality,
        region=region,
        text="Контейнеры не вывозят вторую неделю.",
    )
    page = browser_page.page
    browser_page.log_in("moderator@example.ru", PASSWORD)
    page.goto(f"/moderation/{appeal.number}/")
    browser_page.audit()

    search = page.get_by_role("combobox", name="Найти организацию по названию или ИНН")
    search.press_sequentially("спецтр", delay=20)
    options = page.get_by_role("listbox", name="Подходящие организации")
    expect(options.get_by_role("option")).to_have_count(1)
    expect(search).to_have_attribute("aria-expanded", "true")
    browser_page.audit()
    search.press("ArrowDown")
    expect(
        options.get_by_role("option", name="Региональный оператор «Спецтранс»")
    ).to_have_attribute("aria-selected", "true")
    search.press("Enter")  # chooses; does not submit
    expect(page.get_by_label("Ответственная организация")).to_have_value(str(waste.pk))
    expect(options).to_be_hidden()

    page.get_by_role("button", name="Зарегистрировать и направить").click()
    expect(page.get_by_role("main")).to_contain_text("Региональный оператор «Спецтранс»")
    browser_page.audit()
    appeal.refresh_from_db()
    assert appeal.organization_id == waste.pk
