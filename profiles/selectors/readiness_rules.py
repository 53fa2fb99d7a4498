"""The readiness rules: indicators computed from a university's profile and track record, the
six pillars with their four criteria each, and the assessment (levels and overall score).

Nothing here is stored or read from the database: indicators and levels are computed from the
rows each time, with the rules below, which the readiness page shows verbatim (`PILLARS`), so a
university can see exactly why it has the level it has.

Pillar levels (1–5): each pillar has four criteria; level = 1 + the number of criteria met.
Overall readiness (0..1) = mean over the six pillars of (level − 1) / 4, rounded to 3 places.
"Latest fiscal year" is the most recent fiscal year in the organisation's track record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from profiles.models import Organization, ReadinessProfile, TrackRecord

# Thresholds of the criteria (documented on the page through PILLARS).
INDIRECT_RATE_THRESHOLD = Decimal("30")  # the indirect cost rate of competitive research funds


DAYS_TO_CONTRACT_THRESHOLD = 90


LARGE_PROJECT_YEN = 10_000_000


AVG_INCOME_THRESHOLD_YEN = 3_000_000  # national average is about ¥2M per project


LARGE_SHARE_THRESHOLD = Decimal("0.05")


JOINT_RESEARCH_COUNT_THRESHOLD = 10


CROSS_APPOINTMENTS_STRONG = 5


def round_yen(value: Decimal) -> int:
    """Round to the yen, half up (¥0.5 → ¥1), the rule used everywhere in readiness."""
    return int(Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Indicators:
    """Computed indicators of one fiscal year of track record."""

    fiscal_year: int
    joint_research_count: int
    joint_research_income_yen: int
    average_income_per_project_yen: int | None
    large_project_count: int
    large_project_share: Decimal | None  # 0..1, 4 places
    license_count: int
    license_income_yen: int
    average_license_income_yen: int | None
    spinoff_count: int
    cross_appointment_count: int
    income_growth: Decimal | None  # vs previous fiscal year, e.g. 0.25 = +25 %, 4 places


def indicators_for(record: TrackRecord, previous: TrackRecord | None = None) -> Indicators:
    """Indicators of one fiscal year; ratios are None when their denominator is zero."""
    count = record.joint_research_count
    income = record.joint_research_income_yen
    avg = round_yen(Decimal(income) / count) if count else None
    share = (
        (Decimal(record.large_project_count) / count).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )
        if count
        else None
    )
    avg_license = (
        round_yen(Decimal(record.license_income_yen) / record.license_count)
        if record.license_count
        else None
    )
    growth = None
    if previous is not None and previous.joint_research_income_yen:
        growth = (
            (Decimal(income) - previous.joint_research_income_yen)
            / previous.joint_research_income_yen
        ).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return Indicators(
        fiscal_year=record.fiscal_year,
        joint_research_count=count,
        joint_research_income_yen=income,
        average_income_per_project_yen=avg,
        large_project_count=record.large_project_count,
        large_project_share=share,
        license_count=record.license_count,
        license_income_yen=record.license_income_yen,
        average_license_income_yen=avg_license,
        spinoff_count=record.spinoff_count,
        cross_appointment_count=record.cross_appointment_count,
        income_growth=growth,
    )


def indicators_by_year(records: Iterable[TrackRecord]) -> list[Indicators]:
    """Indicators for every fiscal year, newest first; growth compares with the year before."""
    ordered = sorted(records, key=lambda r: r.fiscal_year)
    by_year = {r.fiscal_year: r for r in ordered}
    out = [indicators_for(r, by_year.get(r.fiscal_year - 1)) for r in ordered]
    return list(reversed(out))


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    test: Callable[[ReadinessProfile, Indicators | None], bool]


@dataclass(frozen=True)
class Pillar:
    code: str
    label: str
    criteria: tuple[Criterion, ...]


def _latest(test: Callable[[Indicators], bool]) -> Callable:
    return lambda p, ind: ind is not None and bool(test(ind))


PILLARS: tuple[Pillar, ...] = (
    Pillar(
        "office",
        _("産学連携本部機能"),
        (
            Criterion(
                "cross_departmental_planning",
                _("部局横断で大型共同研究を企画する体制がある"),
                lambda p, ind: p.office_cross_departmental_planning,
            ),
            Criterion(
                "dedicated_staff",
                _("大型共同研究の専任担当者がいる"),
                lambda p, ind: p.office_dedicated_staff,
            ),
            Criterion(
                "single_contact_point",
                _("企業向けの一元的な窓口がある"),
                lambda p, ind: p.office_single_contact_point,
            ),
            Criterion(
                "large_project_done",
                _("最新年度に1,000万円以上の共同研究が1件以上ある"),
                _latest(lambda ind: ind.large_project_count >= 1),
            ),
        ),
    ),
    Pillar(
        "costing",
        _("資金の好循環 (費用算定)"),
        (
            Criterion(
                "indirect_rate",
                _("間接経費率が30%以上"),
                lambda p, ind: (
                    p.indirect_cost_rate_percent is not None
                    and p.indirect_cost_rate_percent >= INDIRECT_RATE_THRESHOLD
                ),
            ),
            Criterion(
                "personnel_costs",
                _("教員の人件費 (エフォート) を計上している"),
                lambda p, ind: p.charges_personnel_costs,
            ),
            Criterion(
                "strategic_costs",
                _("戦略的産学連携経費を計上している"),
                lambda p, ind: p.charges_strategic_costs,
            ),
            Criterion(
                "standard_terms_fast",
                _("標準契約条件があり、契約締結までの標準日数が90日以内"),
                lambda p, ind: (
                    p.standard_contract_terms
                    and p.days_to_contract is not None
                    and p.days_to_contract <= DAYS_TO_CONTRACT_THRESHOLD
                ),
            ),
        ),
    ),
    Pillar(
        "ip",
        _("知の好循環 (知的財産)"),
        (
            Criterion("ip_policy", _("知的財産ポリシーがある"), lambda p, ind: p.ip_policy),
            Criterion(
                "joint_ip_flexible",
                _("共有知財を柔軟に取り扱う"),
                lambda p, ind: p.joint_ip_flexible,
            ),
            Criterion(
                "patent_review",
                _("特許の維持・放棄を定期的に見直している"),
                lambda p, ind: p.patent_review,
            ),
            Criterion(
                "license_options",
                _("独占・非独占の両方のライセンスを選べる"),
                lambda p, ind: p.exclusive_license and p.non_exclusive_license,
            ),
        ),
    ),
    Pillar(
        "risk",
        _("リスクマネジメント"),
        (
            Criterion(
                "coi_individual",
                _("個人としての利益相反マネジメント"),
                lambda p, ind: p.coi_individual,
            ),
            Criterion(
                "coi_institutional",
                _("組織としての利益相反マネジメント"),
                lambda p, ind: p.coi_institutional,
            ),
            Criterion(
                "export_control",
                _("安全保障貿易管理 (輸出管理) の体制"),
                lambda p, ind: p.export_control,
            ),
            Criterion("nda", _("秘密保持 (NDA) の手続き"), lambda p, ind: p.nda_procedure),
        ),
    ),
    Pillar(
        "people",
        _("人材の好循環"),
        (
            Criterion(
                "cross_appointment_system",
                _("クロスアポイントメント制度がある"),
                lambda p, ind: p.cross_appointment_system,
            ),
            Criterion(
                "cross_appointment_any",
                _("企業とのクロスアポイントメントが1人以上"),
                lambda p, ind: p.cross_appointments_with_companies >= 1,
            ),
            Criterion(
                "cross_appointment_five",
                _("企業とのクロスアポイントメントが5人以上"),
                lambda p, ind: p.cross_appointments_with_companies >= CROSS_APPOINTMENTS_STRONG,
            ),
            Criterion(
                "student_ra",
                _("共同研究に参加する学生をRAとして雇用し、人件費を計上している"),
                lambda p, ind: p.charges_student_costs,
            ),
        ),
    ),
    Pillar(
        "track_record",
        _("実績 (最新年度)"),
        (
            Criterion(
                "joint_research_volume",
                _("民間企業との共同研究が10件以上"),
                _latest(lambda ind: ind.joint_research_count >= JOINT_RESEARCH_COUNT_THRESHOLD),
            ),
            Criterion(
                "average_income",
                _("共同研究1件あたりの受入額が300万円以上"),
                _latest(
                    lambda ind: (
                        ind.average_income_per_project_yen is not None
                        and ind.average_income_per_project_yen >= AVG_INCOME_THRESHOLD_YEN
                    )
                ),
            ),
            Criterion(
                "large_share",
                _("1,000万円以上の共同研究の割合が5%以上"),
                _latest(
                    lambda ind: (
                        ind.large_project_share is not None
                        and ind.large_project_share >= LARGE_SHARE_THRESHOLD
                    )
                ),
            ),
            Criterion(
                "licence_or_spinoff",
                _("ライセンスまたは大学発ベンチャーの実績がある"),
                _latest(lambda ind: ind.license_count >= 1 or ind.spinoff_count >= 1),
            ),
        ),
    ),
)


LEVEL_MIN = 1


LEVEL_MAX = 5


@dataclass(frozen=True)
class PillarResult:
    code: str
    label: str
    level: int
    met: tuple[str, ...]
    criteria: tuple[tuple[str, str, bool], ...]  # (code, label, met)


@dataclass
class Assessment:
    """Everything computed for one organisation's readiness."""

    organization: Organization
    profile: ReadinessProfile
    pillars: list[PillarResult]
    score: float
    indicators: list[Indicators] = field(default_factory=list)

    @property
    def latest(self) -> Indicators | None:
        return self.indicators[0] if self.indicators else None

    def level(self, code: str) -> int:
        return next(p.level for p in self.pillars if p.code == code)


def assess(profile: ReadinessProfile, records: Iterable[TrackRecord]) -> Assessment:
    indicators = indicators_by_year(records)
    latest = indicators[0] if indicators else None
    pillars: list[PillarResult] = []
    for pillar in PILLARS:
        results = tuple(
            (c.code, str(c.label), bool(c.test(profile, latest))) for c in pillar.criteria
        )
        met = tuple(code for code, _label, ok in results if ok)
        pillars.append(
            PillarResult(
                code=pillar.code,
                label=str(pillar.label),
                level=LEVEL_MIN + len(met),
                met=met,
                criteria=results,
            )
        )
    score = sum((p.level - LEVEL_MIN) / (LEVEL_MAX - LEVEL_MIN) for p in pillars) / len(pillars)
    return Assessment(
        organization=profile.organization,
        profile=profile,
        pillars=pillars,
        score=round(score, 3),
        indicators=indicators,
    )
