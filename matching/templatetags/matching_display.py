"""Display helpers of the matching pages, as template filters and tags: each signal's
contribution as a labelled bar (without the signals that only took the default of an unknown
fact: they are not evidence), what a calibrated relevance means in words and its band, shared
terms, collaboration-mode labels, and the geometry of the console's inline SVG charts (no
JavaScript library). Views pass the stored values; the templates turn them into what a reader
sees."""

from __future__ import annotations

import math

from django import template
from django.conf import settings
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from matching.services.relevance import relevance_band
from profiles.choices import CollaborationMode

register = template.Library()

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


BAND_LABELS = {
    "strong": _("関連が強い"),
    "possible": _("関連の可能性あり"),
    "weak": _("関連は弱い"),
}


@register.filter
def signal_rows(signals: dict | None, defaults=None) -> list[dict]:
    """Each signal's contribution as a labelled bar (width relative to the largest), leaving
    out the signals named in `defaults` (they only took the default of an unknown fact)."""
    hidden = set(defaults) if isinstance(defaults, (list, tuple, set)) else set()
    items = []
    for name, value in (signals or {}).items():
        if name in hidden:
            continue
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


@register.filter
def defaulted_labels(defaults) -> list[str]:
    """Labels of the signals left out because the fact behind them is unknown."""
    if not isinstance(defaults, (list, tuple, set)):
        return []
    return [str(SIGNAL_LABELS.get(name, name)) for name in defaults]


@register.simple_tag
def relevance_meaning(relevance) -> dict:
    """A calibrated relevance as a reader sees it: band, percentage and what it means.

    Without a calibration (None) the sentence says the score only orders candidates."""
    try:
        value = None if relevance in (None, "") else float(relevance)
    except (TypeError, ValueError):
        value = None
    if value is None or math.isnan(value):
        return {
            "band": None,
            "label": "",
            "percent": None,
            "sentence": gettext_now(
                "このスコアは同じニーズの候補を並べるための相対的な値で、"
                "関連の確からしさは表しません (この埋め込みモデルは未校正です)。"
            ),
        }
    band = relevance_band(value)
    percent = min(99, max(1, round(100 * value)))  # a probability, never "certain"
    floor = round(100 * float(settings.MATCHING_RELEVANCE_FLOOR))
    if band == "strong":
        head = gettext_now("関連が強い候補です。")
    elif band == "possible":
        head = gettext_now("関連の可能性がある候補です。")
    else:
        head = gettext_now("関連は弱い候補です (提案の基準 %(floor)s%% に届きません)。") % {
            "floor": floor
        }
    tail = gettext_now(
        "関連度 %(percent)s%%: この程度の関連度の組み合わせは、人が読んでおよそ "
        "%(percent)s%% が「関連あり」と判断したものです。"
    ) % {"percent": percent}
    return {
        "band": band,
        "label": str(BAND_LABELS[band]),
        "percent": percent,
        "sentence": f"{head}{tail}",
    }


@register.filter
def shared_terms_of(explanation: dict | None) -> list[str]:
    terms = (explanation or {}).get("shared_terms") or []
    return [str(t) for t in terms][:20]


@register.filter
def mode_labels(values) -> list[str]:
    labels = dict(CollaborationMode.choices)
    return [str(labels.get(v, v)) for v in values or []]


# Chart geometry (inline SVG, no JavaScript library): computed here, drawn by the template.
CHART_W, CHART_H, CHART_PAD_L, CHART_PAD_B, CHART_PAD_T = 560, 220, 40, 28, 12


@register.simple_tag
def line_chart(series: list[dict], *keys: str) -> dict:
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


@register.simple_tag
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
