"""Outcomes (agreements) and their confirmation: the list of the organisation's outcomes with
"confirm" / "dispute" for those the other party recorded, the actions themselves, and the
coordinators' page of disputes to resolve. Only confirmed outcomes count in /kpi/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from config.ids import posted_pk
from matching import selectors
from matching.forms import DisputeForm
from matching.models import Outcome
from matching.models.feedback import OutcomeStatus
from matching.services import agreements
from profiles.access import require_coordinator, require_org
from profiles.views.base import safe_next


def outcome_rows(*, user, outcomes) -> list[dict]:
    """Each outcome with whether the caller may confirm or dispute it (the party that did not
    record it, while it is pending) and whether the caller's side recorded it."""
    rows = []
    for o in outcomes:
        side = selectors.outcome_side(user=user, outcome=o)
        rows.append(
            {
                "o": o,
                "mine": side is not None and side == o.recorded_side,
                "can_answer": side is not None
                and side != o.recorded_side
                and o.status == OutcomeStatus.PENDING,
            }
        )
    return rows


@login_required
def outcome_list(request: HttpRequest) -> HttpResponse:
    require_org(request)
    outcomes = selectors.outcomes_for(user=request.user)
    status = request.GET.get("status", "")
    if status in OutcomeStatus.values:
        outcomes = outcomes.filter(status=status)
    return render(
        request,
        "matching/outcomes.html",
        {
            "rows": outcome_rows(user=request.user, outcomes=outcomes[:200]),
            "status": status,
            "statuses": OutcomeStatus.choices,
            "dispute_form": DisputeForm(),
            "nav_active": "outcomes",
        },
    )


@login_required
@require_POST
def outcome_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """confirm or dispute (with a note) an outcome the other party recorded."""
    require_org(request)
    outcome = get_object_or_404(selectors.outcomes_for(user=request.user), pk=pk)
    try:
        if action == "confirm":
            agreements.outcome_confirm(outcome=outcome, by=request.user)
            messages.success(request, _("成果を確認しました。実績として集計されます。"))
        elif action == "dispute":
            form = DisputeForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for message in errors:
                        messages.error(request, message)
                return redirect(safe_next(request) or "outcome_list")
            agreements.outcome_dispute(
                outcome=outcome, by=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("異議を申し立てました。コーディネーターが判断します。"))
        else:
            return HttpResponse(status=404)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(safe_next(request) or "outcome_list")


@login_required
def console_outcomes(request: HttpRequest) -> HttpResponse:
    """Coordinators: disputed outcomes (and those pending) to resolve."""
    require_coordinator(request)
    if request.method == "POST":
        outcome = get_object_or_404(Outcome, pk=posted_pk(request.POST.get("outcome")))
        try:
            agreements.outcome_resolve(
                outcome=outcome, by=request.user, decision=request.POST.get("decision", "")
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("判断を記録しました。"))
        return redirect("console_outcomes")
    open_rows = (
        selectors.outcomes_for(user=request.user)
        .filter(status__in=[OutcomeStatus.DISPUTED, OutcomeStatus.PENDING])
        .order_by("status", "-recorded_at")
    )
    return render(
        request,
        "console/outcomes.html",
        {"outcomes": open_rows[:200], "nav_active": "console"},
    )
