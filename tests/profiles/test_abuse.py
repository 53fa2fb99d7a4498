"""Abuse resistance: sign-in lockout per account and per client address (pages, API token),
and API throttles that hold on the default set-up and fail open when their cache is down."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.urls import reverse
from rest_framework.test import APIClient

from profiles.choices import OrgKind
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Sangaku-2026"


@pytest.fixture(autouse=True)
def _clean_throttle_cache():
    caches["throttle"].clear()
    yield
    try:
        caches["throttle"].clear()
    except Exception:  # a test pointed the cache at a dead Redis
        pass


@pytest.fixture
def member():
    return make_user(org=make_org(kind=OrgKind.COMPANY), username="tanaka")


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_the_sign_in_page_locks_an_account_after_repeated_failures(client, member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "tanaka", "wrong").status_code == 200
    assert _login(client, "tanaka", "wrong").status_code == 429  # the limit-th failure locks
    locked = _login(client, "tanaka", PASSWORD, ip="10.0.0.2")  # the right password, too late
    assert locked.status_code == 429
    assert "ロック" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked by this account's failures alone.
    other = make_user(org=member.membership.organization, username="suzuki")
    assert _login(client, other.username, PASSWORD, ip="10.0.0.3").status_code == 302


def test_the_sign_in_page_locks_a_client_address_trying_many_accounts(client, member, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"nobody{i}", "wrong", ip="10.9.9.9")
    assert _login(client, "tanaka", PASSWORD, ip="10.9.9.9").status_code == 429
    assert _login(client, "tanaka", PASSWORD, ip="10.1.1.1").status_code == 302


def test_the_api_token_endpoint_locks_too_and_answers_json(member, settings):
    api = APIClient(REMOTE_ADDR="10.0.0.5")
    url = reverse("api-auth-token")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert api.post(url, {"username": "tanaka", "password": "wrong"}).status_code == 400
    assert api.post(url, {"username": "tanaka", "password": "wrong"}).status_code == 429
    response = api.post(url, {"username": "tanaka", "password": PASSWORD})
    assert response.status_code == 429
    assert "detail" in response.json() and "token" not in response.json()
    assert int(response["Retry-After"]) > 0


def test_a_successful_sign_in_resets_the_count(client, member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "tanaka", "wrong")
    assert _login(client, "tanaka", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "tanaka", "wrong")
    assert _login(client, "tanaka", PASSWORD).status_code == 302


def test_anonymous_api_calls_are_throttled_per_client_address(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "3/minute",
        },
    }
    api = APIClient(REMOTE_ADDR="10.2.2.2")
    codes = [api.get("/api/kpi/").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert APIClient(REMOTE_ADDR="10.3.3.3").get("/api/kpi/").status_code == 200


def test_signed_in_api_calls_are_throttled_per_user(member, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "4/minute",
        },
    }
    api = APIClient()
    api.force_authenticate(member)
    codes = [api.get("/api/seeds/").status_code for _ in range(6)]
    assert codes[:4] == [200] * 4 and codes[4:] == [429, 429]


def test_registrations_are_throttled_on_the_default_database_cache(settings):
    assert settings.CACHES["throttle"]["BACKEND"].endswith("DatabaseCache") or settings.REDIS_URL
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "registration": "2/hour",
        },
    }
    api = APIClient(REMOTE_ADDR="10.4.4.4")
    codes = []
    for i in range(3):
        codes.append(
            api.post(
                reverse("api-register"),
                {
                    "kind": "company",
                    "name": f"登録テスト{i}",
                    "username": f"reg{i}",
                    "email": f"reg{i}@example.jp",
                    "password": "A-long-enough-passphrase-2026",
                },
                format="json",
            ).status_code
        )
    assert codes == [201, 201, 429]


def test_throttles_fail_open_when_their_cache_is_down(member, settings):
    """A Redis that does not answer (a closed port) behind Django's plain Redis cache: calls
    still succeed, promptly (the project's own cache falls back to memory before that)."""
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    api = APIClient()
    api.force_authenticate(member)
    assert api.get("/api/seeds/").status_code == 200
    assert APIClient().get("/api/kpi/").status_code == 200
