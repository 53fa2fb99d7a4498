"""`python manage.py benchmark_matching`: retrieval, rematch and embedding figures on synthetic
seeds against a NumPy matrix-product baseline (see benchmarks/matching.py for what is measured and how).

A command run by hand, never part of the test suite: the full run (10k, 100k, 1M seeds) builds
a 1M-vector HNSW graph and takes many minutes on two cores.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benchmarks.matching import BenchmarkConfig, run_benchmark
from matching.engine.index import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M

QUICK = {"sizes": "10000", "needs": 100, "queries": 50, "embed_texts": 16}


def _int_list(value: str, name: str) -> list[int]:
    try:
        out = [int(v.replace("_", "")) for v in value.split(",") if v.strip()]
    except ValueError:
        raise CommandError(f"--{name} must be comma-separated integers, got {value!r}")
    if not out or any(v <= 0 for v in out):
        raise CommandError(f"--{name} must list positive integers, got {value!r}")
    return out


def _embedder():
    """The configured embedder, as the services use it; (None, reason) if it cannot load."""
    try:
        from matching.services.embedding import get_embedder

        return get_embedder(), ""
    except Exception as exc:  # report why, keep benchmarking retrieval
        return None, f"{settings.MATCHING_EMBEDDER} embedder unavailable: {exc}"


class Command(BaseCommand):
    help = "Benchmark embedding, retrieval (exact vs HNSW) and rematch against a NumPy baseline."
    # Pure computation on synthetic arrays: no database, URLs or models are involved.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--sizes", help="seed counts, e.g. 10000,100000,1000000 (default)")
        parser.add_argument("--needs", type=int, help="needs to rematch (default 1000)")
        parser.add_argument("--queries", type=int, help="single-need queries timed (default 200)")
        parser.add_argument("--k", type=int, default=50, help="neighbours per query (default 50)")
        parser.add_argument("--repeat", type=int, default=2, help="passes over the queries")
        parser.add_argument("--ef", default="64,128,256,512", help="hnsw ef values to report")
        parser.add_argument("--ef-search", type=int, default=HNSW_EF_SEARCH)
        parser.add_argument("--m", type=int, default=HNSW_M, help="hnsw M")
        parser.add_argument("--ef-construction", type=int, default=HNSW_EF_CONSTRUCTION)
        parser.add_argument("--threads", type=int, default=2, help="hnsw build/batch threads")
        parser.add_argument("--embed-texts", type=int, help="texts embedded (default 64, 0 = skip)")
        parser.add_argument("--seed", type=int, default=0, help="random seed of the data")
        parser.add_argument(
            "--quick", action="store_true", help="a small run: 10k seeds, 100 needs"
        )

    def handle(self, *args, **opts):
        defaults = QUICK if opts["quick"] else {}

        def pick(name, fallback):
            return opts[name] if opts.get(name) is not None else defaults.get(name, fallback)

        sizes = _int_list(pick("sizes", "10000,100000,1000000"), "sizes")
        numbers = {
            "needs": pick("needs", 1000),
            "queries": pick("queries", 200),
            "k": opts["k"],
            "repeat": opts["repeat"],
            "embed_texts": pick("embed_texts", 64),
            "threads": opts["threads"],
        }
        for name, value in numbers.items():
            if value < 0 or (value == 0 and name != "embed_texts"):
                raise CommandError(f"--{name.replace('_', '-')} must be positive, got {value}")
        config = BenchmarkConfig(
            sizes=sizes,
            ef_values=_int_list(opts["ef"], "ef"),
            ef_search=opts["ef_search"],
            M=opts["m"],
            ef_construction=opts["ef_construction"],
            seed=opts["seed"],
            **numbers,
        )
        embedder, reason = (None, "skipped") if not config.embed_texts else _embedder()
        run_benchmark(
            config,
            embedder=embedder,
            embedder_error=reason,
            weights=settings.MATCHING_WEIGHTS,
            log=lambda line: self.stdout.write(line),
        )
