"""Reads that may come from the streaming replica (DATABASE_REPLICA_URL), and only those.

Nothing is routed by magic: a view opts in with `@reads_from_replica` (analytics, exports, the
public statistics and the public map), and every query it makes, ORM or related lookup, goes to
the replica for the length of the view. Everything else, and every write, goes to the primary.

The replica is used only when it is reachable and its replay is no further than
REPLICA_MAX_LAG_SECONDS behind; the check is cached for REPLICA_CHECK_SECONDS, so it costs one
cache read per request, not a query. A person who has just changed something (any POST, PUT,
PATCH or DELETE) is pinned to the primary for REPLICA_PIN_SECONDS by a cookie: the citizen who
just hid their problem does not see it on the map again, served from a replica a second behind.
"""

import contextlib
import functools
import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "fp_primary"
HEALTH_KEY = "replica:health"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
PRIMARY_ONLY = frozenset({settings.AUTH_USER_MODEL, "sessions.Session"})

logger = logging.getLogger(__name__)

_reading: ContextVar[str | None] = ContextVar("replica_reading", default=None)

# Whether WAL streams in from the primary (a replica cut off from it answers with old data and
# no lag), and the lag in seconds: counted only while the replica holds WAL it has not replayed,
# since on an idle primary the last replayed commit grows old while nothing is behind.
HEALTH_SQL = """
SELECT
    NOT pg_is_in_recovery()
        OR EXISTS (
            -- a role without pg_read_all_stats sees the receiver's pid but no status
            SELECT 1 FROM pg_stat_wal_receiver WHERE coalesce(status, 'streaming') = 'streaming'
        ),
    CASE
        WHEN NOT pg_is_in_recovery() THEN 0
        WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
    END
"""
# A record that has just arrived is unreplayed for a moment even on an idle replica; a lag is
# believed when a second look shows it too.
SECOND_LOOK_SECONDS = 0.1


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_health(*, fresh: bool = False) -> dict:
    """{"state": "ok" | "lagging" | "disconnected" | "unavailable", "lag": seconds or None},
    cached for REPLICA_CHECK_SECONDS in the shared cache (every web process sees the same
    answer). Only "ok" sends reads to the replica."""
    if not fresh:
        health = cache.get(HEALTH_KEY)
        if health is not None:
            return health
    try:
        streaming, lag = _sample()
        if lag > settings.REPLICA_MAX_LAG_SECONDS:
            time.sleep(SECOND_LOOK_SECONDS)
            streaming, lag = _sample()
    except DatabaseError:
        _forget_replica()
        return {"state": "unavailable", "lag": None}
    if not streaming:
        state = "disconnected"
    elif lag > settings.REPLICA_MAX_LAG_SECONDS:
        state = "lagging"
    else:
        state = "ok"
    health = {"state": state, "lag": lag}
    cache.set(HEALTH_KEY, health, settings.REPLICA_CHECK_SECONDS)
    return health


def _sample() -> tuple[bool, float]:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(HEALTH_SQL)
        streaming, lag = cursor.fetchone()
    return streaming, round(float(lag), 1)


def _forget_replica() -> None:
    """Drop the broken connection and send reads to the primary until the next check."""
    connections[REPLICA].close()
    cache.set(HEALTH_KEY, {"state": "unavailable", "lag": None}, settings.REPLICA_CHECK_SECONDS)


def pinned(request) -> bool:
    """Whether the request's sender changed something in the last REPLICA_PIN_SECONDS."""
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


def replica_alias(request=None) -> str:
    """The alias a replica-tolerant read should use now: the replica when configured, healthy
    and the request is not pinned to the primary; else the primary."""
    if not replica_configured() or (request is not None and pinned(request)):
        return PRIMARY
    return REPLICA if replica_health()["state"] == "ok" else PRIMARY


@contextlib.contextmanager
def reading(alias: str):
    """Route the reads of the block to `alias` (writes go to the primary regardless)."""
    token = _reading.set(alias)
    try:
        yield alias
    finally:
        _reading.reset(token)


def reads_from_replica(view):
    """A read-only view whose reads may be a few seconds old. Should the replica fail during the
    view, the view runs again on the primary: a reader never sees an error for it."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        alias = replica_alias(request)
        if alias == PRIMARY:
            return view(request, *args, **kwargs)
        try:
            with reading(alias):
                return view(request, *args, **kwargs)
        except DatabaseError:
            logger.warning("replica read failed, reading from the primary", exc_info=True)
            _forget_replica()
            return view(request, *args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Sends the reads of a `reading()` block to its alias; all else to the primary."""

    def db_for_read(self, model, **hints):
        # Whoever is signed in is read from the primary: an account or session made a moment
        # ago is not on the replica yet.
        if model._meta.label in PRIMARY_ONLY:
            return PRIMARY
        return _reading.get()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The same rows on both: an object read from the replica may point to one from the
        # primary.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA


class PrimaryPinMiddleware:
    """After a change (a non-safe method), the sender reads from the primary for
    REPLICA_PIN_SECONDS: a cookie holding the time the pin ends. Off without a replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and replica_configured():
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time() + seconds) + 1),
                max_age=seconds + 1,
                samesite="Lax",
                secure=request.is_secure(),
                httponly=True,
            )
        return response
