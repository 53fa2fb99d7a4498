"""Settings of notifications (the daily digest, e-mail retries, deal-flow notices) and of
messaging between introduced parties. Part of `config.settings`."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .env import env_float, env_int

# --- Notifications and messaging -------------------------------------------------------------
# The daily digest leaves at this hour (Asia/Tokyo); an e-mail is tried this many times, the
# n-th retry after min(EMAIL_RETRY_BASE_SECONDS * 2**(n-1), EMAIL_RETRY_MAX_SECONDS) (with
# jitter), and then shown to coordinators as failed.
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 8)
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 6)
EMAIL_RETRY_BASE_SECONDS = env_float("EMAIL_RETRY_BASE_SECONDS", 60.0)
EMAIL_RETRY_MAX_SECONDS = env_float("EMAIL_RETRY_MAX_SECONDS", 3600.0)
# An investor is told of a venture that enters its deal flow among the venture's best
# NOTIFICATIONS_DEAL_FLOW_TOP investors with a positive semantic signal (docs/notifications.md).
NOTIFICATIONS_DEAL_FLOW_TOP = env_int("NOTIFICATIONS_DEAL_FLOW_TOP", 3)
# Messages: at most MESSAGING_MAX_CHARS characters; attachments up to
# MESSAGING_ATTACHMENT_MAX_BYTES each and MESSAGING_ATTACHMENTS_PER_MESSAGE per message; a user
# posts at most MESSAGING_RATE_MESSAGES messages in MESSAGING_RATE_SECONDS.
MESSAGING_MAX_CHARS = env_int("MESSAGING_MAX_CHARS", 10000)
MESSAGING_ATTACHMENT_MAX_BYTES = env_int("MESSAGING_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
MESSAGING_ATTACHMENTS_PER_MESSAGE = env_int("MESSAGING_ATTACHMENTS_PER_MESSAGE", 5)
MESSAGING_RATE_MESSAGES = env_int("MESSAGING_RATE_MESSAGES", 20)
MESSAGING_RATE_SECONDS = env_int("MESSAGING_RATE_SECONDS", 600)
if not 0 <= NOTIFICATIONS_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("NOTIFICATIONS_DIGEST_HOUR must be between 0 and 23")
for _name in (
    "EMAIL_MAX_ATTEMPTS",
    "NOTIFICATIONS_DEAL_FLOW_TOP",
    "MESSAGING_MAX_CHARS",
    "MESSAGING_ATTACHMENT_MAX_BYTES",
    "MESSAGING_ATTACHMENTS_PER_MESSAGE",
    "MESSAGING_RATE_MESSAGES",
    "MESSAGING_RATE_SECONDS",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1")
