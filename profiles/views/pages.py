"""Pages of the profiles area: landing, sign-in, dashboards, organisation registration and
profile, seeds (list, editor, CSV import), needs, investor thesis, and the coordinator's
organisation approval queue.

Views are thin: a form validates input, one service of `profiles.services` writes, a selector
of `profiles.selectors` reads (already scoped to the caller). The forms live here, next to the
only views that use them, because the page area owns this module only.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from profiles.choices import PREFECTURE_CHOICES, ApprovalStatus, OrgKind, PublicationStatus
from profiles.models import Need, Organization, Seed

# ---------------------------------------------------------------------------------------------
# Helpers shared by the pages
# ---------------------------------------------------------------------------------------------


def org_of_request(request: HttpRequest) -> Organization | None:
    membership = getattr(request.user, "membership", None)
    return membership.organization if membership else None


def require_org(request: HttpRequest, *kinds: str) -> Organization:
    """The caller's approved organisation, of one of `kinds`; 403 otherwise."""
    org = org_of_request(request)
    if org is None or not org.is_approved or (kinds and org.kind not in kinds):
        raise PermissionDenied
    return org


def require_staff(request: HttpRequest) -> None:
    if not request.user.is_authenticated or not request.user.is_staff:
        raise PermissionDenied


# ---------------------------------------------------------------------------------------------
# Public pages: landing, sign in/out, registration
# ---------------------------------------------------------------------------------------------


def _platform_figures() -> dict[str, int]:
    # Public aggregate counts only (no row of any organisation is shown).
    from matching.models import Outcome, Proposal

    approved = Organization.objects.filter(approval_status=ApprovalStatus.APPROVED)
    return {
        "universities": approved.filter(
            kind__in=[OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE]
        ).count(),
        "seeds": Seed.objects.filter(
            status=PublicationStatus.PUBLISHED, organization__in=approved
        ).count(),
        "needs": Need.objects.filter(
            status=PublicationStatus.PUBLISHED, organization__in=approved
        ).count(),
        "introductions": Proposal.objects.filter(introduced_at__isnull=False).count(),
        "agreements": Outcome.objects.count(),
    }


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/landing.html", {"figures": _platform_figures()})


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class OrganizationRegisterForm(forms.Form):
    kind = forms.ChoiceField(label=_("組織の種別"), choices=OrgKind.choices)
    name = forms.CharField(label=_("組織名"), max_length=200)
    name_en = forms.CharField(label=_("英語名称"), max_length=200, required=False)
    prefecture = forms.ChoiceField(
        label=_("都道府県"), choices=[("", "---------"), *PREFECTURE_CHOICES]
    )
    website = forms.URLField(label=_("ウェブサイト"), required=False)
    contact_email = forms.EmailField(label=_("連絡先メール"))
    description = forms.CharField(
        label=_("組織の紹介"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    username = forms.CharField(
        label=_("ユーザー名"),
        max_length=150,
        help_text=_("半角英数字と @ . + - _ が使えます。"),
    )
    email = forms.EmailField(label=_("担当者のメール"))
    password1 = forms.CharField(label=_("パスワード"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("パスワード (確認)"), widget=forms.PasswordInput, strip=False
    )

    def clean_username(self) -> str:
        from django.contrib.auth import get_user_model

        username = self.cleaned_data["username"]
        user_model = get_user_model()
        try:
            user_model.username_validator(username)
        except ValidationError as exc:
            raise ValidationError(_("半角英数字と @ . + - _ のみ使えます。")) from exc
        if user_model.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("このユーザー名はすでに使われています。"))
        return username

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("パスワードが一致しません。"))
        elif p1:
            try:
                validate_password(p1)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


def org_register(request: HttpRequest) -> HttpResponse:
    from profiles.services.organizations import organization_register

    form = OrganizationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        organization_register(
            data={
                k: d[k]
                for k in (
                    "kind",
                    "name",
                    "name_en",
                    "prefecture",
                    "website",
                    "contact_email",
                    "description",
                )
            },
            user_data={"username": d["username"], "email": d["email"], "password": d["password1"]},
        )
        return render(request, "pages/register_done.html", {"org_name": d["name"]})
    return render(request, "pages/register.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# Dashboard: one URL, a page per role
# ---------------------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    org = org_of_request(request)
    if org is None:
        if user.is_staff:
            return redirect("admin:index")  # the console pages take over below
        return render(request, "pages/dashboard_no_org.html", status=403)
    if not org.is_approved:
        return render(request, "pages/dashboard_pending.html", {"org": org})
    if org.is_academic:
        return render(request, "pages/dashboard_academic.html", _academic_dashboard(org))
    if org.kind == OrgKind.COMPANY:
        return render(request, "pages/dashboard_company.html", _company_dashboard(org))
    return render(request, "pages/dashboard_investor.html", _investor_dashboard(org))


def _academic_dashboard(org: Organization) -> dict:
    from matching.models import Proposal
    from matching.models.results import ProposalStatus

    proposals = Proposal.objects.filter(seed__organization=org).select_related(
        "need__organization", "seed"
    )
    visible = proposals.filter(status__in=[ProposalStatus.APPROVED, ProposalStatus.INTRODUCED])
    new = visible.filter(status=ProposalStatus.APPROVED).exclude(responses__side="academic")
    interest = visible.filter(responses__side="company", responses__decision="interested")
    introductions = proposals.filter(status=ProposalStatus.INTRODUCED)
    seeds = Seed.objects.filter(organization=org)
    attention = seeds.filter(
        Q(status=PublicationStatus.DRAFT)
        | Q(trl__isnull=True)
        | Q(keywords=[])
        | Q(capacity=0)
        | Q(field="")
    ).order_by("status", "-updated_at")
    return {
        "org": org,
        "nav_active": "dashboard",
        "new_proposals": new[:10],
        "new_count": new.count(),
        "interest": interest.distinct()[:10],
        "interest_count": interest.distinct().count(),
        "introductions": introductions[:10],
        "introduction_count": introductions.count(),
        "attention": attention[:10],
        "attention_count": attention.count(),
        "seed_counts": {
            "published": seeds.filter(status=PublicationStatus.PUBLISHED).count(),
            "draft": seeds.filter(status=PublicationStatus.DRAFT).count(),
        },
    }


def _company_dashboard(org: Organization) -> dict:
    from matching.models import PartnershipProposal, Proposal
    from matching.models.results import ProposalStatus

    proposals = Proposal.objects.filter(
        need__organization=org,
        status__in=[ProposalStatus.APPROVED, ProposalStatus.INTRODUCED],
    ).select_related("need", "seed__organization")
    new = proposals.filter(status=ProposalStatus.APPROVED).exclude(responses__side="company")
    introductions = proposals.filter(status=ProposalStatus.INTRODUCED)
    needs = Need.objects.filter(organization=org)
    partnerships = PartnershipProposal.objects.filter(
        company=org, status__in=[ProposalStatus.APPROVED, ProposalStatus.INTRODUCED]
    ).select_related("academic")
    return {
        "org": org,
        "nav_active": "dashboard",
        "new_proposals": new[:10],
        "new_count": new.count(),
        "introductions": introductions[:10],
        "introduction_count": introductions.count(),
        "needs": needs[:10],
        "need_counts": {
            "published": needs.filter(status=PublicationStatus.PUBLISHED).count(),
            "draft": needs.filter(status=PublicationStatus.DRAFT).count(),
        },
        "partnerships": partnerships[:5],
    }


def _investor_dashboard(org: Organization) -> dict:
    from matching.models import InvestorMatch

    profile = getattr(org, "investor_profile", None)
    matches = (
        InvestorMatch.objects.filter(investor__organization=org)
        .select_related("venture__organization")
        .order_by("-score")
        if profile
        else InvestorMatch.objects.none()
    )
    return {
        "org": org,
        "nav_active": "dashboard",
        "profile": profile,
        "matches": matches[:10],
        "match_count": matches.count(),
    }


urlpatterns = [
    path("", landing, name="landing"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("register/", org_register, name="org_register"),
    path("dashboard/", dashboard, name="dashboard"),
]
