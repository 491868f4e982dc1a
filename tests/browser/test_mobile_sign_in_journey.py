"""The mobile app's sign-in in Chromium (issue 17): the app opens /o/authorize/ with PKCE, the
citizen signs in with the platform's login, allows the app on the Russian consent page, and the
browser is sent to the app's own redirect URI with the code (the CSP lets the consent form's
redirect go to the app's scheme). Every page through vnu and axe."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from citizen_api.demo import DEMO_CLIENT_ID, DEMO_REDIRECT_URI, load_demo_mobile_client
from tests.accounts.factories import PASSWORD, UserFactory
from tests.citizen_api.tokens import pkce_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_citizen_signs_the_app_in(browser_page):
    load_demo_mobile_client()
    UserFactory(email="anna@example.ru", last_name="Иванова", first_name="Анна")
    _verifier, challenge = pkce_pair()
    page = browser_page.page
    query = {
        "response_type": "code",
        "client_id": DEMO_CLIENT_ID,
        "redirect_uri": DEMO_REDIRECT_URI,
        "scope": "appeals",
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page.goto(f"/o/authorize/?{urlencode(query)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Войти")
    browser_page.audit()
    page.get_by_label("Адрес электронной почты").fill("anna@example.ru")
    page.get_by_label("Пароль:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Вход в «Обратная связь (мобильное приложение)»"
    )
    expect(page.get_by_role("main")).to_contain_text("anna@example.ru")
    browser_page.audit()
    with page.expect_response(
        lambda response: (
            response.url.split("?")[0].endswith("/o/authorize/")
            and response.request.method == "POST"
        )
    ) as answer:
        page.get_by_role("button", name="Разрешить").click()
    location = urlsplit(answer.value.headers["location"])
    assert f"{location.scheme}:{location.path}" == DEMO_REDIRECT_URI
    assert parse_qs(location.query)["state"] == ["s1"] and parse_qs(location.query)["code"]
