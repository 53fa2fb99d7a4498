"""What organisations publish: research seeds, company needs, investor theses, ventures.

Fields named `confidential_*` are visible to the owning organisation only (and, after an
introduction, to the two introduced parties). Reads go through `profiles.selectors`, which
scope every queryset to the caller; `embedding_text()` uses public fields only, so nothing
confidential ever reaches the matcher, an explanation or a log.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from profiles.choices import (
    TRL_MAX,
    TRL_MIN,
    InvestorKind,
    Language,
    PublicationStatus,
    Stage,
)

from .organizations import Organization

TRL_VALIDATORS = [MinValueValidator(TRL_MIN), MaxValueValidator(TRL_MAX)]


def _join_text(*parts: object) -> str:
    out: list[str] = []
    for part in parts:
        if isinstance(part, (list, tuple)):
            part = " ".join(str(p) for p in part if p)
        if part:
            out.append(str(part).strip())
    return "\n".join(out)


class Seed(models.Model):
    """A research seed (研究シーズ) of a university or research institute."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="seeds")
    key = models.SlugField(_("キー"), max_length=100, unique=True)
    title = models.CharField(_("タイトル"), max_length=300)
    summary = models.TextField(_("公開概要"), max_length=20000)
    confidential_details = models.TextField(_("非公開の詳細"), blank=True, max_length=50000)
    keywords = models.JSONField(_("キーワード"), default=list, blank=True)
    field = models.CharField(_("研究分野"), max_length=100, blank=True)
    trl = models.PositiveSmallIntegerField(
        _("技術成熟度 (TRL)"), null=True, blank=True, validators=TRL_VALIDATORS
    )
    collaboration_modes = models.JSONField(_("連携形態"), default=list, blank=True)
    language = models.CharField(
        _("言語"), max_length=2, choices=Language.choices, default=Language.JA
    )
    status = models.CharField(
        _("状態"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    capacity = models.PositiveSmallIntegerField(
        _("受入可能な新規連携数"), default=2, validators=[MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "id"]
        verbose_name = _("研究シーズ")
        verbose_name_plural = _("研究シーズ")
        # The second index serves the default order: a page of a list walks it and stops after
        # the page instead of sorting every visible seed (docs/benchmark.md, issue 12).
        indexes = [
            models.Index(fields=["status", "organization"]),
            models.Index(fields=["-updated_at", "id"], name="profiles_seed_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=TRL_MIN, trl__lte=TRL_MAX),
                name="seed_trl_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def embedding_text(self) -> str:
        """The public text the matcher embeds (never the confidential details)."""
        return _join_text(self.title, self.summary, self.keywords, self.field)


class Researcher(models.Model):
    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="researchers")
    name = models.CharField(_("氏名"), max_length=200)
    name_en = models.CharField(_("氏名 (英語)"), max_length=200, blank=True)
    department = models.CharField(_("所属部局"), max_length=200, blank=True)
    # The researcher's researchmap permalink (profiles.links: pattern, link).
    researchmap_id = models.CharField(_("researchmap ID"), max_length=100, blank=True)
    jglobal_id = models.CharField(_("J-GLOBAL ID"), max_length=30, blank=True)
    cross_appointment_available = models.BooleanField(_("クロスアポイントメント可"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("研究者")
        verbose_name_plural = _("研究者")

    def __str__(self) -> str:
        return self.name


class Patent(models.Model):
    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="patents")
    application_number = models.CharField(_("出願番号"), max_length=100, blank=True)
    registration_number = models.CharField(_("登録番号"), max_length=100, blank=True)
    title = models.CharField(_("発明の名称"), max_length=300, blank=True)
    license_available = models.BooleanField(_("ライセンス可"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("特許")
        verbose_name_plural = _("特許")

    def __str__(self) -> str:
        return self.application_number or self.registration_number or self.title


class Need(models.Model):
    """A company's need (企業ニーズ).

    `public_id` is an opaque reference: an anonymous need is shown to others under it only (its
    key and database id, which may name or order it next to the company's other needs, are
    not shown until an introduction; see `profiles.access`).
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="needs")
    key = models.SlugField(_("キー"), max_length=100, unique=True)
    public_id = models.UUIDField(_("公開ID"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("タイトル"), max_length=300)
    description = models.TextField(_("公開説明"), max_length=20000)
    confidential_details = models.TextField(_("非公開の詳細"), blank=True, max_length=50000)
    keywords = models.JSONField(_("キーワード"), default=list, blank=True)
    field = models.CharField(_("分野"), max_length=100, blank=True)
    collaboration_modes = models.JSONField(_("希望する連携形態"), default=list, blank=True)
    budget_min_yen = models.PositiveBigIntegerField(_("予算下限 (円)"), null=True, blank=True)
    budget_max_yen = models.PositiveBigIntegerField(_("予算上限 (円)"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("期間 (月)"), null=True, blank=True, validators=[MaxValueValidator(240)]
    )
    trl_min = models.PositiveSmallIntegerField(
        _("期待TRL (下限)"), null=True, blank=True, validators=TRL_VALIDATORS
    )
    trl_max = models.PositiveSmallIntegerField(
        _("期待TRL (上限)"), null=True, blank=True, validators=TRL_VALIDATORS
    )
    preferred_regions = models.JSONField(_("希望地域"), default=list, blank=True)
    is_anonymous = models.BooleanField(_("社名を非公開"), default=False)
    language = models.CharField(
        _("言語"), max_length=2, choices=Language.choices, default=Language.JA
    )
    status = models.CharField(
        _("状態"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "id"]
        verbose_name = _("企業ニーズ")
        verbose_name_plural = _("企業ニーズ")
        indexes = [
            models.Index(fields=["status", "organization"]),
            models.Index(fields=["-updated_at", "id"], name="profiles_need_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(trl_min__isnull=True) | Q(trl_min__gte=TRL_MIN, trl_min__lte=TRL_MAX),
                name="need_trl_min_range",
            ),
            models.CheckConstraint(
                condition=Q(trl_max__isnull=True) | Q(trl_max__gte=TRL_MIN, trl_max__lte=TRL_MAX),
                name="need_trl_max_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def embedding_text(self) -> str:
        """The public text the matcher embeds (never the confidential details)."""
        return _join_text(self.title, self.description, self.keywords, self.field)


class InvestorProfile(models.Model):
    """The thesis of a VC, accelerator or CVC; one per investor organisation."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="investor_profile"
    )
    investor_kind = models.CharField(
        _("投資家の種別"), max_length=16, choices=InvestorKind.choices, default=InvestorKind.VC
    )
    thesis = models.TextField(_("投資方針"), max_length=20000)
    fields = models.JSONField(_("注力分野"), default=list, blank=True)
    stages = models.JSONField(_("投資ステージ"), default=list, blank=True)
    ticket_min_yen = models.PositiveBigIntegerField(_("投資額下限 (円)"), null=True, blank=True)
    ticket_max_yen = models.PositiveBigIntegerField(_("投資額上限 (円)"), null=True, blank=True)
    regions = models.JSONField(_("対象地域"), default=list, blank=True)
    status = models.CharField(
        _("状態"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PUBLISHED,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("投資家プロファイル")
        verbose_name_plural = _("投資家プロファイル")

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def key(self) -> str:
        return self.organization.key

    def embedding_text(self) -> str:
        return _join_text(self.organization.name, self.thesis, self.fields)


class Venture(models.Model):
    """A university spin-off (大学発ベンチャー), registered by its university."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="ventures"
    )
    key = models.SlugField(_("キー"), max_length=100, unique=True)
    name = models.CharField(_("社名"), max_length=200)
    summary = models.TextField(_("概要"), max_length=20000)
    confidential_details = models.TextField(_("非公開の詳細"), blank=True, max_length=50000)
    stage = models.CharField(
        _("ステージ"), max_length=16, choices=Stage.choices, default=Stage.SEED
    )
    seeks = models.TextField(_("求めているもの"), blank=True, max_length=5000)
    seeds = models.ManyToManyField(Seed, blank=True, related_name="ventures")
    status = models.CharField(
        _("状態"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PUBLISHED,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("大学発ベンチャー")
        verbose_name_plural = _("大学発ベンチャー")

    def __str__(self) -> str:
        return self.name

    def embedding_text(self) -> str:
        return _join_text(self.name, self.summary, self.seeks)
