"""`python manage.py benchmark_fanout`: embedding throughput of the fan-out with 1, 2, … Celery
worker processes, and the time from a bulk import to its proposals (issue 12).

Run it against a THROW-AWAY database and a Redis of your own (it starts and kills Celery
workers, writes `bench-fanout-*` rows, deletes them again):

    export DATABASE_URL=postgres://…/scratch CELERY_BROKER_URL=redis://127.0.0.1:6380/0
    python manage.py migrate
    python manage.py benchmark_fanout --texts 256 --workers 1,2
    python manage.py benchmark_fanout --import 10000 --workers 2

Per worker count: N seeds with distinct real-looking texts (benchmarks/texts.py) are created
without vectors, a worker is started (`celery worker --pool prefork --concurrency K`, each
process with `--threads` OpenMP/BLAS threads), its processes load the model, and the clock runs
from `embedding_fan_out()` until the fan-out's last chunk is done: texts/s. This process relays
the outbox while it waits (as `manage.py outbox_relay` would). With `--import N` the clock runs
from a catalog import of N published seeds (one fan-out request) until the rebuild it starts
has written the proposals. Prints the load average with every figure; the last line is JSON.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from benchmarks.texts import sample_texts

PREFIX = "bench-fanout"
ROOT = Path(__file__).resolve().parents[3]


def _load() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the worker's pool processes, from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    for child in children:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Command(BaseCommand):
    help = "Embedding fan-out throughput with 1..K worker processes (throw-away database only)."

    def add_arguments(self, parser):
        parser.add_argument("--texts", type=int, default=256)
        parser.add_argument("--workers", default="1,2", help="worker process counts to measure")
        parser.add_argument("--threads", type=int, default=1, help="threads per worker process")
        parser.add_argument("--chunk", type=int, default=0, help="rows per chunk (setting)")
        parser.add_argument(
            "--import", dest="import_n", type=int, default=0, help="import N seeds instead"
        )
        parser.add_argument("--needs", type=int, default=100, help="needs of the import run")
        parser.add_argument("--timeout", type=float, default=3600.0)

    def handle(self, *args, texts, workers, threads, chunk, import_n, needs, timeout, **opts):
        if not settings.CELERY_BROKER_URL:
            raise CommandError("set CELERY_BROKER_URL to a Redis of your own")
        if chunk:
            settings.MATCHING_EMBED_CHUNK = chunk
        counts = [int(w) for w in workers.split(",") if w.strip()]
        results = []
        for k in counts:
            self._clean()
            proc = self._start_worker(k, threads, chunk)
            try:
                if import_n:
                    results.append(self._import(import_n, needs, k, timeout))
                else:
                    results.append(self._throughput(texts, k, timeout, proc.pid))
            finally:
                self._stop(proc)
                self._clean()
        ones = [r["texts_per_s"] for r in results if r.get("workers") == 1 and not import_n]
        if ones:
            base = sum(ones) / len(ones)
            for r in results:
                if r["workers"] > 1:
                    r["speed_up"] = round(r["texts_per_s"] / base, 2)
                    self.stdout.write(
                        f"{r['workers']} worker processes vs 1: {r['speed_up']}x "
                        f"({r['texts_per_s']} vs {base:.2f} texts/s)"
                    )
        self.stdout.write(json.dumps({"embedder": settings.MATCHING_EMBEDDER, "runs": results}))

    # --- pieces ---------------------------------------------------------------------------

    def _clean(self) -> None:
        from matching.models import EmbeddingVector, MatchRun
        from profiles.models import Need, Organization, Seed

        ids = list(Seed.objects.filter(key__startswith=PREFIX).values_list("id", flat=True))
        need_ids = list(Need.objects.filter(key__startswith=PREFIX).values_list("id", flat=True))
        EmbeddingVector.objects.filter(kind="seed", object_id__in=ids).delete()
        EmbeddingVector.objects.filter(kind="need", object_id__in=need_ids).delete()
        Seed.objects.filter(id__in=ids).delete()
        Need.objects.filter(id__in=need_ids).delete()
        Organization.objects.filter(key__startswith=PREFIX).delete()
        MatchRun.objects.filter(status__in=["pending", "running"]).update(status="failed")

    def _orgs(self):
        from profiles.choices import ApprovalStatus, OrgKind
        from profiles.models import Organization

        university, _ = Organization.objects.get_or_create(
            key=f"{PREFIX}-university",
            defaults={
                "kind": OrgKind.UNIVERSITY,
                "name": "ベンチマーク大学",
                "approval_status": ApprovalStatus.APPROVED,
            },
        )
        return university

    def _seeds(self, n: int):
        from profiles.choices import PublicationStatus
        from profiles.models import Seed

        university = self._orgs()
        pool = sample_texts(64)
        rows = [
            Seed(
                organization=university,
                key=f"{PREFIX}-{i}",
                title=f"{pool[i % len(pool)][:40]} ({i})",
                summary=pool[(i * 7) % len(pool)],
                keywords=[],
                status=PublicationStatus.PUBLISHED,
            )
            for i in range(n)
        ]
        return Seed.objects.bulk_create(rows, batch_size=2000)

    def _start_worker(self, k: int, threads: int, chunk: int):
        env = {
            **os.environ,
            "MATCHING_WORKER_THREADS": str(threads),
            "OMP_NUM_THREADS": str(threads),
            "OPENBLAS_NUM_THREADS": str(threads),
        }
        if chunk:
            env["MATCHING_EMBED_CHUNK"] = str(chunk)
        started = timezone.now()
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(k),
                "--loglevel",
                "WARNING",
                "-n",
                f"bench{k}-{os.getpid()}@%h",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        from outbox.models import WorkerHeartbeat

        deadline = time.monotonic() + 120
        while not WorkerHeartbeat.objects.filter(kind="worker", started_at__gte=started).exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise CommandError("the Celery worker did not start")
            time.sleep(0.2)
        time.sleep(3.0)  # pool processes load the embedder at worker_process_init
        return proc

    def _stop(self, proc) -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def _wait(self, done, timeout: float) -> float:
        from outbox.relay import relay_once

        start = time.monotonic()
        while not done():
            if time.monotonic() - start > timeout:
                raise CommandError(f"not done within {timeout} s")
            relay_once()
            time.sleep(0.2)
        return time.monotonic()

    def _throughput(self, n: int, k: int, timeout: float, pid: int) -> dict:
        from matching.models import MatchRun
        from matching.services.fanout import embedding_fan_out

        seeds = self._seeds(n)
        load_before = _load()
        cpu_before = _cpu_seconds(pid)
        start = time.monotonic()
        run = embedding_fan_out(rows=[("seed", s.id) for s in seeds])
        end = self._wait(
            lambda: (
                MatchRun.objects.filter(pk=run.pk, done_chunks=run.total_chunks).exists()
                or MatchRun.objects.filter(pk=run.pk, status="done").exists()
            ),
            timeout,
        )
        seconds = end - start
        cpu = _cpu_seconds(pid) - cpu_before
        figure = {
            "workers": k,
            "texts": n,
            "chunks": run.total_chunks,
            "seconds": round(seconds, 2),
            "texts_per_s": round(n / seconds, 2),
            "cpu_seconds": round(cpu, 1),
            "texts_per_cpu_s": round(n / cpu, 2) if cpu else None,
            "cores_used": round(cpu / seconds, 2),
            "load_before": load_before,
            "load_after": _load(),
        }
        self.stdout.write(
            f"{k} worker process(es): {n} texts in {figure['seconds']} s = "
            f"{figure['texts_per_s']} texts/s ({run.total_chunks} chunks; {figure['cpu_seconds']} "
            f"CPU-s in the pool = {figure['texts_per_cpu_s']} texts per CPU-second, "
            f"{figure['cores_used']} cores used); load average "
            f"{figure['load_before']} before, {figure['load_after']} after"
        )
        return figure

    def _import(self, n: int, needs: int, k: int, timeout: float) -> dict:
        from matching.models import MatchRun, Proposal
        from profiles.services.imports import catalog_import

        pool = sample_texts(64)
        company = f"{PREFIX}-company"
        data = {
            "format": "catalog/1",
            "organizations": [
                {
                    "key": f"{PREFIX}-u",
                    "kind": "university",
                    "name": "扇大学",
                    "prefecture": "宮城県",
                },
                {"key": company, "kind": "company", "name": "扇株式会社", "prefecture": "大阪府"},
            ],
            "seeds": [
                {
                    "key": f"{PREFIX}-s{i}",
                    "organization": f"{PREFIX}-u",
                    "title": f"{pool[i % len(pool)][:40]} ({i})",
                    "summary": pool[(i * 7) % len(pool)],
                }
                for i in range(n)
            ],
            "needs": [
                {
                    "key": f"{PREFIX}-n{i}",
                    "organization": company,
                    "title": f"ニーズ {i}",
                    "description": pool[(i * 3) % len(pool)],
                }
                for i in range(needs)
            ],
        }
        load_before = _load()
        began = timezone.now()
        start = time.monotonic()
        report = catalog_import(data=data, embed=True)
        imported = time.monotonic()
        if not report.written:
            raise CommandError(f"import failed: {report.errors[:3]}")

        def rebuilt() -> bool:
            return MatchRun.objects.filter(
                kind=MatchRun.Kind.FULL, created_at__gte=began, status="done"
            ).exists()

        def embedded() -> bool:
            return MatchRun.objects.filter(
                kind=MatchRun.Kind.REEMBED, created_at__gte=began, status="done"
            ).exists()

        marks = {}
        from outbox.relay import relay_once

        while not rebuilt():
            if time.monotonic() - start > timeout:
                raise CommandError(f"no proposals within {timeout} s")
            if "embedded" not in marks and embedded():
                marks["embedded"] = time.monotonic()
                self.stdout.write(
                    f"  embedded {n + needs} rows after {marks['embedded'] - start:.1f} s "
                    f"(load average {_load()})"
                )
            relay_once()
            time.sleep(0.5)
        end = time.monotonic()
        proposals = Proposal.objects.filter(need__key__startswith=PREFIX).count()
        figure = {
            "workers": k,
            "seeds": n,
            "needs": needs,
            "import_s": round(imported - start, 2),
            "embedded_s": round(marks.get("embedded", end) - start, 2),
            "proposals_s": round(end - start, 2),
            "proposals": proposals,
            "load_before": load_before,
            "load_after": _load(),
        }
        self.stdout.write(
            f"{k} worker process(es): import of {n} seeds and {needs} needs {figure['import_s']} s, "
            f"embedded after {figure['embedded_s']} s, {proposals} proposals after "
            f"{figure['proposals_s']} s; load average {load_before} before, {_load()} after"
        )
        return figure
