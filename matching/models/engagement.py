"""What a member keeps to come back to: saved searches (query and filters) and a watchlist of
seeds, and the alerts each has sent (so an alert fires once per new or changed match).

An alert is recorded per (saved search or watch, seed, version of the seed's public content):
a seed that changes its public text matches anew and alerts again; a seed saved without a
change does not. The notification itself is made through notifications' `notify`
(docs/notifications.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from profiles.models import Seed


class SavedSearch(models.Model):
    """A search a member saved: its text and filters, as the search page takes them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("名前"), max_length=100)
    query = models.CharField(_("検索語"), max_length=500)
    # The search page's filters: field, region, trl_min, trl_max, mode (empty ones left out).
    filters = models.JSONField(_("条件"), default=dict, blank=True)
    alerts = models.BooleanField(_("新しい一致を通知"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("保存した検索")
        verbose_name_plural = _("保存した検索")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "query", "filters"], name="uniq_saved_search_per_user"
            )
        ]

    def __str__(self) -> str:
        return self.name


class WatchedSeed(models.Model):
    """A seed on a member's watchlist: they hear when its public content changes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watched_seeds"
    )
    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="watchers")
    # The version of the seed's public content when it was added or last alerted.
    version = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ウォッチリスト")
        verbose_name_plural = _("ウォッチリスト")
        constraints = [models.UniqueConstraint(fields=["user", "seed"], name="uniq_watched_seed")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.seed_id}"


class SearchAlert(models.Model):
    """One alert sent for a saved search × a seed × the seed's content version."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=64)
    relevance = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "seed", "version"], name="uniq_search_alert"
            )
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id} × {self.seed_id} @ {self.version[:8]}"
