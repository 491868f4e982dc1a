"""A resident on the filing form sees that the problem is already known and joins it instead of
writing again; the organization's staff page shows how many residents support it."""

import pytest
from playwright.sync_api import expect

from appeals.models import Appeal, Support
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals.factories import make_appeal
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
    RoutingRuleFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def known_problem(settings):
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(region=region, name="Елизовский муниципальный район")
    administration = OrganizationFactory(
        region=region, name="Администрация Елизовского муниципального района"
    )
    category = CategoryFactory(
        name="Уборка снега и наледи", parent__name="Дороги", term_days=10, is_priority=True
    )
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=administration, region=region
    )
    executor = UserFactory(email="executor@example.ru")
    MembershipFactory(user=executor, organization=administration, role=Membership.Role.EXECUTOR)
    problem = make_appeal(
        Appeal.Status.IN_PROGRESS,
        organization=administration,
        executor=executor,
        category=category,
        municipality=municipality,
        address="г. Елизово, ул. Ленина, 12",
        is_public=True,
    )
    resident = UserFactory(
        email="petr@example.ru",
        first_name="Пётр",
        postal_address="684000, г. Елизово, ул. Ленина, 3",
        municipality=municipality,
    )
    return {"problem": problem, "resident": resident, "executor": executor}


def test_a_resident_joins_a_known_problem_from_the_filing_form(browser_page, known_problem):
    page = browser_page.page
    problem = known_problem["problem"]
    browser_page.sign_in(known_problem["resident"])
    page.goto("/appeals/new/")
    browser_page.audit()
    page.get_by_label("Категория").select_option(label="Уборка снега и наледи — 10 дней")
    page.get_by_label("Муниципальное образование").select_option(
        label="Елизовский муниципальный район"
    )
    suggestion = page.locator("#nearby")
    expect(suggestion).to_contain_text("Эта проблема уже известна — присоединиться?")
    expect(suggestion).to_contain_text("г. Елизово, ул. Ленина, 12")
    expect(suggestion).to_contain_text("Поддержали: 0")
    browser_page.audit()
    suggestion.get_by_role("button", name="Присоединиться").click()
    expect(suggestion).to_contain_text("Вы присоединились к проблеме")
    expect(suggestion).to_contain_text("Поддержали: 1")
    expect(suggestion.get_by_role("button", name="Больше не поддерживать")).to_be_visible()
    browser_page.audit()
    assert Support.objects.filter(appeal=problem, citizen=known_problem["resident"]).exists()

    page.goto("/appeals/")
    expect(page.locator("#supported")).to_contain_text(problem.number)
    browser_page.audit()

    browser_page.sign_in(known_problem["executor"])
    page.goto(f"/staff/appeals/{problem.number}/")
    expect(page.locator("#supporters")).to_have_text("1")
    browser_page.audit()
    page.goto("/staff/?sort=supporters")
    expect(page.get_by_role("main")).to_contain_text(problem.number)
    browser_page.audit()


def test_a_head_groups_two_appeals_into_an_incident_and_answers_it(browser_page, known_problem):
    page = browser_page.page
    problem = known_problem["problem"]
    second = make_appeal(
        Appeal.Status.REGISTERED,
        organization=problem.organization,
        category=problem.category,
        municipality=problem.municipality,
        address="г. Елизово, ул. Ленина, 14",
    )
    head = UserFactory(email="head@example.ru")
    MembershipFactory(user=head, organization=problem.organization, role=Membership.Role.HEAD)
    browser_page.sign_in(head)
    page.goto("/staff/")
    browser_page.audit()
    page.get_by_label(f"Выбрать обращение {problem.number}").check()
    page.get_by_label(f"Выбрать обращение {second.number}").check()
    page.get_by_role("button", name="Объединить в инцидент…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Объединить в инцидент")
    browser_page.audit()
    page.get_by_label("Название инцидента").fill("Не убран снег на ул. Ленина")
    page.get_by_role("button", name="Создать инцидент").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Не убран снег на ул. Ленина")
    expect(page.get_by_role("main")).to_contain_text(second.number)
    browser_page.audit()
    page.get_by_label("Ответ на каждое обращение инцидента").fill("Снег на ул. Ленина убран.")
    page.get_by_label("Результат рассмотрения").select_option(label="поддержано, меры приняты")
    page.get_by_role("button", name="Отправить ответ на каждое обращение").click()
    expect(page.get_by_role("main")).to_contain_text("Ответ отправлен")
    browser_page.audit()
    assert set(Appeal.objects.values_list("status", flat=True)) == {Appeal.Status.ANSWERED}
