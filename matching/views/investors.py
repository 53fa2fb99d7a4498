"""Investors and ventures: an investor marks interest in a venture (from the deal flow), the
venture's university sees interested investors on the venture page and answers, both
interested → the introduction page (contacts, the venture's confidential details, the message
thread); investments recorded on a page and confirmed by the university."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from config.ids import posted_pk
from matching import selectors
from matching.forms import InvestmentForm, InvestorAnswerForm, InvestorInterestForm
from matching.models import InvestorMatch
from matching.models.feedback import AgreementType
from matching.models.investors import InvestorIntroductionStatus as Status
from matching.services import agreements, introductions
from matching.views.outcomes import outcome_rows
from profiles import access
from profiles.access import require_org
from profiles.choices import ACADEMIC_KINDS, OrgKind, PublicationStatus
from profiles.forms import apply_service_errors
from profiles.models import Venture
from profiles.selectors.catalog import ventures_visible_to
from profiles.services.audit import confidential_reads_record
from profiles.views.base import safe_next


@login_required
@require_POST
def investor_interest(request: HttpRequest, pk: int) -> HttpResponse:
    """An investor marks interest in venture `pk` (from the deal flow)."""
    require_org(request, OrgKind.INVESTOR)
    venture = get_object_or_404(
        ventures_visible_to(user=request.user).filter(status=PublicationStatus.PUBLISHED), pk=pk
    )
    form = InvestorInterestForm(request.POST)
    if form.is_valid():
        try:
            introductions.investor_interest_express(
                venture=venture, by=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("関心を伝えました。大学の回答を待っています。"))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(safe_next(request) or "deal_flow")


@login_required
@require_POST
def investor_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require_org(request, OrgKind.INVESTOR)
    intro = get_object_or_404(selectors.investor_introductions_for(user=request.user), pk=pk)
    try:
        introductions.investor_interest_withdraw(intro=intro, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("関心を取り下げました。"))
    return redirect("investor_introduction_list")


def venture_section(request: HttpRequest, venture: Venture) -> dict | None:
    """The card on the venture's page (profiles.extensions): investors interested in it."""
    if not access.is_member_of(request.user, venture.organization):
        return None
    intros = selectors.investor_introductions_for(user=request.user).filter(venture=venture)
    return {
        "template": "matching/_venture_investors.html",
        "venture": venture,
        "intros": list(intros.exclude(status=Status.WITHDRAWN)),
        "form": InvestorAnswerForm(),
    }


@login_required
def venture_investors(request: HttpRequest, pk: int) -> HttpResponse:
    """The venture's university: interested investors and its answer to each."""
    org = require_org(request, *ACADEMIC_KINDS)
    venture = get_object_or_404(Venture.objects.filter(organization=org), pk=pk)
    intros = selectors.investor_introductions_for(user=request.user).filter(venture=venture)
    form = InvestorAnswerForm()
    answering = None
    if request.method == "POST":
        intro = get_object_or_404(intros, pk=posted_pk(request.POST.get("intro")))
        form = InvestorAnswerForm(request.POST)
        answering = intro.pk
        if form.is_valid():
            try:
                intro = introductions.investor_interest_answer(
                    intro=intro, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                if intro.status == Status.INTRODUCED:
                    messages.success(request, _("紹介が成立しました。連絡先を確認できます。"))
                    return redirect("investor_introduction", pk=intro.pk)
                messages.success(request, _("回答を記録しました。"))
                return redirect("venture_investors", pk=venture.pk)
    return render(
        request,
        "matching/venture_investors.html",
        {
            "venture": venture,
            "intros": list(intros.exclude(status=Status.WITHDRAWN)),
            "form": form,
            "answering": answering,
            "nav_active": "ventures",
        },
    )


@login_required
def investor_introduction_list(request: HttpRequest) -> HttpResponse:
    org = require_org(request, OrgKind.INVESTOR, *ACADEMIC_KINDS)
    intros = selectors.investor_introductions_for(user=request.user)
    return render(
        request,
        "matching/investor_introductions.html",
        {
            "intros": intros,
            "is_investor": org.kind == OrgKind.INVESTOR,
            "nav_active": "dealflow" if org.kind == OrgKind.INVESTOR else "ventures",
        },
    )


@login_required
def investor_introduction(request: HttpRequest, pk: int) -> HttpResponse:
    """The introduction of an investor and a venture: the two parties only (404 otherwise)."""
    intro = get_object_or_404(selectors.investor_introductions_for(user=request.user), pk=pk)
    contacts = selectors.investor_introduction_contacts(user=request.user, intro=intro)
    if contacts["venture_confidential"]:
        confidential_reads_record(
            user=request.user, objects=[intro.venture], channel="introduction", path=request.path
        )
    outcomes = selectors.outcomes_for(user=request.user).filter(
        venture=intro.venture, company=intro.investor.organization
    )
    return render(
        request,
        "matching/investor_introduction.html",
        {
            "intro": intro,
            "c": contacts,
            "outcomes": outcome_rows(user=request.user, outcomes=outcomes),
            "nav_active": "dealflow",
        },
    )


def _investable(request: HttpRequest) -> list[Venture]:
    """Ventures the investor may record an investment in: ranked for it or introduced."""
    ranked = InvestorMatch.objects.filter(investor__organization=request.org).values("venture_id")
    introduced = selectors.investor_introductions_for(user=request.user).filter(
        status=Status.INTRODUCED
    )
    return list(
        ventures_visible_to(user=request.user)
        .filter(status=PublicationStatus.PUBLISHED)
        .filter(Q(pk__in=ranked) | Q(pk__in=introduced.values("venture_id")))
        .order_by("name")
    )


@login_required
def investments(request: HttpRequest) -> HttpResponse:
    """Investments in ventures: the investor records them (amount, stage, date); the venture's
    university confirms or disputes each (only confirmed ones count in the KPIs)."""
    org = require_org(request, OrgKind.INVESTOR, *ACADEMIC_KINDS)
    is_investor = org.kind == OrgKind.INVESTOR
    form = None
    if is_investor:
        ventures = _investable(request)
        form = InvestmentForm(request.POST or None, ventures=ventures)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            venture = next(v for v in ventures if str(v.pk) == d["venture"])
            try:
                agreements.outcome_record(
                    venture=venture,
                    by=request.user,
                    agreement_type=AgreementType.SPINOFF_INVESTMENT,
                    amount_yen=d["amount_yen"],
                    stage=d["stage"],
                    agreed_on=d["agreed_on"],
                    note=d["note"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, _("出資を記録しました。大学の確認後に実績として集計されます。")
                )
                return redirect("investments")
    elif request.method == "POST":
        return HttpResponse(status=403)
    rows = selectors.outcomes_for(user=request.user).filter(venture__isnull=False)
    return render(
        request,
        "matching/investments.html",
        {
            "form": form,
            "outcomes": outcome_rows(user=request.user, outcomes=rows),
            "is_investor": is_investor,
            "nav_active": "dealflow" if is_investor else "ventures",
        },
    )
