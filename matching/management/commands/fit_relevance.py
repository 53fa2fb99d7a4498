"""`manage.py fit_relevance GOLD`: fit the calibration of relevance of the active embedding
model on a gold file (format gold/1) with leave-one-company-out figures, print them, and store
the calibration (in force from then on; the stored scores get their new relevance, proposals
follow at the next `match_all`).

    --dry-run       print only, store nothing
    --package       also write it as the packaged default of this model
                    (matching/data/relevance_calibrations.json, what a fresh database uses)
    --floor F       report the figures at F instead of MATCHING_RELEVANCE_FLOOR
    --json PATH     write the whole report as JSON

Run it after `match_all` (the needs and seeds need vectors of the model). The last line of
stdout is a JSON summary.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from matching.services.calibration import calibration_fit
from matching.services.relevance import (
    PACKAGED,
    PACKAGED_FORMAT,
    calibration_store,
    packaged_calibrations,
)


def _fmt(m: dict) -> str:
    return (
        f"P {m['proposal_precision']:.4f}  R {m['proposal_recall']:.4f}  "
        f"no-match {m['no_match_proposals']}  n {m['proposals']}"
    )


class Command(BaseCommand):
    help = "Fit the calibration of relevance on a gold file (leave-one-company-out figures)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("gold")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--package", action="store_true")
        parser.add_argument("--floor", type=float, default=None)
        parser.add_argument("--json", default=None)

    def handle(self, *args, gold: str, dry_run=False, package=False, floor=None, **options):
        try:
            data = json.loads(Path(gold).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read gold file {gold}: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != "gold/1":
            raise CommandError(f'{gold}: not a gold file (expected "format": "gold/1")')
        if floor is not None and not 0.0 <= floor <= 1.0:
            raise CommandError("--floor must be between 0 and 1")
        try:
            report = calibration_fit(gold=data, floor=floor)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        report["source"] = Path(gold).name
        self._print(report)
        if options.get("json"):
            Path(options["json"]).write_text(json.dumps(report, indent=1), encoding="utf-8")
        if package:
            self._package(report)
        if not dry_run:
            calibration_store(
                model_id=report["model_id"],
                intercept=report["intercept"],
                slope=report["slope"],
                method=report["method"],
                suggested_floor=report["suggested_floor"],
                report=report,
                source=report["source"],
            )
            self.stdout.write(
                f"stored for {report['model_id']}; proposals follow at the next match_all"
            )
        summary = {
            k: report[k]
            for k in ("model_id", "intercept", "slope", "suggested_floor", "floor", "plateau")
        }
        summary["held_out"] = report["held_out"] | report["at_floor"]["held_out"]
        summary["in_sample"] = report["in_sample"] | report["at_floor"]["in_sample"]
        for part in ("held_out", "in_sample"):
            summary[part].pop("needs_by_count", None)
        self.stdout.write(json.dumps(summary))

    def _print(self, r: dict) -> None:
        w = self.stdout.write
        w(
            f"model {r['model_id']}: {r['pairs']} candidate pairs of {r['needs']} labelled needs "
            f"({r['companies']} companies), {r['relevant']} relevant"
        )
        w(
            f"p = sigmoid({r['intercept']:.4f} + {r['slope']:.4f} z) x conflicts; "
            f"p = {r['floor']} at z = {r['z_at_floor']}"
        )
        w("| method | AUC in-sample | AUC held-out | Brier in-sample | Brier held-out |")
        w("| --- | --- | --- | --- | --- |")
        for name, part in (("platt(z) (stored)", r), ("isotonic(score)", r["isotonic"])):
            a, b = part["in_sample"], part["held_out"]
            w(f"| {name} | {a['auc']} | {b['auc']} | {a['brier']} | {b['brier']} |")
        slopes = [f["slope"] for f in r["folds"]]
        intercepts = [f["intercept"] for f in r["folds"]]
        zs = [f["z_at_floor"] for f in r["folds"]]
        w(
            f"folds: intercept {min(intercepts)}..{max(intercepts)}, slope {min(slopes)}.."
            f"{max(slopes)}, z at the floor {min(zs)}..{max(zs)}"
        )
        w(f"without a floor: {_fmt(r['unfiltered'])}")
        w("| floor | in-sample | held-out |")
        w("| --- | --- | --- |")
        for row in r["curve"]:
            w(f"| {row['floor']:.2f} | {_fmt(row['in_sample'])} | {_fmt(row['held_out'])} |")
        w(
            f"held-out plateau (P >= 0.90, R >= 0.95, no-match 0): {r['plateau']}; "
            f"suggested floor {r['suggested_floor']}"
        )
        a = r["at_floor"]
        w(f"at floor {r['floor']}: in-sample {_fmt(a['in_sample'])}")
        w(f"at floor {r['floor']}: held-out  {_fmt(a['held_out'])}")
        w(f"needs by number of proposals (held-out): {a['held_out']['needs_by_count']}")
        w(f"held-out bands (strong >= {r['strong']}, possible >= {r['floor']}):")
        for name, b in r["bands_held_out"].items():
            w(
                f"  {name}: {b['pairs']} pairs, mean p {b['mean_probability']}, "
                f"relevant {b['relevant_share']}"
            )

    def _package(self, r: dict) -> None:
        existing = dict(packaged_calibrations())
        existing[r["model_id"]] = {
            "method": r["method"],
            "intercept": r["intercept"],
            "slope": r["slope"],
            "suggested_floor": r["suggested_floor"],
            "source": r["source"],
            "fitted_at": dt.date.today().isoformat(),
            "report": {
                k: r[k]
                for k in (
                    "pairs",
                    "relevant",
                    "needs",
                    "companies",
                    "in_sample",
                    "held_out",
                    "isotonic",
                    "folds",
                    "plateau",
                    "floor",
                    "at_floor",
                    "bands_held_out",
                )
            },
        }
        PACKAGED.parent.mkdir(parents=True, exist_ok=True)
        PACKAGED.write_text(
            json.dumps(
                {"format": PACKAGED_FORMAT, "calibrations": existing},
                ensure_ascii=False,
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
        packaged_calibrations.cache_clear()
        self.stdout.write(f"wrote the packaged default for {r['model_id']} to {PACKAGED}")
