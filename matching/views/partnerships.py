"""Organisation-to-organisation (組織対組織) partnerships: list and detail with the seed–need
links behind each, answers, contacts and outcomes after the introduction."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from cases.selectors import similar_cases_for_partnership
from matching import selectors
from matching.forms import OutcomeForm, RespondForm
from matching.models import Outcome
from matching.models.results import ProposalStatus
from matching.services import agreements as agreement_services
from matching.services import proposals as proposal_services
from matching.views.outcomes import outcome_rows
from profiles.access import is_coordinator, require_org
from profiles.choices import OrgKind
from profiles.forms import apply_service_errors


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    require_org(request, OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE, OrgKind.COMPANY)
    partnerships = selectors.partnerships_for(user=request.user).order_by("-score", "id")
    rows = []
    for pp in partnerships[:50]:
        side = selectors.partnership_side(user=request.user, partnership=pp)
        answers = selectors.responses_by_side(pp)
        rows.append(
            {
                "pp": pp,
                "side": side,
                "mine": answers.get(side),
                "links": selectors.partnership_links(user=request.user, partnership=pp, limit=3),
            }
        )
    return render(
        request,
        "matching/partnership_list.html",
        {"rows": rows, "nav_active": "partnerships"},
    )


@login_required
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pp = get_object_or_404(selectors.partnerships_for(user=request.user), pk=pk)
    side = selectors.partnership_side(user=request.user, partnership=pp)
    if side is None and not is_coordinator(request.user):
        raise PermissionDenied
    answers = selectors.responses_by_side(pp)
    mine = answers.get(side) if side else None
    respond_form = outcome_form = None
    if request.method == "POST" and not side:
        raise PermissionDenied
    if side and pp.status == ProposalStatus.APPROVED:
        respond_form = RespondForm(
            request.POST if request.POST.get("form") == "respond" else None,
            initial=(
                {"decision": mine.decision, "reason": mine.reason, "comment": mine.comment}
                if mine
                else {}
            ),
        )
        if respond_form.is_bound and respond_form.is_valid():
            try:
                proposal_services.partnership_respond(
                    partnership=pp, by=request.user, **respond_form.cleaned_data
                )
            except ValidationError as exc:
                apply_service_errors(respond_form, exc)
            else:
                messages.success(request, _("回答を記録しました。"))
                return redirect("partnership_detail", pk=pp.pk)
    if side and pp.introduced_at is not None:
        outcome_form = OutcomeForm(request.POST if request.POST.get("form") == "outcome" else None)
        if outcome_form.is_bound and outcome_form.is_valid():
            try:
                agreement_services.outcome_record(
                    partnership=pp, by=request.user, **outcome_form.service_kwargs()
                )
            except ValidationError as exc:
                apply_service_errors(outcome_form, exc)
            else:
                messages.success(request, _("成果を記録しました。"))
                return redirect("partnership_detail", pk=pp.pk)
    links = selectors.partnership_links(user=request.user, partnership=pp, limit=20)
    return render(
        request,
        "matching/partnership_detail.html",
        {
            "pp": pp,
            "side": side,
            "mine": mine,
            "answers": answers,
            "links": links,
            "signals": pp.signals,
            "respond_form": respond_form,
            "outcome_form": outcome_form,
            "contacts": selectors.partnership_contacts_for(user=request.user, partnership=pp),
            "outcomes": outcome_rows(
                user=request.user,
                outcomes=Outcome.objects.filter(partnership=pp).order_by("-recorded_at"),
            ),
            "similar_cases": similar_cases_for_partnership(partnership=pp, limit=3),
            "nav_active": "partnerships",
        },
    )
