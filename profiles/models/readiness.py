"""Collaboration readiness of a university or research institute (産学連携の体制の見える化).

Structured after the 2016 MEXT/METI guideline for strengthening joint research
(産学官連携による共同研究強化のためのガイドライン, 平成28年11月30日): partnership office,
costing (資金の好循環), IP (知の好循環), risk management, people (人材の好循環) and a track
record by fiscal year. The costing section also holds the rates the fair-price estimator uses
(profiles/services/estimator.py).

`ReadinessProfile` is the current state (one per organisation); every edit made through
`profiles.services.readiness` writes a `ReadinessVersion` with a full snapshot, so the history
is complete and dated. Indicators and levels are computed in `profiles.selectors.readiness`,
never stored.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .organizations import Organization

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
FISCAL_YEAR_MIN = 1990
FISCAL_YEAR_MAX = 2100
FISCAL_YEAR_VALIDATORS = [MinValueValidator(FISCAL_YEAR_MIN), MaxValueValidator(FISCAL_YEAR_MAX)]
# Ten years: anything longer is a typo, not a contracting practice.
DAYS_TO_CONTRACT_MAX = 3650
# ¥100M per person-month is far above any real rate; it catches an extra zero or two.
MONTHLY_RATE_MAX_YEN = 100_000_000


class ReadinessProfile(models.Model):
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="readiness"
    )
    as_of = models.DateField(_("基準日"))

    # --- Partnership office (産学連携本部機能) ---
    office_cross_departmental_planning = models.BooleanField(
        _("部局横断で大型共同研究を企画する体制"), default=False
    )
    office_dedicated_staff = models.BooleanField(_("大型共同研究の専任担当者"), default=False)
    office_single_contact_point = models.BooleanField(_("企業向けの一元的な窓口"), default=False)
    office_staff_count = models.PositiveSmallIntegerField(
        _("産学連携本部の人数"), null=True, blank=True, validators=[MaxValueValidator(10000)]
    )

    # --- Costing (資金の好循環) ---
    indirect_cost_rate_percent = models.DecimalField(
        _("間接経費率 (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    charges_personnel_costs = models.BooleanField(
        _("教員の人件費 (エフォート) を計上"), default=False
    )
    charges_student_costs = models.BooleanField(_("学生 (RA) の人件費を計上"), default=False)
    charges_strategic_costs = models.BooleanField(_("戦略的産学連携経費を計上"), default=False)
    strategic_cost_rate_percent = models.DecimalField(
        _("戦略的産学連携経費率 (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    faculty_monthly_rate_yen = models.PositiveIntegerField(
        _("教員の人月単価 (円)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MONTHLY_RATE_MAX_YEN)],
    )
    postdoc_monthly_rate_yen = models.PositiveIntegerField(
        _("博士研究員の人月単価 (円)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MONTHLY_RATE_MAX_YEN)],
    )
    student_monthly_rate_yen = models.PositiveIntegerField(
        _("学生 (RA) の人月単価 (円)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MONTHLY_RATE_MAX_YEN)],
    )
    standard_contract_terms = models.BooleanField(_("標準契約書・契約条件の公開"), default=False)
    days_to_contract = models.PositiveSmallIntegerField(
        _("最初の相談から契約締結までの標準日数"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(DAYS_TO_CONTRACT_MAX)],
    )

    # --- IP (知の好循環) ---
    ip_policy = models.BooleanField(_("知的財産ポリシーの策定・公開"), default=False)
    joint_ip_flexible = models.BooleanField(
        _("共有知財の柔軟な取扱い (企業の単独実施・不実施補償の柔軟化等)"), default=False
    )
    patent_review = models.BooleanField(_("特許の維持・放棄の定期的な見直し"), default=False)
    exclusive_license = models.BooleanField(_("独占的ライセンスの選択肢"), default=False)
    non_exclusive_license = models.BooleanField(_("非独占的ライセンスの選択肢"), default=False)

    # --- Risk management (リスクマネジメント) ---
    coi_individual = models.BooleanField(_("個人としての利益相反マネジメント"), default=False)
    coi_institutional = models.BooleanField(_("組織としての利益相反マネジメント"), default=False)
    export_control = models.BooleanField(_("安全保障貿易管理 (輸出管理)"), default=False)
    nda_procedure = models.BooleanField(_("秘密保持 (NDA) の手続き"), default=False)

    # --- People (人材の好循環) ---
    cross_appointment_system = models.BooleanField(
        _("クロスアポイントメント制度の整備"), default=False
    )
    cross_appointments_with_companies = models.PositiveSmallIntegerField(
        _("企業とのクロスアポイントメント (現在の人数)"),
        default=0,
        validators=[MaxValueValidator(10000)],
    )

    notes = models.TextField(_("補足"), blank=True, max_length=5000)
    version = models.PositiveIntegerField(_("版"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("連携体制 (レディネス)")
        verbose_name_plural = _("連携体制 (レディネス)")
        constraints = [
            models.CheckConstraint(
                condition=Q(indirect_cost_rate_percent__isnull=True)
                | Q(indirect_cost_rate_percent__gte=0, indirect_cost_rate_percent__lte=100),
                name="readiness_indirect_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(strategic_cost_rate_percent__isnull=True)
                | Q(strategic_cost_rate_percent__gte=0, strategic_cost_rate_percent__lte=100),
                name="readiness_strategic_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} v{self.version}"


class TrackRecord(models.Model):
    """One fiscal year (April–March) of an organisation's collaboration results."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="track_records"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=FISCAL_YEAR_VALIDATORS)
    joint_research_count = models.PositiveIntegerField(_("民間企業との共同研究 (件)"), default=0)
    joint_research_income_yen = models.PositiveBigIntegerField(
        _("民間企業との共同研究受入額 (円)"), default=0
    )
    large_project_count = models.PositiveIntegerField(_("1,000万円以上の共同研究 (件)"), default=0)
    license_count = models.PositiveIntegerField(_("特許権実施許諾 (件)"), default=0)
    license_income_yen = models.PositiveBigIntegerField(_("特許権実施等収入 (円)"), default=0)
    spinoff_count = models.PositiveIntegerField(_("大学発ベンチャー設立 (社)"), default=0)
    cross_appointment_count = models.PositiveIntegerField(
        _("クロスアポイントメント (人)"), default=0
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization", "-fiscal_year"]
        verbose_name = _("年度別実績")
        verbose_name_plural = _("年度別実績")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "fiscal_year"], name="uniq_track_record_year"
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=FISCAL_YEAR_MIN, fiscal_year__lte=FISCAL_YEAR_MAX),
                name="track_record_fiscal_year_range",
            ),
            models.CheckConstraint(
                condition=Q(large_project_count__lte=F("joint_research_count")),
                name="track_record_large_le_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} FY{self.fiscal_year}"


class ReadinessVersion(models.Model):
    """A dated snapshot of the profile and its track record after one edit."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="readiness_versions"
    )
    version = models.PositiveIntegerField(_("版"))
    snapshot = models.JSONField(_("内容"), default=dict)
    change_summary = models.CharField(_("変更内容"), max_length=300, blank=True)
    # The same summary stored to be shown in its reader's language (`profiles.deferred`);
    # empty on versions written before it existed (then `change_summary` is shown).
    change = models.JSONField(_("変更内容 (表示用)"), default=dict, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "-version"]
        verbose_name = _("連携体制の履歴")
        verbose_name_plural = _("連携体制の履歴")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "version"], name="uniq_readiness_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} v{self.version}"
