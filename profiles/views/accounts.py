"""Accounts: the account page (name, e-mail, language), password change and reset (Django's own
views with our templates; the reset e-mail leaves through a worker), the members page of a
manager (invite by e-mail, change a role, remove someone, revoke an invitation), accepting an
invitation, the language switch that remembers the choice, and the access log of the
organisation's confidential details."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language as django_set_language

from profiles import access
from profiles.display import org_display_name
from profiles.extensions import account_sections
from profiles.forms import (
    AccountForm,
    InvitationAcceptForm,
    InvitationForm,
    MemberRoleForm,
    QueuedPasswordResetForm,
    apply_service_errors,
)
from profiles.models import Account, Invitation, Membership
from profiles.selectors.audit import confidential_reads_visible_to
from profiles.selectors.catalog import members_of
from profiles.services import accounts
from profiles.services.organizations import member_remove, member_set_role


def _with_language(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


class LoginView(auth_views.LoginView):
    """Sign in; the pages then follow the language the user chose on their account page."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        account = Account.objects.filter(user=form.get_user()).first()
        return _with_language(response, account.language) if account else response


def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switch (Django's view); a signed-in user's choice is remembered
    for their e-mails and next sign-in too."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = getattr(request, "user", None)
    if (
        request.method == "POST"
        and access.is_authenticated(user)
        and language in dict(settings.LANGUAGES)
    ):
        Account.objects.update_or_create(user=user, defaults={"language": language})
    return response


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    language = accounts.account_language(user)
    form = AccountForm(
        request.POST or None,
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "language": language,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = accounts.account_update(user=user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            translation.activate(account.language)
            messages.success(request, _("アカウント設定を保存しました。"))
            return _with_language(redirect("account"), account.language)
    return render(
        request,
        "profiles/account.html",
        {
            "form": form,
            "membership": access.membership_of(user),
            "sections": account_sections(request),
            "nav_active": "account",
        },
    )


password_change = login_required(
    auth_views.PasswordChangeView.as_view(
        template_name="registration/password_change_form.html",
        success_url=reverse_lazy("password_change_done"),
    )
)
password_change_done = login_required(
    auth_views.PasswordChangeDoneView.as_view(
        template_name="registration/password_change_done.html"
    )
)
password_reset = auth_views.PasswordResetView.as_view(
    form_class=QueuedPasswordResetForm,
    template_name="registration/password_reset_form.html",
    success_url=reverse_lazy("password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="registration/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="registration/password_reset_confirm.html",
    success_url=reverse_lazy("password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="registration/password_reset_complete.html"
)


# --- Members and invitations (managers) ---------------------------------------------------------


@login_required
def members_page(request: HttpRequest) -> HttpResponse:
    org = access.require_org(request)
    manager = access.is_manager(request.user, org)
    invite_form = InvitationForm(request.POST if request.POST.get("action") == "invite" else None)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "invite":
                if invite_form.is_valid():
                    accounts.invitation_create(org=org, by=request.user, **invite_form.cleaned_data)
                    messages.success(
                        request,
                        _("%(email)s に招待メールを送信しました。")
                        % {"email": invite_form.cleaned_data["email"]},
                    )
                    return redirect("members")
            elif action in ("role", "remove"):
                membership = get_object_or_404(
                    Membership.objects.filter(organization=org), pk=_posted_id(request)
                )
                if action == "role":
                    form = MemberRoleForm(request.POST)
                    if not form.is_valid():
                        raise ValidationError(form.errors.get("role") or _("不明な役割です。"))
                    member_set_role(
                        membership=membership, by=request.user, role=form.cleaned_data["role"]
                    )
                    messages.success(request, _("役割を変更しました。"))
                else:
                    member_remove(membership=membership, by=request.user)
                    messages.success(request, _("メンバーを削除しました。"))
                return redirect("members")
            elif action == "revoke":
                invitation = get_object_or_404(
                    Invitation.objects.filter(organization=org), pk=_posted_id(request)
                )
                accounts.invitation_revoke(invitation=invitation, by=request.user)
                messages.success(request, _("招待を取り消しました。"))
                return redirect("members")
            else:
                messages.error(request, _("不明な操作です。"))
                return redirect("members")
        except ValidationError as exc:
            if action == "invite":
                apply_service_errors(invite_form, exc)
            else:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("members")
    invitations = Invitation.objects.filter(
        organization=org, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")
    return render(
        request,
        "profiles/members.html",
        {
            "org": org,
            "members": members_of(org=org),
            "invitations": invitations,
            "invite_form": invite_form,
            "can_manage": manager,
            "roles": MemberRoleForm.base_fields["role"].choices,
            "days": settings.INVITATION_DAYS,
            "nav_active": "org",
        },
    )


def _posted_id(request: HttpRequest) -> int:
    raw = request.POST.get("id", "")
    if not raw.isdigit() or len(raw) > 18:
        return 0
    return int(raw)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation e-mail links to: create an account and join the organisation."""
    invitation = accounts.invitation_from_token(token)
    if invitation is None:
        return render(request, "profiles/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        return render(request, "profiles/invitation_invalid.html", {"signed_in": True}, status=409)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            membership = accounts.invitation_accept(
                token=token,
                user_data={
                    "username": d["username"],
                    "password": d["password1"],
                    "first_name": d["first_name"],
                    "last_name": d["last_name"],
                },
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "password" in exc.error_dict:
                exc.error_dict["password1"] = exc.error_dict.pop("password")
            apply_service_errors(form, exc)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("「%(org)s」に参加しました。")
                % {"org": org_display_name(membership.organization)},
            )
            return redirect("dashboard")
    return render(
        request,
        "profiles/invitation_accept.html",
        {"form": form, "invitation": invitation},
    )


# --- Access log -----------------------------------------------------------------------------------


@login_required
def access_log_page(request: HttpRequest) -> HttpResponse:
    """Who read the confidential details of the organisation's seeds, needs and ventures."""
    org = access.require_org(request)
    reads = (
        confidential_reads_visible_to(user=request.user)
        .filter(owner=org)
        .select_related("reader_organization")
    )
    page = Paginator(reads, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "profiles/access_log.html",
        {"org": org, "page": page, "nav_active": "org"},
    )
