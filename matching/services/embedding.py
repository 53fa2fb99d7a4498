"""Embeddings of what organisations publish, stored per model (EmbeddingVector).

`get_embedder()` builds the embedder named by settings (MATCHING_EMBEDDER, MATCHING_MODEL)
once per process: a Celery worker loads the model on its first task (or at
worker_process_init) and keeps it. Vectors are keyed by (kind, object id, model id) with the
sha256 of the embedded text: a row is re-embedded only when its public text or the model
changed, and a ranking reads vectors of the active model id only, so a model change never
mixes two models (rows not yet re-embedded are simply absent until the background sweep
reaches them).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils import timezone

from matching.engine.embedders import Embedder, content_hash, make_embedder
from matching.models import EmbeddingVector
from profiles.choices import ACADEMIC_KINDS, ApprovalStatus, OrgKind, PublicationStatus
from profiles.models import InvestorProfile, Need, Seed, Venture

_lock = threading.Lock()
_embedders: dict[tuple[str, str], Embedder] = {}

# Embedding runs in batches of this many rows per database round trip.
EMBED_BATCH = 64


def get_embedder() -> Embedder:
    """The embedder of the current settings, loaded once per process."""
    key = (settings.MATCHING_EMBEDDER, settings.MATCHING_MODEL or "")
    embedder = _embedders.get(key)
    if embedder is None:
        with _lock:
            embedder = _embedders.get(key)
            if embedder is None:
                embedder = make_embedder(*key)
                _embedders[key] = embedder
    return embedder


def reset_embedder() -> None:
    """Forget loaded embedders (tests that switch settings)."""
    with _lock:
        _embedders.clear()


@dataclass(frozen=True)
class Subject:
    model: type
    role: str  # "query" or "passage"


SUBJECTS: dict[str, Subject] = {
    "seed": Subject(Seed, "passage"),
    "need": Subject(Need, "query"),
    "investor": Subject(InvestorProfile, "passage"),
    "venture": Subject(Venture, "query"),
}


def matchable(kind: str):
    """Rows that take part in matching: published, of an approved organisation of the right
    kind. Drafts, archived rows and pending organisations are never embedded or ranked."""
    model = SUBJECTS[kind].model
    qs = model.objects.filter(
        status=PublicationStatus.PUBLISHED,
        organization__approval_status=ApprovalStatus.APPROVED,
    ).select_related("organization")
    if kind in ("seed", "venture"):
        qs = qs.filter(organization__kind__in=ACADEMIC_KINDS)
    elif kind == "need":
        qs = qs.filter(organization__kind=OrgKind.COMPANY)
    return qs.order_by("id")


def subject_text(obj) -> str:
    """The public text embedded for a row (never a confidential field)."""
    return obj.embedding_text()


def _embed(embedder: Embedder, role: str, texts: list[str]) -> np.ndarray:
    if role == "query":
        return embedder.embed_queries(texts)
    return embedder.embed_passages(texts)


def vectors_embed(
    *,
    kind: str,
    ids: list[int] | None = None,
    embedder: Embedder | None = None,
    return_ids: bool = False,
    on_batch=None,
):
    """Embed the rows of `kind` (all matchable ones, or `ids`) whose vector for the active
    model is missing or stale. Returns how many were (re-)embedded (their ids with
    `return_ids`). Safe to run twice: the second run finds nothing stale. `on_batch()` is
    called after each committed batch (a run's sign of life)."""
    embedder = embedder or get_embedder()
    stale = stale_rows(kind=kind, ids=ids, embedder=embedder)
    role = SUBJECTS[kind].role
    for start in range(0, len(stale), EMBED_BATCH):
        batch = stale[start : start + EMBED_BATCH]
        matrix = _embed(embedder, role, [text for _, text, _ in batch])
        now = timezone.now()
        rows = [
            EmbeddingVector(
                kind=kind,
                object_id=object_id,
                model_id=embedder.model_id,
                content_hash=digest,
                dim=int(vector.shape[0]),
                vector=np.asarray(vector, dtype="<f4").tobytes(),
                updated_at=now,
            )
            for (object_id, _, digest), vector in zip(batch, matrix, strict=True)
        ]
        # One statement per batch (INSERT … ON CONFLICT DO UPDATE), not two per row.
        EmbeddingVector.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["kind", "object_id", "model_id"],
            update_fields=["content_hash", "dim", "vector", "updated_at"],
        )
        if on_batch is not None:
            on_batch()
    return [object_id for object_id, _, _ in stale] if return_ids else len(stale)


def stale_rows(
    *, kind: str, ids: list[int] | None = None, embedder: Embedder | None = None
) -> list[tuple[int, str, str]]:
    """(id, text, sha256) of the matchable rows of `kind` (all, or `ids`) whose vector for the
    active model is missing or was made from another text."""
    embedder = embedder or get_embedder()
    qs = matchable(kind)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    existing = EmbeddingVector.objects.filter(kind=kind, model_id=embedder.model_id)
    if ids is not None:
        existing = existing.filter(object_id__in=ids)
    known = dict(existing.values_list("object_id", "content_hash"))
    stale: list[tuple[int, str, str]] = []
    for obj in qs.iterator(chunk_size=500):
        text = subject_text(obj)
        digest = content_hash(text)
        if known.get(obj.id) != digest:
            stale.append((obj.id, text, digest))
    return stale


def stale_ids(*, kind: str, embedder: Embedder | None = None) -> list[int]:
    return [object_id for object_id, _, _ in stale_rows(kind=kind, embedder=embedder)]


def vectors_embed_all(*, embedder: Embedder | None = None, on_batch=None) -> dict[str, int]:
    return {
        kind: vectors_embed(kind=kind, embedder=embedder, on_batch=on_batch) for kind in SUBJECTS
    }


def vectors_load(
    *, kind: str, ids: list[int] | None = None, model_id: str | None = None
) -> dict[int, np.ndarray]:
    """Stored vectors of the active model (or `model_id`), by object id."""
    model_id = model_id or get_embedder().model_id
    qs = EmbeddingVector.objects.filter(kind=kind, model_id=model_id)
    if ids is not None:
        qs = qs.filter(object_id__in=ids)
    return {
        object_id: np.frombuffer(bytes(blob), dtype="<f4").astype(np.float32)
        for object_id, blob in qs.values_list("object_id", "vector").iterator(chunk_size=2000)
    }


def stale_count(*, embedder: Embedder | None = None) -> int:
    """How many matchable rows lack an up-to-date vector for the active model."""
    embedder = embedder or get_embedder()
    return sum(len(stale_rows(kind=kind, embedder=embedder)) for kind in SUBJECTS)


def active_model_id() -> str:
    """The active model's id without loading a model into a process that has none (the web's
    readiness probe): the loaded embedder's, else that of the newest stored vector."""
    embedder = _embedders.get((settings.MATCHING_EMBEDDER, settings.MATCHING_MODEL or ""))
    if embedder is not None:
        return embedder.model_id
    newest = EmbeddingVector.objects.order_by("-updated_at").values_list("model_id", flat=True)
    return newest.first() or ""


def embedding_backlog() -> dict:
    """Matchable rows without a vector of the active model: how many, and since when the oldest
    of them waits (its last change). One query per kind; no text is hashed. `NOT IN` (a hashed
    subplan), not `NOT EXISTS`: right after a bulk import the tables' statistics are stale and
    PostgreSQL planned the anti-join as a nested loop (2.8 s at 20k seeds instead of 15 ms)."""
    from django.db.models import Count, Min

    model_id = active_model_id()
    missing, oldest = 0, None
    for kind in SUBJECTS:
        vectors = EmbeddingVector.objects.filter(kind=kind, model_id=model_id)
        row = (
            matchable(kind)
            .order_by()
            .exclude(id__in=vectors.values("object_id"))
            .aggregate(n=Count("id"), oldest=Min("updated_at"))
        )
        missing += row["n"]
        if row["oldest"] is not None and (oldest is None or row["oldest"] < oldest):
            oldest = row["oldest"]
    return {"model_id": model_id, "missing": missing, "oldest": oldest}
