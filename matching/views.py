"""Pages of the matching area: partner search, proposals (inbox, detail, responses),
organisation-to-organisation partnerships, introductions and outcomes, investor deal flow, and
the coordinator console (review queue, match-quality dashboard, rebuild with progress).

Reads go through `matching.selectors` (scoped to the caller: anything outside the caller's
scope is a 404), writes through one service of `matching.services.proposals`. Forms live here,
next to the only views that use them. Numbers are turned into display rows (signal bars, chart
geometry) by the small pure helpers at the top, so the templates only display.
"""

from __future__ import annotations

import logging
import math

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from matching import selectors
from matching.models import InvestorMatch, MatchRun, Outcome
from matching.models.feedback import (
    AgreementType,
    CrossAppointmentDirection,
    Decision,
    DeclineReason,
    Side,
)
from matching.models.results import ProposalStatus
from matching.services import proposals as proposal_services
from profiles.choices import TRL_MAX, TRL_MIN, CollaborationMode, OrgKind, Region
from profiles.views.pages import apply_service_errors, require_org, require_staff

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Display helpers (pure)
# ---------------------------------------------------------------------------------------------

SIGNAL_LABELS = {
    "semantic": _("内容の近さ (意味)"),
    "lexical": _("語句の一致"),
    "mode": _("連携形態の一致"),
    "trl": _("TRLの適合"),
    "budget": _("予算の適合"),
    "region": _("希望地域"),
    "capacity": _("研究室の受入余力"),
    "readiness": _("大学の連携体制"),
    "thesis": _("投資方針との近さ"),
    "fields": _("注力分野"),
    "stage": _("ステージ"),
    "links": _("シーズとニーズのつながり"),
    "breadth": _("研究室の広がり"),
}


def signal_rows(signals: dict | None) -> list[dict]:
    """Each signal's contribution as a labelled bar (width relative to the largest)."""
    items = []
    for name, value in (signals or {}).items():
        try:
            v = float(value)
        except (TypeError, ValueError):
            continue
        if math.isnan(v):
            continue
        items.append((name, v))
    if not items:
        return []
    top = max(abs(v) for _n, v in items) or 1.0
    return [
        {
            "name": name,
            "label": SIGNAL_LABELS.get(name, name),
            "value": v,
            "width": round(100 * abs(v) / top, 1),
            "negative": v < 0,
        }
        for name, v in sorted(items, key=lambda item: -abs(item[1]))
    ]


def shared_terms_of(explanation: dict | None) -> list[str]:
    terms = (explanation or {}).get("shared_terms") or []
    return [str(t) for t in terms][:20]


def mode_labels(values) -> list[str]:
    labels = dict(CollaborationMode.choices)
    return [str(labels.get(v, v)) for v in values or []]


# ---------------------------------------------------------------------------------------------
# Partner search (company R&D)
# ---------------------------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("探している技術"),
        max_length=500,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("例: 全固体電池の固体電解質 / solid-state battery")}
        ),
    )
    field = forms.CharField(label=_("分野"), max_length=100, required=False)
    region = forms.ChoiceField(
        label=_("地域"), choices=[("", _("全国")), *Region.choices], required=False
    )
    trl_min = forms.TypedChoiceField(
        label=_("TRL 下限"),
        choices=[("", "—"), *[(str(i), str(i)) for i in range(TRL_MIN, TRL_MAX + 1)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    trl_max = forms.TypedChoiceField(
        label=_("TRL 上限"),
        choices=[("", "—"), *[(str(i), str(i)) for i in range(TRL_MIN, TRL_MAX + 1)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    mode = forms.ChoiceField(
        label=_("連携形態"),
        choices=[("", _("すべて")), *CollaborationMode.choices],
        required=False,
    )

    def clean_q(self) -> str:
        q = self.cleaned_data["q"]
        if "\x00" in q:
            raise ValidationError(_("使用できない文字 (NUL) が含まれています。"))
        return q.strip()

    def clean(self):
        data = super().clean()
        lo, hi = data.get("trl_min"), data.get("trl_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("trl_max", _("TRLの上限は下限以上にしてください。"))
        return data


@login_required
def partner_search(request: HttpRequest) -> HttpResponse:
    require_org(request)
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        from matching.services.search import search_seeds

        d = form.cleaned_data
        hits = search_seeds(
            user=request.user,
            text=d["q"],
            field=d["field"] or None,
            region=d["region"] or None,
            trl_min=d["trl_min"],
            trl_max=d["trl_max"],
            mode=d["mode"] or None,
            limit=20,
        )
        results = [
            {
                "seed": hit.seed,
                "score": float(hit.score),
                "signals": signal_rows(hit.signals),
                "shared_terms": list(hit.shared_terms or [])[:20],
                "modes": mode_labels(hit.seed.collaboration_modes),
            }
            for hit in hits
        ]
    return render(
        request,
        "matching/search.html",
        {"form": form, "results": results, "nav_active": "search"},
    )


# ---------------------------------------------------------------------------------------------
# Proposals: inbox, detail, response
# ---------------------------------------------------------------------------------------------


class RespondForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("回答"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label=_("辞退の理由"),
        choices=[("", "---------"), *DeclineReason.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("コメント (任意)"),
        max_length=proposal_services.COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.DECLINED and not data.get("reason"):
            self.add_error("reason", _("辞退の理由を選択してください。"))
        if "\x00" in (data.get("comment") or ""):
            self.add_error("comment", _("使用できない文字 (NUL) が含まれています。"))
        return data


def _responses_by_side(obj) -> dict[str, object]:
    return {r.side: r for r in obj.responses.all()}


def _company_name_visible(*, user, proposal, side: str | None) -> bool:
    need = proposal.need
    return (
        not need.is_anonymous
        or user.is_staff
        or side == Side.COMPANY
        or proposal.introduced_at is not None
    )


@login_required
def proposal_inbox(request: HttpRequest) -> HttpResponse:
    require_org(request, OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE, OrgKind.COMPANY)
    proposals = selectors.proposals_for(user=request.user).order_by("-reviewed_at", "-score", "id")
    status = request.GET.get("status", "")
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    page = Paginator(proposals, 20).get_page(request.GET.get("page"))
    rows = []
    for p in page.object_list:
        side = selectors.proposal_side(user=request.user, proposal=p)
        answers = _responses_by_side(p)
        other = Side.ACADEMIC if side == Side.COMPANY else Side.COMPANY
        rows.append(
            {
                "p": p,
                "side": side,
                "mine": answers.get(side),
                "theirs": answers.get(other),
                "company_visible": _company_name_visible(user=request.user, proposal=p, side=side),
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


def _price_estimate(proposal):
    """H5's fair-price estimate at the university's rates next to the need's budget."""
    try:
        from profiles.services.estimator import estimate_for_need
    except ImportError:
        return None
    try:
        return estimate_for_need(org=proposal.seed.organization, need=proposal.need)
    except Exception:  # a hint on this page: never break the proposal for it
        logger.exception("price estimate failed for proposal %s", proposal.pk)
        return None


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(selectors.proposals_for(user=request.user), pk=pk)
    side = selectors.proposal_side(user=request.user, proposal=proposal)
    if side is None and not request.user.is_staff:
        raise PermissionDenied
    answers = _responses_by_side(proposal)
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
            "signals": signal_rows(proposal.signals or (proposal.explanation or {}).get("signals")),
            "shared_terms": shared_terms_of(proposal.explanation),
            "need_modes": mode_labels(proposal.need.collaboration_modes),
            "seed_modes": mode_labels(proposal.seed.collaboration_modes),
            "company_visible": _company_name_visible(
                user=request.user, proposal=proposal, side=side
            ),
            "estimate": _price_estimate(proposal),
            "nav_active": "proposals",
        },
    )


# ---------------------------------------------------------------------------------------------
# Introduction and outcomes (the two parties only)
# ---------------------------------------------------------------------------------------------


class OutcomeForm(forms.Form):
    agreement_type = forms.ChoiceField(label=_("契約の種類"), choices=AgreementType.choices)
    amount_yen = forms.IntegerField(
        label=_("金額 (円、契約全体)"), min_value=0, max_value=10**15, initial=0
    )
    duration_years = forms.IntegerField(label=_("期間 (年)"), min_value=1, max_value=50, initial=1)
    fiscal_year = forms.IntegerField(
        label=_("契約年度"), min_value=2000, max_value=2100, required=False
    )
    cross_appointment_direction = forms.ChoiceField(
        label=_("クロスアポイントメントの方向"),
        choices=[("", "---------"), *CrossAppointmentDirection.choices],
        required=False,
    )
    cross_appointment_count = forms.IntegerField(
        label=_("クロスアポイントメントの人数"), min_value=0, max_value=1000, required=False
    )
    note = forms.CharField(
        label=_("メモ"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("agreement_type") == AgreementType.CROSS_APPOINTMENT:
            if not data.get("cross_appointment_direction"):
                self.add_error(
                    "cross_appointment_direction",
                    _("クロスアポイントメントの方向を選択してください。"),
                )
        elif data.get("cross_appointment_direction"):
            self.add_error(
                "cross_appointment_direction",
                _("方向はクロスアポイントメントの場合のみ指定できます。"),
            )
        if "\x00" in (data.get("note") or ""):
            self.add_error("note", _("使用できない文字 (NUL) が含まれています。"))
        return data

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        d["cross_appointment_count"] = d.get("cross_appointment_count") or 0
        return d


@login_required
def introduction(request: HttpRequest, pk: int) -> HttpResponse:
    # proposals_for scopes to the caller; introduction_for then 404s anyone but the two parties.
    proposal = get_object_or_404(
        selectors.proposals_for(user=request.user).prefetch_related("seed__researchers"), pk=pk
    )
    intro = selectors.introduction_for(user=request.user, proposal=proposal)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal_services.outcome_record(
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
            "outcomes": Outcome.objects.filter(proposal=proposal).order_by("-recorded_at"),
            "side": selectors.proposal_side(user=request.user, proposal=proposal),
            "nav_active": "proposals",
        },
    )


# ---------------------------------------------------------------------------------------------
# Organisation-to-organisation partnerships
# ---------------------------------------------------------------------------------------------


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    require_org(request, OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE, OrgKind.COMPANY)
    partnerships = selectors.partnerships_for(user=request.user).order_by("-score", "id")
    rows = []
    for pp in partnerships[:50]:
        side = selectors.partnership_side(user=request.user, partnership=pp)
        answers = _responses_by_side(pp)
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
    if side is None and not request.user.is_staff:
        raise PermissionDenied
    answers = _responses_by_side(pp)
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
                proposal_services.outcome_record(
                    partnership=pp, by=request.user, **outcome_form.service_kwargs()
                )
            except ValidationError as exc:
                apply_service_errors(outcome_form, exc)
            else:
                messages.success(request, _("成果を記録しました。"))
                return redirect("partnership_detail", pk=pp.pk)
    links = selectors.partnership_links(user=request.user, partnership=pp, limit=20)
    for link in links:
        link["signal_rows"] = signal_rows(link.get("signals"))
    return render(
        request,
        "matching/partnership_detail.html",
        {
            "pp": pp,
            "side": side,
            "mine": mine,
            "answers": answers,
            "links": links,
            "signals": signal_rows(pp.signals),
            "respond_form": respond_form,
            "outcome_form": outcome_form,
            "contacts": selectors.partnership_contacts_for(user=request.user, partnership=pp),
            "outcomes": Outcome.objects.filter(partnership=pp).order_by("-recorded_at"),
            "similar_cases": _similar_cases(pp),
            "nav_active": "partnerships",
        },
    )


def _similar_cases(pp) -> list:
    """H5's case library: the cases most like this partnership, when that service exists."""
    try:
        from cases.selectors import similar_cases_for_partnership
    except ImportError:
        return []
    try:
        return list(similar_cases_for_partnership(partnership=pp, limit=3))
    except Exception:  # a suggestion only: never break the partnership page for it
        logger.exception("similar cases failed for partnership %s", pp.pk)
        return []


# ---------------------------------------------------------------------------------------------
# Investor deal flow
# ---------------------------------------------------------------------------------------------


@login_required
def deal_flow(request: HttpRequest) -> HttpResponse:
    require_org(request, OrgKind.INVESTOR)
    matches = selectors.investor_deal_flow(user=request.user).prefetch_related("venture__seeds")
    page = Paginator(matches, 20).get_page(request.GET.get("page"))
    rows = [
        {"m": m, "signals": signal_rows(m.signals), "seeds": list(m.venture.seeds.all())[:3]}
        for m in page.object_list
    ]
    return render(
        request,
        "matching/deal_flow.html",
        {"page": page, "rows": rows, "nav_active": "dealflow"},
    )


# ---------------------------------------------------------------------------------------------
# Coordinator console: review queue, quality dashboard, rebuild
# ---------------------------------------------------------------------------------------------


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", "approve"), ("suppress", "suppress")])
    note = forms.CharField(label=_("メモ"), max_length=5000, required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "suppress" and not (data.get("note") or "").strip():
            self.add_error("note", _("見送りの理由を入力してください。"))
        return data


@login_required
def console_queue(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    errors: dict[str, dict] = {}
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind == "partnership":
            obj = get_object_or_404(selectors.partnership_review_queue(), pk=_int(request.POST))
        else:
            obj = get_object_or_404(selectors.admin_review_queue(), pk=_int(request.POST))
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
            "signals": signal_rows(p.signals or (p.explanation or {}).get("signals")),
            "shared_terms": shared_terms_of(p.explanation),
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


def _int(data) -> int:
    try:
        value = int(data.get("id", ""))
    except (TypeError, ValueError):
        return 0
    return value if 0 < value < 2**63 else 0


# Chart geometry (inline SVG, no JavaScript library): computed here, drawn by the template.
CHART_W, CHART_H, CHART_PAD_L, CHART_PAD_B, CHART_PAD_T = 560, 220, 40, 28, 12


def line_chart(series: list[dict], keys: tuple[str, str]) -> dict:
    """Points of two rate series (0..1) over periods, in SVG coordinates."""
    n = len(series)
    inner_w = CHART_W - CHART_PAD_L - 10
    inner_h = CHART_H - CHART_PAD_B - CHART_PAD_T

    def x(i: int) -> float:
        return CHART_PAD_L + (inner_w * (i + 0.5) / n if n else 0)

    def y(v: float | None) -> float:
        return CHART_PAD_T + inner_h * (1 - (v or 0.0))

    lines = []
    for key in keys:
        pts = [(round(x(i), 1), round(y(s.get(key)), 1)) for i, s in enumerate(series)]
        lines.append(
            {
                "key": key,
                "points": " ".join(f"{a},{b}" for a, b in pts),
                "dots": [
                    {"x": a, "y": b, "v": s.get(key)} for (a, b), s in zip(pts, series, strict=True)
                ],
            }
        )
    step = max(1, n // 8)
    return {
        "w": CHART_W,
        "h": CHART_H,
        "lines": lines,
        "labels": [
            {"x": round(x(i), 1), "text": s["period"]}
            for i, s in enumerate(series)
            if i % step == 0
        ],
        "grid": [
            {"y": round(y(v), 1), "text": f"{int(v * 100)}%"} for v in (0, 0.25, 0.5, 0.75, 1.0)
        ],
        "x0": CHART_PAD_L,
        "x1": CHART_W - 10,
        "base": CHART_H - CHART_PAD_B,
        "empty": n == 0,
    }


def histogram_chart(dist: dict) -> dict:
    """Side-by-side bars of interested vs declined answers per score bin."""
    edges = dist.get("edges") or []
    a, b = dist.get("interested") or [], dist.get("declined") or []
    bins = min(len(a), len(b), max(len(edges) - 1, 0))
    top = max([1, *a[:bins], *b[:bins]])
    inner_w = CHART_W - CHART_PAD_L - 10
    inner_h = CHART_H - CHART_PAD_B - CHART_PAD_T
    slot = inner_w / bins if bins else inner_w
    bar = max(2.0, slot / 2 - 3)
    bars = []
    for i in range(bins):
        x0 = CHART_PAD_L + slot * i + 2
        for j, (count, cls) in enumerate(((a[i], "bar-a"), (b[i], "bar-b"))):
            h = inner_h * count / top
            bars.append(
                {
                    "x": round(x0 + j * (bar + 1), 1),
                    "y": round(CHART_PAD_T + inner_h - h, 1),
                    "w": round(bar, 1),
                    "h": round(h, 1),
                    "cls": cls,
                    "count": count,
                    "range": f"{edges[i]:.2f}–{edges[i + 1]:.2f}",
                }
            )
    step = max(1, bins // 5)
    return {
        "w": CHART_W,
        "h": CHART_H,
        "bars": bars,
        "labels": [
            {"x": round(CHART_PAD_L + slot * i, 1), "text": f"{edges[i]:.1f}"}
            for i in range(0, bins + 1, step)
        ]
        if bins
        else [],
        "grid": [
            {"y": round(CHART_PAD_T + inner_h * (1 - f), 1), "text": str(round(top * f))}
            for f in (0, 0.5, 1.0)
        ],
        "x0": CHART_PAD_L,
        "x1": CHART_W - 10,
        "base": CHART_H - CHART_PAD_B,
        "empty": not any(a[:bins]) and not any(b[:bins]),
    }


@login_required
def console_quality(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    from matching.services.metrics import admin_metrics

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
            "rates_chart": line_chart(
                metrics["series"][period], ("interest_rate", "mutual_interest_rate")
            ),
            "score_chart": histogram_chart(metrics.get("score_distribution") or {}),
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
    require_staff(request)
    from matching.services.refresh import match_all

    run = match_all(sync=False, by=request.user)
    messages.success(request, _("全件再計算を開始しました (#%(id)s)。") % {"id": run.pk})
    return redirect(f"{reverse('console_quality')}?run={run.pk}")


urlpatterns = [
    path("search/", partner_search, name="partner_search"),
    path("proposals/", proposal_inbox, name="proposal_inbox"),
    path("proposals/<int:pk>/", proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/introduction/", introduction, name="introduction"),
    path("partnerships/", partnership_list, name="partnership_list"),
    path("partnerships/<int:pk>/", partnership_detail, name="partnership_detail"),
    path("deal-flow/", deal_flow, name="deal_flow"),
    path("console/", console_queue, name="console_queue"),
    path("console/quality/", console_quality, name="console_quality"),
    path("console/rebuild/", console_rebuild, name="console_rebuild"),
]
