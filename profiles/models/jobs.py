"""Background work started from a page: a member's CSV import of seeds or needs, or a
coordinator's import of a catalog/1 JSON file.

The uploaded file is stored on the row (text, at most 5 MB like the upload itself), so the
Celery task needs nothing but the id. The import is all-or-nothing; the row records where it
stands (pending → running → done | failed), how many rows the file has, and the import report.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organizations import Organization


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        SEEDS = "seeds", _("研究シーズ")
        NEEDS = "needs", _("企業ニーズ")
        CATALOG = "catalog", _("カタログ (JSON)")

    class Status(models.TextChoices):
        PENDING = "pending", _("待機中")
        RUNNING = "running", _("実行中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    # None for a catalogue import: the platform's own data, run by a coordinator.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="import_jobs", null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
    )
    kind = models.CharField(_("種類"), max_length=16, choices=Kind.choices)
    file_name = models.CharField(_("ファイル名"), max_length=200, blank=True)
    content = models.TextField(_("ファイルの内容"))
    status = models.CharField(
        _("状態"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(_("行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("処理済みの行数"), default=0)
    report = models.JSONField(_("結果"), default=dict, blank=True)
    error = models.TextField(_("エラー"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("インポートジョブ")
        verbose_name_plural = _("インポートジョブ")
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
