"""Template context: the signed-in person's unread notifications, for the bell in the header
(one count query per page)."""

from __future__ import annotations

from notifications.selectors import unread_count


def bell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": unread_count(user=user)}
