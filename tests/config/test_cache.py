"""The cache falls back to per-process memory when Redis is down: no 500, no long wait, and
throttles keep counting; with Redis up, values live in Redis (shared between processes)."""

from __future__ import annotations

import os
import socket
import time

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from config import cache as cache_module

REDIS = os.environ.get("SANGAKU_TEST_BROKER_URL", "")


def _dead_redis_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # nothing listens there any more


def _caches(location: str) -> dict:
    redis = {
        "BACKEND": "config.cache.FallbackRedisCache",
        "LOCATION": location,
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
    return {"default": redis, "throttle": redis}


@pytest.fixture
def dead_redis_cache(settings):
    cache_module.reset_breaker()
    settings.CACHES = _caches(_dead_redis_url())
    yield caches["default"]
    cache_module.reset_breaker()


def test_with_redis_down_the_cache_answers_from_memory_quickly(dead_redis_cache):
    cache = dead_redis_cache
    started = time.monotonic()
    assert cache.get("missing") is None
    cache.set("k", 1, 60)
    assert cache.get("k") == 1
    assert cache.incr("k") == 2
    assert cache.add("k", 5) is False
    assert cache.get_many(["k", "x"]) == {"k": 2}
    cache.delete("k")
    assert cache.get("k", "default") == "default"
    assert time.monotonic() - started < 1.0
    assert not cache.redis_available()  # later calls do not even try Redis


def test_a_hung_redis_costs_one_short_timeout_then_memory_answers(settings, silent_server):
    port, held = silent_server
    cache_module.reset_breaker()
    settings.CACHES = _caches(f"redis://127.0.0.1:{port}/0")
    cache = caches["default"]
    started = time.monotonic()
    for i in range(20):
        cache.set(f"k{i}", i, 60)
        assert cache.get(f"k{i}") == i
    assert held and time.monotonic() - started < 1.0
    cache_module.reset_breaker()


def test_registration_with_redis_down_is_throttled_per_process_not_a_500(dead_redis_cache, db):
    client = APIClient()
    statuses = []
    started = time.monotonic()
    for i in range(22):  # RegistrationThrottle: 20/hour per client address
        response = client.post(
            "/api/register/",
            {
                "kind": "company",
                "name": f"株式会社テスト{i}",
                "prefecture": "東京都",
                "username": f"reg{i}",
                "email": f"reg{i}@example.jp",
                "password": "kougaku-Renkei-2026",
            },
            format="json",
        )
        statuses.append(response.status_code)
    assert 500 not in statuses
    assert statuses[:20] == [201] * 20
    assert statuses[20:] == [429, 429]  # the throttle still counts, in this process
    assert time.monotonic() - started < 30


@pytest.mark.skipif(not REDIS, reason="SANGAKU_TEST_BROKER_URL is not set (no Redis)")
def test_with_redis_up_values_are_shared_through_redis(settings):
    import redis

    cache_module.reset_breaker()
    settings.CACHES = _caches(REDIS)
    cache = caches["default"]
    cache.set("sangaku-cache-test", "shared", 30)
    raw = redis.Redis.from_url(REDIS)
    assert any(b"sangaku-cache-test" in key for key in raw.keys("*sangaku-cache-test*"))
    assert cache.get("sangaku-cache-test") == "shared"
    cache.delete("sangaku-cache-test")
