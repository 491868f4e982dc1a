"""The read replica against a real one: a PostgreSQL primary and a streaming standby made with
pg_basebackup, both started by the test, and the site as a gunicorn process reading from them.

Which database answered is seen from the outside: the standby's replay is paused, a problem goes
public on the primary, and the public map either shows it (primary) or does not yet (replica).
"""

import json
import os
import time
import uuid

import pytest

from appeals.models import Appeal
from tests.accounts.factories import UserFactory
from tests.appeals.background import HttpClient, Processes, input_value
from tests.appeals.factories import make_appeal
from tests.harness import free_port, session_key_for, wait_for
from tests.organizations.factories import CategoryFactory, MunicipalityFactory
from tests.pgcluster import FAST, Postgres, postgres_workdir

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BOX = "/problems.geojson?bbox=158.5,52.9,158.8,53.1"
MAX_LAG = 15
PIN = 3
S = Appeal.Status


@pytest.fixture
def workdir():
    with postgres_workdir("fp-replica-") as path:
        yield path


@pytest.fixture
def data():
    """A citizen with a public problem, two problems not yet public, and the citizen's session,
    committed to the test database (the primary is loaded from it)."""
    municipality = MunicipalityFactory()
    common = {
        "region": municipality.region,
        "municipality": municipality,
        "category": CategoryFactory(),
        "latitude": "53.01667",
        "longitude": "158.65000",
    }
    citizen = UserFactory(email="replica.citizen@example.ru")
    own = make_appeal(S.REGISTERED, citizen=citizen, is_public=True, **common)
    later = [make_appeal(S.REGISTERED, is_public=False, **common) for _ in range(2)]
    return {
        "region": municipality.region.code,
        "own": own.number,
        "later": [appeal.number for appeal in later],
        "session": session_key_for(citizen),
    }


@pytest.fixture
def cluster(workdir, data, tmp_path):
    """Primary and standby, loaded with the test database, and the site on them as gunicorn:
    yields (primary, replica, the site's port, seconds each stage took, the processes)."""
    started = time.monotonic()
    primary = Postgres(workdir / "primary", free_port())
    replica = Postgres(workdir / "replica", free_port())
    processes = Processes(tmp_path)
    try:
        primary.init("wal_level = replica\nmax_wal_senders = 4\n" + FAST)
        primary.start()
        primary.load_test_database()
        # The site reads from the standby as a role that may only read (README: all it needs).
        primary.query("CREATE ROLE reader LOGIN")
        primary.query("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
        loaded = time.monotonic()
        replica.run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(replica.datadir), "-R", "-X", "stream", "-c", "fast"),
        )
        replica.start()
        wait_for(
            lambda: replica.query("SELECT status FROM pg_stat_wal_receiver") == [("streaming",)],
            timeout=30,
            message="the standby streaming",
        )
        standby_ready = time.monotonic()
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": primary.url(),
            "DATABASE_REPLICA_URL": replica.url(user="reader"),
            "DJANGO_DEBUG": "1",
            "CACHE_KEY_PREFIX": f"replica-{uuid.uuid4().hex}",
            "PLATFORM_REGION_CODE": data["region"],
            "REPLICA_MAX_LAG_SECONDS": str(MAX_LAG),
            "REPLICA_PIN_SECONDS": str(PIN),
            "REPLICA_CHECK_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
        }
        processes.web("web", env, port)
        timings = {
            "primary and load": loaded - started,
            "standby": standby_ready - loaded,
            "web": time.monotonic() - standby_ready,
        }
        yield primary, replica, port, timings, processes
    finally:
        processes.stop()
        replica.kill()
        primary.kill()


def _numbers(client: HttpClient) -> set[str]:
    status, _location, body = client.request("GET", BOX)
    assert status == 200, body[:500]
    return {feature["properties"]["number"] for feature in json.loads(body)["features"]}


def _health(client: HttpClient) -> dict:
    status, _location, body = client.request("GET", "/healthz")
    assert status == 200, body
    return json.loads(body)


def _publish(primary: Postgres, number: str) -> None:
    primary.query("UPDATE appeals_appeal SET is_public = true WHERE number = %s", [number])


def test_public_reads_come_from_the_replica_but_never_stale_for_the_writer(cluster, data):
    primary, replica, port, timings, processes = cluster
    print("replica fixture:", {name: round(seconds, 1) for name, seconds in timings.items()})
    anonymous = HttpClient(port)
    citizen = HttpClient(port)
    citizen.cookies["sessionid"] = data["session"]
    own, (second, third) = data["own"], data["later"]

    assert _numbers(anonymous) == {own}
    assert _health(anonymous) | {"replica_lag_seconds": 0} == {
        "database": "ok",
        "redis": "ok",
        "broker": "ok",
        "replica": "ok",
        "replica_lag_seconds": 0,
        "status": "ok",
    }

    # A commit the standby replays at once: the map shows it.
    _publish(primary, second)
    wait_for(lambda: _numbers(anonymous) == {own, second}, timeout=10, message="replayed")

    # (1) Replay paused, a third problem goes public on the primary: the map, the list and the
    # statistics come from the standby, which has not got it.
    replica.query("SELECT pg_wal_replay_pause()")
    wait_for(
        lambda: replica.query("SELECT pg_get_wal_replay_pause_state()") == [("paused",)],
        timeout=10,
        message="replay paused",
    )
    paused_at = time.monotonic()
    _publish(primary, third)
    assert primary.query(
        "SELECT number FROM appeals_appeal WHERE is_public ORDER BY number"
    ) == sorted([(own,), (second,), (third,)])
    assert _numbers(anonymous) == {own, second}
    status, _location, html = anonymous.request("GET", "/problems/")
    assert status == 200 and second in html and third not in html
    status, _location, _html = anonymous.request("GET", "/stats/")
    assert status == 200

    # (2) The citizen takes their problem off the public page: from then on they read from the
    # primary (their problem gone, the third one there); everybody else still from the standby.
    status, _location, html = citizen.request("GET", f"/appeals/{own}/")
    assert status == 200, html[:500]
    status, location, _html = citizen.request(
        "POST",
        f"/appeals/{own}/private/",
        {"csrfmiddlewaretoken": input_value(html, "csrfmiddlewaretoken")},
    )
    assert status == 302, status
    assert _numbers(citizen) == {second, third}
    assert _numbers(anonymous) == {own, second}
    # The pin lasts REPLICA_PIN_SECONDS: then the citizen reads from the standby again.
    wait_for(lambda: _numbers(citizen) == {own, second}, timeout=PIN + 5, message="pin ended")
    assert time.monotonic() - paused_at < MAX_LAG, "the machine is too slow for this lag limit"

    # (3) The standby's lag passes REPLICA_MAX_LAG_SECONDS: every read goes to the primary.
    wait_for(
        lambda: _numbers(anonymous) == {second, third}, timeout=MAX_LAG + 15, message="fallback"
    )
    health = _health(anonymous)
    assert health["replica"] == "lagging" and health["replica_lag_seconds"] > MAX_LAG
    assert health["status"] == "degraded" and health["database"] == "ok"

    # Replay resumes: the standby catches up and serves again.
    replica.query("SELECT pg_wal_replay_resume()")
    wait_for(lambda: _health(anonymous)["replica"] == "ok", timeout=15, message="caught up")
    assert _numbers(anonymous) == {second, third}

    # (4) The standby stops: pages are served from the primary, no error; /healthz tells.
    replica.stop("immediate")
    for path in (BOX, "/problems/", "/stats/", "/outages.geojson"):
        status, _location, body = anonymous.request("GET", path)
        assert status == 200, (path, body[:300])
    assert _numbers(anonymous) == {second, third}
    health = _health(anonymous)
    assert health["replica"] == "unavailable" and health["replica_lag_seconds"] is None
    assert health["status"] == "degraded"
    assert "Internal Server Error" not in processes.log("web", None)
