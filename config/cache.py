"""A Redis cache that never turns a Redis outage into a 500: `FallbackRedisCache`.

Django's RedisCache raises when Redis is away, and every caller (DRF throttles on
registration and sign-in, the progress of CSV import jobs) would answer 500. This backend
catches Redis errors and answers from a per-process memory cache (Django's LocMemCache)
instead: a throttle keeps counting, per process, and a page shows what this process knows.
After a failure the process leaves Redis alone for CACHE_REDIS_RETRY_SECONDS, so a request
pays the (short, CACHE_REDIS_TIMEOUT) socket timeout at most once per interval. Nothing is
copied back when Redis returns: what was counted meanwhile was counted per process.

For the throttles of the accounts work: build them on `django.core.cache.cache` as DRF does;
they degrade to per-process limits, never to "no limit" and never to an error.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisError, OSError)


class _Breaker:
    """Process-wide: Django makes one cache object per thread, the outage is the same."""

    lock = threading.Lock()
    down_until = 0.0


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        from django.conf import settings

        self._retry = settings.CACHE_REDIS_RETRY_SECONDS
        self._fallback = LocMemCache(
            "sangaku-redis-fallback",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 10000}},
        )

    @staticmethod
    def redis_available() -> bool:
        return time.monotonic() >= _Breaker.down_until

    def _call(self, name: str, *args, **kwargs):
        if self.redis_available():
            try:
                return getattr(super(), name)(*args, **kwargs)
            except REDIS_DOWN as exc:
                with _Breaker.lock:
                    first = self.redis_available()
                    _Breaker.down_until = time.monotonic() + self._retry
                if first:
                    logger.warning(
                        "cache: Redis unavailable (%s); using this process's memory for %.0f s",
                        type(exc).__name__,
                        self._retry,
                    )
        return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self, *args, **kwargs):
        return self._call("clear", *args, **kwargs)


def reset_breaker() -> None:
    """Try Redis again at once (tests)."""
    _Breaker.down_until = 0.0
