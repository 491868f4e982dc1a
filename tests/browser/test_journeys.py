import re

import pytest
from playwright.sync_api import expect

from organizations.models import Membership
from tests.accounts.factories import PASSWORD, UserFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Klyuchevskaya-4750"


def test_citizen_signs_up_confirms_the_email_and_logs_in(browser_page, smtp_sink):
    page = browser_page.page
    page.goto("/")
    browser_page.audit()
    page.get_by_role("link", name="Регистрация").click()
    browser_page.audit()

    page.get_by_label("Адрес электронной почты").fill("new.citizen@example.ru")
    page.get_by_label("Пароль:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Пароль (ещё раз)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Зарегистрируйтесь").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Подтвердите")
    browser_page.audit()

    for _ in range(50):
        if smtp_sink.messages:
            break
        page.wait_for_timeout(100)
    assert len(smtp_sink.messages) == 1
    message = smtp_sink.messages[0]
    assert message["To"] == "new.citizen@example.ru"
    confirm_url = smtp_sink.link(message, r"http://[^\s]+/accounts/confirm-email/[^\s]+/")

    page.goto(confirm_url)
    browser_page.audit()
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_role("navigation", name="Главное меню")).to_contain_text("Профиль")
    browser_page.audit()

    menu = page.get_by_role("navigation", name="Главное меню")
    menu.get_by_role("button", name="Выйти").click()
    expect(menu.get_by_role("link", name="Войти")).to_be_visible()
    browser_page.audit()
    menu.get_by_role("link", name="Войти").click()
    browser_page.audit()
    page.get_by_label("Адрес электронной почты").fill("new.citizen@example.ru")
    page.get_by_label("Пароль:", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("navigation", name="Главное меню")).to_contain_text("Профиль")
    browser_page.audit()


def test_staff_member_logs_in_and_sees_the_staff_navigation(browser_page):
    organization = OrganizationFactory(name="Администрация Елизовского муниципального района")
    executor = UserFactory(email="executor@example.ru")
    MembershipFactory(user=executor, organization=organization, role=Membership.Role.EXECUTOR)

    page = browser_page.page
    page.goto("/accounts/login/")
    browser_page.audit()
    page.get_by_label("Адрес электронной почты").fill("executor@example.ru")
    page.get_by_label("Пароль:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    menu = page.get_by_role("navigation", name="Главное меню")
    expect(menu.get_by_role("link", name="Рабочее место")).to_be_visible()
    expect(menu.get_by_role("link", name="Модерация")).to_have_count(0)
    browser_page.audit()
    menu.get_by_role("link", name="Рабочее место").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Обращения организации")
    browser_page.audit()


def test_low_vision_version_works_without_javascript(chromium, live_server):
    context = chromium.new_context(
        locale="ru-RU", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="Версия для слабовидящих").click()
    expect(page.locator("html")).to_have_class(re.compile("low-vision"))
    expect(page.get_by_role("button", name="Обычная версия")).to_be_visible()
    context.close()


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_public_pages_pass_axe(browser_page, path):
    browser_page.page.goto(path)
    browser_page.audit()
