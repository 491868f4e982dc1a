"""A Redis cache that degrades to "no cache" while Redis is unreachable.

The cache holds nothing the platform cannot lose: rate-limit counters and computed fragments. With
Django's plain Redis backend a Redis outage turns into server errors on login (allauth counts
attempts in the cache) and on every page that reads the cache. Here a failed call is logged and
answered as a miss, and Redis is skipped for a short cool-down so that following requests do not
each wait for the socket timeout. Rate limits therefore fail open during an outage: availability
of the public service matters more than a few minutes of unthrottled login attempts.
"""

import logging
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


class ResilientRedisCache(RedisCache):
    cooldown_seconds = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._skip_until = 0.0

    def _call(self, method, fallback, *args, **kwargs):
        if time.monotonic() < self._skip_until:
            return fallback
        try:
            return method(*args, **kwargs)
        except redis.RedisError as error:
            self._skip_until = time.monotonic() + self.cooldown_seconds
            logger.warning(
                "cache unavailable, serving without it for %ss: %s", self.cooldown_seconds, error
            )
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True while degraded: allauth takes its rate-limit lock with add(); a refused lock would
        # turn an outage into "too many attempts" for everyone.
        return self._call(super().add, True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._call(super().incr, delta, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, [], data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)
