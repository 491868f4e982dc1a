"""Layout on a phone and on a desktop: no page scrolls sideways at 360 px, tables become stacked
cards, the menu of a person with many roles fits one row at 1280 px and folds into a disclosure
(no JavaScript needed) on a phone; /analytics/ has a table of contents and shows one section at a
time on a phone; /stats/ is linked from the footer. Every page passes the harness's audit."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analytics.services import rebuild_stats
from appeals.models import Appeal
from feedback_platform.context_processors import A11Y_COOKIE
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals.factories import make_appeal
from tests.browser.conftest import PHONE
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
)
from tests.surveys.factories import DiscussionFactory, make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 1»"


@pytest.fixture
def world(settings):
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(
        region=region, name="Петропавловск-Камчатский городской округ"
    )
    organization = OrganizationFactory(region=region, name=LONG_NAME)
    category = CategoryFactory(name="Содержание дворовых территорий и детских площадок")
    citizen = UserFactory(email="citizen@example.ru", municipality=municipality)
    now = timezone.now()
    for index, status in enumerate(
        (Appeal.Status.SUBMITTED, Appeal.Status.IN_PROGRESS, Appeal.Status.ANSWERED)
    ):
        make_appeal(
            status,
            citizen=citizen,
            organization=organization if status != Appeal.Status.SUBMITTED else None,
            municipality=municipality,
            category=category,
            region=region,
            submitted_at=now - timedelta(days=index + 2),
        )
    # A head who is also the region's moderator and analyst and a platform admin: the longest menu.
    chief = UserFactory(
        email="chief@example.ru",
        last_name="Константинопольская",
        first_name="Александра",
        is_staff=True,
        is_superuser=True,
    )
    MembershipFactory(user=chief, organization=organization, role=Membership.Role.HEAD)
    MembershipFactory(user=chief, organization=None, region=region, role=Membership.Role.MODERATOR)
    MembershipFactory(user=chief, organization=None, region=region, role=Membership.Role.ANALYST)
    head = UserFactory(email="head@example.ru", last_name="Ковалевская", first_name="Екатерина")
    MembershipFactory(user=head, organization=organization, role=Membership.Role.HEAD)
    survey = make_survey(
        organization=organization,
        kind="poll",
        title="Какие спортивные площадки нужны в микрорайоне Северо-Восток в 2027 году",
        options=("Площадка для воркаута и уличной гимнастики", "Поле для мини-футбола"),
    )
    DiscussionFactory(
        organization=organization,
        title="Проект правил благоустройства территории городского округа",
    )
    rebuild_stats()
    return {"citizen": citizen, "chief": chief, "head": head, "survey": survey}


def _scroll_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def _duplicate_landmark_names(page) -> list:
    """axe's landmark-unique rule (a moderate one, so the audit alone lets it pass)."""
    return page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['landmark-unique']}))"
        ".violations.flatMap((v) => v.nodes.map((n) => n.target))"
    )


def test_no_page_scrolls_sideways_on_a_phone(browser_page, world):
    page = browser_page.page
    page.set_viewport_size(PHONE)
    browser_page.sign_in(world["citizen"])
    for path in ("/appeals/", f"/surveys/{world['survey'].pk}/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert _scroll_width(page) <= PHONE["width"], path
        browser_page.audit()
    # The table of «Мои обращения» is a stack of cards: each cell says what it holds.
    page.goto("/appeals/")
    cell = page.locator("table.table-stack td", has_text=LONG_NAME).first
    expect(cell).to_be_visible()
    assert cell.evaluate("cell => getComputedStyle(cell, '::before').content") == '"Организация"'
    expect(page.locator("table.table-stack thead th").first).not_to_be_in_viewport()
    browser_page.audit()

    page.context.clear_cookies()
    browser_page.sign_in(world["chief"])
    for path in ("/surveys/manage/", "/discussions/manage/", "/appeals/", "/analytics/", "/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert _scroll_width(page) <= PHONE["width"], path
        browser_page.audit()


def _menu_fits_one_row(page) -> None:
    menu = page.get_by_role("navigation", name="Главное меню")
    row_height = menu.get_by_role("link", name="Рабочее место").bounding_box()["height"]
    assert menu.bounding_box()["height"] < 1.5 * row_height, "the menu wraps to several rows"


def test_the_menu_of_a_head_fits_one_row_at_1280_px(browser_page, world):
    page = browser_page.page
    page.set_viewport_size({"width": 1280, "height": 800})
    browser_page.sign_in(world["head"])
    page.goto("/")
    menu = page.get_by_role("navigation", name="Главное меню")
    for name in ("Рабочее место", "Консультации с жителями", "Аналитика", "Профиль", "Выйти"):
        expect(menu.get_by_text(name, exact=True).locator("visible=true")).to_be_visible()
    _menu_fits_one_row(page)
    browser_page.audit()


def test_the_menu_of_a_person_with_every_role_fits_one_row_with_the_rest_under_more(
    browser_page, world
):
    page = browser_page.page
    page.set_viewport_size({"width": 1280, "height": 800})
    browser_page.sign_in(world["chief"])
    page.goto("/")
    _menu_fits_one_row(page)
    browser_page.audit()
    menu = page.get_by_role("navigation", name="Главное меню")
    analytics = menu.get_by_role("link", name="Аналитика")
    expect(analytics).to_be_hidden()
    menu.get_by_text("Ещё", exact=True).click()
    analytics.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Аналитика")
    browser_page.audit()


def test_on_a_phone_the_menu_is_a_disclosure_that_needs_no_javascript(chromium, live_server, world):
    context = chromium.new_context(
        locale="ru-RU", base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    try:
        page = context.new_page()
        page.goto("/")
        menu = page.get_by_role("navigation", name="Главное меню")
        polls = menu.get_by_role("link", name="Опросы и голосования")
        expect(polls).to_be_hidden()
        menu.get_by_text("Меню", exact=True).click()
        expect(polls).to_be_visible()
        assert _scroll_width(page) <= PHONE["width"]
        polls.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Опросы")
    finally:
        context.close()


def test_analytics_has_a_table_of_contents_and_one_section_at_a_time_on_a_phone(
    browser_page, world
):
    page = browser_page.page
    browser_page.sign_in(world["chief"])
    page.goto("/analytics/")
    contents = page.get_by_role("navigation", name="Содержание страницы")
    expect(contents.get_by_role("link")).not_to_have_count(0)
    browser_page.audit()
    assert _duplicate_landmark_names(page) == []

    page.set_viewport_size(PHONE)
    sections = page.locator("main section.analytics-section")
    expect(sections.locator("visible=true")).to_have_count(1)
    contents.get_by_role("link", name="По организациям").click()
    expect(page.get_by_role("heading", name="По организациям", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Основные показатели")).to_be_hidden()
    expect(sections.locator("visible=true")).to_have_count(1)
    assert _scroll_width(page) <= PHONE["width"]
    browser_page.audit()


def test_a_missing_date_is_reported_once_and_stats_name_their_chart_once(browser_page, world):
    page = browser_page.page
    browser_page.sign_in(world["chief"])
    page.goto("/analytics/?preset=custom&start=2026-01-01")
    expect(page.get_by_text("Укажите обе даты периода.")).to_have_count(1)
    browser_page.audit()

    page.goto("/")
    browser_page.audit()
    page.get_by_role("contentinfo").get_by_role("link", name="Платформа в цифрах").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Платформа в цифрах")
    expect(page.get_by_text("О чём пишут чаще всего")).to_have_count(1)
    browser_page.audit()
    assert _duplicate_landmark_names(page) == []


def test_the_moderation_review_and_the_profile_pass_the_html_checker(browser_page, world):
    page = browser_page.page
    appeal = Appeal.objects.get(status=Appeal.Status.SUBMITTED)
    browser_page.sign_in(world["chief"])
    page.goto(f"/moderation/{appeal.number}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(appeal.number)
    browser_page.audit()
    page.goto("/accounts/profile/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    browser_page.audit()


def test_the_low_vision_cookie_gives_the_mode_the_audit_checks(browser_page, world, live_server):
    """The audit's low-vision pass toggles the class the cookie sets: the real cookie gives it."""
    page = browser_page.page
    page.context.add_cookies([{"name": A11Y_COOKIE, "value": "on", "url": live_server.url}])
    browser_page.sign_in(world["chief"])
    page.goto("/analytics/")
    expect(page.locator("html")).to_have_class("low-vision")
    expect(page.get_by_role("button", name="Обычная версия")).to_be_visible()
    browser_page.audit()
