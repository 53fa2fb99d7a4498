"""Outcomes (agreements) and their confirmation by both parties: the source of the KPIs.

    recorded by one party ──▶ pending ──the other party confirms──▶ confirmed (counts)
                                 │
                                 └──the other party disputes──▶ disputed ──coordinator──▶
                                                                 confirmed | rejected

- `outcome_record`: a party of an introduced proposal or partnership, or an investor of a
  venture (ranked for it by the matcher, or introduced to it), records an agreement. It is
  `pending` and the other party is told. When the other party has already recorded the same
  agreement (same subject, type and fiscal year), recording it again is the confirmation:
  with the same figures it confirms that row; with other figures it is refused with a message
  that says to confirm or dispute the row instead. So one agreement is one row, and counts
  once, whoever recorded it.
- `outcome_confirm` / `outcome_dispute`: the other party (never the side that recorded it).
- `outcome_resolve`: a coordinator settles a dispute (or a row stuck pending).
Only confirmed outcomes count (`matching.outcomes.kpi_figures`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import (
    InvestorIntroduction,
    InvestorMatch,
    Outcome,
    PartnershipProposal,
    Proposal,
)
from matching.models.feedback import (
    AgreementType,
    CrossAppointmentDirection,
    OutcomeStatus,
    Side,
)
from matching.selectors import side_of
from profiles.access import org_of, require_coordinator_user
from profiles.choices import MAX_YEN, Stage
from profiles.models import Venture

from . import notices
from .proposals import NOTE_MAX, clean_text, require_side

_INT_LIMITS = {
    # field: (minimum, maximum) — the database column's range, so nothing reaches the database
    # that it would refuse.
    "amount_yen": (0, MAX_YEN),
    "duration_years": (1, 50),
    "cross_appointment_count": (0, 32767),
    "fiscal_year": (2000, 2100),
}
# The figures that make two records the same agreement.
_FIGURES = (
    "amount_yen",
    "duration_years",
    "cross_appointment_direction",
    "cross_appointment_count",
)


def _clean_int(value, *, field: str, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise ValidationError({field: [_("この項目は必須です。")]})
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except (TypeError, ValueError):
            raise ValidationError({field: [_("整数を入力してください。")]})
    low, high = _INT_LIMITS[field]
    if value < low or value > high:
        raise ValidationError(
            {
                field: [
                    _("%(low)d 以上 %(high)d 以下で入力してください。") % {"low": low, "high": high}
                ]
            }
        )
    return value


def fiscal_year_of(day: datetime.date) -> int:
    """The Japanese fiscal year (April to March) of a day."""
    return day.year if day.month >= 4 else day.year - 1


def _check_introduced(obj) -> None:
    if obj.introduced_at is None:
        raise ValidationError({"status": [_("成果は両者が紹介された後にのみ記録できます。")]})


def _venture_side(*, venture: Venture, by) -> None:
    """The investor recording an investment in `venture` must have been ranked for it by the
    matcher or introduced to it."""
    org = org_of(by)
    if org is None:
        raise PermissionDenied(_("このベンチャーに推薦された投資家のみ出資を記録できます。"))
    ranked = InvestorMatch.objects.filter(venture=venture, investor__organization=org).exists()
    introduced = InvestorIntroduction.objects.filter(
        venture=venture, investor__organization=org, introduced_at__isnull=False
    ).exists()
    if not (ranked or introduced):
        raise PermissionDenied(_("このベンチャーに推薦された投資家のみ出資を記録できます。"))


@transaction.atomic
def outcome_record(
    *,
    by,
    agreement_type: str,
    amount_yen: int = 0,
    duration_years: int = 1,
    cross_appointment_direction: str = "",
    cross_appointment_count: int = 0,
    fiscal_year: int | None = None,
    note: str = "",
    stage: str = "",
    agreed_on: datetime.date | None = None,
    proposal: Proposal | None = None,
    partnership: PartnershipProposal | None = None,
    venture: Venture | None = None,
) -> Outcome:
    """Record an agreement that came out of a proposal, a partnership or a venture match;
    pending until the other party confirms it (see the module docstring).

    Exactly one of `proposal`, `partnership`, `venture` is given:
    - proposal / partnership: only after the introduction, by a member of either party;
    - venture: a spin-off investment (with its `stage` and the day `agreed_on`), recorded by
      an investor the matcher ranked for the venture or introduced to it (the investor is the
      counterparty stored in `company`); the venture's university confirms it.
    """
    given = [x for x in (proposal, partnership, venture) if x is not None]
    if len(given) != 1:
        raise ValidationError(
            {
                "non_field_errors": [
                    _("提案・組織連携・ベンチャーのいずれか一つを指定してください。")
                ]
            }
        )
    if agreement_type not in AgreementType.values:
        raise ValidationError(
            {
                "agreement_type": [
                    _("「%(value)s」は選択できません。選択肢: %(choices)s")
                    % {"value": agreement_type, "choices": ", ".join(AgreementType.values)}
                ]
            }
        )
    amount_yen = _clean_int(amount_yen, field="amount_yen")
    duration_years = _clean_int(duration_years, field="duration_years")
    cross_appointment_count = _clean_int(
        cross_appointment_count, field="cross_appointment_count", required=False
    )
    if agreed_on is not None and not isinstance(agreed_on, datetime.date):
        raise ValidationError({"agreed_on": [_("日付を入力してください。")]})
    if fiscal_year in (None, "") and agreed_on is not None:
        fiscal_year = fiscal_year_of(agreed_on)
    fiscal_year = _clean_int(fiscal_year, field="fiscal_year", required=False)
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    stage = stage or ""
    if stage and stage not in Stage.values:
        raise ValidationError({"stage": [_("ステージの値が不正です。")]})
    direction = cross_appointment_direction or ""
    if agreement_type == AgreementType.CROSS_APPOINTMENT:
        if direction not in CrossAppointmentDirection.values:
            raise ValidationError(
                {
                    "cross_appointment_direction": [
                        _("クロスアポイントメントの方向を選択してください。")
                    ]
                }
            )
        if not cross_appointment_count:
            cross_appointment_count = 1
    elif direction:
        raise ValidationError(
            {
                "cross_appointment_direction": [
                    _("方向はクロスアポイントメントの場合のみ指定できます。")
                ]
            }
        )

    outcome = Outcome(
        agreement_type=agreement_type,
        amount_yen=amount_yen,
        duration_years=duration_years,
        cross_appointment_direction=direction,
        cross_appointment_count=cross_appointment_count or 0,
        fiscal_year=fiscal_year,
        note=note,
        stage=stage,
        agreed_on=agreed_on,
        recorded_by=by,
        status=OutcomeStatus.PENDING,
    )
    if proposal is not None:
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("need", "seed")
            .get(pk=proposal.pk)
        )
        outcome.recorded_side = require_side(
            by=by,
            company_id=proposal.need.organization_id,
            academic_id=proposal.seed.organization_id,
        )
        _check_introduced(proposal)
        outcome.proposal = proposal
        outcome.company_id = proposal.need.organization_id
        outcome.academic_id = proposal.seed.organization_id
        same = Outcome.objects.filter(proposal=proposal)
    elif partnership is not None:
        partnership = PartnershipProposal.objects.select_for_update().get(pk=partnership.pk)
        outcome.recorded_side = require_side(
            by=by, company_id=partnership.company_id, academic_id=partnership.academic_id
        )
        _check_introduced(partnership)
        outcome.partnership = partnership
        outcome.company_id = partnership.company_id
        outcome.academic_id = partnership.academic_id
        same = Outcome.objects.filter(partnership=partnership)
    else:
        venture = Venture.objects.select_for_update().get(pk=venture.pk)
        _venture_side(venture=venture, by=by)
        if agreement_type != AgreementType.SPINOFF_INVESTMENT:
            raise ValidationError(
                {"agreement_type": [_("ベンチャーへの記録は出資(spinoff_investment)のみです。")]}
            )
        outcome.venture = venture
        outcome.academic_id = venture.organization_id
        outcome.company_id = org_of(by).pk
        outcome.recorded_side = Side.COMPANY
        same = Outcome.objects.filter(venture=venture, company_id=outcome.company_id)
    outcome.full_clean()
    # The same agreement recorded before (same subject, type and fiscal year)?
    same = same.select_for_update().filter(
        agreement_type=agreement_type,
        fiscal_year=fiscal_year,
        status__in=[OutcomeStatus.PENDING, OutcomeStatus.CONFIRMED, OutcomeStatus.DISPUTED],
    )
    for earlier in same:
        identical = all(getattr(earlier, f) == getattr(outcome, f) for f in _FIGURES)
        if earlier.status == OutcomeStatus.PENDING and earlier.recorded_side != (
            outcome.recorded_side
        ):
            if identical:
                return _confirm(earlier, by=by)
            raise ValidationError(
                {
                    "non_field_errors": [
                        _(
                            "相手側が同じ種類・年度の契約を別の内容で記録しています。"
                            "成果の一覧でその記録を確認するか、異議を申し立ててください。"
                        )
                    ]
                }
            )
        if identical:
            raise ValidationError(
                {
                    "non_field_errors": [
                        _("この契約はすでに記録されています (状態: %(status)s)。")
                        % {"status": earlier.get_status_display()}
                    ]
                }
            )
    outcome.save()
    notices.outcome_pending_notify(outcome=outcome)
    return outcome


def _other_party(outcome: Outcome, *, by) -> str:
    """The caller's side when it is the party that did not record `outcome`."""
    side = side_of(
        org=org_of(by), company_id=outcome.company_id or 0, academic_id=outcome.academic_id or 0
    )
    if side is None:
        raise PermissionDenied(_("この成果の当事者ではありません。"))
    if side == outcome.recorded_side:
        raise PermissionDenied(_("記録した側では確認できません。相手側の確認を待ってください。"))
    return side


def _confirm(outcome: Outcome, *, by) -> Outcome:
    outcome.status = OutcomeStatus.CONFIRMED
    outcome.confirmed_by = by
    outcome.confirmed_at = timezone.now()
    outcome.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return outcome


def _locked(outcome: Outcome) -> Outcome:
    return Outcome.objects.select_for_update().get(pk=outcome.pk)


@transaction.atomic
def outcome_confirm(*, outcome: Outcome, by) -> Outcome:
    """The other party confirms a pending outcome: from now on it counts in the KPIs."""
    outcome = _locked(outcome)
    _other_party(outcome, by=by)
    if outcome.status != OutcomeStatus.PENDING:
        raise ValidationError(
            {
                "status": [
                    _("確認待ちの成果のみ確認できます (現在の状態: %(status)s)。")
                    % {"status": outcome.get_status_display()}
                ]
            }
        )
    return _confirm(outcome, by=by)


@transaction.atomic
def outcome_dispute(*, outcome: Outcome, by, note: str) -> Outcome:
    """The other party says a pending outcome is wrong (`note` says why): a coordinator
    decides; it does not count meanwhile."""
    note = clean_text(note, field="note", max_length=NOTE_MAX, required=True)
    outcome = _locked(outcome)
    _other_party(outcome, by=by)
    if outcome.status != OutcomeStatus.PENDING:
        raise ValidationError(
            {
                "status": [
                    _("確認待ちの成果のみ異議を申し立てられます (現在の状態: %(status)s)。")
                    % {"status": outcome.get_status_display()}
                ]
            }
        )
    outcome.status = OutcomeStatus.DISPUTED
    outcome.dispute_note = note
    outcome.save(update_fields=["status", "dispute_note"])
    notices.outcome_disputed_notify(outcome=outcome)
    return outcome


@transaction.atomic
def outcome_resolve(*, outcome: Outcome, by, decision: str) -> Outcome:
    """A coordinator settles a disputed (or long pending) outcome: `decision` is "confirm"
    (it counts) or "reject" (it never counts)."""
    require_coordinator_user(by)
    if decision not in ("confirm", "reject"):
        raise ValidationError({"decision": [_("confirm か reject を選んでください。")]})
    outcome = _locked(outcome)
    if outcome.status not in (OutcomeStatus.PENDING, OutcomeStatus.DISPUTED):
        raise ValidationError(
            {
                "status": [
                    _("確認待ちか異議ありの成果のみ判断できます (現在の状態: %(status)s)。")
                    % {"status": outcome.get_status_display()}
                ]
            }
        )
    outcome.status = OutcomeStatus.CONFIRMED if decision == "confirm" else OutcomeStatus.REJECTED
    outcome.resolved_by = by
    outcome.resolved_at = timezone.now()
    outcome.save(update_fields=["status", "resolved_by", "resolved_at"])
    return outcome


__all__ = [
    "fiscal_year_of",
    "outcome_confirm",
    "outcome_dispute",
    "outcome_record",
    "outcome_resolve",
]
