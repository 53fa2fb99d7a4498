"""Organisations (universities, institutes, companies, investors) and their members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from profiles.choices import (
    ACADEMIC_KINDS,
    PREFECTURE_CHOICES,
    ApprovalStatus,
    MemberRole,
    OrgKind,
    Region,
)


class Organization(models.Model):
    key = models.SlugField(_("キー"), max_length=100, unique=True)
    kind = models.CharField(_("種別"), max_length=32, choices=OrgKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英語名称"), max_length=200, blank=True)
    prefecture = models.CharField(
        _("都道府県"), max_length=8, choices=PREFECTURE_CHOICES, blank=True
    )
    # Derived from the prefecture by the services, stored so that lists filter on it.
    region = models.CharField(_("地域"), max_length=32, choices=Region.choices, blank=True)
    website = models.URLField(_("ウェブサイト"), blank=True)
    description = models.TextField(_("紹介"), blank=True)
    contact_email = models.EmailField(_("連絡先メール"), blank=True)
    approval_status = models.CharField(
        _("承認状態"),
        max_length=16,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.APPROVED,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("組織")
        verbose_name_plural = _("組織")
        indexes = [models.Index(fields=["kind", "region"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_academic(self) -> bool:
        return self.kind in ACADEMIC_KINDS

    @property
    def is_approved(self) -> bool:
        return self.approval_status == ApprovalStatus.APPROVED


class Membership(models.Model):
    """A user's place in one organisation. Platform admins (coordinators) are `user.is_staff`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("役割"), max_length=16, choices=MemberRole.choices, default=MemberRole.STAFF
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("メンバー")
        verbose_name_plural = _("メンバー")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"

    @property
    def is_manager(self) -> bool:
        return self.role == MemberRole.MANAGER


class Account(models.Model):
    """What a user chose for themselves: the language of their pages and e-mails."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    language = models.CharField(
        _("表示言語"), max_length=8, choices=settings.LANGUAGES, default="ja"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("アカウント設定")
        verbose_name_plural = _("アカウント設定")

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"


class Invitation(models.Model):
    """A manager's invitation of a person (by e-mail) to join the organisation with a role.

    The link in the e-mail carries a signed reference to this row (see
    `profiles.services.invitations`); it works once, until `expires_at`, unless revoked.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("メールアドレス"))
    role = models.CharField(
        _("役割"), max_length=16, choices=MemberRole.choices, default=MemberRole.STAFF
    )
    nonce = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("有効期限"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("招待")
        verbose_name_plural = _("招待")

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def is_open(self) -> bool:
        from django.utils import timezone

        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
