"""Template context: the signed-in member's unread messages, for the navigation badge."""

from __future__ import annotations

from messaging.selectors import unread_total


def unread_messages(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "org", None) is None:
        return {}
    return {"messages_unread": unread_total(user=user)}
