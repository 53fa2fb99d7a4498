"""Public pages of the profiles area: sign-in and sign-out, and the registration of a new
organisation (pending until a coordinator approves it)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from profiles.forms import OrganizationRegisterForm, apply_service_errors
from profiles.services.organizations import organization_register


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


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


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes answers after too many failed sign-ins (429): JSON under /api/, else
    the sign-in page's message, in the reader's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "サインインの失敗が続いたため、%(minutes)s分間ロックされています。"
        "時間をおいてから再度お試しいただくか、パスワードを再設定してください。"
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": str(message)}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
