"""Time the saved-search alerts of one changed seed (`seed_alerts_send`) against N saved searches,
next to the plain search each of them runs (the fair baseline: an alert task is one search per
saved search plus its bookkeeping).

Run it against a THROW-AWAY database only: it reuses (or writes) the synthetic seeds of
`benchmark_search` and writes N saved searches of its user.

    DATABASE_URL=sqlite:////tmp/alerts-bench.db python manage.py migrate
    DATABASE_URL=sqlite:////tmp/alerts-bench.db python manage.py benchmark_alerts --seeds 10000 --searches 100

Prints one JSON line: seeds, saved searches, the alert task per seed (p50, max, seconds), per
saved search and one plain search (p50, milliseconds), their ratio, machine and load average.
"""

from __future__ import annotations

import json
import os
import platform
import time

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from matching.management.commands.benchmark_search import PREFIX, WORDS


class Command(BaseCommand):
    help = "Time the saved-search alerts of a changed seed (throw-away database only)."

    def add_arguments(self, parser):
        parser.add_argument("--seeds", type=int, default=10_000)
        parser.add_argument("--searches", type=int, default=100)
        parser.add_argument("--changes", type=int, default=6, help="seeds whose alerts are timed")

    def handle(self, *args, seeds: int, searches: int, changes: int, **options):
        from matching.models import SavedSearch, SearchAlert
        from matching.services.alerts import seed_alerts_send
        from matching.services.embedding import reset_embedder
        from matching.services.search import search
        from profiles.models import Seed

        call_command("benchmark_search", seeds=seeds, queries=1, stdout=open(os.devnull, "w"))
        settings.MATCHING_EMBEDDER, settings.MATCHING_MODEL = "hashing", "384"
        reset_embedder()
        user = get_user_model().objects.get(username=f"{PREFIX}-user")
        rng = np.random.default_rng(11)
        SavedSearch.objects.filter(user=user).delete()
        for i in range(searches):
            SavedSearch.objects.create(
                user=user,
                name=f"s{i}",
                query=" ".join(rng.choice(WORDS, 4)),
                filters={"region": "kanto"} if i % 5 == 4 else {},
            )
        ids = Seed.objects.filter(key__startswith=f"{PREFIX}-seed-").values_list("id", flat=True)
        search(user=user, text="warm up", limit=100)  # the per-process corpus, built once
        task = []
        for seed_id in list(ids[:changes]):
            # A seed changed after the searches were saved (alerts tell only of those).
            Seed.objects.filter(pk=seed_id).update(updated_at=timezone.now())
            start = time.perf_counter()
            seed_alerts_send(seed_id=seed_id)
            task.append(time.perf_counter() - start)
        plain = []
        for saved in SavedSearch.objects.filter(user=user)[:50]:
            start = time.perf_counter()
            search(user=user, text=saved.query, limit=100)
            plain.append(time.perf_counter() - start)
        per_search = float(np.median(task)) / searches
        baseline = float(np.median(plain))
        result = {
            "seeds": ids.count(),
            "saved_searches": searches,
            "alert_task_p50_s": round(float(np.median(task)), 3),
            "alert_task_max_s": round(max(task), 3),
            "per_saved_search_ms": round(per_search * 1000, 1),
            "one_search_p50_ms": round(baseline * 1000, 1),
            "ratio_to_one_search": round(per_search / baseline, 2),
            "alerts": SearchAlert.objects.filter(saved_search__user=user).count(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
            "loadavg": [round(x, 2) for x in os.getloadavg()],
        }
        self.stdout.write(json.dumps(result))
