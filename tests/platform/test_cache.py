import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.accounts.factories import PASSWORD
from tests.harness import dead_redis_url


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": dead_redis_url(1)}}


def test_cache_falls_back_to_this_process_while_redis_is_down(redis_down):
    cache.set("key", "value")
    assert cache.get("key", "fallback") == "value"
    assert cache.add("key", "other") is False  # a real add: a lock or a counter stays honest
    assert cache.add("counter", 1) is True
    assert cache.incr("counter") == 2


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


def test_the_fallback_is_shared_by_every_thread_of_the_process(redis_down):
    # Django gives each thread its own cache object; a threaded server must still count a login
    # attempt made on one thread when the next arrives on another.
    import threading

    cache.add("attempts", 1)
    seen = []
    thread = threading.Thread(target=lambda: seen.append(cache.incr("attempts")))
    thread.start()
    thread.join()
    assert seen == [2]
    assert cache.get("attempts") == 2
