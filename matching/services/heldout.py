"""Held-out (leave-one-company-out) figures of the matcher's tuned parameters on a gold file,
beside their in-sample figures: the language correction (on/off and its prior), the four
partnership parameters, and the English-hub measurement (do English seeds rise for English
needs regardless of topic?). `manage.py evaluate_matching GOLD --heldout` prints them.

Rankings are recomputed in memory with the engine on the stored vectors of the active model
(nothing is written). For each configuration the per-need seed_ndcg@10 and org_ndcg@5 and the
per-company partner_ndcg@3 are computed; held-out: for each company, the configuration with
the best mean on the OTHER companies' gold (ties go to the shipped one) is scored on that
company; the held-out figure is the mean of those scores over every gold need (company).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
from django.conf import settings

from matching.engine.aggregation import PartnerParams, organisation_links, partnerships
from matching.engine.metrics import mean, ndcg_at_k, org_grades
from matching.engine.scoring import language_table, score_needs
from profiles.models import Organization
from profiles.selectors.readiness import readiness_scores

from .corpus import Corpus, need_row
from .embedding import get_embedder, matchable, vectors_load
from .refresh.partners import partnership_needs

PRIORS = (0.0, 5.0, 20.0, 50.0)
PARTNER_GRID = list(
    itertools.product([1.0, 1.5, 2.0], [0.5, 0.75, 1.0], [1.0, 1.5, 2.0], [0.25, 0.5, 1.0])
)


def loco_select(
    scores: Mapping[object, Mapping[str, float]], units: Mapping[str, list[str]], shipped
) -> tuple[float, dict[str, object]]:
    """Held-out mean when each company's units are scored with the configuration that is best
    on the other companies' units (ties: the shipped one, then the first)."""
    held, chosen = [], {}
    for company, own in units.items():
        if not own:
            continue
        others = [u for c, us in units.items() if c != company for u in us]
        best = max(
            scores,
            key=lambda cfg: (round(mean([scores[cfg][u] for u in others]), 10), cfg == shipped),
        )
        chosen[company] = best
        held.extend(scores[best][u] for u in own)
    return mean(held), chosen


def loco_expected(
    scores: Mapping[object, Mapping[str, float]], units: Mapping[str, list[str]]
) -> float:
    """`loco_select` with ties broken at random instead of towards the shipped configuration
    (the expectation over the tied configurations): a tie-break cannot flatter the default."""
    held = []
    for company, own in units.items():
        if not own:
            continue
        others = [u for c, us in units.items() if c != company for u in us]
        means = {cfg: round(mean([scores[cfg][u] for u in others]), 10) for cfg in scores}
        top = max(means.values())
        tied = [cfg for cfg, v in means.items() if v == top]
        held.extend(mean([scores[cfg][u] for cfg in tied]) for u in own)
    return mean(held)


def heldout_report(*, gold: dict) -> dict:
    model_id = get_embedder().model_id
    corpus = Corpus(model_id)
    needs = list(matchable("need").select_related("organization"))
    vectors = vectors_load(kind="need", ids=[n.id for n in needs], model_id=model_id)
    needs = [n for n in needs if n.id in vectors]
    rows = [need_row(n, vectors[n.id]) for n in needs]
    if not rows or not len(corpus.seeds):
        raise ValueError(f"no needs or seeds with vectors of {model_id}: run match_all first")
    queries = np.vstack([r.vector for r in rows])
    languages = [r.language for r in rows]
    need_seed = gold.get("need_seed", {})
    company_partner = gold.get("company_partner", {})
    seed_key = {s.id: s.key for s in corpus.seed_objs}
    org_key = dict(Organization.objects.values_list("id", "key"))
    org_of_seed = {s.key: org_key[s.organization_id] for s in corpus.seed_objs}
    company_of = {n.key: n.organization.key for n in needs}
    companies = sorted(set(company_of.values()))
    units_need = {
        c: [n.key for n in needs if company_of[n.key] == c and n.key in need_seed]
        for c in companies
    }
    units_company = {c: ([c] if c in company_partner else []) for c in companies}
    academic = {s.organization_id for s in corpus.seed_objs}
    readiness = readiness_scores(org_ids=academic)
    weight = settings.MATCHING_PARTNER_READINESS_WEIGHT

    def rank(config):
        if config == "off":
            return score_needs(
                rows, corpus.seeds, corpus.weights, k=len(corpus.seeds), correct_language=False
            )
        table = language_table(queries, languages, corpus.seeds, prior=config)
        return score_needs(
            rows, corpus.seeds, corpus.weights, k=len(corpus.seeds), offsets_table=table
        )

    named = set(partnership_needs().values_list("id", flat=True))

    def partner_scores(links_by_need, params=None) -> dict[str, float]:
        # Built from named needs only, as the matcher builds them (refresh.partners).
        links_by_need = {n: links for n, links in links_by_need.items() if n in named}
        table = partnerships(
            links_by_need,
            {n.id: n.organization_id for n in needs},
            readiness=readiness,
            readiness_weight=weight,
            params=params,
        )
        out = {}
        for company_id, ranked in table.items():
            key = org_key[company_id]
            if key in company_partner:
                out[key] = ndcg_at_k([org_key[p.org_id] for p in ranked], company_partner[key], 3)
        return out

    configs = ["off", *PRIORS]
    shipped = float(settings.MATCHING_LANGUAGE_PRIOR)
    if shipped not in configs:
        configs.append(shipped)
    seed_s, org_s, part_s, links_of, ranked_of = {}, {}, {}, {}, {}
    for config in configs:
        rankings = rank(config)
        seed_s[config], org_s[config], links = {}, {}, {}
        ranked_of[config] = {}
        for need, ranking in zip(needs, rankings, strict=True):
            ranked = [seed_key[int(corpus.seeds.ids[r])] for r in ranking.rows]
            ranked_of[config][need.key] = ranked
            need_links = organisation_links(ranking, corpus.seeds)
            links[need.id] = need_links
            grades = need_seed.get(need.key)
            if grades:
                seed_s[config][need.key] = ndcg_at_k(ranked, grades, 10)
                org_s[config][need.key] = ndcg_at_k(
                    [org_key[link.org_id] for link in need_links],
                    org_grades(grades, org_of_seed),
                    5,
                )
        links_of[config] = links
        part_s[config] = partner_scores(links)

    language = {}
    for name, scores, units in (
        ("seed_ndcg@10", seed_s, units_need),
        ("org_ndcg@5", org_s, units_need),
        ("partner_ndcg@3", part_s, units_company),
    ):
        held, chosen = loco_select(scores, units, shipped)
        language[name] = {
            "in_sample": {str(c): round(mean(list(scores[c].values())), 4) for c in configs},
            "held_out": round(held, 4),
            "held_out_random_ties": round(loco_expected(scores, units), 4),
            "chosen": sorted({str(c) for c in chosen.values()}),
        }

    default = PartnerParams()
    grid = [PartnerParams(*p) for p in PARTNER_GRID]
    if default not in grid:
        grid.append(default)
    grid_scores = {p: partner_scores(links_of[shipped], p) for p in grid}
    means = {p: mean(list(v.values())) for p, v in grid_scores.items()}
    best = max(means, key=lambda p: (round(means[p], 10), p == default))
    held, chosen = loco_select(grid_scores, units_company, default)
    partner = {
        "default": [default.margin, default.temperature, default.gate, default.gate_temperature],
        "in_sample_default": round(means[default], 4),
        "in_sample_best": round(means[best], 4),
        "best": [best.margin, best.temperature, best.gate, best.gate_temperature],
        "grid_min": round(min(means.values()), 4),
        "grid_median": round(float(np.median(list(means.values()))), 4),
        "share_of_grid_at_least_0.95": round(
            float(np.mean([v >= 0.95 for v in means.values()])), 2
        ),
        "held_out": round(held, 4),
        "held_out_random_ties": round(loco_expected(grid_scores, units_company), 4),
        "chosen_default_in_folds": sum(1 for p in chosen.values() if p == default),
        "folds": len(chosen),
    }
    return {
        "model_id": model_id,
        "shipped_prior": shipped,
        "language": language,
        "partner": partner,
        "english_hubs": english_hubs(
            needs=needs,
            languages=dict(zip([n.key for n in needs], languages, strict=True)),
            seed_language={
                seed_key[int(i)]: str(lang)
                for i, lang in zip(corpus.seeds.ids, corpus.seeds.languages, strict=True)
            },
            ranked={"raw": ranked_of["off"], "corrected": ranked_of[shipped]},
            need_seed=need_seed,
        ),
    }


def english_hubs(*, needs, languages, seed_language, ranked, need_seed) -> dict:
    """For English needs: the rank of each relevant seed (raw cosine vs the corrected
    matcher), and how many of the top-10 slots non-relevant English seeds take, against their
    share of the corpus, for English and for Japanese needs."""
    english_seeds = {s for s, lang in seed_language.items() if lang == "en"}
    share = len(english_seeds) / max(len(seed_language), 1)
    out = {"english_seed_share": round(share, 3), "relevant_ranks": [], "top10_english": {}}
    for need in needs:
        if languages[need.key] != "en":
            continue
        for seed, grade in need_seed.get(need.key, {}).items():
            if grade >= 1:
                out["relevant_ranks"].append(
                    {
                        "need": need.key,
                        "seed": seed,
                        "seed_language": seed_language.get(seed),
                        **{
                            name: (
                                order[need.key].index(seed) + 1 if seed in order[need.key] else None
                            )
                            for name, order in ranked.items()
                        },
                    }
                )
    for group in ("en", "ja"):
        keys = [n.key for n in needs if languages[n.key] == group]
        for name, order in ranked.items():
            counts = [
                sum(
                    1
                    for s in order[k][:10]
                    if s in english_seeds and need_seed.get(k, {}).get(s, 0) == 0
                )
                for k in keys
            ]
            out["top10_english"][f"{group} needs, {name}"] = {
                "per_need": counts,
                "mean": round(mean(counts), 2),
            }
    return out
