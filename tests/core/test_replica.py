"""Which database a replica-tolerant read goes to, decided without a replica (the real one is
tests/platform/test_replica.py): the pin after a change, the cached health, no replica at all."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from appeals.models import Appeal
from core import replica


@pytest.fixture
def configured(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)


def _health(monkeypatch, state: str) -> None:
    monkeypatch.setattr(replica, "replica_health", lambda **_: {"state": state, "lag": 1.0})


def _after(method: str) -> HttpResponse:
    request = getattr(RequestFactory(), method.lower())("/appeals/new/")
    return replica.PrimaryPinMiddleware(lambda request: HttpResponse())(request)


def test_without_a_replica_everything_reads_from_the_primary_and_no_cookie_is_set(settings):
    assert "replica" not in settings.DATABASES
    assert replica.replica_alias(RequestFactory().get("/stats/")) == "default"
    assert replica.PIN_COOKIE not in _after("POST").cookies


def test_a_healthy_replica_serves_reads_and_an_unhealthy_one_does_not(configured, monkeypatch):
    request = RequestFactory().get("/problems.geojson")
    _health(monkeypatch, "ok")
    assert replica.replica_alias(request) == "replica"
    for state in ("lagging", "disconnected", "unavailable"):
        _health(monkeypatch, state)
        assert replica.replica_alias(request) == "default", state


def test_a_change_pins_its_sender_to_the_primary_for_the_pin_seconds(
    configured, monkeypatch, settings
):
    settings.REPLICA_PIN_SECONDS = 10
    _health(monkeypatch, "ok")
    assert replica.PIN_COOKIE not in _after("GET").cookies
    cookie = _after("POST").cookies[replica.PIN_COOKIE]
    assert cookie["httponly"] and cookie["max-age"] == 11
    request = RequestFactory().get("/problems.geojson")
    request.COOKIES[replica.PIN_COOKIE] = cookie.value
    assert replica.replica_alias(request) == "default"
    request.COOKIES[replica.PIN_COOKIE] = str(int(time.time()) - 1)  # the pin has ended
    assert replica.replica_alias(request) == "replica"
    request.COOKIES[replica.PIN_COOKIE] = "not a time"
    assert replica.replica_alias(request) == "replica"


def test_a_replica_failing_during_a_page_makes_it_read_again_from_the_primary(
    configured, monkeypatch
):
    _health(monkeypatch, "ok")
    dropped = []
    monkeypatch.setattr(replica, "_forget_replica", lambda: dropped.append(True))
    reads = []

    @replica.reads_from_replica
    def view(request):
        reads.append(replica._reading.get())
        if reads[-1] == "replica":
            raise OperationalError("server closed the connection unexpectedly")
        return HttpResponse("from the primary")

    request = RequestFactory().get("/stats/")
    request.user = AnonymousUser()
    response = view(request)
    assert response.content == b"from the primary"
    assert reads == ["replica", None] and dropped == [True]


def test_accounts_and_sessions_are_read_from_the_primary_even_in_a_replica_block():
    router = replica.ReplicaRouter()
    with replica.reading("replica"):
        assert router.db_for_read(Appeal) == "replica"
        assert router.db_for_read(get_user_model()) == "default"
        assert router.db_for_read(Session) == "default"
    assert router.db_for_read(Appeal) is None  # outside a block: Django's default, the primary
    assert router.db_for_write(Appeal) == "default"
