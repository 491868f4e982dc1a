"""Rate limits keep counting while Redis is stopped or frozen (a per-process fallback counter in
core/cache.py): login fails closed after its threshold, filing and Open311 POSTs are
refused past their rates. The Redis is a real server of the test's own, stopped or frozen."""

import pytest
from django.urls import reverse

from appeals.models import Appeal
from partners.services import issue_api_key
from tests.accounts.factories import PASSWORD
from tests.appeals.background import RedisServer
from tests.appeals.test_open311 import BASE, valid_post
from tests.appeals.test_views import _form

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["stopped", "frozen"])
def redis_outage(request, settings, tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": server.url, "KEY_PREFIX": "outage"}
    }
    if request.param == "stopped":
        server.stop()
    else:
        server.freeze()
    yield request.param
    server.stop()  # thaws a frozen one first


def _log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_fails_closed_after_five_wrong_passwords_while_redis_is_down(
    client, citizen, redis_outage
):
    for _ in range(5):
        response = _log_in(client, citizen.email, "wrong-password")
        assert response.status_code == 200
    response = _log_in(client, citizen.email, PASSWORD)  # even the right one, for a while
    assert response.status_code in {200, 429}
    assert "Слишком много неудачных попыток входа" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_citizen_still_logs_in_while_redis_is_down(client, citizen, redis_outage):
    response = _log_in(client, citizen.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_filing_rate_holds_while_redis_is_down(client, world, settings, redis_outage):
    settings.APPEAL_FILING_RATE = "2/h"
    client.force_login(world.citizen)
    for _ in range(2):
        assert client.post(reverse("appeals:new"), _form(world)).status_code == 302
    response = client.post(reverse("appeals:new"), _form(world))
    assert response.status_code == 429
    assert Appeal.objects.count() == 2


def test_open311_rate_per_key_holds_while_redis_is_down(client, world, settings, redis_outage):
    settings.PLATFORM_REGION_CODE = world.region.code
    settings.OPEN311_JURISDICTION_ID = "kamgov.ru"
    settings.OPEN311_POST_RATE = "2/h"
    _row, key = issue_api_key(actor=None, partner="Мобильное приложение «Камчатка»")
    for n in range(2):
        response = client.post(
            f"{BASE}requests.json", valid_post(world, key, address_string=f"ул. Мира, {n}")
        )
        assert response.status_code == 201, response.content
    response = client.post(f"{BASE}requests.json", valid_post(world, key))
    assert response.status_code == 429
    assert Appeal.objects.count() == 2
