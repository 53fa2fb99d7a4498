"""The client's IP address, for login lockout, throttles and the access log.

Behind N trusted reverse proxies (`TRUSTED_PROXY_COUNT`, 0 by default: the web process faces the
client), the address is the one the outermost trusted proxy appended to X-Forwarded-For;
anything a client writes into that header before it is ignored, so it cannot be spoofed.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    meta = getattr(request, "META", {}) or {}
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return meta.get("REMOTE_ADDR", "") or ""
