"""The coordinator console: review queue, match-quality dashboard, rebuild with progress, and
the health of the background work (the same report as /readyz)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from config.ids import posted_pk
from matching import coverage, selectors
from matching.forms import ReviewForm
from matching.models import InvestorMatch, MatchRun
from matching.models.feedback import DeclineReason
from matching.models.results import ProposalStatus
from matching.services import proposals as proposal_services
from matching.services.embedding import get_embedder
from matching.services.metrics import admin_metrics
from matching.services.refresh import match_all
from matching.services.relevance import calibration_info
from profiles.access import require_coordinator


@login_required
def console_queue(request: HttpRequest) -> HttpResponse:
    require_coordinator(request)
    errors: dict[str, dict] = {}
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind == "partnership":
            obj = get_object_or_404(
                selectors.partnership_review_queue(), pk=posted_pk(request.POST.get("id"))
            )
        else:
            obj = get_object_or_404(
                selectors.admin_review_queue(), pk=posted_pk(request.POST.get("id"))
            )
        form = ReviewForm(request.POST)
        if form.is_valid():
            action, note = form.cleaned_data["action"], form.cleaned_data["note"]
            try:
                if kind == "partnership":
                    if action == "approve":
                        proposal_services.partnership_approve(
                            partnership=obj, by=request.user, note=note
                        )
                    else:
                        proposal_services.partnership_suppress(
                            partnership=obj, by=request.user, note=note
                        )
                elif action == "approve":
                    proposal_services.proposal_approve(proposal=obj, by=request.user, note=note)
                else:
                    proposal_services.proposal_suppress(proposal=obj, by=request.user, note=note)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("承認しました。両者に提示されます。")
                    if action == "approve"
                    else _("見送りました。"),
                )
                return redirect("console_queue")
        errors[f"{kind}-{obj.pk}"] = form.errors
    queue = selectors.admin_review_queue()
    page = Paginator(queue, 20).get_page(request.GET.get("page"))
    rows = [
        {
            "p": p,
            "signals": p.signals or (p.explanation or {}).get("signals"),
            "errors": errors.get(f"proposal-{p.pk}"),
        }
        for p in page.object_list
    ]
    partnerships = [
        {
            "pp": pp,
            "links": selectors.partnership_links(user=request.user, partnership=pp, limit=5),
            "errors": errors.get(f"partnership-{pp.pk}"),
        }
        for pp in selectors.partnership_review_queue()[:10]
    ]
    return render(
        request,
        "console/queue.html",
        {
            "page": page,
            "rows": rows,
            "total": queue.count(),
            "partnerships": partnerships,
            "nav_active": "console_queue",
        },
    )


@login_required
def console_quality(request: HttpRequest) -> HttpResponse:
    require_coordinator(request)
    metrics = admin_metrics()
    period = request.GET.get("period") if request.GET.get("period") in {"week", "month"} else "week"
    regions = metrics.get("regions") or []
    top_share = max([r.get("exposure_share") or 0 for r in regions] + [0]) or 1
    for r in regions:
        r["bar"] = round(100 * (r.get("exposure_share") or 0) / top_share, 1)
    decline_labels = dict(DeclineReason.choices)
    last_run = MatchRun.objects.order_by("-created_at", "-id").first()
    # The page resumes following a run still in progress (or the one just started).
    requested = request.GET.get("run", "")
    if requested.isdigit() and len(requested) < 19:
        poll_run = int(requested)
    elif last_run is not None and last_run.status in (
        MatchRun.Status.PENDING,
        MatchRun.Status.RUNNING,
    ):
        poll_run = last_run.pk
    else:
        poll_run = ""
    evaluation = metrics.get("evaluation")
    return render(
        request,
        "console/quality.html",
        {
            "m": metrics,
            "period": period,
            "rates_series": metrics["series"][period],
            "score_distribution": metrics.get("score_distribution") or {},
            "regions": regions,
            "declines": [
                {"reason": decline_labels.get(k, k or "—"), "count": v}
                for k, v in (metrics.get("decline_reasons") or {}).items()
            ],
            "evaluation_metrics": sorted((evaluation or {}).get("metrics", {}).items()),
            "last_run": last_run,
            "poll_run": poll_run,
            "embedder": settings.MATCHING_EMBEDDER,
            "recent_introduced": selectors.proposals_for(user=request.user)
            .filter(status=ProposalStatus.INTRODUCED)
            .order_by("-introduced_at")[:10],
            "deal_flow_count": InvestorMatch.objects.count(),
            "calibration": calibration_info(get_embedder().model_id),
            "relevance_floor": settings.MATCHING_RELEVANCE_FLOOR,
            "relevance_min_seeds": settings.MATCHING_RELEVANCE_MIN_SEEDS,
            "uncovered_count": coverage.uncovered_needs().count(),
            "nav_active": "console_quality",
        },
    )


@login_required
@require_POST
def console_rebuild(request: HttpRequest) -> HttpResponse:
    """Fallback without JavaScript: start the rebuild and come back to the dashboard.

    The page's button posts to the API (`POST /api/admin/match-runs/`) and follows the run's
    progress through `GET /api/admin/match-runs/<id>/`; this form does the same start.
    """
    require_coordinator(request)
    run = match_all(sync=False, by=request.user)
    messages.success(request, _("全件再計算を開始しました (#%(id)s)。") % {"id": run.pk})
    return redirect(f"{reverse('console_quality')}?run={run.pk}")


@login_required
def console_health(request: HttpRequest) -> HttpResponse:
    """What /readyz reports, with the processes by name, the outbox rows that have not finished
    and the recent rebuilds: where a coordinator sees that background work is stuck."""
    from config.health import describe, readiness_report
    from outbox.models import OutboxMessage

    require_coordinator(request)
    report = readiness_report(detail=True)
    S = OutboxMessage.Status
    return render(
        request,
        "console/health.html",
        {
            "report": report,
            "texts": describe(report),
            "checks": report["checks"],
            "unfinished": OutboxMessage.objects.filter(status__in=[S.PENDING, S.SENT]).order_by(
                "id"
            )[:20],
            "failed": OutboxMessage.objects.filter(status=S.FAILED).order_by("-finished_at")[:10],
            "runs": MatchRun.objects.order_by("-created_at", "-id")[:5],
            "nav_active": "console_health",
        },
    )
