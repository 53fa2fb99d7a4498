"""Outcomes (agreements) aggregated into the national KPIs: what the platform contributed to
each `cases.models.KpiIndicator`, per fiscal year, and the dashboard's CSV.

The aggregation sits next to `Outcome` (the matcher records outcomes; the case library only
holds the indicators, baselines and targets). Rules (also on the dashboard and in
docs/readiness.md):
- company investment (yen/year): outcomes of type joint research, contract research and
  comprehensive partnership; each contributes amount_yen / duration_years (rounded half up to
  the yen) in the fiscal year it was recorded for;
- large joint research: outcomes of type joint research or comprehensive partnership whose
  per-year amount is ≥ ¥10,000,000;
- licences: outcomes of type licence;
- researcher moves: cross-appointment outcomes, cross_appointment_count people each (an
  agreement recorded with no count counts as one person); by direction separately;
- spin-off investments: outcomes of type spin-off investment, counted and summed.
Outcomes without a fiscal year count in the totals but in no fiscal-year column. Only
confirmed outcomes count: one recorded by one party is pending until the other party confirms
it or a coordinator resolves a dispute (`matching.services.agreements`), and an agreement that
both parties record is one row, so it counts once.

Small cells are suppressed (`publishable`): a published figure (a total or a fiscal-year cell)
comes from agreements of at least three organisations, and nobody can isolate one agreement by
taking their own away: for every party, the agreements it is not party to are none or at
least two. A total is also suppressed when the cells hidden from it (suppressed years,
agreements without a year) could be worked out from it by subtraction and are not themselves
publishable. Suppressed figures are None and are shown as "—" with the reason.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from cases.models import KpiAggregation, KpiIndicator
from matching.models import Outcome
from matching.models.feedback import OutcomeStatus
from profiles.display import localized_field, reader_language

LARGE_PROJECT_YEN = 10_000_000


# --- National KPIs --------------------------------------------------------------------------


def _round_yen(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


INVESTMENT_TYPES = {"joint_research", "contract_research", "comprehensive_partnership"}
LARGE_TYPES = {"joint_research", "comprehensive_partnership"}


def _per_year(outcome) -> int:
    return _round_yen(Decimal(outcome.amount_yen) / max(outcome.duration_years or 1, 1))


def _people(outcome) -> int:
    return outcome.cross_appointment_count or 1


def _contribution(aggregation: str, o) -> int:
    """What one outcome adds to an indicator (0 when it does not count)."""
    t = o.agreement_type
    if aggregation == KpiAggregation.COMPANY_INVESTMENT_YEN:
        return _per_year(o) if t in INVESTMENT_TYPES else 0
    if aggregation == KpiAggregation.LARGE_JOINT_RESEARCH_COUNT:
        return 1 if t in LARGE_TYPES and _per_year(o) >= LARGE_PROJECT_YEN else 0
    if aggregation == KpiAggregation.LICENSE_COUNT:
        return 1 if t == "license" else 0
    if t != "cross_appointment" and aggregation in {
        KpiAggregation.RESEARCHER_MOVES,
        KpiAggregation.CROSS_APPOINTMENT_U2C,
        KpiAggregation.CROSS_APPOINTMENT_C2U,
    }:
        return 0
    if aggregation == KpiAggregation.RESEARCHER_MOVES:
        return _people(o)
    if aggregation == KpiAggregation.CROSS_APPOINTMENT_U2C:
        return _people(o) if o.cross_appointment_direction == "university_to_company" else 0
    if aggregation == KpiAggregation.CROSS_APPOINTMENT_C2U:
        return _people(o) if o.cross_appointment_direction == "company_to_university" else 0
    if aggregation == KpiAggregation.SPINOFF_INVESTMENT_COUNT:
        return 1 if t == "spinoff_investment" else 0
    if aggregation == KpiAggregation.SPINOFF_INVESTMENT_YEN:
        return o.amount_yen if t == "spinoff_investment" else 0
    return 0


MIN_ORGANISATIONS = 3


def _parties(o) -> tuple:
    """The two organisations of an agreement; a party that is gone counts as its own unknown."""
    return (
        o.academic_id if o.academic_id is not None else ("gone", o.pk, "a"),
        o.company_id if o.company_id is not None else ("gone", o.pk, "c"),
    )


def publishable(outcomes: list) -> bool:
    """Whether a figure aggregated from these agreements may be published (see above)."""
    if not outcomes:
        return True  # zero reveals no agreement
    parties = [_parties(o) for o in outcomes]
    organisations = {p for pair in parties for p in pair}
    if len(organisations) < MIN_ORGANISATIONS or len(outcomes) < 2:
        return False
    for org in organisations:
        others = sum(1 for pair in parties if org not in pair)
        if others == 1:
            return False
    return True


@dataclass
class KpiRow:
    indicator: KpiIndicator
    total: int | None  # None: suppressed (fewer than three organisations behind it)
    by_year: dict[int, int | None]
    target_value: int | None
    progress: float | None  # platform total / national baseline, 0..

    @property
    def suppressed(self) -> bool:
        return self.total is None or any(v is None for v in self.by_year.values())

    @property
    def code(self) -> str:
        return self.indicator.code


def _target(ind: KpiIndicator) -> int | None:
    if ind.baseline_value is None or ind.target_multiplier is None:
        return None
    return _round_yen(Decimal(ind.baseline_value) * ind.target_multiplier)


def kpi_figures(*, fiscal_year: int | None = None, suppress: bool = True) -> list[KpiRow]:
    """Every national KPI with the platform's contribution from recorded outcomes; with
    `fiscal_year`, the totals count that fiscal year only. Published figures (pages, API,
    CSV) are suppressed where too few organisations are behind them; `suppress=False` gives
    the exact figures (coordinators, tests of the arithmetic)."""
    outcomes = list(
        Outcome.objects.filter(status=OutcomeStatus.CONFIRMED).only(
            "agreement_type",
            "amount_yen",
            "duration_years",
            "cross_appointment_direction",
            "cross_appointment_count",
            "fiscal_year",
            "academic_id",
            "company_id",
        )
    )
    rows = []
    for ind in KpiIndicator.objects.all():
        by_year: dict[int, int] = defaultdict(int)
        year_outcomes: dict[int, list] = defaultdict(list)
        in_total: list = []
        total = 0
        for o in outcomes:
            value = _contribution(ind.aggregation, o)
            if not value:
                continue
            if o.fiscal_year is not None:
                by_year[o.fiscal_year] += value
                year_outcomes[o.fiscal_year].append(o)
            if fiscal_year is None or o.fiscal_year == fiscal_year:
                total += value
                in_total.append(o)
        shown_years: dict[int, int | None] = {
            y: (v if not suppress or publishable(year_outcomes[y]) else None)
            for y, v in by_year.items()
        }
        # What a reader could work out from the total by subtracting the shown years.
        derivable = [
            o for o in in_total if o.fiscal_year is None or shown_years.get(o.fiscal_year) is None
        ]
        shown_total: int | None = total
        if suppress and (
            not publishable(in_total)
            or (fiscal_year is None and derivable and not publishable(derivable))
        ):
            shown_total = None
        progress = (
            round(shown_total / ind.baseline_value, 6)
            if ind.baseline_value and shown_total is not None
            else None
        )
        rows.append(
            KpiRow(
                indicator=ind,
                total=shown_total,
                by_year=dict(sorted(shown_years.items())),
                target_value=_target(ind),
                progress=progress,
            )
        )
    if suppress:
        _suppress_derivable_moves(rows)
    return rows


def _suppress_derivable_moves(rows: list[KpiRow]) -> None:
    """Researcher moves are the sum of the two directions: when exactly one direction's cell is
    suppressed, the sum would give it away by subtraction, so the sum is suppressed too."""
    by_aggregation = {r.indicator.aggregation: r for r in rows}
    moves = by_aggregation.get(KpiAggregation.RESEARCHER_MOVES)
    u2c = by_aggregation.get(KpiAggregation.CROSS_APPOINTMENT_U2C)
    c2u = by_aggregation.get(KpiAggregation.CROSS_APPOINTMENT_C2U)
    if moves is None or u2c is None or c2u is None:
        return
    if (u2c.total is None) != (c2u.total is None):
        moves.total = moves.progress = None
    for year in moves.by_year:
        if (u2c.by_year.get(year, 0) is None) != (c2u.by_year.get(year, 0) is None):
            moves.by_year[year] = None


def kpi_years(rows: list[KpiRow]) -> list[int]:
    return sorted({y for r in rows for y in r.by_year})


# Column names are the same in both languages (scripts read them); the texts in `name`,
# `target_text`, `source_title`, `note` and `indicator_note` follow the reader's language
# (`name_en` is English in both).
CSV_COLUMNS = [
    "code",
    "name",
    "name_en",
    "unit",
    "baseline_fiscal_year",
    "baseline_value",
    "target_fiscal_year",
    "target_value",
    "target_text",
    "platform_total",
    "source",
    "note",
    "indicator_note",
    "source_title",
]

SUPPRESSED_NOTE = N_(
    "空欄は非公開です: 3組織未満の契約から成る数値か、1件の契約を差し引きで特定できる数値です。"
)


def kpi_csv(rows: list[KpiRow], *, language: str | None = None) -> str:
    """The dashboard as CSV (UTF-8): one row per indicator, one column per fiscal year; its
    texts in `language` (default: the active language)."""
    language = reader_language(language)
    with translation.override(language):
        suppressed_note = gettext(SUPPRESSED_NOTE)
    years = kpi_years(rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*CSV_COLUMNS, *(f"fy{y}" for y in years)])
    for r in rows:
        ind = r.indicator
        w.writerow(
            [
                ind.code,
                localized_field(ind, "name", language=language),
                ind.name_en,
                ind.unit,
                ind.baseline_fiscal_year if ind.baseline_fiscal_year is not None else "",
                ind.baseline_value if ind.baseline_value is not None else "",
                ind.target_fiscal_year if ind.target_fiscal_year is not None else "",
                r.target_value if r.target_value is not None else "",
                localized_field(ind, "target_text", language=language),
                "" if r.total is None else r.total,
                ind.source_url or ind.source_title,
                suppressed_note if r.suppressed else "",
                localized_field(ind, "note", language=language),
                localized_field(ind, "source_title", language=language),
                *("" if r.by_year.get(y, 0) is None else r.by_year.get(y, 0) for y in years),
            ]
        )
    return buf.getvalue()
