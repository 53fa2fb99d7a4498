"""API throttles: per user, per anonymous client, and for registrations. Counters live in the
`throttle` cache (Redis, or a database table on the embedded default), keyed by the client
address from `config.client_ip`. When that cache cannot be reached the throttle lets the
request through and logs one line: an outage of Redis must not turn every API call into a 500.
"""

from __future__ import annotations

import logging

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from config.client_ip import client_ip

logger = logging.getLogger(__name__)


class _FailOpen:
    @property
    def cache(self):
        return caches["throttle"]  # looked up per use: settings (and tests) may change it

    def get_rate(self) -> str:
        # Read the rates when used (not when the class was defined), so settings apply.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_ident(self, request) -> str:
        return client_ip(request)

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # the cache is down or unreachable: let the request through
            logger.warning("throttle %s skipped: cache unavailable (%s)", self.scope, exc)
            return True


class UserThrottle(_FailOpen, UserRateThrottle):
    scope = "user"


class AnonThrottle(_FailOpen, AnonRateThrottle):
    scope = "anon"


class RegistrationThrottle(_FailOpen, AnonRateThrottle):
    """New organisations per client address (signed in or not)."""

    scope = "registration"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
