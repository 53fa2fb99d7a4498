"""Pages of the profiles area: landing, sign-in, dashboards, organisation registration and
profile, seeds (list, editor, CSV import), needs, investor thesis, and the coordinator's
organisation approval queue.

Views are thin: a form validates input, one service of `profiles.services` writes, a selector
of `profiles.selectors` reads (already scoped to the caller). The forms live here, next to the
only views that use them, because the page area owns this module only.
"""

from __future__ import annotations

import base64
import logging
import re
import secrets
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from profiles.choices import (
    ACADEMIC_KINDS,
    PREFECTURE_CHOICES,
    TRL_MAX,
    TRL_MIN,
    ApprovalStatus,
    CollaborationMode,
    InvestorKind,
    Language,
    OrgKind,
    PublicationStatus,
    Region,
    Stage,
)
from profiles.models import InvestorProfile, Need, Organization, Seed

logger = logging.getLogger(__name__)

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


def _safe_next(request: HttpRequest) -> str | None:
    """The `next` address of a form, only when it points back into this site."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


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
    website = forms.URLField(label=_("ウェブサイト"), required=False, assume_scheme="https")
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
    from profiles.services.organizations import organization_register

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


# ---------------------------------------------------------------------------------------------
# Dashboard: one URL, a page per role
# ---------------------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    org = org_of_request(request)
    if org is None:
        if user.is_staff:
            return redirect("console_queue")
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
    # Companies that said yes and wait for the university's answer.
    interest = visible.filter(
        status=ProposalStatus.APPROVED,
        responses__side="company",
        responses__decision="interested",
    )
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


# ---------------------------------------------------------------------------------------------
# Form helpers
# ---------------------------------------------------------------------------------------------

KEYWORD_SPLIT = re.compile(r"[,、，;；\n]+")


class KeywordsField(forms.CharField):
    """Keywords typed as one line separated by commas or 、 (how IP offices write them)."""

    def __init__(self, **kw):
        kw.setdefault("required", False)
        kw.setdefault("max_length", 2000)
        kw.setdefault("help_text", _("カンマ (,) または読点 (、) で区切って入力します。"))
        super().__init__(**kw)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        out: list[str] = []
        for part in KEYWORD_SPLIT.split(text or ""):
            part = part.strip()
            if part and part not in out:
                out.append(part)
        if any(len(p) > 100 for p in out):
            raise ValidationError(_("キーワードは1つ100文字以内にしてください。"))
        return out


def _trl_choices():
    return [("", _("未設定")), *[(str(i), str(i)) for i in range(TRL_MIN, TRL_MAX + 1)]]


class TrlField(forms.TypedChoiceField):
    def __init__(self, **kw):
        kw.setdefault("required", False)
        super().__init__(choices=_trl_choices, coerce=int, empty_value=None, **kw)


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (others at the top)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = name if name in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class CleanTextMixin:
    """Refuses NUL characters in every text field (PostgreSQL cannot store them)."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("使用できない文字 (NUL) が含まれています。"))
        return data


# ---------------------------------------------------------------------------------------------
# Seeds: list, editor (with researchers and patents), status actions
# ---------------------------------------------------------------------------------------------


class SeedForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("タイトル"), max_length=300)
    summary = forms.CharField(
        label=_("公開概要"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("登録しているすべての組織に公開されます。マッチングにはこの文章を使います。"),
    )
    confidential_details = forms.CharField(
        label=_("非公開の詳細"),
        max_length=50000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("自組織と、紹介が成立した相手だけが閲覧できます。マッチングには使いません。"),
    )
    keywords = KeywordsField(label=_("キーワード"))
    field = forms.CharField(label=_("研究分野"), max_length=100, required=False)
    trl = TrlField(label=_("技術成熟度 (TRL)"))
    collaboration_modes = forms.MultipleChoiceField(
        label=_("連携形態"),
        choices=CollaborationMode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    language = forms.ChoiceField(label=_("言語"), choices=Language.choices, initial=Language.JA)
    capacity = forms.IntegerField(
        label=_("受入可能な新規連携数"),
        min_value=0,
        max_value=100,
        initial=2,
        help_text=_("研究室が今受け入れられる新しい連携の数。0 にすると提案を止めます。"),
    )


class ResearcherForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("氏名"), max_length=200)
    department = forms.CharField(label=_("所属部局"), max_length=200, required=False)
    researchmap_id = forms.CharField(label=_("researchmap ID"), max_length=100, required=False)
    cross_appointment_available = forms.BooleanField(
        label=_("クロスアポイントメント可"), required=False
    )


class PatentForm(CleanTextMixin, forms.Form):
    application_number = forms.CharField(label=_("出願番号"), max_length=100, required=False)
    registration_number = forms.CharField(label=_("登録番号"), max_length=100, required=False)
    title = forms.CharField(label=_("発明の名称"), max_length=300, required=False)
    license_available = forms.BooleanField(label=_("ライセンス可"), required=False, initial=True)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (
            data.get("application_number") or data.get("registration_number") or data.get("title")
        )


ResearcherFormSet = forms.formset_factory(
    ResearcherForm, extra=1, can_delete=True, max_num=50, validate_max=True
)
PatentFormSet = forms.formset_factory(
    PatentForm, extra=1, can_delete=True, max_num=50, validate_max=True
)


def _formset_rows(formset) -> list[dict]:
    """The rows to keep: filled in, not marked for deletion (a blank patent row is skipped,
    whatever its licence checkbox says)."""
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
        for f in formset.forms
        if f.has_changed()
        and f.cleaned_data
        and not f.cleaned_data.get("DELETE")
        and not (hasattr(f, "is_blank") and f.is_blank())
    ]


def _own_seed(request: HttpRequest, pk: int) -> Seed:
    """A seed of the caller's organisation, or 404 (another organisation's seed does not exist)."""
    from profiles.selectors.catalog import own_seeds

    return get_object_or_404(own_seeds(user=request.user), pk=pk)


@login_required
def seed_list(request: HttpRequest) -> HttpResponse:
    from profiles.selectors.catalog import own_seeds

    require_org(request, *ACADEMIC_KINDS)
    seeds = own_seeds(user=request.user).order_by("-updated_at", "id")
    status = request.GET.get("status", "")
    if status in PublicationStatus.values:
        seeds = seeds.filter(status=status)
    q = (request.GET.get("q") or "").strip()[:200]
    if q:
        seeds = seeds.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(key__icontains=q))
    page = Paginator(seeds, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "profiles/seed_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": PublicationStatus.choices,
            "nav_active": "seeds",
        },
    )


def _seed_editor(request: HttpRequest, seed: Seed | None) -> HttpResponse:
    from profiles.services.catalog import seed_create, seed_publish, seed_update

    org = require_org(request, *ACADEMIC_KINDS)
    if request.method == "POST":
        form = SeedForm(request.POST)
        researchers = ResearcherFormSet(request.POST, prefix="researchers")
        patents = PatentFormSet(request.POST, prefix="patents")
        if form.is_valid() and researchers.is_valid() and patents.is_valid():
            data = {
                **form.cleaned_data,
                "researchers": _formset_rows(researchers),
                "patents": _formset_rows(patents),
            }
            try:
                with transaction.atomic():
                    if seed is None:
                        seed = saved = seed_create(org=org, by=request.user, data=data)
                    else:
                        saved = seed_update(seed=seed, by=request.user, data=data)
                    if request.POST.get("action") == "publish":
                        seed_publish(seed=saved, by=request.user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
                if seed is not None and seed.pk is None:
                    seed = None
            else:
                if request.POST.get("action") == "publish":
                    messages.success(request, _("シーズを保存して公開しました。"))
                else:
                    messages.success(request, _("シーズを保存しました。"))
                return redirect("seed_edit", pk=saved.pk)
    else:
        if seed is None:
            form = SeedForm()
            researchers = ResearcherFormSet(prefix="researchers")
            patents = PatentFormSet(prefix="patents")
        else:
            form = SeedForm(
                initial={
                    "title": seed.title,
                    "summary": seed.summary,
                    "confidential_details": Seed.objects.filter(pk=seed.pk)
                    .values_list("confidential_details", flat=True)
                    .first(),
                    "keywords": seed.keywords,
                    "field": seed.field,
                    "trl": seed.trl,
                    "collaboration_modes": seed.collaboration_modes,
                    "language": seed.language,
                    "capacity": seed.capacity,
                }
            )
            researchers = ResearcherFormSet(
                prefix="researchers",
                initial=[
                    {
                        "name": r.name,
                        "department": r.department,
                        "researchmap_id": r.researchmap_id,
                        "cross_appointment_available": r.cross_appointment_available,
                    }
                    for r in seed.researchers.all()
                ],
            )
            patents = PatentFormSet(
                prefix="patents",
                initial=[
                    {
                        "application_number": p.application_number,
                        "registration_number": p.registration_number,
                        "title": p.title,
                        "license_available": p.license_available,
                    }
                    for p in seed.patents.all()
                ],
            )
    return render(
        request,
        "profiles/seed_form.html",
        {
            "form": form,
            "researchers": researchers,
            "patents": patents,
            "seed": seed,
            "org": org,
            "nav_active": "seeds",
        },
    )


@login_required
def seed_create_page(request: HttpRequest) -> HttpResponse:
    return _seed_editor(request, None)


@login_required
def seed_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_org(request, *ACADEMIC_KINDS)
    return _seed_editor(request, _own_seed(request, pk))


@login_required
@require_POST
def seed_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    from profiles.services import catalog

    require_org(request, *ACADEMIC_KINDS)
    seed = _own_seed(request, pk)
    service = {
        "publish": catalog.seed_publish,
        "unpublish": catalog.seed_unpublish,
        "archive": catalog.seed_archive,
    }.get(action)
    if service is None:
        raise Http404
    try:
        service(seed=seed, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, STATUS_MESSAGES[action])
    return redirect(_safe_next(request) or reverse("seed_edit", args=[seed.pk]))


STATUS_MESSAGES = {
    "publish": _("公開しました。"),
    "unpublish": _("下書きに戻しました。"),
    "archive": _("アーカイブしました。"),
}


# ---------------------------------------------------------------------------------------------
# CSV import of seeds and needs: upload → preview (dry run) → confirm → background job
# ---------------------------------------------------------------------------------------------


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSVファイル"),
        help_text=_("UTF-8 (Excel の BOM 付きも可)。1行目は列名です。5 MB まで。"),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > CSV_MAX_BYTES:
            raise ValidationError(_("ファイルが大きすぎます (上限 5 MB)。"))
        name = (f.name or "").lower()
        if not name.endswith((".csv", ".txt")):
            raise ValidationError(_("CSV ファイル (.csv) を選んでください。"))
        raw = f.read()
        if b"\x00" in raw:  # UTF-16 or a binary file
            raise ValidationError(
                _("文字コードを UTF-8 にして保存してください (Excel: CSV UTF-8)。")
            )
        return raw


CSV_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class CsvKind:
    """What differs between the CSV import of seeds and of needs."""

    model: type
    org_kinds: tuple
    service: str  # function of profiles.services.imports
    job_kind: str  # ImportJob.Kind
    page: str  # URL name of the import page
    done: str  # URL name of the list the imported rows land in
    session_key: str


CSV_KINDS = {
    "seed": CsvKind(
        model=Seed,
        org_kinds=ACADEMIC_KINDS,
        service="csv_import_seeds",
        job_kind="seeds",
        page="seed_import",
        done="seed_list",
        session_key="seed_csv_upload",
    ),
    "need": CsvKind(
        model=Need,
        org_kinds=(OrgKind.COMPANY,),
        service="csv_import_needs",
        job_kind="needs",
        page="need_import",
        done="need_list",
        session_key="need_csv_upload",
    ),
}
CSV_KIND_OF_JOB = {kind.job_kind: name for name, kind in CSV_KINDS.items()}


def _csv_context(kind_name: str) -> dict:
    return {
        "kind": kind_name,
        "nav_active": "import" if kind_name == "seed" else "needs",
        "columns": CSV_COLUMNS if kind_name == "seed" else NEED_CSV_COLUMNS,
    }


def _csv_import_page(request: HttpRequest, kind_name: str) -> HttpResponse:
    """Upload → preview (a dry run: every change and every row error, nothing written) →
    confirm (the same file, kept in the session, becomes a background job that imports it
    all-or-nothing; the page follows the job)."""
    from profiles.models import ImportJob
    from profiles.services import imports
    from profiles.services.imports.jobs import import_job_create

    kind = CSV_KINDS[kind_name]
    org = require_org(request, *kind.org_kinds)
    context = {
        "form": CsvUploadForm(),
        **_csv_context(kind_name),
        "recent_jobs": ImportJob.objects.filter(organization=org, kind=kind.job_kind).defer(
            "content"
        )[:5],
    }
    if request.method == "POST" and request.POST.get("step") == "confirm":
        stored = request.session.get(kind.session_key)
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, _("確認の期限が切れました。もう一度アップロードしてください。"))
            return redirect(kind.page)
        try:
            job = import_job_create(
                org=org,
                by=request.user,
                kind=kind.job_kind,
                content=base64.b64decode(stored["data"]),
                file_name=stored.get("name", ""),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(kind.page)
        del request.session[kind.session_key]
        return redirect("import_job", pk=job.pk)
    if request.method == "POST":
        form = CsvUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            raw = form.cleaned_data["file"]
            service = getattr(imports, kind.service)
            report = service(org=org, by=request.user, file=raw, dry_run=True)
            rows, file_errors, summary = preview_rows(report, model=kind.model)
            token = secrets.token_urlsafe(16)
            name = (request.FILES["file"].name or "")[:200]
            request.session[kind.session_key] = {
                "token": token,
                "name": name,
                "data": base64.b64encode(raw).decode("ascii"),
            }
            context.update(
                form=CsvUploadForm(),
                report=report,
                rows=rows,
                file_errors=file_errors,
                summary=summary,
                has_errors=bool(report.errors),
                token=token,
                file_name=name,
            )
    return render(request, "profiles/seed_import.html", context)


@login_required
def seed_import(request: HttpRequest) -> HttpResponse:
    return _csv_import_page(request, "seed")


@login_required
def need_import(request: HttpRequest) -> HttpResponse:
    return _csv_import_page(request, "need")


def _own_import_job(request: HttpRequest, pk: int):
    """A job of the caller's organisation, or 404 (another organisation's job does not exist)."""
    from profiles.models import ImportJob

    org = org_of_request(request)
    if org is None:
        raise Http404
    return get_object_or_404(ImportJob.objects.filter(organization=org), pk=pk)


@login_required
def import_job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a background import (polling the JSON below), then its report."""
    from profiles.services.imports.jobs import import_job_progress

    job = _own_import_job(request, pk)
    kind_name = CSV_KIND_OF_JOB[job.kind]
    kind = CSV_KINDS[kind_name]
    context = {
        **_csv_context(kind_name),
        "job": job,
        "state": import_job_progress(job),
        "list_url": reverse(kind.done),
        "import_url": reverse(kind.page),
    }
    if job.is_finished:
        rows, file_errors, summary = preview_rows(job.report or {}, model=kind.model)
        context.update(rows=rows, file_errors=file_errors, summary=summary)
    return render(request, "profiles/import_job.html", context)


def import_job_api(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /api/import-jobs/<id>/: the job's phase and progress, for the job page's bar."""
    from profiles.services.imports.jobs import import_job_progress

    if request.method != "GET":
        return JsonResponse({"detail": "method not allowed"}, status=405)
    if not request.user.is_authenticated:
        return JsonResponse({"detail": str(_("ログインしてください。"))}, status=403)
    try:
        job = _own_import_job(request, pk)
    except Http404:
        return JsonResponse({"detail": str(_("見つかりません。"))}, status=404)
    return JsonResponse(import_job_progress(job))


def _field_label(name: str, model: type = Seed) -> str:
    if name in ("researchers", "patents"):
        return str({"researchers": _("研究者"), "patents": _("特許")}[name])
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a column the model does not have: show its name
        return name


def _report_part(report, name: str) -> list:
    """A list of an import report: the ImportReport of a preview, or the dict a job stored."""
    if isinstance(report, dict):
        return report.get(name) or []
    return getattr(report, name, []) or []


def preview_rows(report, *, model: type = Seed) -> tuple[list[dict], list[str], dict]:
    """The import report as one row per CSV line (action, errors, changed fields), the
    file-level errors, and the count of rows per action. The changed fields are the ones the
    import itself compared (`updated[i]["changed"]`), so the preview shows what it writes."""
    rows: dict[int, dict] = {}
    for action in ("created", "updated", "unchanged"):
        for entry in _report_part(report, action):
            rows[entry["row"]] = {
                "line": entry["row"],
                "key": entry.get("key", ""),
                "title": entry.get("title", ""),
                "action": {"created": "create", "updated": "update"}.get(action, "unchanged"),
                "errors": [],
                "changes": [_field_label(n, model) for n in entry.get("changed", [])]
                if action == "updated"
                else [],
            }
    file_errors: list[str] = []
    for error in _report_part(report, "errors"):
        line, column = error.get("row", 0), error.get("column", "")
        if line <= 1:  # the file itself or its header row
            file_errors.append(
                f"{_field_label(column, model)}: {error['message']}" if column else error["message"]
            )
            continue
        row = rows.setdefault(
            line,
            {"line": line, "key": "", "title": "", "action": "error", "errors": [], "changes": []},
        )
        row["action"] = "error"
        row["errors"].append(
            {"column": _field_label(column, model) if column else "", "message": error["message"]}
        )
    ordered = [rows[n] for n in sorted(rows)]
    summary = {
        action: sum(1 for r in ordered if r["action"] == action)
        for action in ("create", "update", "unchanged", "error")
    }
    return ordered, file_errors, summary


CSV_COLUMNS = [
    ("key", _("キー (英数字。既存のキーなら更新、なければ新規。省略時はタイトルで照合)")),
    ("title", _("タイトル (必須)")),
    ("summary", _("公開概要 (必須)")),
    ("confidential_details", _("非公開の詳細")),
    ("keywords", _("キーワード (; または 、 区切り)")),
    ("field", _("研究分野")),
    ("trl", _("TRL (1〜9)")),
    ("collaboration_modes", _("連携形態 (joint_research; license など)")),
    ("language", _("言語 (ja / en)")),
    ("capacity", _("受入可能数 (0〜100)")),
    ("researchers", _("研究者 (氏名|所属|researchmap ID|yes/no を ; 区切り)")),
    ("patents", _("特許 (出願番号|登録番号|名称|yes/no を ; 区切り)")),
]


NEED_CSV_COLUMNS = [
    ("key", _("キー (英数字。既存のキーなら更新、なければ新規。省略時はタイトルで照合)")),
    ("title", _("タイトル (必須)")),
    ("description", _("公開説明 (必須)")),
    ("confidential_details", _("非公開の詳細")),
    ("keywords", _("キーワード (; または 、 区切り)")),
    ("field", _("分野")),
    ("collaboration_modes", _("連携形態 (joint_research; license など)")),
    ("budget_min_yen", _("予算下限 (円)")),
    ("budget_max_yen", _("予算上限 (円)")),
    ("duration_months", _("期間 (月)")),
    ("trl_min", _("期待TRL (下限)")),
    ("trl_max", _("期待TRL (上限)")),
    ("preferred_regions", _("希望地域 (kanto; kinki など)")),
    ("is_anonymous", _("社名を非公開 (yes / no)")),
    ("language", _("言語 (ja / en)")),
]


# ---------------------------------------------------------------------------------------------
# Needs (company R&D)
# ---------------------------------------------------------------------------------------------


class NeedForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("タイトル"), max_length=300)
    description = forms.CharField(
        label=_("公開説明"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("大学・研究機関に公開されます。マッチングにはこの文章を使います。"),
    )
    confidential_details = forms.CharField(
        label=_("非公開の詳細"),
        max_length=50000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("自社と、紹介が成立した相手だけが閲覧できます。マッチングには使いません。"),
    )
    keywords = KeywordsField(label=_("キーワード"))
    field = forms.CharField(label=_("分野"), max_length=100, required=False)
    collaboration_modes = forms.MultipleChoiceField(
        label=_("希望する連携形態"),
        choices=CollaborationMode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    budget_min_yen = forms.IntegerField(
        label=_("予算下限 (円)"), min_value=0, max_value=10**13, required=False
    )
    budget_max_yen = forms.IntegerField(
        label=_("予算上限 (円)"), min_value=0, max_value=10**13, required=False
    )
    duration_months = forms.IntegerField(
        label=_("期間 (月)"), min_value=1, max_value=240, required=False
    )
    trl_min = TrlField(label=_("期待TRL (下限)"))
    trl_max = TrlField(label=_("期待TRL (上限)"))
    preferred_regions = forms.MultipleChoiceField(
        label=_("希望地域"),
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("指定しない場合は全国が対象です。"),
    )
    is_anonymous = forms.BooleanField(
        label=_("社名を非公開にする (紹介が成立するまで)"), required=False
    )
    language = forms.ChoiceField(label=_("言語"), choices=Language.choices, initial=Language.JA)

    def clean(self):
        data = super().clean()
        lo, hi = data.get("budget_min_yen"), data.get("budget_max_yen")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("budget_max_yen", _("予算上限は下限以上にしてください。"))
        lo, hi = data.get("trl_min"), data.get("trl_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("trl_max", _("TRLの上限は下限以上にしてください。"))
        return data


def _own_need(request: HttpRequest, pk: int) -> Need:
    from profiles.selectors.catalog import own_needs

    return get_object_or_404(own_needs(user=request.user), pk=pk)


@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    from profiles.selectors.catalog import own_needs

    require_org(request, OrgKind.COMPANY)
    needs = own_needs(user=request.user).order_by("-updated_at", "id")
    status = request.GET.get("status", "")
    if status in PublicationStatus.values:
        needs = needs.filter(status=status)
    page = Paginator(needs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "profiles/need_list.html",
        {
            "page": page,
            "status": status,
            "statuses": PublicationStatus.choices,
            "nav_active": "needs",
        },
    )


def _need_editor(request: HttpRequest, need: Need | None) -> HttpResponse:
    from profiles.services.catalog import need_create, need_publish, need_update

    org = require_org(request, OrgKind.COMPANY)
    if request.method == "POST":
        form = NeedForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    if need is None:
                        saved = need_create(org=org, by=request.user, data=form.cleaned_data)
                    else:
                        saved = need_update(need=need, by=request.user, data=form.cleaned_data)
                    if request.POST.get("action") == "publish":
                        need_publish(need=saved, by=request.user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                if request.POST.get("action") == "publish":
                    messages.success(request, _("ニーズを保存して公開しました。"))
                else:
                    messages.success(request, _("ニーズを保存しました。"))
                return redirect("need_edit", pk=saved.pk)
    elif need is None:
        form = NeedForm()
    else:
        initial = {
            name: getattr(need, name)
            for name in NeedForm.base_fields
            if name != "confidential_details"
        }
        initial["confidential_details"] = (
            Need.objects.filter(pk=need.pk).values_list("confidential_details", flat=True).first()
        )
        form = NeedForm(initial=initial)
    return render(
        request,
        "profiles/need_form.html",
        {"form": form, "need": need, "org": org, "nav_active": "needs"},
    )


@login_required
def need_create_page(request: HttpRequest) -> HttpResponse:
    return _need_editor(request, None)


@login_required
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_org(request, OrgKind.COMPANY)
    return _need_editor(request, _own_need(request, pk))


@login_required
@require_POST
def need_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    from profiles.services import catalog

    require_org(request, OrgKind.COMPANY)
    need = _own_need(request, pk)
    service = {
        "publish": catalog.need_publish,
        "unpublish": catalog.need_unpublish,
        "archive": catalog.need_archive,
    }.get(action)
    if service is None:
        raise Http404
    try:
        service(need=need, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, STATUS_MESSAGES[action])
    return redirect(_safe_next(request) or reverse("need_edit", args=[need.pk]))


# ---------------------------------------------------------------------------------------------
# University spin-offs (大学発ベンチャー): list and editor, for universities and institutes
# ---------------------------------------------------------------------------------------------

VENTURE_STATUS_CHOICES = [
    (PublicationStatus.PUBLISHED, _("公開 (投資家のディールフローに表示)")),
    (PublicationStatus.ARCHIVED, _("アーカイブ (非表示)")),
]


class VentureForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("社名"), max_length=200)
    summary = forms.CharField(
        label=_("概要"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("事業と技術の概要。投資家との照合に使います。"),
    )
    stage = forms.ChoiceField(label=_("ステージ"), choices=Stage.choices, initial=Stage.SEED)
    seeks = forms.CharField(
        label=_("求めているもの"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("資金調達、事業提携、人材など。"),
    )
    seeds = forms.ModelMultipleChoiceField(
        label=_("元になった研究シーズ"),
        queryset=Seed.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("自組織の研究シーズから選びます。"),
    )
    status = forms.ChoiceField(
        label=_("状態"), choices=VENTURE_STATUS_CHOICES, initial=PublicationStatus.PUBLISHED
    )

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the organisation's own seeds can be chosen; another id is an invalid choice.
        self.fields["seeds"].queryset = Seed.objects.filter(organization=org).order_by("title")


def _own_venture(request: HttpRequest, pk: int):
    """A venture of the caller's organisation, or 404 (another organisation's does not exist)."""
    from profiles.selectors.catalog import ventures_visible_to

    org = require_org(request, *ACADEMIC_KINDS)
    return get_object_or_404(ventures_visible_to(user=request.user).filter(organization=org), pk=pk)


@login_required
def venture_list(request: HttpRequest) -> HttpResponse:
    from profiles.selectors.catalog import ventures_visible_to

    org = require_org(request, *ACADEMIC_KINDS)
    ventures = ventures_visible_to(user=request.user).filter(organization=org).order_by("name")
    page = Paginator(ventures, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "profiles/venture_list.html",
        {"page": page, "org": org, "nav_active": "ventures"},
    )


def _venture_editor(request: HttpRequest, venture) -> HttpResponse:
    from profiles.services.catalog import (
        venture_archive,
        venture_create,
        venture_publish,
        venture_update,
    )

    org = require_org(request, *ACADEMIC_KINDS)
    if request.method == "POST":
        form = VentureForm(request.POST, org=org)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "status"}
            data["seeds"] = list(data["seeds"])
            status = form.cleaned_data["status"]
            try:
                with transaction.atomic():
                    if venture is None:
                        saved = venture_create(org=org, by=request.user, data=data)
                    else:
                        saved = venture_update(venture=venture, by=request.user, data=data)
                    if status == PublicationStatus.ARCHIVED and saved.status != status:
                        venture_archive(venture=saved, by=request.user)
                    elif status == PublicationStatus.PUBLISHED and saved.status != status:
                        venture_publish(venture=saved, by=request.user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("ベンチャーを保存しました。"))
                return redirect("venture_edit", pk=saved.pk)
    elif venture is None:
        form = VentureForm(org=org)
    else:
        form = VentureForm(
            org=org,
            initial={
                "name": venture.name,
                "summary": venture.summary,
                "stage": venture.stage,
                "seeks": venture.seeks,
                "seeds": [s.pk for s in venture.seeds.all()],
                "status": venture.status
                if venture.status in dict(VENTURE_STATUS_CHOICES)
                else PublicationStatus.PUBLISHED,
            },
        )
    return render(
        request,
        "profiles/venture_form.html",
        {"form": form, "venture": venture, "org": org, "nav_active": "ventures"},
    )


@login_required
def venture_create_page(request: HttpRequest) -> HttpResponse:
    return _venture_editor(request, None)


@login_required
def venture_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _venture_editor(request, _own_venture(request, pk))


# ---------------------------------------------------------------------------------------------
# Investor thesis
# ---------------------------------------------------------------------------------------------


class InvestorForm(CleanTextMixin, forms.Form):
    investor_kind = forms.ChoiceField(label=_("投資家の種別"), choices=InvestorKind.choices)
    thesis = forms.CharField(
        label=_("投資方針"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("注力する技術・市場・支援内容など。ベンチャーとの照合に使います。"),
    )
    fields = KeywordsField(label=_("注力分野"))
    stages = forms.MultipleChoiceField(
        label=_("投資ステージ"),
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    ticket_min_yen = forms.IntegerField(
        label=_("投資額下限 (円)"), min_value=0, max_value=10**13, required=False
    )
    ticket_max_yen = forms.IntegerField(
        label=_("投資額上限 (円)"), min_value=0, max_value=10**13, required=False
    )
    regions = forms.MultipleChoiceField(
        label=_("対象地域"),
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self):
        data = super().clean()
        lo, hi = data.get("ticket_min_yen"), data.get("ticket_max_yen")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("ticket_max_yen", _("投資額上限は下限以上にしてください。"))
        return data


@login_required
def investor_thesis(request: HttpRequest) -> HttpResponse:
    from profiles.services.catalog import investor_profile_upsert

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


# ---------------------------------------------------------------------------------------------
# Organisation profile
# ---------------------------------------------------------------------------------------------


class OrganizationForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("組織名"), max_length=200)
    name_en = forms.CharField(label=_("英語名称"), max_length=200, required=False)
    prefecture = forms.ChoiceField(
        label=_("都道府県"), choices=[("", "---------"), *PREFECTURE_CHOICES], required=False
    )
    website = forms.URLField(label=_("ウェブサイト"), required=False, assume_scheme="https")
    contact_email = forms.EmailField(label=_("連絡先メール"), required=False)
    description = forms.CharField(
        label=_("組織の紹介"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )


@login_required
def org_profile(request: HttpRequest) -> HttpResponse:
    from profiles.selectors.catalog import is_manager, members_of
    from profiles.services.organizations import organization_update

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


# ---------------------------------------------------------------------------------------------
# Coordinator: organisation approval queue
# ---------------------------------------------------------------------------------------------


@login_required
def console_orgs(request: HttpRequest) -> HttpResponse:
    from profiles.services.organizations import organization_approve, organization_reject

    require_staff(request)
    if request.method == "POST":
        org = get_object_or_404(Organization, pk=request.POST.get("organization") or 0)
        action = request.POST.get("action")
        if action == "approve":
            organization_approve(org=org, by=request.user)
            messages.success(request, _("「%(name)s」を承認しました。") % {"name": org.name})
        elif action == "reject":
            organization_reject(org=org, by=request.user)
            messages.success(request, _("「%(name)s」を却下しました。") % {"name": org.name})
        else:
            return HttpResponse(status=400)
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


urlpatterns = [
    path("", landing, name="landing"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("register/", org_register, name="org_register"),
    path("dashboard/", dashboard, name="dashboard"),
    path("seeds/", seed_list, name="seed_list"),
    path("seeds/new/", seed_create_page, name="seed_create"),
    path("seeds/import/", seed_import, name="seed_import"),
    path("seeds/<int:pk>/", seed_edit, name="seed_edit"),
    path(
        "seeds/<int:pk>/<str:action>/",
        seed_status,
        name="seed_status",
    ),
    path("needs/", need_list, name="need_list"),
    path("needs/new/", need_create_page, name="need_create"),
    path("needs/import/", need_import, name="need_import"),
    path("needs/<int:pk>/", need_edit, name="need_edit"),
    path("needs/<int:pk>/<str:action>/", need_status, name="need_status"),
    path("imports/<int:pk>/", import_job_page, name="import_job"),
    path("ventures/", venture_list, name="venture_list"),
    path("ventures/new/", venture_create_page, name="venture_create"),
    path("ventures/<int:pk>/", venture_edit, name="venture_edit"),
    path("api/import-jobs/<int:pk>/", import_job_api, name="import_job_api"),
    path("investor/thesis/", investor_thesis, name="investor_thesis"),
    path("organization/", org_profile, name="org_profile"),
    path("console/organizations/", console_orgs, name="console_orgs"),
]
