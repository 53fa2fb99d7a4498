"""The organisation's profile and members, and the coordinator's approval queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from profiles.access import is_manager, require_coordinator, require_org
from profiles.choices import (
    ApprovalStatus,
)
from profiles.display import org_display_name
from profiles.forms import OrganizationDecisionForm, OrganizationForm, apply_service_errors
from profiles.models import Organization
from profiles.selectors.catalog import members_of
from profiles.services.organizations import (
    organization_approve,
    organization_reject,
    organization_update,
)


@login_required
def org_profile(request: HttpRequest) -> HttpResponse:

    org = require_org(request)
    manager = is_manager(request.user)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        form = OrganizationForm(request.POST)
        if form.is_valid():
            try:
                organization_update(org=org, by=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("組織プロフィールを保存しました。"))
                return redirect("org_profile")
    else:
        form = OrganizationForm(
            initial={name: getattr(org, name) for name in OrganizationForm.base_fields}
        )
    return render(
        request,
        "profiles/org_profile.html",
        {
            "org": org,
            "form": form,
            "can_edit": manager,
            "members": members_of(org=org),
            "nav_active": "org",
        },
    )


@login_required
def console_orgs(request: HttpRequest) -> HttpResponse:

    require_coordinator(request)
    if request.method == "POST":
        form = OrganizationDecisionForm(request.POST)
        if not form.is_valid():
            return HttpResponse(status=400)
        org = get_object_or_404(Organization, pk=form.cleaned_data["organization"])
        if form.cleaned_data["action"] == "approve":
            organization_approve(org=org, by=request.user)
            messages.success(
                request, _("「%(name)s」を承認しました。") % {"name": org_display_name(org)}
            )
        else:
            organization_reject(org=org, by=request.user)
            messages.success(
                request, _("「%(name)s」を却下しました。") % {"name": org_display_name(org)}
            )
        return redirect("console_orgs")
    pending = (
        Organization.objects.filter(approval_status=ApprovalStatus.PENDING)
        .prefetch_related("memberships__user")
        .order_by("created_at")
    )
    recent = Organization.objects.exclude(approval_status=ApprovalStatus.PENDING).order_by(
        "-updated_at"
    )[:10]
    return render(
        request,
        "console/orgs.html",
        {"pending": pending, "recent": recent, "nav_active": "console_orgs"},
    )
