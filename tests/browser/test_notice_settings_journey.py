"""The notification settings page in Chromium: the push button appears only where script runs
(progressive enhancement), the page registers the service worker at /sw.js, and the plain form
saves the SMS choice and quiet hours."""

import pytest
from playwright.sync_api import expect

from core.push import generate_vapid_keys
from tests.accounts.factories import UserFactory
from tests.harness import session_key_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_push_button_and_the_service_worker_and_the_plain_form(browser_page, settings):
    settings.WEBPUSH_VAPID_PRIVATE_KEY, settings.WEBPUSH_VAPID_PUBLIC_KEY = generate_vapid_keys()
    settings.SMPP_HOST = "127.0.0.1"
    citizen = UserFactory(email="citizen@example.ru")
    browser_page.sign_in(citizen)
    page = browser_page.page
    page.goto("/accounts/notifications/")
    expect(page.get_by_role("heading", name="Push-уведомления на этом устройстве")).to_be_visible()
    expect(page.get_by_role("button", name="Включить на этом устройстве")).to_be_visible()
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.scriptURL)")
    assert scope.endswith("/sw.js")
    browser_page.audit()

    page.get_by_label("SMS о моих обращениях").check()
    page.get_by_label("Мобильный телефон для SMS").fill("+7 914 123-45-67")
    page.get_by_label("Тихие часы с").select_option("23")
    page.get_by_label("Тихие часы до").select_option("7")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Настройки уведомлений сохранены.")).to_be_visible()
    browser_page.audit()
    citizen.refresh_from_db()
    assert citizen.notice_sms and citizen.phone == "+79141234567" and citizen.quiet_hours == (23, 7)


def test_without_script_the_push_section_stays_hidden(chromium, live_server, settings):
    settings.WEBPUSH_VAPID_PRIVATE_KEY, settings.WEBPUSH_VAPID_PUBLIC_KEY = generate_vapid_keys()
    citizen = UserFactory(email="citizen@example.ru")
    context = chromium.new_context(
        locale="ru-RU", base_url=live_server.url, java_script_enabled=False
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_key_for(citizen),
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto("/accounts/notifications/")
    expect(page.get_by_role("heading", name="Настройки уведомлений")).to_be_visible()
    expect(page.get_by_role("button", name="Включить на этом устройстве")).to_be_hidden()
    context.close()
