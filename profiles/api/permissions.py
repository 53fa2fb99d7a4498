"""Who may call the API at all (`DEFAULT_PERMISSION_CLASSES`); the rule is
`profiles.access.is_approved_member`. Views that a pending organisation may use (its own
profile and registration status, its members) say so with `OwnOrganization`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from profiles import access


class ApprovedMember(BasePermission):
    """Signed in, and a coordinator or a member of an approved organisation."""

    message = _("組織が承認されるまで、自組織の情報と登録状況のみ閲覧できます。")

    def has_permission(self, request, view) -> bool:
        return access.is_approved_member(request.user)


class OwnOrganization(BasePermission):
    """Signed in as a member of an organisation, approved or not (its own data only)."""

    def has_permission(self, request, view) -> bool:
        return access.org_of(request.user) is not None or access.is_coordinator(request.user)


class Coordinator(BasePermission):
    """Platform coordinators only (`access.is_coordinator`)."""

    def has_permission(self, request, view) -> bool:
        return access.is_coordinator(request.user)
