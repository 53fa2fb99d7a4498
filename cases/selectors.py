"""Reads of the cases app: case search and similarity.

Cases are public material (every figure is from a published source), so case reads are not
scoped to the caller. The national KPIs (KpiIndicator rows) are aggregated from recorded
outcomes next to them, in `matching.outcomes`.

Similarity (`similar_cases`): TF-IDF over character 2–3-grams (word-boundary aware), which
works for Japanese without a tokenizer and for English alike; score = cosine similarity
+ 0.1 × (share of the requested fields that the case lists). Pure code over a corpus of tens
of cases, recomputed per call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from profiles.choices import PublicationStatus
from profiles.display import localized_field
from profiles.models import Need, Seed

from .models import PartnershipCase

FIELD_BOOST = 0.1
SEARCH_MIN_SCORE = 0.05


# --- Cases ----------------------------------------------------------------------------------


def cases_all() -> QuerySet[PartnershipCase]:
    return PartnershipCase.objects.all()


def case_get(*, slug: str) -> PartnershipCase | None:
    return PartnershipCase.objects.filter(slug=slug).first()


def case_fields(*, language: str | None = None) -> list[str]:
    """Every field named by a case, for the search form, in the reader's language (a case
    without English fields gives its Japanese ones)."""
    seen: dict[str, None] = {}
    for case in PartnershipCase.objects.only("fields", "fields_en"):
        for f in localized_field(case, "fields", language=language) or []:
            seen.setdefault(f, None)
    return sorted(seen)


def _field_match(case: PartnershipCase, wanted: str) -> bool:
    """`wanted` is part of a field the case lists, in Japanese or in English."""
    w = wanted.strip().lower()
    return any(w in str(f).lower() for f in [*(case.fields or []), *(case.fields_en or [])])


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
