import pytest

from tests.harness import dead_redis_url


@pytest.mark.django_db
def test_healthz_reports_database_cache_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok", "broker": "ok", "status": "ok"}


@pytest.mark.django_db
def test_healthz_stays_200_but_degraded_when_redis_and_the_broker_are_down(client, settings):
    # The site keeps taking appeals without Redis, so the load balancer must keep the node.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": dead_redis_url(1)}}
    settings.CELERY_BROKER_URL = dead_redis_url(0)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "redis": "unavailable",
        "broker": "unavailable",
        "status": "degraded",
    }
