"""An investor's thesis (投資方針)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from profiles.access import require_org
from profiles.choices import (
    OrgKind,
)
from profiles.forms import InvestorForm, apply_service_errors
from profiles.models import InvestorProfile
from profiles.services.catalog import investor_profile_upsert


@login_required
def investor_thesis(request: HttpRequest) -> HttpResponse:

    org = require_org(request, OrgKind.INVESTOR)
    profile = InvestorProfile.objects.filter(organization=org).first()
    if request.method == "POST":
        form = InvestorForm(request.POST)
        if form.is_valid():
            try:
                investor_profile_upsert(org=org, by=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("投資方針を保存しました。"))
                return redirect("investor_thesis")
    elif profile is not None:
        form = InvestorForm(
            initial={name: getattr(profile, name) for name in InvestorForm.base_fields}
        )
    else:
        form = InvestorForm()
    return render(
        request,
        "profiles/investor_form.html",
        {"form": form, "profile": profile, "org": org, "nav_active": "thesis"},
    )
