"""A Redis cache that falls back to a per-process memory cache while Redis is unreachable.

The cache holds nothing the platform cannot lose: rate-limit counters and computed fragments. With
Django's plain Redis backend a Redis outage turns into server errors on login (allauth counts
attempts in the cache) and on every page that reads the cache. Here a failed call is logged and
answered by a local memory cache of this process, and Redis is skipped for a short cool-down so
that following requests do not each wait for the socket timeout.

The rate limits (allauth's login limits, django-ratelimit's filing and Open311 limits) therefore
keep counting during an outage, per process: with N web processes an attacker gets at most N times
the limit, never an unlimited number of password guesses. When Redis answers again the counters
continue from what Redis held.
"""

import logging
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)


class SharedRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one `redis.Redis` per connection pool.

    Django's client builds a new `redis.Redis` object (≈ 60 µs: its response callbacks and
    options) for every cache call, some 20 per page. `redis.Redis` over a pool is thread-safe, so
    one per pool serves every call and every thread of the process.
    """

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients.setdefault(
                index, self._client(connection_pool=self._get_connection_pool(write))
            )
        return client


# One client (and so one connection pool) per server and options in the process, whichever
# thread's cache object asks: Django makes a cache object per thread.
_shared_clients: dict[tuple, SharedRedisCacheClient] = {}
_shared_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    cooldown_seconds = 5.0
    fallback_max_entries = 10_000
    # Django makes one cache object per thread; the fallback memory and the cool-down belong to
    # the process, so that a threaded server counts one login attempt once, whichever thread.
    _skip_until: dict[str, float] = {}

    def __init__(self, server, params):
        super().__init__(server, params)
        prefix = params.get("KEY_PREFIX", "")
        self._identity = f"{server}|{prefix}"
        self._fallback = LocMemCache(
            f"resilient-fallback|{self._identity}",
            {"KEY_PREFIX": prefix, "OPTIONS": {"MAX_ENTRIES": self.fallback_max_entries}},
        )

    @cached_property
    def _cache(self):
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        client = _shared_clients.get(key)
        if client is None:
            with _shared_lock:
                client = _shared_clients.get(key)
                if client is None:
                    client = _shared_clients[key] = SharedRedisCacheClient(
                        self._servers, **self._options
                    )
        return client

    @property
    def degraded(self) -> bool:
        """True while Redis is being skipped after a failure."""
        return time.monotonic() < self._skip_until.get(self._identity, 0.0)

    def _cool_down(self) -> None:
        self._skip_until[self._identity] = time.monotonic() + self.cooldown_seconds

    def _call(self, name, *args):
        if self.degraded:
            return getattr(self._fallback, name)(*args)
        try:
            return getattr(super(), name)(*args)
        except redis.RedisError as error:
            self._cool_down()
            logger.warning(
                "cache unavailable, using this process's memory for %ss: %s",
                self.cooldown_seconds,
                error,
            )
            return getattr(self._fallback, name)(*args)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        """Delete this cache's keys only.

        Django's Redis backend flushes the whole database, which may also hold the Celery queue
        (CACHE_URL and CELERY_BROKER_URL both default to REDIS_URL) or another installation's keys.
        """
        self._fallback.clear()
        try:
            client = self._cache.get_client(None, write=True)
            batch = []
            for key in client.scan_iter(match=f"{self.key_prefix}:*", count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    client.delete(*batch)
                    batch.clear()
            if batch:
                client.delete(*batch)
        except redis.RedisError as error:
            self._cool_down()
            logger.warning("cache unavailable, not cleared: %s", error)
        return True
