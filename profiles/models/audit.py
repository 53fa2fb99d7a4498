"""Who read whose confidential details, and when (L-RAD style access log).

One row per read of a row's confidential fields through a page, the API, an export, an
introduction or the Django admin, written by `profiles.services.audit`. The owning
organisation sees the log of its own data; superusers' reads are logged like anyone's.
Names are kept as they were at the time, so the log stays readable after a user or an
organisation is renamed or removed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organizations import Organization


class ConfidentialRead(models.Model):
    class Channel(models.TextChoices):
        PAGE = "page", _("画面")
        API = "api", _("API")
        EXPORT = "export", _("エクスポート")
        INTRODUCTION = "introduction", _("紹介")
        ADMIN = "admin", _("管理画面")

    at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(_("ユーザー"), max_length=150)
    reader_organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reader_organization_name = models.CharField(_("閲覧した組織"), max_length=200, blank=True)
    is_superuser = models.BooleanField(default=False)
    owner = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="confidential_reads"
    )
    kind = models.CharField(_("種類"), max_length=16)
    object_id = models.BigIntegerField()
    object_title = models.CharField(_("対象"), max_length=300)
    channel = models.CharField(_("経路"), max_length=16, choices=Channel.choices)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("非公開情報の閲覧記録")
        verbose_name_plural = _("非公開情報の閲覧記録")
        indexes = [models.Index(fields=["owner", "-at"])]

    def __str__(self) -> str:
        return f"{self.username} → {self.kind}:{self.object_id} ({self.channel})"
