"""Proposals (seed × need): the inbox, one proposal with the side's answer, and the
introduction page with the outcome form (the two parties only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from matching import selectors
from matching.forms import OutcomeForm, RespondForm
from matching.models import Outcome
from matching.models.feedback import Side
from matching.models.results import ProposalStatus
from matching.services import agreements as agreement_services
from matching.services import proposals as proposal_services
from matching.views.outcomes import outcome_rows
from profiles import access
from profiles.access import require_org
from profiles.choices import OrgKind
from profiles.forms import apply_service_errors
from profiles.services.audit import confidential_reads_record
from profiles.services.estimator import estimate_for_need


@login_required
def proposal_inbox(request: HttpRequest) -> HttpResponse:
    require_org(request, OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE, OrgKind.COMPANY)
    proposals = selectors.proposals_for(user=request.user).order_by("-reviewed_at", "-score", "id")
    status = request.GET.get("status", "")
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    page = Paginator(proposals, 20).get_page(request.GET.get("page"))
    named = access.company_visible_need_ids(
        user=request.user, needs=[p.need for p in page.object_list]
    )
    rows = []
    for p in page.object_list:
        side = selectors.proposal_side(user=request.user, proposal=p)
        answers = selectors.responses_by_side(p)
        other = Side.ACADEMIC if side == Side.COMPANY else Side.COMPANY
        rows.append(
            {
                "p": p,
                "side": side,
                "mine": answers.get(side),
                "theirs": answers.get(other),
                "company_visible": p.need_id in named,
            }
        )
    statuses = [(s, label) for s, label in ProposalStatus.choices if s != ProposalStatus.PROPOSED]
    return render(
        request,
        "matching/proposal_inbox.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": statuses,
            "query": f"status={status}" if status else "",
            "nav_active": "proposals",
        },
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(selectors.proposals_for(user=request.user), pk=pk)
    side = selectors.proposal_side(user=request.user, proposal=proposal)
    if side is None and not access.is_coordinator(request.user):
        raise PermissionDenied
    answers = selectors.responses_by_side(proposal)
    mine = answers.get(side) if side else None
    form = None
    if side and proposal.status == ProposalStatus.APPROVED:
        if request.method == "POST":
            form = RespondForm(request.POST)
            if form.is_valid():
                try:
                    proposal_services.proposal_respond(
                        proposal=proposal, by=request.user, **form.cleaned_data
                    )
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    proposal.refresh_from_db()
                    if proposal.status == ProposalStatus.INTRODUCED:
                        messages.success(
                            request,
                            _("双方が関心ありと回答したため、紹介が成立しました。"),
                        )
                        return redirect("introduction", pk=proposal.pk)
                    messages.success(request, _("回答を記録しました。"))
                    return redirect("proposal_detail", pk=proposal.pk)
        else:
            initial = (
                {"decision": mine.decision, "reason": mine.reason, "comment": mine.comment}
                if mine
                else {}
            )
            form = RespondForm(initial=initial)
    elif request.method == "POST":
        raise PermissionDenied
    other = Side.ACADEMIC if side == Side.COMPANY else Side.COMPANY
    return render(
        request,
        "matching/proposal_detail.html",
        {
            "p": proposal,
            "side": side,
            "mine": mine,
            "theirs": answers.get(other) if side else None,
            "answers": answers,
            "form": form,
            "signals": proposal.signals or (proposal.explanation or {}).get("signals"),
            "company_visible": access.company_visible(user=request.user, need=proposal.need),
            "estimate": estimate_for_need(org=proposal.seed.organization, need=proposal.need),
            # The university's own members can fill in the rates an estimate is missing.
            "estimate_can_fill": side == Side.ACADEMIC,
            "nav_active": "proposals",
        },
    )


@login_required
def introduction(request: HttpRequest, pk: int) -> HttpResponse:
    # proposals_for scopes to the caller; introduction_for then 404s anyone but the two parties.
    proposal = get_object_or_404(
        selectors.proposals_for(user=request.user).prefetch_related("seed__researchers"), pk=pk
    )
    intro = selectors.introduction_for(user=request.user, proposal=proposal)
    if request.method == "GET":
        confidential_reads_record(
            user=request.user,
            objects=selectors.introduction_reads(intro, proposal=proposal),
            channel="introduction",
            path=request.path,
        )
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement_services.outcome_record(
                proposal=proposal, by=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("成果を記録しました。"))
            return redirect("introduction", pk=proposal.pk)
    return render(
        request,
        "matching/introduction.html",
        {
            "p": proposal,
            "intro": intro,
            "form": form,
            "outcomes": outcome_rows(
                user=request.user,
                outcomes=Outcome.objects.filter(proposal=proposal).order_by("-recorded_at"),
            ),
            "side": selectors.proposal_side(user=request.user, proposal=proposal),
            "nav_active": "proposals",
        },
    )
