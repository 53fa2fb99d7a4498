"""Calibrations of relevance, stored as data with the embedding model they were fitted for.

`manage.py fit_relevance GOLD` fits one on a gold file (leave-one-company-out figures
included) and stores it here; the latest row of a model id is in force. Without a row, the
packaged default of that model (matching/data/relevance_calibrations.json) applies; a model
with neither is uncalibrated (no floor on proposals, no relevance bands). See
`matching.services.relevance`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RelevanceCalibration(models.Model):
    """p(relevant) = sigmoid(intercept + slope · semantic z) × structured conflicts."""

    model_id = models.CharField(_("埋め込みモデル"), max_length=200, db_index=True)
    method = models.CharField(_("方式"), max_length=32, default="platt-z")
    intercept = models.FloatField(_("切片"))
    slope = models.FloatField(_("傾き (z あたり)"))
    suggested_floor = models.FloatField(_("推奨する下限 (検証曲線から)"), null=True, blank=True)
    # In-sample and held-out (leave-one-company-out) figures, the floor curve, the folds.
    report = models.JSONField(_("評価"), default=dict, blank=True)
    source = models.CharField(_("正解データ"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("関連度の校正")
        verbose_name_plural = _("関連度の校正")

    def __str__(self) -> str:
        return f"{self.model_id} ({self.method}, {self.created_at:%Y-%m-%d})"
