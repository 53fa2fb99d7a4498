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

    def handle(self, *args, gold: str, compare: bool = False, **options) -> None:
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
        quality = assignment_quality()
        self.stdout.write(
            "constrained proposals vs unconstrained top-k: score ratio "
            f"{quality['assignment_quality_ratio']:.4f}, needs keeping their best seed "
            f"{quality['needs_keeping_their_best_seed']:.4f}"
        )
        metrics = matching_evaluate(gold=data, gold_name=gold)
        self.stdout.write(json.dumps(metrics))
