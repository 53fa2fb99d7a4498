"""Reads of the access log: an organisation sees who read the confidential details of its own
rows (coordinators see every row)."""

from __future__ import annotations

from django.db.models import QuerySet

from profiles import access
from profiles.models import ConfidentialRead


def confidential_reads_visible_to(*, user) -> QuerySet[ConfidentialRead]:
    if access.is_coordinator(user):
        return ConfidentialRead.objects.select_related("owner")
    org = access.org_of(user)
    if org is None or not org.is_approved:
        return ConfidentialRead.objects.none()
    return ConfidentialRead.objects.filter(owner=org).select_related("owner")
