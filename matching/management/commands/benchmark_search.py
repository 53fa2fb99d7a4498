"""Time semantic seed search (`search_seeds`) over N synthetic seeds.

Run it against a THROW-AWAY database only: it writes N seeds (random public text, random
L2-normalised vectors stored as EmbeddingVector rows of the hashing embedder) under keys
`bench-search-*`, once; later runs with the same N reuse them.

    DATABASE_URL=sqlite:////tmp/search-bench.db python manage.py migrate
    DATABASE_URL=sqlite:////tmp/search-bench.db python manage.py benchmark_search --seeds 10000

The shared index is published first, as a worker would (`index_publish`, timed: `build_s`),
then this process searches like a web process: the first query loads (maps) the published
version (`cold_ms`), the others reuse it. Prints one JSON line: seeds, queries, build_s,
cold_ms, p50/p95/max of the following queries in milliseconds, and this process's resident
memory before the first search and after the last (total, anonymous and file-backed, MiB: the
mapped vector matrix is file-backed and shared by every process on the machine).
"""

from __future__ import annotations

import json
import os
import time

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from matching.models import EmbeddingVector
from profiles.choices import ApprovalStatus, MemberRole, OrgKind, PublicationStatus
from profiles.models import Membership, Organization, Seed

PREFIX = "bench-search"
WORDS = (
    "全固体電池 固体電解質 リチウム 正極 界面 触媒 水素 燃料電池 半導体 パワーデバイス 量子 センサ "
    "ロボット 制御 画像認識 機械学習 創薬 抗体 ゲノム 再生医療 農業 土壌 米粉 発酵 食品 "
    "battery electrolyte catalyst hydrogen semiconductor sensor robot vision learning drug "
    "antibody genome agriculture soil fermentation food polymer composite coating"
).split()
REGIONS = ("hokkaido", "tohoku", "kanto", "chubu", "kinki", "chugoku", "shikoku", "kyushu_okinawa")
MODES = ("joint_research", "contract_research", "license", "cross_appointment")
FIELDS = ("材料", "エネルギー", "情報", "ライフサイエンス", "農学", "機械")


class Command(BaseCommand):
    help = "Time search_seeds over N synthetic seeds (throw-away database only)."

    def add_arguments(self, parser):
        parser.add_argument("--seeds", type=int, default=10_000)
        parser.add_argument("--queries", type=int, default=50)
        parser.add_argument("--dim", type=int, default=384, help="hashing features (model id)")
        parser.add_argument("--orgs", type=int, default=200)

    def handle(self, *args, seeds: int, queries: int, dim: int, orgs: int, **options):
        from matching.services.embedding import get_embedder, reset_embedder
        from matching.services.search import search_seeds

        settings.MATCHING_EMBEDDER = "hashing"
        settings.MATCHING_MODEL = str(dim)
        reset_embedder()
        embedder = get_embedder()
        rng = np.random.default_rng(7)
        user = self._world(seeds=seeds, orgs=orgs, model_id=embedder.model_id, rng=rng)
        from matching.services.search_index import index_publish, reset_loaded

        start = time.perf_counter()
        published = index_publish(model_id=embedder.model_id, wait=True)
        build_s = time.perf_counter() - start
        reset_loaded()
        rss_before = _rss()
        texts = [" ".join(rng.choice(WORDS, 4)) for _ in range(queries + 1)]
        timings = []
        for i, text in enumerate(texts):
            filters = {"region": REGIONS[i % len(REGIONS)]} if i % 5 == 4 else {}
            start = time.perf_counter()
            hits = search_seeds(user=user, text=text, limit=20, **filters)
            timings.append((time.perf_counter() - start) * 1000)
            if not hits:
                raise RuntimeError(f"no hits for {text!r} {filters}")
        warm = np.array(timings[1:])
        rss_after = _rss()
        result = {
            "seeds": Seed.objects.filter(key__startswith=PREFIX).count(),
            "queries": len(warm),
            "index": published.get("version"),
            "build_s": round(build_s, 2),
            "rss_before_mib": rss_before,
            "rss_after_mib": rss_after,
            "load_average": " / ".join(f"{v:.2f}" for v in os.getloadavg()),
            "cold_ms": round(timings[0], 1),
            "p50_ms": round(float(np.percentile(warm, 50)), 1),
            "p95_ms": round(float(np.percentile(warm, 95)), 1),
            "max_ms": round(float(warm.max()), 1),
        }
        self.stdout.write(json.dumps(result))

    @transaction.atomic
    def _world(self, *, seeds: int, orgs: int, model_id: str, rng):
        company, _ = Organization.objects.get_or_create(
            key=f"{PREFIX}-company",
            defaults={
                "kind": OrgKind.COMPANY,
                "name": "ベンチマーク株式会社",
                "approval_status": ApprovalStatus.APPROVED,
            },
        )
        User = get_user_model()
        user, created = User.objects.get_or_create(username=f"{PREFIX}-user")
        if created:
            Membership.objects.create(user=user, organization=company, role=MemberRole.MANAGER)
        universities = []
        for i in range(orgs):
            org, _ = Organization.objects.get_or_create(
                key=f"{PREFIX}-univ-{i}",
                defaults={
                    "kind": OrgKind.UNIVERSITY,
                    "name": f"ベンチマーク大学{i}",
                    "region": REGIONS[i % len(REGIONS)],
                    "approval_status": ApprovalStatus.APPROVED,
                },
            )
            universities.append(org)
        have = Seed.objects.filter(key__startswith=f"{PREFIX}-seed-").count()
        dim = int(model_id.rsplit(":", 1)[-1])
        batch = 5000
        for start in range(have, seeds, batch):
            stop = min(start + batch, seeds)
            rows = [
                Seed(
                    organization=universities[i % len(universities)],
                    key=f"{PREFIX}-seed-{i}",
                    title=" ".join(rng.choice(WORDS, 3)),
                    summary=" ".join(rng.choice(WORDS, 12)),
                    keywords=list(rng.choice(WORDS, 3)),
                    field=FIELDS[i % len(FIELDS)],
                    trl=int(rng.integers(1, 10)),
                    collaboration_modes=[MODES[i % len(MODES)]],
                    status=PublicationStatus.PUBLISHED,
                )
                for i in range(start, stop)
            ]
            created = Seed.objects.bulk_create(rows)
            if created[0].pk is None:  # backends that do not return ids
                created = list(Seed.objects.filter(key__in=[s.key for s in rows]).only("id", "key"))
            vectors = rng.standard_normal((len(created), dim)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            EmbeddingVector.objects.bulk_create(
                [
                    EmbeddingVector(
                        kind="seed",
                        object_id=seed.pk,
                        model_id=model_id,
                        content_hash="synthetic",
                        dim=dim,
                        vector=vector.astype("<f4").tobytes(),
                    )
                    for seed, vector in zip(created, vectors, strict=True)
                ]
            )
        return user


def _rss() -> dict:
    """This process's resident memory in MiB: total, anonymous, file-backed (mapped files)."""
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key = line.split(":")[0]
            if key in ("VmRSS", "RssAnon", "RssFile"):
                out[key] = round(int(line.split()[1]) / 1024, 1)
    return out
