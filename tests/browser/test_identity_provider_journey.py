"""A citizen signs in with «Войти через Госуслуги» in Chromium: our login page, the provider's
sign-in page (a real OpenID Connect provider on loopback), back signed in and identity-verified."""

import copy
import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.accounts.oidc_provider import esia_provider, esia_settings
from tests.accounts.test_identity_provider import CLAIMS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_signs_in_through_the_identity_provider(browser_page, live_server, settings):
    callback = f"{live_server.url}/accounts/oidc/esia/login/callback/"
    with esia_provider(redirect_uris=[callback], claims=CLAIMS, sign_in_page=True) as provider:
        settings.SOCIALACCOUNT_PROVIDERS = esia_settings(provider)
        # What settings.py does for ESIA_OIDC_ISSUER: the login form may lead to the provider.
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"] = ["'self'", provider.issuer]
        settings.CONTENT_SECURITY_POLICY = policy
        page = browser_page.page
        page.goto("/accounts/login/")
        browser_page.audit()
        page.get_by_role("button", name=re.compile("Госуслуги")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Госуслуги")
        assert page.url.startswith(provider.issuer)
        browser_page.audit()
        page.get_by_role("link", name="Войти как Мария").click()
        menu = page.get_by_role("navigation", name="Главное меню")
        expect(menu).to_contain_text("Профиль")
        browser_page.audit()
    user = User.objects.get(email="maria.sidorova@example.ru")
    assert user.is_identity_verified and user.get_full_name() == "Сидорова Мария Ивановна"
