"""Reference data kept in each process's memory, valid while a version in the shared cache holds.

The region, its municipalities and the category tree are read by every page and change only when
an administrator edits them. Each process keeps them in memory; a request pays one cache read
(the version) instead of the queries. A change bumps the version (signals of the models), so
every process drops its copy on its next request. The version is bumped at once and again after
commit: a process that re-read the old rows between the change and its commit drops them too.

Entries also expire after `MAX_AGE` seconds, for writes that send no signals (`bulk_create`,
`QuerySet.update`, SQL from a shell). While Redis is down the cache falls back to each process's
memory (core/cache.py), so another process's change is seen once Redis answers or the entries age.
"""

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

MAX_AGE = 600.0

# Within one request a version is read once (a filing page asks the reference data six times);
# outside requests (tasks, commands) it is read on every use.
_request = threading.local()


def _start_request(**kwargs) -> None:
    _request.versions = {}


def _end_request(**kwargs) -> None:
    _request.versions = None


request_started.connect(_start_request)
request_finished.connect(_end_request)


class VersionedMemo:
    def __init__(self, name: str, *, max_age: float = MAX_AGE):
        self.version_key = f"memo-version:{name}"
        self.max_age = max_age
        self._lock = threading.Lock()
        self._version: str | None = None
        self._values: dict[Any, tuple[float, Any]] = {}

    def _current_version(self) -> str:
        seen = getattr(_request, "versions", None)
        if seen is not None and self.version_key in seen:
            return seen[self.version_key]
        version = cache.get(self.version_key)
        if version is None:  # first use, or Redis lost the key: a new version drops every copy
            version = uuid.uuid4().hex
            if not cache.add(self.version_key, version, timeout=None):
                version = cache.get(self.version_key) or version
        if seen is not None:
            seen[self.version_key] = version
        return version

    def get(self, key: Any, compute: Callable[[], Any], *, keep_none: bool = False) -> Any:
        """The value under `key`, computed (and kept) when this process has no current copy."""
        version = self._current_version()
        now = time.monotonic()
        with self._lock:
            if version != self._version:
                self._version, self._values = version, {}
            entry = self._values.get(key)
            if entry is not None and now - entry[0] < self.max_age:
                return entry[1]
        value = compute()
        if value is not None or keep_none:
            with self._lock:
                if self._version == version:
                    self._values[key] = (now, value)
        return value

    def invalidate(self) -> None:
        """Every process re-reads on its next request (call where the data changes)."""
        self._bump()
        transaction.on_commit(self._bump)

    def _bump(self) -> None:
        version = uuid.uuid4().hex
        cache.set(self.version_key, version, timeout=None)
        seen = getattr(_request, "versions", None)
        if seen is not None:
            seen[self.version_key] = version


def forget(*keys: str) -> None:
    """Delete per-user entries of the shared cache now and again after commit (see the module doc)."""
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
