"""Fair-price estimator for joint research (共同研究費の適正な算定), after the costing part of
the 2016 MEXT/METI guideline.

Formula (every line explained in the result, see docs/readiness.md):

    direct      D = direct costs given by the company (equipment, consumables, travel, …)
    personnel   P = Σ_role person-months(role) × monthly rate(role)      (faculty, postdoc,
                    student RA), a role's line is 0 when the university does not charge it
    indirect    I = (D + P) × indirect cost rate %
    strategic   S = (D + P) × strategic partnership cost rate %   (0 when not charged)
    total       T = D + P + I + S

Rounding: every line is rounded to the yen on its own, half up (Decimal ROUND_HALF_UP: ¥0.5 →
¥1), and the total is the sum of the rounded lines, so the lines always add up to the total.
Rates come from the university's readiness profile (`ReadinessProfile`); a university without a
configured indirect rate is estimated at the reference rate of 30 % (the indirect cost rate of
Japanese competitive research funds), and the line says so.

`compute_estimate` is pure arithmetic (no database); `estimate_price` loads the rates of an
organisation; `estimate_for_need` is what proposal pages call to put the estimate next to the
company's budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from profiles.choices import MAX_YEN
from profiles.display import format_yen

REFERENCE_INDIRECT_RATE = Decimal("30")
MAX_PERSON_MONTHS = Decimal("1200")  # 100 person-years: beyond that it is a typo

# The standard scenario `estimate_for_need` uses when the caller gives no effort figures.
DEFAULT_FACULTY_EFFORT = Decimal("0.10")  # one faculty member at 10 % effort
DEFAULT_STUDENT_EFFORT = Decimal("0.25")  # one student RA at 25 % effort
DEFAULT_DURATION_MONTHS = 12


def round_yen(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class PriceRates:
    indirect_rate_percent: Decimal
    indirect_rate_configured: bool
    strategic_rate_percent: Decimal  # 0 when not charged
    faculty_monthly_yen: int | None  # None when not charged or not configured
    postdoc_monthly_yen: int | None
    student_monthly_yen: int | None
    # False when the organisation has no readiness profile at all (every rate is a reference).
    profile_exists: bool = True

    @classmethod
    def reference(cls) -> PriceRates:
        return cls(REFERENCE_INDIRECT_RATE, False, Decimal("0"), None, None, None, False)


@dataclass(frozen=True)
class MissingRate:
    """A rate the university has not set that the estimate would have used: which line stays
    at ¥0 (or on a reference value) because of it, and which fields of its readiness profile
    (`/readiness/edit/`) fill it in."""

    code: str  # profile, faculty, postdoc, student, indirect
    fields: tuple[str, ...]  # ReadinessProfile fields to fill in
    label: str  # what to fill in, in words (reader's language)


@dataclass(frozen=True)
class EstimateLine:
    code: str  # direct, faculty, postdoc, student, indirect, strategic
    label: str
    amount_yen: int
    explanation: str


@dataclass(frozen=True)
class PriceEstimate:
    lines: list[EstimateLine]
    total_yen: int
    rates: PriceRates
    budget_min_yen: int | None = None
    budget_max_yen: int | None = None
    # "fit" (min ≤ T ≤ max), "over" (T > max), "under" (T < min), "unknown" (no budget)
    fit: str = "unknown"
    gap_yen: int = 0  # T − max when over, min − T when under, else 0
    assumptions: list[str] = field(default_factory=list)
    # Rates the university has not set that this estimate needed (see `MissingRate`); when the
    # total is ¥0 they say why and what to fill in, instead of an empty estimate.
    missing: list[MissingRate] = field(default_factory=list)

    @property
    def is_zero(self) -> bool:
        return self.total_yen == 0

    def as_dict(self) -> dict:
        return {
            "lines": [
                {
                    "code": line.code,
                    "label": line.label,
                    "amount_yen": line.amount_yen,
                    "explanation": line.explanation,
                }
                for line in self.lines
            ],
            "total_yen": self.total_yen,
            "rates": {
                "indirect_rate_percent": str(self.rates.indirect_rate_percent),
                "indirect_rate_configured": self.rates.indirect_rate_configured,
                "strategic_rate_percent": str(self.rates.strategic_rate_percent),
                "faculty_monthly_yen": self.rates.faculty_monthly_yen,
                "postdoc_monthly_yen": self.rates.postdoc_monthly_yen,
                "student_monthly_yen": self.rates.student_monthly_yen,
            },
            "budget_min_yen": self.budget_min_yen,
            "budget_max_yen": self.budget_max_yen,
            "fit": self.fit,
            "gap_yen": self.gap_yen,
            "assumptions": list(self.assumptions),
            "missing": [
                {"code": m.code, "fields": list(m.fields), "label": m.label} for m in self.missing
            ],
        }


def _decimal(name: str, value, *, maximum: Decimal) -> Decimal:
    try:
        d = Decimal(str(value if value is not None else 0))
    except (InvalidOperation, ValueError):
        raise ValidationError({name: [_("数値を入力してください。")]}) from None
    if not d.is_finite():
        raise ValidationError({name: [_("数値を入力してください。")]})
    if d < 0:
        raise ValidationError({name: [_("0以上の値を入力してください。")]})
    if d > maximum:
        raise ValidationError({name: [_("値が大きすぎます。")]})
    return d


def _yen(amount: int) -> str:
    return format_yen(amount, exact=True)


def missing_rates(rates: PriceRates, months: dict[str, Decimal]) -> list[MissingRate]:
    """The rates this estimate needed and the university has not set (in the order of the
    readiness form)."""
    out: list[MissingRate] = []
    if not rates.profile_exists:
        out.append(
            MissingRate(
                "profile",
                (),
                _("この大学は連携体制 (費用算定の設定) をまだ登録していません。"),
            )
        )
    if months.get("faculty") and rates.faculty_monthly_yen is None:
        out.append(
            MissingRate(
                "faculty",
                ("charges_personnel_costs", "faculty_monthly_rate_yen"),
                _("教員の人件費を計上する設定と、教員の人月単価"),
            )
        )
    if months.get("postdoc") and rates.postdoc_monthly_yen is None:
        out.append(MissingRate("postdoc", ("postdoc_monthly_rate_yen",), _("博士研究員の人月単価")))
    if months.get("student") and rates.student_monthly_yen is None:
        out.append(
            MissingRate(
                "student",
                ("charges_student_costs", "student_monthly_rate_yen"),
                _("学生RAの人件費を計上する設定と、学生 (RA) の人月単価"),
            )
        )
    if not rates.indirect_rate_configured:
        out.append(MissingRate("indirect", ("indirect_cost_rate_percent",), _("間接経費率")))
    return out


def _num(value: Decimal) -> str:
    """A Decimal without trailing zeros and never in exponent form (10, 1.5, 30)."""
    return format(value.normalize(), "f") if value else "0"


def compute_estimate(
    *,
    rates: PriceRates,
    direct_costs_yen=0,
    faculty_person_months=0,
    postdoc_person_months=0,
    student_person_months=0,
    budget_min_yen: int | None = None,
    budget_max_yen: int | None = None,
    assumptions: list[str] | None = None,
) -> PriceEstimate:
    """The estimate for one project; pure arithmetic. Raises ValidationError naming the field
    for negative, non-numeric or absurd inputs."""
    direct = round_yen(_decimal("direct_costs_yen", direct_costs_yen, maximum=Decimal(MAX_YEN)))
    months = {
        "faculty": _decimal(
            "faculty_person_months", faculty_person_months, maximum=MAX_PERSON_MONTHS
        ),
        "postdoc": _decimal(
            "postdoc_person_months", postdoc_person_months, maximum=MAX_PERSON_MONTHS
        ),
        "student": _decimal(
            "student_person_months", student_person_months, maximum=MAX_PERSON_MONTHS
        ),
    }
    for name, value in (("budget_min_yen", budget_min_yen), ("budget_max_yen", budget_max_yen)):
        if value is not None:
            _decimal(name, value, maximum=Decimal(MAX_YEN))
    if (
        budget_min_yen is not None
        and budget_max_yen is not None
        and budget_min_yen > budget_max_yen
    ):
        raise ValidationError({"budget_min_yen": [_("予算の下限が上限を超えています。")]})

    lines = [
        EstimateLine(
            "direct",
            _("直接経費"),
            direct,
            _("設備・消耗品・旅費など、研究に直接必要な費用 (入力値)。"),
        )
    ]
    role_rates = {
        "faculty": (rates.faculty_monthly_yen, _("教員の人件費")),
        "postdoc": (rates.postdoc_monthly_yen, _("博士研究員の人件費")),
        "student": (rates.student_monthly_yen, _("学生 (RA) の人件費")),
    }
    personnel_total = 0
    for code, (rate, label) in role_rates.items():
        pm = months[code]
        if rate is None:
            amount = 0
            explanation = (
                _("この大学はこの人件費を計上していません (単価の設定なし)。")
                if pm
                else _("エフォートの入力なし。")
            )
        else:
            amount = round_yen(pm * rate)
            explanation = _("%(pm)s人月 × 人月単価 %(rate)s (円未満四捨五入)。") % {
                "pm": _num(pm),
                "rate": _yen(rate),
            }
        personnel_total += amount
        lines.append(EstimateLine(code, str(label), amount, explanation))

    base = direct + personnel_total
    indirect = round_yen(Decimal(base) * rates.indirect_rate_percent / 100)
    indirect_expl = _("(直接経費 + 人件費) %(base)s × 間接経費率 %(rate)s%% (円未満四捨五入)。") % {
        "base": _yen(base),
        "rate": _num(rates.indirect_rate_percent),
    }
    if not rates.indirect_rate_configured:
        indirect_expl += " " + _(
            "この大学は間接経費率を登録していないため、参考値として競争的研究費と同じ30%を使っています。"
        )
    lines.append(EstimateLine("indirect", _("間接経費"), indirect, indirect_expl))

    if rates.strategic_rate_percent:
        strategic = round_yen(Decimal(base) * rates.strategic_rate_percent / 100)
        strategic_expl = _(
            "(直接経費 + 人件費) %(base)s × 戦略的産学連携経費率 %(rate)s%% (円未満四捨五入)。"
            "産学連携の体制強化や将来の研究基盤への投資に充てる費用。"
        ) % {"base": _yen(base), "rate": _num(rates.strategic_rate_percent)}
    else:
        strategic = 0
        strategic_expl = _("この大学は戦略的産学連携経費を計上していません。")
    lines.append(EstimateLine("strategic", _("戦略的産学連携経費"), strategic, strategic_expl))

    total = sum(line.amount_yen for line in lines)
    fit, gap = "unknown", 0
    if budget_max_yen is not None and total > budget_max_yen:
        fit, gap = "over", total - budget_max_yen
    elif budget_min_yen is not None and total < budget_min_yen:
        fit, gap = "under", budget_min_yen - total
    elif budget_min_yen is not None or budget_max_yen is not None:
        fit = "fit"
    return PriceEstimate(
        lines=lines,
        total_yen=total,
        rates=rates,
        budget_min_yen=budget_min_yen,
        budget_max_yen=budget_max_yen,
        fit=fit,
        gap_yen=gap,
        assumptions=list(assumptions or []),
        missing=missing_rates(rates, months),
    )


def rates_for(org) -> PriceRates:
    """The configured rates of an organisation (reference rates when it has no profile)."""
    from profiles.models import ReadinessProfile

    profile = ReadinessProfile.objects.filter(organization=org).first()
    if profile is None:
        return PriceRates.reference()
    configured = profile.indirect_cost_rate_percent is not None
    return PriceRates(
        indirect_rate_percent=(
            profile.indirect_cost_rate_percent if configured else REFERENCE_INDIRECT_RATE
        ),
        indirect_rate_configured=configured,
        strategic_rate_percent=(
            profile.strategic_cost_rate_percent or Decimal("0")
            if profile.charges_strategic_costs
            else Decimal("0")
        ),
        faculty_monthly_yen=(
            profile.faculty_monthly_rate_yen if profile.charges_personnel_costs else None
        ),
        # Postdocs are paid staff on the project, charged whenever a rate is configured.
        postdoc_monthly_yen=profile.postdoc_monthly_rate_yen,
        student_monthly_yen=(
            profile.student_monthly_rate_yen if profile.charges_student_costs else None
        ),
    )


def estimate_price(
    *,
    org,
    direct_costs_yen=0,
    faculty_person_months=0,
    postdoc_person_months=0,
    student_person_months=0,
    budget_min_yen: int | None = None,
    budget_max_yen: int | None = None,
) -> PriceEstimate:
    """The estimate at `org`'s configured rates, compared with the budget when one is given."""
    return compute_estimate(
        rates=rates_for(org),
        direct_costs_yen=direct_costs_yen,
        faculty_person_months=faculty_person_months,
        postdoc_person_months=postdoc_person_months,
        student_person_months=student_person_months,
        budget_min_yen=budget_min_yen,
        budget_max_yen=budget_max_yen,
    )


def estimate_standard(*, org, duration_months: int | None = None) -> PriceEstimate:
    """The standard scenario of `estimate_for_need` without a need (no budget): what the
    readiness pages use to say whether the university's rates give an estimate at all."""
    months = Decimal(duration_months or DEFAULT_DURATION_MONTHS)
    return compute_estimate(
        rates=rates_for(org),
        faculty_person_months=months * DEFAULT_FACULTY_EFFORT,
        student_person_months=months * DEFAULT_STUDENT_EFFORT,
    )


def estimate_for_need(
    *,
    org,
    need,
    direct_costs_yen=0,
    faculty_person_months=None,
    postdoc_person_months=0,
    student_person_months=None,
) -> PriceEstimate:
    """The estimate for a proposal (need × a university's seed) next to the need's budget.

    Without effort figures it uses a stated standard scenario over the need's duration (12
    months when unset): one faculty member at 10 % effort and one student RA at 25 %; the
    assumptions are listed in the result so the page can show them.
    """
    months = Decimal(need.duration_months or DEFAULT_DURATION_MONTHS)
    assumptions: list[str] = []
    if faculty_person_months is None:
        faculty_person_months = months * DEFAULT_FACULTY_EFFORT
        assumptions.append(
            _("教員1名がエフォート10%%で%(months)sか月参加すると仮定。") % {"months": _num(months)}
        )
    if student_person_months is None:
        student_person_months = months * DEFAULT_STUDENT_EFFORT
        assumptions.append(
            _("学生RA1名がエフォート25%%で%(months)sか月参加すると仮定。")
            % {"months": _num(months)}
        )
    if not direct_costs_yen:
        assumptions.append(_("直接経費は含めていません (研究内容に応じて加算)。"))
    return compute_estimate(
        rates=rates_for(org),
        direct_costs_yen=direct_costs_yen,
        faculty_person_months=faculty_person_months,
        postdoc_person_months=postdoc_person_months,
        student_person_months=student_person_months,
        budget_min_yen=need.budget_min_yen,
        budget_max_yen=need.budget_max_yen,
        assumptions=assumptions,
    )
