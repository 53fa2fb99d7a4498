"""Template context: the signed-in member's membership and organisation, and whether they are
a coordinator, for the navigation
(worked out once per request by `profiles.access.OrganizationMiddleware`)."""

from __future__ import annotations

from profiles.access import is_coordinator, membership_of


def membership(request):
    m = getattr(request, "membership", None)
    if m is None and not hasattr(request, "membership"):
        m = membership_of(getattr(request, "user", None))
    return {
        "current_membership": m,
        "current_org": m.organization if m else None,
        "is_coordinator": is_coordinator(getattr(request, "user", None)),
    }
