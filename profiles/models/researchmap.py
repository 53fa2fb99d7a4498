"""Draft seeds made from researchmap data, and where each one came from.

- `ResearchmapImport`: one run of the importer (an uploaded file, a command's file, or the
  WebAPI) for one organisation, with its report (every record that could not be read, with the
  reason; the achievements that were read but not made into drafts). The stored text is kept
  only until the run has finished.
- `ImportedSeed`: a seed that came from researchmap (a research project, or a patent family),
  with the values last taken from researchmap (`imported`) and the researchmap values that were
  not applied because the IP office had edited the field by hand, or because the seed is
  published (`pending`: the office takes or leaves them on the review page). A seed the office
  discarded (deleted) keeps this row without a seed, so a re-import does not bring it back.
- `ImportedAchievement`: the key of a re-import: a researchmap achievement (its `@type` and
  `rm:id`) of the organisation, and the imported seed it went into.
- `ResearchmapImportSeed`: what one run did to one imported seed (created, updated, unchanged,
  held), so the review page lists the drafts of one import.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalog import Seed
from .organizations import Organization


class ResearchmapImport(models.Model):
    class Source(models.TextChoices):
        FILE = "file", _("ファイル")
        API = "api", _("researchmap WebAPI")

    class Status(models.TextChoices):
        PENDING = "pending", _("待機中")
        RUNNING = "running", _("実行中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="researchmap_imports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="researchmap_imports",
    )
    source = models.CharField(_("取得元"), max_length=8, choices=Source.choices)
    label = models.CharField(_("ファイル名・パーマリンク"), max_length=300, blank=True)
    content = models.TextField(_("取り込むデータ"), blank=True)
    status = models.CharField(
        _("状態"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    total_records = models.PositiveIntegerField(_("レコード数"), default=0)
    report = models.JSONField(_("結果"), default=dict, blank=True)
    error = models.TextField(_("エラー"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("researchmap 取り込み")
        verbose_name_plural = _("researchmap 取り込み")
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"researchmap #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ImportedSeed(models.Model):
    class Kind(models.TextChoices):
        PROJECT = "project", _("研究課題")
        PATENT_FAMILY = "patent_family", _("特許ファミリー")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="imported_seeds"
    )
    seed = models.OneToOneField(
        Seed, on_delete=models.SET_NULL, null=True, blank=True, related_name="researchmap"
    )
    kind = models.CharField(_("種類"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("タイトル"), max_length=300, blank=True)
    imported = models.JSONField(_("前回取り込んだ値"), default=dict, blank=True)
    pending = models.JSONField(_("反映していない researchmap の値"), default=dict, blank=True)
    source = models.JSONField(_("取得元の業績"), default=dict, blank=True)
    first_import = models.ForeignKey(
        ResearchmapImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_import = models.ForeignKey(
        ResearchmapImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    discarded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("researchmap から作ったシーズ")
        verbose_name_plural = _("researchmap から作ったシーズ")

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    @property
    def is_discarded(self) -> bool:
        return self.seed_id is None


class ImportedAchievement(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    achievement_type = models.CharField(_("業績種別"), max_length=40)
    achievement_id = models.CharField(_("業績ID (rm:id)"), max_length=100)
    permalink = models.CharField(_("パーマリンク"), max_length=100, blank=True)
    imported_seed = models.ForeignKey(
        ImportedSeed, on_delete=models.CASCADE, related_name="achievements"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "achievement_type", "achievement_id"],
                name="imported_achievement_unique_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.achievement_type}/{self.achievement_id}"


class ResearchmapImportSeed(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", _("新規")
        UPDATED = "updated", _("更新")
        UNCHANGED = "unchanged", _("変更なし")
        HELD = "held", _("確認待ちの差分")

    run = models.ForeignKey(ResearchmapImport, on_delete=models.CASCADE, related_name="entries")
    imported_seed = models.ForeignKey(
        ImportedSeed, on_delete=models.CASCADE, related_name="entries"
    )
    action = models.CharField(_("処理"), max_length=16, choices=Action.choices)
    changed = models.JSONField(default=list, blank=True)
    held = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "imported_seed"], name="researchmap_import_seed_once"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.run_id}: {self.get_action_display()}"
