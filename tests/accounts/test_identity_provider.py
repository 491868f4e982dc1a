"""«Войти через Госуслуги»: allauth's OpenID Connect login against a real provider on loopback
(tests/accounts/oidc_provider.py). The person becomes identity-verified, with name and phone from
the provider's claims; the button is hidden when the provider is not configured."""

import pytest
import requests
from allauth.account.models import EmailAddress

from accounts.models import AuditEvent, User
from tests.accounts.factories import UserFactory
from tests.accounts.oidc_provider import esia_provider, esia_settings

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/accounts/oidc/esia/login/callback/"
CLAIMS = {
    "sub": "esia-1000123",
    "family_name": "Сидорова",
    "given_name": "Мария",
    "middle_name": "Ивановна",
    "email": "maria.sidorova@example.ru",
    "email_verified": True,
    "phone_number": "+7 914 000-11-22",
}


@pytest.fixture
def provider(settings):
    with esia_provider(redirect_uris=[CALLBACK], claims=CLAIMS) as running:
        settings.SOCIALACCOUNT_PROVIDERS = esia_settings(
            running, scope=["openid", "email", "profile", "phone"]
        )
        yield running


def _log_in_through(client, provider):
    """What the browser does: our login form → the provider → back to our callback."""
    start = client.post("/accounts/oidc/esia/login/?process=login")
    assert start.status_code == 302 and start.url.startswith(f"{provider.issuer}/authorize?")
    at_provider = requests.get(start.url, allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    callback = at_provider.headers["Location"]
    assert callback.startswith(CALLBACK)
    return client.get(callback.removeprefix("http://testserver"))


def test_button_hidden_when_not_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/oidc/" not in page and "Госуслуги" not in page


def test_button_shown_when_configured(client, provider):
    page = client.get("/accounts/login/").content.decode()
    assert 'action="/accounts/oidc/esia/login/?process=login"' in page
    assert "Госуслуги" in page


def test_new_citizen_signs_in_and_is_identity_verified(client, provider):
    response = _log_in_through(client, provider)
    assert response.status_code == 302, response.content[:500]
    user = User.objects.get(email="maria.sidorova@example.ru")
    assert user.is_identity_verified
    assert (user.last_name, user.first_name, user.patronymic, user.phone) == (
        "Сидорова",
        "Мария",
        "Ивановна",
        "+7 914 000-11-22",
    )
    assert EmailAddress.objects.get(user=user).verified
    assert int(client.session["_auth_user_id"]) == user.pk
    audit = AuditEvent.objects.get(action="identity_verified")
    assert audit.target_user == user and audit.changes["provider"] == "esia"
    assert "Сидорова" not in str(audit.changes)  # field names, never values
    # The code went through the token endpoint (PKCE-checked) and the userinfo endpoint.
    assert ("POST", "/token") in provider.requests and ("GET", "/userinfo") in provider.requests


def test_existing_account_with_that_email_is_verified_and_takes_the_names(client, provider):
    known = UserFactory(
        email="maria.sidorova@example.ru", last_name="Сидорва", first_name="Маша", phone=""
    )
    response = _log_in_through(client, provider)
    assert response.status_code == 302
    known.refresh_from_db()
    assert known.is_identity_verified
    assert (known.last_name, known.first_name, known.phone) == (
        "Сидорова",
        "Мария",
        "+7 914 000-11-22",
    )
    assert User.objects.count() == 1
    assert sorted(AuditEvent.objects.get(action="identity_verified").changes["fields"]) == [
        "first_name",
        "last_name",
        "patronymic",
        "phone",
    ]


def test_second_login_refreshes_the_verification_time(client, provider):
    _log_in_through(client, provider)
    first = User.objects.get().identity_verified_at
    client.logout()
    _log_in_through(client, provider)
    assert User.objects.get().identity_verified_at > first
    assert AuditEvent.objects.filter(action="identity_verified").count() == 2


def test_password_login_does_not_verify_identity(client):
    user = UserFactory(email="plain@example.ru")
    client.post("/accounts/login/", {"login": "plain@example.ru", "password": "correct-horse-41"})
    user.refresh_from_db()
    assert not user.is_identity_verified


def test_a_forged_callback_logs_nobody_in(client, provider):
    client.post("/accounts/oidc/esia/login/?process=login")
    response = client.get(
        "/accounts/oidc/esia/login/callback/", {"code": "made-up", "state": "made-up"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 400, 401)
    assert not User.objects.filter(email="maria.sidorova@example.ru").exists()
