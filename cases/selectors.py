"""Reads of the cases app: case search and similarity, and the national KPI aggregation.

Cases are public material (every figure is from a published source), so case reads are not
scoped to the caller. KPI figures are aggregates over recorded outcomes (counts and sums, no
party names), so the dashboard is public too.

Similarity (`similar_cases`): TF-IDF over character 2–3-grams (word-boundary aware), which
works for Japanese without a tokenizer and for English alike; score = cosine similarity
+ 0.1 × (share of the requested fields that the case lists). Pure code over a corpus of tens
of cases, recomputed per call.

KPI aggregation rules (documented in docs/readiness.md and on the dashboard):
- company investment (yen/year): outcomes of type joint research, contract research and
  comprehensive partnership; each contributes amount_yen / duration_years (rounded half up to
  the yen) in the fiscal year it was recorded for;
- large joint research: outcomes of type joint research or comprehensive partnership whose
  per-year amount is ≥ ¥10,000,000;
- licences: outcomes of type licence;
- researcher moves: cross-appointment outcomes, cross_appointment_count people each (an
  agreement recorded with no count counts as one person); by direction separately;
- spin-off investments: outcomes of type spin-off investment, counted and summed.
Outcomes without a fiscal year count in the totals but in no fiscal-year column.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from .models import KpiAggregation, KpiIndicator, PartnershipCase

FIELD_BOOST = 0.1
SEARCH_MIN_SCORE = 0.05
LARGE_PROJECT_YEN = 10_000_000


# --- Cases ----------------------------------------------------------------------------------


def cases_all() -> QuerySet[PartnershipCase]:
    return PartnershipCase.objects.all()


def case_get(*, slug: str) -> PartnershipCase | None:
    return PartnershipCase.objects.filter(slug=slug).first()


def case_fields() -> list[str]:
    """Every field named by a case, for the search form."""
    seen: dict[str, None] = {}
    for fields in PartnershipCase.objects.values_list("fields", flat=True):
        for f in fields or []:
            seen.setdefault(f, None)
    return sorted(seen)


def _field_match(case: PartnershipCase, wanted: str) -> bool:
    w = wanted.strip().lower()
    return any(w in str(f).lower() for f in case.fields or [])


def _tfidf_scores(texts: list[str], query: str) -> list[float]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not texts or not query.strip():
        return [0.0] * len(texts)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), lowercase=True)
    try:
        matrix = vectorizer.fit_transform([*texts, query])
    except ValueError:  # empty vocabulary (e.g. punctuation only)
        return [0.0] * len(texts)
    # Rows are L2-normalised by TfidfVectorizer, so the dot product is the cosine.
    sims = (matrix[:-1] @ matrix[-1].T).toarray().ravel()
    return [float(s) for s in sims]


@dataclass(frozen=True)
class CaseMatch:
    case: PartnershipCase
    score: float
    shared_fields: list[str] = field(default_factory=list)


def similar_cases(*, text: str, fields: list[str] | None = None, limit: int = 3) -> list[CaseMatch]:
    """The cases most similar to `text` (e.g. a company's needs and a university's seeds for an
    organisation-level proposal), best first; cases with no similarity at all are left out."""
    cases = list(PartnershipCase.objects.all())
    if not cases:
        return []
    scores = _tfidf_scores([c.search_text() for c in cases], text or "")
    wanted = [f for f in (fields or []) if f and str(f).strip()]
    out = []
    for case, score in zip(cases, scores, strict=True):
        shared = [f for f in wanted if _field_match(case, f)]
        if wanted:
            score += FIELD_BOOST * len(shared) / len(wanted)
        if score > 0:
            out.append(CaseMatch(case=case, score=round(score, 4), shared_fields=shared))
    out.sort(key=lambda m: (-m.score, m.case.slug))
    return out[: max(0, limit)]


def similar_cases_for_partnership(*, partnership, limit: int = 3) -> list[PartnershipCase]:
    """The cases most similar to an organisation-level proposal, as a template for the
    conversation: compared with the public text of the company's published needs and the
    university's published seeds (never confidential fields), with their fields as `fields`.

    Returns PartnershipCase rows, each with `similarity` and `shared_fields` attributes set;
    `str(case)` is its title.
    """
    from profiles.choices import PublicationStatus
    from profiles.models import Need, Seed

    needs = Need.objects.filter(
        organization_id=partnership.company_id, status=PublicationStatus.PUBLISHED
    ).only("title", "description", "keywords", "field")[:50]
    seeds = Seed.objects.filter(
        organization_id=partnership.academic_id, status=PublicationStatus.PUBLISHED
    ).only("title", "summary", "keywords", "field")[:200]
    texts = [n.embedding_text() for n in needs] + [s.embedding_text() for s in seeds]
    fields = sorted({x.field for x in [*needs, *seeds] if x.field})
    out = []
    for m in similar_cases(text="\n".join(texts), fields=fields, limit=limit):
        m.case.similarity = m.score
        m.case.shared_fields = m.shared_fields
        out.append(m.case)
    return out


def cases_search(
    *, q: str | None = None, field_name: str | None = None, scheme: str | None = None
) -> list[CaseMatch]:
    """Cases filtered by scheme and field (substring of any listed field), ranked by `q`.

    With a query, a case is kept when the query appears in its text or its similarity is at
    least SEARCH_MIN_SCORE; without one, every case passing the filters, newest first.
    """
    qs = PartnershipCase.objects.all()
    if scheme:
        qs = qs.filter(scheme=scheme)
    cases = list(qs)
    if field_name:
        cases = [c for c in cases if _field_match(c, field_name)]
    if not q or not q.strip():
        return [CaseMatch(case=c, score=0.0) for c in cases]
    texts = [c.search_text() for c in cases]
    scores = _tfidf_scores(texts, q)
    needle = q.strip().lower()
    out = []
    for case, text, score in zip(cases, texts, scores, strict=True):
        if needle in text.lower():
            score += 1.0
        if score >= SEARCH_MIN_SCORE:
            out.append(CaseMatch(case=case, score=round(score, 4)))
    out.sort(key=lambda m: (-m.score, m.case.slug))
    return out


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


@dataclass
class KpiRow:
    indicator: KpiIndicator
    total: int
    by_year: dict[int, int]
    target_value: int | None
    progress: float | None  # platform total / national baseline, 0..

    @property
    def code(self) -> str:
        return self.indicator.code


def _target(ind: KpiIndicator) -> int | None:
    if ind.baseline_value is None or ind.target_multiplier is None:
        return None
    return _round_yen(Decimal(ind.baseline_value) * ind.target_multiplier)


def kpi_figures(*, fiscal_year: int | None = None) -> list[KpiRow]:
    """Every national KPI with the platform's contribution from recorded outcomes; with
    `fiscal_year`, the totals count that fiscal year only."""
    from matching.models import Outcome

    outcomes = list(
        Outcome.objects.only(
            "agreement_type",
            "amount_yen",
            "duration_years",
            "cross_appointment_direction",
            "cross_appointment_count",
            "fiscal_year",
        )
    )
    rows = []
    for ind in KpiIndicator.objects.all():
        by_year: dict[int, int] = defaultdict(int)
        total = 0
        for o in outcomes:
            value = _contribution(ind.aggregation, o)
            if not value:
                continue
            if o.fiscal_year is not None:
                by_year[o.fiscal_year] += value
            if fiscal_year is None or o.fiscal_year == fiscal_year:
                total += value
        progress = round(total / ind.baseline_value, 6) if ind.baseline_value else None
        rows.append(
            KpiRow(
                indicator=ind,
                total=total,
                by_year=dict(sorted(by_year.items())),
                target_value=_target(ind),
                progress=progress,
            )
        )
    return rows


def kpi_years(rows: list[KpiRow]) -> list[int]:
    return sorted({y for r in rows for y in r.by_year})


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
]


def kpi_csv(rows: list[KpiRow]) -> str:
    """The dashboard as CSV (UTF-8): one row per indicator, one column per fiscal year."""
    years = kpi_years(rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*CSV_COLUMNS, *(f"fy{y}" for y in years)])
    for r in rows:
        ind = r.indicator
        w.writerow(
            [
                ind.code,
                ind.name,
                ind.name_en,
                ind.unit,
                ind.baseline_fiscal_year if ind.baseline_fiscal_year is not None else "",
                ind.baseline_value if ind.baseline_value is not None else "",
                ind.target_fiscal_year if ind.target_fiscal_year is not None else "",
                r.target_value if r.target_value is not None else "",
                ind.target_text,
                r.total,
                ind.source_url or ind.source_title,
                *(r.by_year.get(y, 0) for y in years),
            ]
        )
    return buf.getvalue()
