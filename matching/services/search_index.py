"""The shared seed index: one per corpus version, built by a worker, memory-mapped by every
process that reads it.

Before, every web process built its own corpus of the matchable seeds (and embedded up to 32
seeds without a vector inside a request); each change rebuilt it in every process. Now:

- **Build (workers only).** `index_publish()` computes the corpus key of the database (one
  aggregate query over seeds, organisations, seed and need vectors of the model, committed
  proposals and readiness profiles) and, when no version with that key is published yet,
  writes one under `MATCHING_INDEX_DIR/<model>/`: the engine arrays of the seeds (`meta.npz`:
  ids, organisations, languages, TRL, modes, regions, capacity, readiness, research fields),
  the language offsets over the platform's needs (`meta.json`), the float32 vector matrix as
  a `.npy` file named after its content (the ids and content hashes of its rows), and for
  large corpora an hnswlib graph. It then replaces the pointer file `CURRENT` atomically. One
  builder at a time (an exclusive `flock` on the directory); a second one returns at once.
  Incremental: rows whose (id, content hash) are in the previous version are copied from its
  matrix instead of being read from the database again; a version whose vectors did not
  change (a capacity or an organisation changed) reuses the previous matrix and graph files.
  Old versions are pruned (`KEEP_VERSIONS`); a process that still maps one keeps its pages.
- **Load (any process).** `published_index()` reads the small pointer file (at most every
  `MATCHING_SEARCH_CHECK_SECONDS`) and loads a new version when it changed: the matrix is an
  `np.memmap` of the shared file (no copy: the page cache holds one copy for every process on
  the machine), the metadata arrays are small. Nothing is embedded or built here.
- Debounce: a build triggered by a change (`min_interval`) is skipped when the published
  version is younger than `MATCHING_INDEX_DEBOUNCE_SECONDS`; the periodic task
  (`matching.tasks.refresh_search_index`, every `MATCHING_INDEX_REFRESH_SECONDS`) catches
  what was skipped. So a burst of changes costs one build per interval, by one worker.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from matching.engine.index import ExactIndex, HnswIndex, build_index
from matching.engine.scoring import SeedSet
from matching.models import EmbeddingVector, Proposal
from profiles.models import Organization, Seed
from profiles.models.readiness import ReadinessProfile

from .corpus import COMMITTED, Corpus, language_offsets_table, seed_corpus
from .embedding import matchable
from .weights import active_weights

logger = logging.getLogger(__name__)

FORMAT = 1
POINTER = "CURRENT"
LOCK = ".build.lock"
# Versions kept on disk (the newest first); older ones are removed after a publish. A process
# that still has one mapped keeps reading it (an unlinked file lives while it is mapped).
KEEP_VERSIONS = 4
MODE_NAMES = (
    "joint_research",
    "contract_research",
    "license",
    "cross_appointment",
    "spinoff",
    "comprehensive_partnership",
)


def _slug(model_id: str) -> str:
    digest = hashlib.sha1(model_id.encode()).hexdigest()[:10]
    return f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', model_id)[:60]}-{digest}"


def index_dir(model_id: str) -> Path:
    return Path(settings.MATCHING_INDEX_DIR) / _slug(model_id)


def corpus_key(model_id: str) -> str:
    """A digest of everything a version is made of, in one query (one scan per table)."""
    q = connection.ops.quote_name
    seed, org = q(Seed._meta.db_table), q(Organization._meta.db_table)
    vec, prop = q(EmbeddingVector._meta.db_table), q(Proposal._meta.db_table)
    ready = q(ReadinessProfile._meta.db_table)
    committed = ", ".join(["%s"] * len(COMMITTED))
    sql = f"""
        SELECT * FROM
          (SELECT COUNT(*), SUM(id), MAX(updated_at) FROM {seed} WHERE status = %s) s,
          (SELECT COUNT(*), MAX(updated_at) FROM {org}) o,
          (SELECT COUNT(*), MAX(updated_at) FROM {vec} WHERE model_id = %s AND kind = 'seed') v,
          (SELECT COUNT(*), MAX(updated_at) FROM {vec} WHERE model_id = %s AND kind = 'need') n,
          (SELECT COUNT(*), MAX(updated_at) FROM {prop} WHERE status IN ({committed})) p,
          (SELECT COUNT(*), MAX(updated_at) FROM {ready}) r
    """
    params = ["published", model_id, model_id, *[str(s) for s in COMMITTED]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = [str(v) for v in cursor.fetchone()]
    lexical = bool(active_weights().get("lexical"))
    parts = [
        str(FORMAT),
        str(connection.settings_dict.get("NAME")),
        model_id,
        str(settings.MATCHING_LANGUAGE_PRIOR),
        str(settings.MATCHING_INDEX_EXACT_UP_TO),
        str(lexical),
        *row,
    ]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


def read_pointer(root: Path) -> dict | None:
    try:
        return json.loads((root / POINTER).read_text())
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def _exclusive(root: Path, *, wait: bool = False):
    """An exclusive lock on the index directory (waiting for it with `wait`): True when this
    process holds it."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- Building (workers) -----------------------------------------------------------------------


def _codes(values: list[str]) -> tuple[np.ndarray, list[str]]:
    names = sorted(set(values))
    lookup = {name: i for i, name in enumerate(names)}
    return np.array([lookup[v] for v in values], dtype=np.int32), names


def _vectors_for(model_id: str, root: Path, previous: dict | None) -> tuple[dict, dict, int]:
    """The vectors of the matchable seeds by id, with their content hashes, reusing the rows of
    the previous version whose (id, hash) did not change. Returns (vectors, hashes, read from
    the database)."""
    wanted = set(matchable("seed").values_list("id", flat=True))
    hashes = {
        object_id: digest
        for object_id, digest in EmbeddingVector.objects.filter(
            kind="seed", model_id=model_id
        ).values_list("object_id", "content_hash")
        if object_id in wanted
    }
    vectors: dict[int, np.ndarray] = {}
    if previous is not None:
        old = previous["arrays"]
        matrix = previous["matrix"]
        for row, (object_id, digest) in enumerate(
            zip(old["ids"].tolist(), old["hashes"].tolist(), strict=True)
        ):
            if hashes.get(object_id) == digest.decode():
                vectors[object_id] = matrix[row]
    missing = [i for i in hashes if i not in vectors]
    for start in range(0, len(missing), 2000):
        batch = missing[start : start + 2000]
        for object_id, blob in EmbeddingVector.objects.filter(
            kind="seed", model_id=model_id, object_id__in=batch
        ).values_list("object_id", "vector"):
            vectors[object_id] = np.frombuffer(bytes(blob), dtype="<f4")
    return vectors, hashes, len(missing)


def _previous(root: Path, pointer: dict | None) -> dict | None:
    if pointer is None:
        return None
    try:
        path = root / pointer["version"]
        arrays = dict(np.load(path / "meta.npz"))
        meta = json.loads((path / "meta.json").read_text())
        matrix = np.load(root / meta["vectors"], mmap_mode="r")
    except (OSError, ValueError, KeyError):
        return None
    return {"arrays": arrays, "meta": meta, "matrix": matrix}


def index_publish(
    *, model_id: str | None = None, min_interval: float = 0.0, wait: bool = False
) -> dict:
    """Publish the index of the current corpus version unless it is published already (or the
    newest version is younger than `min_interval` seconds, or another process is building and
    `wait` is off). Returns what happened: {"built": bool, "reason", "version", figures}."""
    from .embedding import get_embedder

    model_id = model_id or get_embedder().model_id
    root = index_dir(model_id)
    with _exclusive(root, wait=wait) as mine:
        if not mine:
            return {"built": False, "reason": "busy"}
        pointer = read_pointer(root)
        if (
            min_interval
            and pointer is not None
            and time.time() - pointer.get("built_at", 0) < min_interval
        ):
            return {"built": False, "reason": "debounced", "version": pointer["version"]}
        key = corpus_key(model_id)
        if pointer is not None and pointer.get("key") == key:
            return {"built": False, "reason": "current", "version": pointer["version"]}
        return _build(model_id, root, key, pointer)


def _build(model_id: str, root: Path, key: str, pointer: dict | None) -> dict:
    started = time.perf_counter()
    previous = _previous(root, pointer)
    vectors, hashes, read = _vectors_for(model_id, root, previous)
    seeds, seed_objs = seed_corpus(model_id, vectors)
    n = len(seeds)
    pending = matchable("seed").count() - n
    ids = seeds.ids
    digest = hashlib.sha1(ids.tobytes())
    for object_id in ids.tolist():
        digest.update(hashes[object_id].encode())
    content = digest.hexdigest()[:24]
    dim = int(seeds.vectors.shape[1]) if n else 0
    vectors_name = f"vectors-{content}.npy"
    if not (root / vectors_name).exists():
        _atomic_save(root / vectors_name, np.ascontiguousarray(seeds.vectors, dtype=np.float32))
    kind = "exact" if n <= settings.MATCHING_INDEX_EXACT_UP_TO else "hnsw"
    graph_name = ""
    if kind == "hnsw":
        graph_name = f"hnsw-{content}.bin"
        if not (root / graph_name).exists():
            graph = build_index(
                np.arange(n, dtype=np.int64),
                seeds.vectors,
                kind="hnsw",
                num_threads=settings.MATCHING_WORKER_THREADS or os.cpu_count(),
            )
            tmp = root / f".{graph_name}.{os.getpid()}.tmp"
            graph.save(str(tmp))
            os.replace(tmp, root / graph_name)
    lang_codes, lang_names = _codes([str(x) for x in seeds.languages.tolist()])
    region_codes, region_names = _codes([str(x) for x in seeds.regions.tolist()])
    field_codes, field_names = _codes([(s.field or "").lower() for s in seed_objs])
    extra = sorted({m for ms in seeds.modes for m in ms} - set(MODE_NAMES))
    mode_names = [*MODE_NAMES, *extra]
    bit = {m: 1 << i for i, m in enumerate(mode_names)}
    mode_masks = np.array([sum(bit[m] for m in ms) for ms in seeds.modes], dtype=np.int64)
    offsets = language_offsets_table(model_id, seeds)
    version = f"v{time.time_ns():020d}-{key[:10]}"  # sorts in publication order
    tmp_dir = root / f".{version}.{os.getpid()}.tmp"
    shutil.rmtree(tmp_dir, ignore_errors=True)
    tmp_dir.mkdir(parents=True)
    np.savez(
        tmp_dir / "meta.npz",
        ids=ids,
        hashes=np.array([hashes[i].encode() for i in ids.tolist()], dtype="S64"),
        org_ids=seeds.org_ids,
        lang_codes=lang_codes,
        trl=seeds.trl,
        mode_masks=mode_masks,
        region_codes=region_codes,
        capacity=np.array([s.capacity for s in seed_objs], dtype=np.int64),
        capacity_left=seeds.capacity_left.astype(np.int64),
        readiness=seeds.readiness,
        field_codes=field_codes,
    )
    if active_weights().get("lexical"):
        (tmp_dir / "texts.json").write_text(json.dumps(seeds.texts, ensure_ascii=False))
    meta = {
        "format": FORMAT,
        "version": version,
        "key": key,
        "model_id": model_id,
        "n": n,
        "dim": dim,
        "pending": pending,
        "kind": kind,
        "vectors": vectors_name,
        "graph": graph_name,
        "languages": lang_names,
        "regions": region_names,
        "fields": field_names,
        "modes": mode_names,
        "offsets": offsets,
        "built_at": time.time(),
        "rows_read": read,
    }
    (tmp_dir / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))
    os.replace(tmp_dir, root / version)
    pointer = {"version": version, "key": key, "built_at": meta["built_at"], "n": n}
    tmp = root / f".{POINTER}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(pointer))
    os.replace(tmp, root / POINTER)
    _prune(root, keep=version)
    seconds = round(time.perf_counter() - started, 3)
    logger.info(
        "search index %s published: %s seeds (%s read from the database, %s pending), %s, %.2f s",
        version,
        n,
        read,
        pending,
        kind,
        seconds,
    )
    return {
        "built": True,
        "version": version,
        "seeds": n,
        "pending": pending,
        "rows_read": read,
        "kind": kind,
        "seconds": seconds,
    }


def _atomic_save(path: Path, array: np.ndarray) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        np.save(handle, array)
    os.replace(tmp, path)


def _prune(root: Path, *, keep: str) -> None:
    versions = sorted(
        (p for p in root.iterdir() if p.is_dir() and p.name.startswith("v")), reverse=True
    )
    kept = versions[:KEEP_VERSIONS]
    for old in versions[KEEP_VERSIONS:]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
    used = set()
    for path in kept:
        try:
            meta = json.loads((path / "meta.json").read_text())
        except (OSError, ValueError):
            continue
        used.update({meta.get("vectors"), meta.get("graph")})
    for blob in root.iterdir():
        if blob.is_file() and blob.name.startswith(("vectors-", "hnsw-")) and blob.name not in used:
            with contextlib.suppress(OSError):
                blob.unlink()


# --- Loading (every process) ------------------------------------------------------------------


@dataclass
class PublishedIndex:
    """One loaded version: the engine arrays (vectors memory-mapped), its vector index and
    what search needs beyond the engine (seed capacity, research fields)."""

    version: str
    key: str
    model_id: str
    seeds: SeedSet
    index: object | None
    offsets_table: dict
    capacity: np.ndarray
    field_codes: np.ndarray
    field_names: list[str]
    pending: int
    built_at: float
    kind: str
    mode_masks: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.seeds)

    def corpus(self, weights: dict | None = None) -> Corpus:
        return Corpus.of(
            self.model_id,
            self.seeds,
            index=self.index,
            offsets_table=self.offsets_table,
            version=self.version,
            weights=weights,
        )

    def field_mask(self, text: str) -> np.ndarray:
        """Rows whose research field contains `text` (case-insensitive)."""
        needle = text.lower()
        codes = [i for i, name in enumerate(self.field_names) if needle in name]
        return np.isin(self.field_codes, codes)

    def has_mode(self, mode: str) -> np.ndarray:
        mask = self.mode_masks.get(mode)
        if mask is None:
            mask = np.array([mode in m for m in self.seeds.modes], dtype=bool)
            self.mode_masks[mode] = mask
        return mask


_lock = threading.Lock()
_current: dict[str, PublishedIndex] = {}  # index directory -> newest loaded version
_by_version: dict[tuple[str, str], PublishedIndex] = {}  # (directory, version) -> loaded
_checked: dict[str, float] = {}
_matrices: dict[str, np.ndarray] = {}  # blob path -> memmap, shared by versions


def reset_loaded() -> None:
    """Forget the loaded versions (tests; a process that switched index directories)."""
    with _lock:
        _pending.clear()
        _current.clear()
        _by_version.clear()
        _checked.clear()
        _matrices.clear()


def _load(root: Path, version: str) -> PublishedIndex:
    path = root / version
    meta = json.loads((path / "meta.json").read_text())
    with np.load(path / "meta.npz") as npz:
        arrays = {name: npz[name] for name in npz.files if name != "hashes"}
    blob = str(root / meta["vectors"])
    matrix = _matrices.get(blob)
    if matrix is None:
        matrix = np.load(blob, mmap_mode="r")
        _matrices[blob] = matrix
    n, dim = meta["n"], meta["dim"]
    if n == 0:
        matrix = np.zeros((0, dim), dtype=np.float32)
    languages = np.array(meta["languages"] or [""], dtype=object)[arrays["lang_codes"]]
    regions = np.array(meta["regions"] or [""], dtype=object)[arrays["region_codes"]]
    sets: dict[int, frozenset] = {}
    names = meta["modes"]

    def modes_of(mask: int) -> frozenset:
        found = sets.get(mask)
        if found is None:
            found = sets[mask] = frozenset(m for i, m in enumerate(names) if mask >> i & 1)
        return found

    texts: list[str] = []
    if (path / "texts.json").exists() and active_weights().get("lexical"):
        texts = json.loads((path / "texts.json").read_text())
    seeds = SeedSet(
        ids=arrays["ids"],
        vectors=matrix,
        org_ids=arrays["org_ids"],
        languages=languages,
        trl=arrays["trl"],
        modes=[modes_of(int(m)) for m in arrays["mode_masks"].tolist()],
        regions=regions,
        capacity_left=arrays["capacity_left"],
        readiness=arrays["readiness"],
        texts=texts,
    )
    rows = np.arange(n, dtype=np.int64)
    if meta["kind"] == "hnsw" and n:
        index = HnswIndex.load(
            str(root / meta["graph"]), rows, dim, num_threads=settings.MATCHING_WEB_THREADS or 1
        )
    else:
        index = ExactIndex(rows, matrix) if n else None
    return PublishedIndex(
        version=version,
        key=meta["key"],
        model_id=meta["model_id"],
        seeds=seeds,
        index=index,
        offsets_table=meta["offsets"],
        capacity=arrays["capacity"],
        field_codes=arrays["field_codes"],
        field_names=meta["fields"],
        pending=meta["pending"],
        built_at=meta["built_at"],
        kind=meta["kind"],
    )


def published_index(*, model_id: str, check_seconds: float | None = None) -> PublishedIndex | None:
    """The newest published version for `model_id`, loaded once per process (None when no
    worker has published one yet). Reads only the pointer file, at most every
    `check_seconds` (MATCHING_SEARCH_CHECK_SECONDS)."""
    root = index_dir(model_id)
    key = str(root)
    interval = settings.MATCHING_SEARCH_CHECK_SECONDS if check_seconds is None else check_seconds
    cached = _current.get(key)
    now = time.monotonic()
    if cached is not None and now - _checked.get(key, 0.0) < interval:
        return cached
    pointer = read_pointer(root)
    _checked[key] = now
    if pointer is None:
        return cached
    if cached is not None and cached.version == pointer["version"]:
        return cached
    with _lock:
        cached = _current.get(key)
        if cached is None or cached.version != pointer["version"]:
            try:
                loaded = _load(root, pointer["version"])
            except (OSError, ValueError, KeyError):
                logger.warning("search index %s could not be loaded", pointer.get("version"))
                return cached
            _current[key] = loaded
            _by_version[(key, loaded.version)] = loaded
            _forget_old(key, loaded.version)
            cached = loaded
    return cached


def _forget_old(key: str, newest: str) -> None:
    """Drop older versions of this directory and the matrices no loaded version uses."""
    for root, version in list(_by_version):
        if root == key and version != newest:
            del _by_version[(root, version)]
    used = {id(loaded.seeds.vectors) for loaded in _by_version.values()}
    for blob, matrix in list(_matrices.items()):
        if id(matrix) not in used:
            del _matrices[blob]


def version_corpus(*, model_id: str, version: str) -> Corpus | None:
    """The corpus of one published version (a match run's), loaded once per process; None when
    that version is gone (pruned)."""
    root = index_dir(model_id)
    cache_key = (str(root), version)
    loaded = _by_version.get(cache_key)
    if loaded is None:
        if not (root / version / "meta.json").exists():
            return None
        with _lock:
            loaded = _by_version.get(cache_key)
            if loaded is None:
                loaded = _load(root, version)
                _by_version[cache_key] = loaded
    return loaded.corpus()


def current_corpus(*, model_id: str, seeds_changed: bool = True) -> Corpus:
    """The seed corpus for worker-side matching. After a seed changed (`seeds_changed`), the
    version of the current database state: published if it is missing (waiting for a build
    under way) and loaded, so consecutive refreshes of an unchanged corpus share one build.
    Otherwise (a need changed: the seeds are what they were) the newest published version, as
    the web reads it, without a build."""
    pointer = None if seeds_changed else read_pointer(index_dir(model_id))
    version = pointer["version"] if pointer else None
    if version is None:
        version = index_publish(model_id=model_id, wait=True).get("version")
    corpus = version_corpus(model_id=model_id, version=version) if version else None
    return corpus if corpus is not None else Corpus(model_id)


_pending: dict[str, tuple[float, str, int, list[tuple[int, str]]]] = {}
# The lexical fallback looks among at most this many seeds not in the index yet (the newest
# ids first: an import appends rows).
PENDING_SCAN = 2000


def pending_seeds(
    *, model_id: str, published: PublishedIndex | None
) -> tuple[int, list[tuple[int, str]]]:
    """Matchable seeds not in the semantic index yet (published or re-published after the
    loaded version was built, most of them waiting for their embedding): how many, and the
    newest PENDING_SCAN of them as (id, lower-cased public title, summary and keywords) for the
    lexical fallback. Two queries, kept per process for MATCHING_SEARCH_CHECK_SECONDS, so a
    search during a backlog matches words in memory. The matchable ids are compared with the
    version's ids in memory: an anti-join with the vector table was planned as a nested loop
    while the statistics of a table that just grew by an import were stale (5-20 s measured
    at 20k seeds)."""
    now = time.monotonic()
    version = published.version if published is not None else ""
    cached = _pending.get(model_id)
    if (
        cached is not None
        and cached[1] == version
        and now - cached[0] < settings.MATCHING_SEARCH_CHECK_SECONDS
    ):
        return cached[2], cached[3]
    ids = np.fromiter(matchable("seed").order_by().values_list("id", flat=True), dtype=np.int64)
    if published is not None and len(published):
        ids = np.setdiff1d(ids, published.seeds.ids, assume_unique=True)
    newest = np.sort(ids)[::-1][:PENDING_SCAN].tolist()
    texts = {
        i: " ".join([title, summary, " ".join(map(str, keywords or []))]).lower()
        for i, title, summary, keywords in Seed.objects.filter(id__in=newest).values_list(
            "id", "title", "summary", "keywords"
        )
    }
    rows = [(i, texts[i]) for i in newest if i in texts]
    _pending[model_id] = (now, version, len(ids), rows)
    return len(ids), rows
