"""`manage.py evaluate_matching GOLD` (CATALOG.md): the metrics of the stored rankings as one
JSON object on the last line of stdout (also stored as an EvaluationResult).

`--compare` first prints a table of other embedders and baselines computed in memory on the
same data, proposals included (each with the calibration of its model, or none: docs/matching.md);
the last line stays the metrics of the stored rankings.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from matching.services.evaluation import assignment_quality, matching_compare, matching_evaluate
from matching.services.heldout import heldout_report

KEYS = (
    "seed_ndcg@10",
    "seed_recall@10",
    "seed_mrr",
    "org_ndcg@5",
    "partner_ndcg@3",
    "investor_ndcg@3",
    "proposal_precision",
    "proposal_recall",
    "no_match_proposals",
)


def _cell(value) -> str:
    return str(value) if isinstance(value, int) else f"{value:.3f}"


class Command(BaseCommand):
    help = "Evaluate the current rankings against a gold file (format gold/1)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("gold")
        parser.add_argument(
            "--compare",
            action="store_true",
            help="Also print the figures of each embedder and of the TF-IDF baseline.",
        )
        parser.add_argument(
            "--heldout",
            action="store_true",
            help="Also print leave-one-company-out figures of the language correction and "
            "the partnership parameters, and the English-hub measurement.",
        )

    def handle(
        self, *args, gold: str, compare: bool = False, heldout: bool = False, **options
    ) -> None:
        try:
            data = json.loads(Path(gold).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read gold file {gold}: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != "gold/1":
            raise CommandError(f'{gold}: not a gold file (expected "format": "gold/1")')
        if compare:
            header = "| configuration | " + " | ".join(KEYS) + " | s |"
            self.stdout.write(header)
            self.stdout.write("|" + " --- |" * (len(KEYS) + 2))
            for row in matching_compare(gold=data):
                cells = " | ".join(_cell(row[k]) for k in KEYS)
                self.stdout.write(f"| {row['config']} | {cells} | {row['seconds']} |")
        if heldout:
            try:
                self._heldout(heldout_report(gold=data))
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        quality = assignment_quality()
        self.stdout.write(
            "constrained proposals vs unconstrained top-k: score ratio "
            f"{quality['assignment_quality_ratio']:.4f}, needs keeping their best seed "
            f"{quality['needs_keeping_their_best_seed']:.4f}"
        )
        metrics = matching_evaluate(gold=data, gold_name=gold)
        self.stdout.write(json.dumps(metrics))

    def _heldout(self, r: dict) -> None:
        w = self.stdout.write
        w(f"held-out figures (leave one company out), model {r['model_id']}")
        w(f"language correction (shipped prior {r['shipped_prior']}):")
        for name, part in r["language"].items():
            cells = ", ".join(f"{c}: {v}" for c, v in part["in_sample"].items())
            w(
                f"  {name}: in-sample {cells}; held-out {part['held_out']} "
                f"(chosen in the folds: {', '.join(part['chosen'])}; random ties "
                f"{part['held_out_random_ties']})"
            )
        p = r["partner"]
        w(
            f"partnership (margin, temperature, gate, gate temperature) default {p['default']}: "
            f"in-sample {p['in_sample_default']}, held-out {p['held_out']} (random ties "
            f"{p['held_out_random_ties']}; default chosen in "
            f"{p['chosen_default_in_folds']} of {p['folds']} folds); best in-sample {p['best']} "
            f"{p['in_sample_best']}; grid min {p['grid_min']}, median {p['grid_median']}, "
            f"share >= 0.95: {p['share_of_grid_at_least_0.95']}"
        )
        h = r["english_hubs"]
        w(f"English hubs (English seeds are {h['english_seed_share']} of the corpus):")
        for row in h["relevant_ranks"]:
            w(
                f"  {row['need']} -> {row['seed']} ({row['seed_language']}): rank "
                f"{row['raw']} raw, {row['corrected']} corrected"
            )
        for group, v in h["top10_english"].items():
            w(f"  non-relevant English seeds in the top 10, {group}: {v['mean']} {v['per_need']}")
