import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.accounts.factories import PASSWORD
from tests.harness import dead_redis_url


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": dead_redis_url(1)}}


def test_cache_answers_as_a_miss_while_redis_is_down(redis_down):
    cache.set("key", "value")
    assert cache.get("key", "fallback") == "fallback"
    assert cache.add("key", "value") is True  # degraded: nothing is stored, nothing is refused


@pytest.mark.django_db
def test_citizen_can_log_in_while_redis_is_down(client, citizen, redis_down):
    response = client.post(
        reverse("account_login"), {"login": "citizen@example.ru", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_cache_works_when_redis_is_up():
    cache.set("key", "value", 30)
    assert cache.get("key") == "value"
