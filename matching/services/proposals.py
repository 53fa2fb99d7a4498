"""The lifecycle of proposals after the matcher wrote them (status `proposed`).

    proposed ──approve──▶ approved (shown to both sides) ──both interested──▶ introduced ──▶ outcomes
        │  ▲                   │  └──both responded, one declined──▶ closed
        └──┴──suppress◀────────┘

- A company may ask about a seed the matcher did not propose (a weak match of a need with no
  good match yet): `proposal_request` writes a `proposed` row marked `requested_at`, which
  waits in the same review queue and which the matcher never removes.
- Coordinators (`user.is_staff`) approve or suppress. A suppressed proposal can be approved
  later; an approved one can be suppressed as long as nobody was introduced.
- Each side (the need's company, the seed's university) marks interested or declined with a
  reason from `DeclineReason`; a side may change its answer until the proposal is introduced
  or closed. Every answer is kept (ProposalResponse) for evaluation and learning.
- When both sides are interested the proposal is introduced: contacts and confidential details
  of the need and the seed become visible to the two parties (see matching.selectors).
- Only the two parties of an introduced proposal record outcomes (agreements).

Partnerships (company × university) follow the same lifecycle with PartnershipResponse, and an
investor (or the venture's university) records an investment outcome for a venture that the
matcher ranked for the investor. Every function is atomic and locks the row it changes, so two
simultaneous answers cannot both miss the introduction.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import (
    InvestorMatch,
    MatchScore,
    Outcome,
    PartnershipProposal,
    PartnershipResponse,
    Proposal,
    ProposalResponse,
)
from matching.models.feedback import (
    AgreementType,
    CrossAppointmentDirection,
    Decision,
    DeclineReason,
)
from matching.models.results import ProposalStatus
from matching.selectors import side_of
from matching.signals import send_introduced
from profiles.access import org_of, require_coordinator_user, require_member
from profiles.choices import MAX_YEN, PublicationStatus
from profiles.models import Need, Seed, Venture

from . import notices
from .refresh.needs import proposal_explanation
from .weights import active_weights

COMMENT_MAX = 5000
NOTE_MAX = 5000


def _clean_text(value, *, field: str, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: [_("文字列を入力してください。")]})
    value = value.strip()
    if "\x00" in value:
        raise ValidationError({field: [_("NUL 文字は使用できません。")]})
    if len(value) > max_length:
        raise ValidationError(
            {field: [_("%(max)d 文字以内で入力してください。") % {"max": max_length}]}
        )
    if required and not value:
        raise ValidationError({field: [_("この項目は必須です。")]})
    return value


# --- A company asks about a seed ------------------------------------------------------------


@transaction.atomic
def proposal_request(*, need: Need, seed: Seed, by) -> Proposal:
    """The need's company asks the coordinators to consider `seed` for `need` (a seed among
    the need's ranked ones that the matcher did not propose). The request waits for review
    like any proposal; at most MATCHING_PROPOSALS_PER_NEED requests wait per need."""
    need = Need.objects.select_for_update().select_related("organization").get(pk=need.pk)
    require_member(org=need.organization, by=by)
    if by is None:
        raise PermissionDenied(_("問い合わせは企業のメンバーが行います。"))
    if need.status != PublicationStatus.PUBLISHED:
        raise ValidationError({"need": [_("公開中のニーズについてのみ問い合わせできます。")]})
    score = (
        MatchScore.objects.filter(need=need, seed=seed).select_related("seed__organization").first()
    )
    if score is None or score.seed.status != PublicationStatus.PUBLISHED:
        raise ValidationError({"seed": [_("この研究シーズはこのニーズの候補に含まれていません。")]})
    if Proposal.objects.filter(need=need, seed=seed).exists():
        raise ValidationError(
            {"seed": [_("この研究シーズはすでに提案済みか、問い合わせ済みです。")]}
        )
    waiting = Proposal.objects.filter(
        need=need, status=ProposalStatus.PROPOSED, requested_at__isnull=False
    ).count()
    if waiting >= settings.MATCHING_PROPOSALS_PER_NEED:
        raise ValidationError(
            {
                "seed": [
                    _("確認待ちの問い合わせは 1 つのニーズにつき %(n)d 件までです。")
                    % {"n": settings.MATCHING_PROPOSALS_PER_NEED}
                ]
            }
        )
    return Proposal.objects.create(
        need=need,
        seed=score.seed,
        score=score.score,
        relevance=score.relevance,
        signals=score.signals,
        explanation=proposal_explanation(
            need=need, seed=score.seed, score=score, weights=active_weights()
        ),
        model_id=score.model_id,
        requested_by=by,
        requested_at=timezone.now(),
    )


# --- Review by a coordinator ---------------------------------------------------------------


def _review(obj, *, by, note: str, to: str, allowed_from: tuple[str, ...]):
    require_coordinator_user(by)
    if obj.status not in allowed_from:
        raise ValidationError(
            {
                "status": [
                    _("現在の状態「%(status)s」からはこの操作を行えません。")
                    % {"status": obj.get_status_display()}
                ]
            }
        )
    obj.status = to
    obj.reviewed_by = by
    obj.reviewed_at = timezone.now()
    obj.review_note = note
    return obj


@transaction.atomic
def proposal_approve(*, proposal: Proposal, by, note: str = "") -> Proposal:
    """Approve a proposal: from now on both sides see it and can respond."""
    note = _clean_text(note, field="note", max_length=NOTE_MAX)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _review(
        proposal,
        by=by,
        note=note,
        to=ProposalStatus.APPROVED,
        allowed_from=(ProposalStatus.PROPOSED, ProposalStatus.SUPPRESSED),
    )
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    notices.proposal_approved_notify(proposal=proposal)
    return proposal


@transaction.atomic
def proposal_suppress(*, proposal: Proposal, by, note: str) -> Proposal:
    """Suppress a proposal (with the reason in `note`): neither side sees it."""
    note = _clean_text(note, field="note", max_length=NOTE_MAX, required=True)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _review(
        proposal,
        by=by,
        note=note,
        to=ProposalStatus.SUPPRESSED,
        allowed_from=(ProposalStatus.PROPOSED, ProposalStatus.APPROVED),
    )
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return proposal


@transaction.atomic
def partnership_approve(*, partnership: PartnershipProposal, by, note: str = ""):
    note = _clean_text(note, field="note", max_length=NOTE_MAX)
    partnership = PartnershipProposal.objects.select_for_update().get(pk=partnership.pk)
    _review(
        partnership,
        by=by,
        note=note,
        to=ProposalStatus.APPROVED,
        allowed_from=(ProposalStatus.PROPOSED, ProposalStatus.SUPPRESSED),
    )
    partnership.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    notices.partnership_approved_notify(partnership=partnership)
    return partnership


@transaction.atomic
def partnership_suppress(*, partnership: PartnershipProposal, by, note: str):
    note = _clean_text(note, field="note", max_length=NOTE_MAX, required=True)
    partnership = PartnershipProposal.objects.select_for_update().get(pk=partnership.pk)
    _review(
        partnership,
        by=by,
        note=note,
        to=ProposalStatus.SUPPRESSED,
        allowed_from=(ProposalStatus.PROPOSED, ProposalStatus.APPROVED),
    )
    partnership.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return partnership


# --- Responses of the two sides --------------------------------------------------------------


def _clean_response(*, decision, reason, comment) -> tuple[str, str, str]:
    if decision not in Decision.values:
        raise ValidationError(
            {
                "decision": [
                    _("「%(value)s」は選択できません。選択肢: %(choices)s")
                    % {"value": decision, "choices": ", ".join(Decision.values)}
                ]
            }
        )
    reason = reason or ""
    if decision == Decision.DECLINED:
        if reason not in DeclineReason.values:
            raise ValidationError(
                {
                    "reason": [
                        _("辞退の理由を選択してください。選択肢: %(choices)s")
                        % {"choices": ", ".join(DeclineReason.values)}
                    ]
                }
            )
    elif reason:
        if reason not in DeclineReason.values:
            raise ValidationError({"reason": [_("理由の値が不正です。")]})
        reason = ""  # a reason only qualifies a decline
    comment = _clean_text(comment, field="comment", max_length=COMMENT_MAX)
    return decision, reason, comment


def _require_side(*, by, company_id: int, academic_id: int) -> str:
    side = side_of(org=org_of(by), company_id=company_id, academic_id=academic_id)
    if side is None:
        raise PermissionDenied(_("この提案の当事者ではありません。"))
    return side


def _settle(obj, responses: dict[str, str]) -> list[str]:
    """Move to introduced (both interested) or closed (both answered, one declined)."""
    if len(responses) < 2:
        return []
    if all(d == Decision.INTERESTED for d in responses.values()):
        obj.status = ProposalStatus.INTRODUCED
        obj.introduced_at = timezone.now()
        return ["status", "introduced_at"]
    obj.status = ProposalStatus.CLOSED
    return ["status"]


def _check_can_respond(obj) -> None:
    if obj.status != ProposalStatus.APPROVED:
        raise ValidationError(
            {
                "status": [
                    _("承認され提示中の提案にのみ回答できます(現在の状態: %(status)s)。")
                    % {"status": obj.get_status_display()}
                ]
            }
        )


@transaction.atomic
def proposal_respond(
    *, proposal: Proposal, by, decision: str, reason: str = "", comment: str = ""
) -> ProposalResponse:
    """Record the caller's side's answer; introduce the two sides when both are interested."""
    decision, reason, comment = _clean_response(decision=decision, reason=reason, comment=comment)
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("need", "seed")
        .get(pk=proposal.pk)
    )
    side = _require_side(
        by=by,
        company_id=proposal.need.organization_id,
        academic_id=proposal.seed.organization_id,
    )
    _check_can_respond(proposal)
    response, _created = ProposalResponse.objects.update_or_create(
        proposal=proposal,
        side=side,
        defaults={
            "decision": decision,
            "reason": reason,
            "comment": comment,
            "responded_by": by,
        },
    )
    answers = dict(proposal.responses.values_list("side", "decision"))
    changed = _settle(proposal, answers)
    if changed:
        proposal.save(update_fields=[*changed, "updated_at"])
    _after_answer(proposal, subject="proposal", side=side, answers=answers)
    return response


@transaction.atomic
def partnership_respond(
    *, partnership: PartnershipProposal, by, decision: str, reason: str = "", comment: str = ""
) -> PartnershipResponse:
    decision, reason, comment = _clean_response(decision=decision, reason=reason, comment=comment)
    partnership = PartnershipProposal.objects.select_for_update().get(pk=partnership.pk)
    side = _require_side(
        by=by, company_id=partnership.company_id, academic_id=partnership.academic_id
    )
    _check_can_respond(partnership)
    response, _created = PartnershipResponse.objects.update_or_create(
        partnership=partnership,
        side=side,
        defaults={
            "decision": decision,
            "reason": reason,
            "comment": comment,
            "responded_by": by,
        },
    )
    answers = dict(partnership.responses.values_list("side", "decision"))
    changed = _settle(partnership, answers)
    if changed:
        partnership.save(update_fields=changed)
    _after_answer(partnership, subject="partnership", side=side, answers=answers)
    return response


def _after_answer(obj, *, subject: str, side: str, answers: dict[str, str]) -> None:
    """Who hears of an answer: both sides of an introduction (and the thread opens); the
    other side of an "interested" it has not answered yet."""
    if obj.status == ProposalStatus.INTRODUCED:
        notices.introduced_notify(obj=obj)
        send_introduced(subject=subject, object_id=obj.pk)
    elif answers.get(side) == Decision.INTERESTED and len(answers) == 1:
        notices.interested_notify(obj=obj, side=side)


# --- Outcomes ----------------------------------------------------------------------------------

_INT_LIMITS = {
    # field: (minimum, maximum) — the database column's range, so nothing reaches the database
    # that it would refuse.
    "amount_yen": (0, MAX_YEN),
    "duration_years": (1, 50),
    "cross_appointment_count": (0, 32767),
    "fiscal_year": (2000, 2100),
}


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
    proposal: Proposal | None = None,
    partnership: PartnershipProposal | None = None,
    venture: Venture | None = None,
) -> Outcome:
    """Record an agreement that came out of a proposal, a partnership or a venture match.

    Exactly one of `proposal`, `partnership`, `venture` is given:
    - proposal / partnership: only after the introduction, by a member of either party;
    - venture: a spin-off investment, recorded by the investor the matcher ranked for the
      venture (the investor is the counterparty stored in `company`).
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
    fiscal_year = _clean_int(fiscal_year, field="fiscal_year", required=False)
    note = _clean_text(note, field="note", max_length=NOTE_MAX)
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
        recorded_by=by,
    )
    if proposal is not None:
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("need", "seed")
            .get(pk=proposal.pk)
        )
        _require_side(
            by=by,
            company_id=proposal.need.organization_id,
            academic_id=proposal.seed.organization_id,
        )
        _check_introduced(proposal)
        outcome.proposal = proposal
        outcome.company_id = proposal.need.organization_id
        outcome.academic_id = proposal.seed.organization_id
    elif partnership is not None:
        partnership = PartnershipProposal.objects.select_for_update().get(pk=partnership.pk)
        _require_side(by=by, company_id=partnership.company_id, academic_id=partnership.academic_id)
        _check_introduced(partnership)
        outcome.partnership = partnership
        outcome.company_id = partnership.company_id
        outcome.academic_id = partnership.academic_id
    else:
        org = org_of(by)
        match = (
            InvestorMatch.objects.filter(venture=venture, investor__organization=org)
            .select_related("investor")
            .first()
            if org is not None
            else None
        )
        if match is None:
            raise PermissionDenied(_("このベンチャーに推薦された投資家のみ出資を記録できます。"))
        if agreement_type != AgreementType.SPINOFF_INVESTMENT:
            raise ValidationError(
                {"agreement_type": [_("ベンチャーへの記録は出資(spinoff_investment)のみです。")]}
            )
        outcome.venture = venture
        outcome.academic_id = venture.organization_id
        outcome.company_id = org.pk
    outcome.full_clean()
    outcome.save()
    return outcome


def _check_introduced(obj) -> None:
    if obj.introduced_at is None:
        raise ValidationError({"status": [_("成果は両者が紹介された後にのみ記録できます。")]})


__all__ = [
    "outcome_record",
    "partnership_approve",
    "partnership_respond",
    "partnership_suppress",
    "proposal_approve",
    "proposal_respond",
    "proposal_suppress",
]
