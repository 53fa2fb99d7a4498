"""Public pages of the profiles area: sign-out, the sign-in lockout answer, and the registration
of a new organisation (pending until a coordinator approves it). Sign-in is in `accounts`."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from profiles.forms import OrganizationRegisterForm, apply_service_errors
from profiles.services.organizations import organization_register


class LogoutView(auth_views.LogoutView):
    pass


ORG_REGISTER_FIELDS = (
    "kind",
    "name",
    "name_en",
    "prefecture",
    "website",
    "contact_email",
    "description",
)


def org_register(request: HttpRequest) -> HttpResponse:

    form = OrganizationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        org_data = {k: d[k] for k in ORG_REGISTER_FIELDS}
        user_data = {"username": d["username"], "email": d["email"], "password": d["password1"]}
        try:
            organization_register(data=org_data, user_data=user_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "password" in exc.error_dict:
                exc.error_dict["password1"] = exc.error_dict.pop("password")
            apply_service_errors(form, exc)
        else:
            return render(request, "pages/register_done.html", {"org_name": d["name"]})
    return render(request, "pages/register.html", {"form": form})
