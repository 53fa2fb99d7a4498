"""Reads of notifications, scoped to the caller: a person sees their own notifications only
(anyone else's is a 404)."""

from __future__ import annotations

from django.db.models import QuerySet

from notifications.models import Notification
from profiles import access


def notifications_for(*, user) -> QuerySet[Notification]:
    if not access.is_authenticated(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    if not access.is_authenticated(user):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def safe_url(notification: Notification) -> str | None:
    """The notification's link when it points inside this site (a path), else None."""
    url = notification.url or ""
    return url if url.startswith("/") and not url.startswith("//") else None
