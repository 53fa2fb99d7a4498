"""The case library of organisation-to-organisation partnerships, and the national KPIs.

`PartnershipCase`: a documented partnership between a university/institute and a company
(parties, scheme, amount per year, duration, fields, what made it work, public sources). The
starting set is loaded by a data migration; every figure in it comes from a cited public source
and is left blank when no source gives it.

`KpiIndicator`: a national KPI from 未来投資戦略2017 with its baseline and target, kept as
data (loaded by a data migration) so a revised policy means new rows, not new code.

Both keep their texts in Japanese and English (`name` / `name_en`, `note` / `note_en`, …): the
platform writes these itself, so an English reader gets every word of them in English
(`profiles.display.localized_field`). Source titles and URLs stay as published. The
platform's contribution is aggregated from `matching.models.Outcome` by `matching.outcomes`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scheme(models.TextChoices):
    COMPREHENSIVE_AGREEMENT = "comprehensive_agreement", _("包括連携契約")
    JOINT_LAB = "joint_lab", _("共同研究拠点 (ラボ)")
    JOINT_RESEARCH_PROGRAM = "joint_research_program", _("大型共同研究プログラム")
    JOINT_RESEARCH_CHAIR = "joint_research_chair", _("共同研究講座・部門")
    ENDOWED_CHAIR = "endowed_chair", _("寄附講座")
    CO_CREATION_AGREEMENT = "co_creation_agreement", _("産学協創協定")


class PartnershipCase(models.Model):
    slug = models.SlugField(_("キー"), max_length=100, unique=True)
    title = models.CharField(_("名称"), max_length=300)
    title_en = models.CharField(_("英語名称"), max_length=300, blank=True)
    academic_party = models.CharField(_("大学・研究機関"), max_length=300)
    academic_party_en = models.CharField(_("大学・研究機関 (英語)"), max_length=300, blank=True)
    company_party = models.CharField(_("企業"), max_length=300)
    company_party_en = models.CharField(_("企業 (英語)"), max_length=300, blank=True)
    scheme = models.CharField(_("連携の形"), max_length=32, choices=Scheme.choices)
    fields = models.JSONField(_("分野"), default=list, blank=True)
    fields_en = models.JSONField(_("分野 (英語)"), default=list, blank=True)
    start_year = models.PositiveSmallIntegerField(_("開始年"), null=True, blank=True)
    duration_years = models.PositiveSmallIntegerField(_("期間 (年)"), null=True, blank=True)
    # Blank when no public source states it: never estimated.
    amount_per_year_yen = models.PositiveBigIntegerField(
        _("年間の金額 (円)"), null=True, blank=True
    )
    total_amount_yen = models.PositiveBigIntegerField(_("総額 (円)"), null=True, blank=True)
    amount_note = models.CharField(_("金額の注記"), max_length=300, blank=True)
    amount_note_en = models.CharField(_("金額の注記 (英語)"), max_length=300, blank=True)
    summary = models.TextField(_("概要"))
    summary_en = models.TextField(_("概要 (英語)"), blank=True)
    success_factors = models.TextField(_("成功の要因"), blank=True)
    success_factors_en = models.TextField(_("成功の要因 (英語)"), blank=True)
    # [{"title": "...", "url": "..."}]
    sources = models.JSONField(_("出典"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_year", "slug"]
        verbose_name = _("連携事例")
        verbose_name_plural = _("連携事例")

    def __str__(self) -> str:
        return self.title

    def search_text(self) -> str:
        """The text the similarity search compares with (all public by construction)."""
        parts = [
            self.title,
            self.title_en,
            self.academic_party,
            self.academic_party_en,
            self.company_party,
            self.company_party_en,
            self.get_scheme_display(),
            " ".join(self.fields or []),
            " ".join(self.fields_en or []),
            self.summary,
            self.summary_en,
            self.success_factors,
            self.success_factors_en,
        ]
        return "\n".join(str(p) for p in parts if p)


class KpiAggregation(models.TextChoices):
    """How the platform's contribution to an indicator is counted from recorded outcomes."""

    COMPANY_INVESTMENT_YEN = "company_investment_yen", _("企業から大学等への投資額 (円/年)")
    LARGE_JOINT_RESEARCH_COUNT = "large_joint_research_count", _("大型共同研究の件数")
    LICENSE_COUNT = "license_count", _("ライセンス件数")
    RESEARCHER_MOVES = "researcher_moves", _("研究者の移動 (クロスアポイントメント) 人数")
    CROSS_APPOINTMENT_U2C = "cross_appointment_u2c", _("大学→企業のクロスアポイントメント人数")
    CROSS_APPOINTMENT_C2U = "cross_appointment_c2u", _("企業→大学のクロスアポイントメント人数")
    SPINOFF_INVESTMENT_COUNT = "spinoff_investment_count", _("大学発ベンチャーへの出資件数")
    SPINOFF_INVESTMENT_YEN = "spinoff_investment_yen", _("大学発ベンチャーへの出資額 (円)")


class KpiUnit(models.TextChoices):
    YEN = "yen", _("円")
    COUNT = "count", _("件")
    PEOPLE = "people", _("人")


class KpiIndicator(models.Model):
    code = models.SlugField(_("コード"), max_length=64, unique=True)
    name = models.CharField(_("指標"), max_length=200)
    name_en = models.CharField(_("英語名称"), max_length=200, blank=True)
    unit = models.CharField(_("単位"), max_length=16, choices=KpiUnit.choices)
    aggregation = models.CharField(
        _("集計方法"), max_length=32, choices=KpiAggregation.choices, unique=True
    )
    baseline_value = models.PositiveBigIntegerField(_("基準値"), null=True, blank=True)
    baseline_fiscal_year = models.PositiveSmallIntegerField(_("基準年度"), null=True, blank=True)
    # The target as a multiple of the baseline (3 = ×3, 1.5 = +50 %); null when none is set.
    target_multiplier = models.DecimalField(
        _("目標 (基準値の倍率)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    target_fiscal_year = models.PositiveSmallIntegerField(_("目標年度"), null=True, blank=True)
    target_text = models.CharField(_("目標 (原文)"), max_length=300, blank=True)
    target_text_en = models.CharField(_("目標 (英語)"), max_length=300, blank=True)
    source_title = models.CharField(_("出典"), max_length=300, blank=True)
    source_title_en = models.CharField(_("出典 (英語)"), max_length=300, blank=True)
    source_url = models.URLField(_("出典URL"), blank=True)
    note = models.TextField(_("注記"), blank=True)
    note_en = models.TextField(_("注記 (英語)"), blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("国のKPI")
        verbose_name_plural = _("国のKPI")

    def __str__(self) -> str:
        return self.name
