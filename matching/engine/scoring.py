"""Seed–need scoring: semantic similarity fused with structured signals.

The semantic signal is the cosine similarity of the need (query) and the seed (passage), made
comparable across needs and languages in two steps:

1. Language offset: multilingual models score same-language pairs higher than cross-language
   pairs of the same relevance (an English need's best Japanese seed looks worse than a
   mediocre English one). Per need, the median similarity of each seed-language group is
   subtracted, shrunk towards the need's overall median when the group is small.
2. Standardisation: each need's corrected similarities become z-scores over the seed corpus,
   so "3 standard deviations above this need's typical seed" means the same for every need.

Structured signals are values in [0, 1] (1 = no objection, unknown counts as 1) multiplied by
their weights and added to the semantic z-score. Every signal's contribution is kept so an
explanation can show it, with which of them only took the default of an unknown fact (an
explanation does not show those as evidence).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

DEFAULT_WEIGHTS: dict[str, float] = {
    "semantic": 1.0,
    # Fused only where it measurably helps: see docs/matching.md (it did not on the dev set).
    "lexical": 0.0,
    "mode": 0.5,
    "trl": 0.5,
    "budget": 0.3,
    "region": 0.3,
    "capacity": 0.3,
    "readiness": 0.3,
}
STRUCTURED_SIGNALS = ("mode", "trl", "budget", "region", "capacity", "readiness")
SIGNALS = ("semantic", "lexical", *STRUCTURED_SIGNALS)

# Pseudo-count (in need × seed cells) of the shrinkage of a language block's median towards the
# need language's overall median; the setting MATCHING_LANGUAGE_PRIOR passes it. 5, not 20: at
# 20 a small block (the demo's 2 English needs × 4 English seeds) kept most of the
# same-language bonus, so English seeds rose for any English need (docs/matching.md).
LANGUAGE_PRIOR = 5
# Below this spread the z-score would blow up noise (a corpus of one or two seeds).
MIN_STD = 0.02
# Statistics (language medians, mean, std) are taken over at most this many seeds.
STATS_SAMPLE = 5000

TRL_TOLERANCE = 1

# Typical yen cost of one collaboration of each mode (public surveys of Japanese university
# joint research: a few million yen per project-year); a need whose budget is below it fits
# less. Only a mild signal: a budget is a starting point of a negotiation.
TYPICAL_COST_YEN = {
    "joint_research": 3_000_000,
    "contract_research": 2_000_000,
    "license": 1_000_000,
    "cross_appointment": 5_000_000,
    "spinoff": 10_000_000,
    "comprehensive_partnership": 10_000_000,
}


def weights_from(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    weights = dict(DEFAULT_WEIGHTS)
    for key, value in (overrides or {}).items():
        if key not in DEFAULT_WEIGHTS:
            raise ValueError(f"unknown matching weight {key!r} (known: {', '.join(SIGNALS)})")
        weights[key] = float(value)
    return weights


@dataclass
class SeedSet:
    """The seed corpus as arrays (row i of every field is seed i)."""

    ids: np.ndarray  # int64
    vectors: np.ndarray  # float32 (n, dim), L2-normalised
    org_ids: np.ndarray  # int64
    languages: np.ndarray  # "ja"/"en"
    trl: np.ndarray  # float, nan when unknown
    modes: list[frozenset[str]]
    regions: np.ndarray  # region code or ""
    capacity_left: np.ndarray  # int: capacity minus active proposals
    readiness: np.ndarray  # float in [0, 1], nan when unknown
    texts: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @classmethod
    def build(cls, rows: list[dict], vectors: np.ndarray) -> SeedSet:
        n = len(rows)
        matrix = np.asarray(vectors, dtype=np.float32)
        return cls(
            ids=np.array([r["id"] for r in rows], dtype=np.int64),
            # (0, dim) stays as it is: an empty corpus cannot infer its dimension.
            vectors=matrix if matrix.ndim == 2 else matrix.reshape(n, -1),
            org_ids=np.array([r.get("org_id", 0) for r in rows], dtype=np.int64),
            languages=np.array([r.get("language", "ja") for r in rows], dtype=object),
            trl=np.array(
                [np.nan if r.get("trl") is None else float(r["trl"]) for r in rows], dtype=float
            ),
            modes=[frozenset(r.get("modes") or ()) for r in rows],
            regions=np.array([r.get("region", "") or "" for r in rows], dtype=object),
            capacity_left=np.array([int(r.get("capacity_left", 1)) for r in rows], dtype=int),
            readiness=np.array(
                [np.nan if r.get("readiness") is None else float(r["readiness"]) for r in rows],
                dtype=float,
            ),
            texts=[r.get("text", "") for r in rows],
        )


@dataclass
class NeedRow:
    id: int
    vector: np.ndarray
    org_id: int = 0
    language: str = "ja"
    modes: frozenset[str] = frozenset()
    trl_min: int | None = None
    trl_max: int | None = None
    budget_max_yen: int | None = None
    preferred_regions: frozenset[str] = frozenset()
    text: str = ""


@dataclass
class SeedRanking:
    """The top seeds of one need: positions into the SeedSet, best first."""

    need_id: int
    rows: np.ndarray  # int positions into SeedSet
    scores: np.ndarray  # fused score
    contributions: dict[str, np.ndarray]  # signal -> weighted contribution per row
    # signal -> per row, True where the value is the "no objection" default of an unknown fact
    # (no TRL, no region preference, no readiness profile…): not evidence, not shown as such.
    defaults: dict[str, np.ndarray] = field(default_factory=dict)

    def signals_of(self, i: int) -> dict[str, float]:
        return {name: round(float(v[i]), 4) for name, v in self.contributions.items()}

    def defaults_of(self, i: int) -> list[str]:
        """The signals of row i that only took their default value."""
        return [name for name, mask in self.defaults.items() if bool(mask[i])]


def language_offsets(
    sims: np.ndarray, languages: np.ndarray, prior: float = LANGUAGE_PRIOR
) -> dict[str, float]:
    """Per seed language, the shrunk median similarity of one need to that group."""
    overall = float(np.median(sims)) if sims.size else 0.0
    out: dict[str, float] = {}
    for lang in set(languages.tolist()):
        group = sims[languages == lang]
        n = group.size
        out[lang] = (n * float(np.median(group)) + prior * overall) / (n + prior)
    return out


def language_table(
    queries: np.ndarray,
    query_languages: list[str],
    seeds: SeedSet,
    prior: float = LANGUAGE_PRIOR,
    max_queries: int = 500,
) -> dict[str, dict[str, float]]:
    """Language offsets estimated over a reference set of queries (the platform's needs):
    table[query language][seed language] = shrunk median similarity of that block.

    Pooled over many needs, the estimate is stable even for a small group of seeds in one
    language, where one need's own row would be noise.
    """
    n = len(seeds)
    if n == 0 or len(queries) == 0:
        return {}
    langs = np.array(query_languages, dtype=object)
    rng = np.random.default_rng(0)
    rows = np.arange(len(queries))
    if len(rows) > max_queries:
        rows = np.sort(rng.choice(rows, max_queries, replace=False))
    sample = (
        np.arange(n) if n <= STATS_SAMPLE else np.sort(rng.choice(n, STATS_SAMPLE, replace=False))
    )
    sims = np.asarray(queries)[rows] @ seeds.vectors[sample].T
    seed_langs = seeds.languages[sample]
    table: dict[str, dict[str, float]] = {}
    for lang in set(langs[rows].tolist()):
        block = sims[langs[rows] == lang]
        overall = float(np.median(block))
        table[lang] = {}
        for seed_lang in set(seed_langs.tolist()):
            group = block[:, seed_langs == seed_lang]
            m = group.size
            table[lang][seed_lang] = (m * float(np.median(group)) + prior * overall) / (m + prior)
    return table


def mode_fit(need_modes: frozenset[str], seeds: SeedSet, rows: np.ndarray) -> np.ndarray:
    if not need_modes:
        return np.ones(len(rows))
    return np.array(
        [1.0 if not seeds.modes[r] or need_modes & seeds.modes[r] else 0.0 for r in rows]
    )


def trl_fit(trl_min: int | None, trl_max: int | None, trl: np.ndarray) -> np.ndarray:
    """1 inside the need's TRL range widened by one level (TRL self-assessments are rough,
    and a single expected level means "around it"), then a third less per further level;
    unknown = 1."""
    lo = -np.inf if trl_min is None else trl_min - TRL_TOLERANCE
    hi = np.inf if trl_max is None else trl_max + TRL_TOLERANCE
    distance = np.where(trl < lo, lo - trl, np.where(trl > hi, trl - hi, 0.0))
    fit = np.clip(1.0 - distance / 3.0, 0.0, 1.0)
    return np.where(np.isnan(trl), 1.0, fit)


def budget_fit(
    budget_max_yen: int | None, need_modes: frozenset[str], seeds: SeedSet, rows: np.ndarray
) -> np.ndarray:
    if not budget_max_yen:
        return np.ones(len(rows))
    out = []
    for r in rows:
        modes = (need_modes & seeds.modes[r]) or seeds.modes[r] or need_modes
        cost = min((TYPICAL_COST_YEN.get(m, 3_000_000) for m in modes), default=3_000_000)
        out.append(min(1.0, budget_max_yen / cost))
    return np.array(out, dtype=float)


def region_fit(preferred: frozenset[str], regions: np.ndarray) -> np.ndarray:
    if not preferred:
        return np.ones(len(regions))
    return np.array([1.0 if r in preferred else 0.0 for r in regions], dtype=float)


def score_needs(
    needs: list[NeedRow],
    seeds: SeedSet,
    weights: Mapping[str, float],
    *,
    k: int = 50,
    index=None,
    lexical=None,
    candidates: int = 200,
    correct_language: bool = True,
    offsets_table: Mapping[str, Mapping[str, float]] | None = None,
) -> list[SeedRanking]:
    """The top-k seeds of each need by fused score.

    `offsets_table` (from `language_table`) gives the language offsets; without it (or for a
    query language it lacks) each need's own row is used.
    `index` (a VectorIndex over `seeds.vectors` with ids = row positions) finds candidates
    when given; otherwise every seed is a candidate. `lexical` is a fitted CharTfidf over
    `seeds.texts`, used when the lexical weight is above zero.
    """
    n = len(seeds)
    if n == 0 or not needs:
        return [SeedRanking(nd.id, np.zeros(0, int), np.zeros(0), {}) for nd in needs]
    queries = np.vstack([np.asarray(nd.vector, dtype=np.float32) for nd in needs])
    if n <= STATS_SAMPLE:
        sample = np.arange(n)
    else:
        sample = np.sort(np.random.default_rng(0).choice(n, STATS_SAMPLE, replace=False))
    sample_sims = queries @ seeds.vectors[sample].T
    if index is None or n <= candidates:
        cand_rows = np.tile(np.arange(n), (len(needs), 1))
        cand_sims = queries @ seeds.vectors.T
    else:
        cand_rows, cand_sims = index.search(queries, min(n, max(candidates, k)))
    # Languages as small integers, so an offset per language maps onto rows by indexing.
    lang_names, lang_idx = np.unique(seeds.languages.astype(str), return_inverse=True)
    sample_lang = lang_idx[sample]
    w = weights
    out = []
    for i, need in enumerate(needs):
        valid = cand_rows[i] >= 0
        rows = cand_rows[i][valid].astype(int)
        sims = np.asarray(cand_sims[i][valid], dtype=float)
        if correct_language and offsets_table and need.language in offsets_table:
            offsets = offsets_table[need.language]
        elif correct_language:
            offsets = language_offsets(sample_sims[i], seeds.languages[sample])
        else:
            offsets = {}
        per_lang = np.array([offsets.get(str(name), 0.0) for name in lang_names])
        corrected_sample = sample_sims[i] - per_lang[sample_lang]
        mean = float(corrected_sample.mean())
        std = max(float(corrected_sample.std()), MIN_STD)
        corrected = sims - per_lang[lang_idx[rows]]
        contrib: dict[str, np.ndarray] = {"semantic": w["semantic"] * (corrected - mean) / std}
        if w.get("lexical", 0.0) and lexical is not None:
            lex = lexical.similarities([need.text], rows)[0].astype(float)
            lex_all = lexical.similarities([need.text], sample)[0].astype(float)
            lex_std = max(float(lex_all.std()), 1e-6)
            contrib["lexical"] = w["lexical"] * (lex - float(lex_all.mean())) / lex_std
        contrib["mode"] = w["mode"] * mode_fit(need.modes, seeds, rows)
        contrib["trl"] = w["trl"] * trl_fit(need.trl_min, need.trl_max, seeds.trl[rows])
        contrib["budget"] = w["budget"] * budget_fit(need.budget_max_yen, need.modes, seeds, rows)
        contrib["region"] = w["region"] * region_fit(need.preferred_regions, seeds.regions[rows])
        contrib["capacity"] = w["capacity"] * (seeds.capacity_left[rows] > 0).astype(float)
        readiness = seeds.readiness[rows]
        contrib["readiness"] = w["readiness"] * np.where(np.isnan(readiness), 0.5, readiness)
        defaults = _defaulted(need, seeds, rows)
        total = np.sum(np.vstack(list(contrib.values())), axis=0)
        order = np.argsort(-total, kind="stable")[:k]
        out.append(
            SeedRanking(
                need_id=need.id,
                rows=rows[order],
                scores=total[order],
                contributions={name: v[order] for name, v in contrib.items()},
                defaults={name: v[order] for name, v in defaults.items()},
            )
        )
    return out


def _defaulted(need: NeedRow, seeds: SeedSet, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Per structured signal, the rows where it took its default because a fact is unknown:
    collaboration modes of either side, the need's TRL range or the seed's TRL, the need's
    budget or region preference, the university's readiness. Capacity is always a fact."""
    n = len(rows)
    no_modes = np.array([not seeds.modes[r] for r in rows], dtype=bool)
    no_range = need.trl_min is None and need.trl_max is None
    return {
        "mode": np.full(n, not need.modes) | no_modes,
        "trl": np.full(n, no_range) | np.isnan(seeds.trl[rows]),
        "budget": np.full(n, not need.budget_max_yen),
        "region": np.full(n, not need.preferred_regions),
        "readiness": np.isnan(seeds.readiness[rows]),
    }
