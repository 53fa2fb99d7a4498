"""Template context: the signed-in user's membership and organisation, for the navigation."""

from __future__ import annotations


def membership(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_membership": None, "current_org": None}
    m = getattr(user, "membership", None)
    return {"current_membership": m, "current_org": m.organization if m else None}
