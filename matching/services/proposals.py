"""The lifecycle of proposals after the matcher wrote them (status `proposed`).

    proposed ──approve──▶ approved (shown to both sides) ──both interested──▶ introduced ──▶ outcomes
        │  ▲                   │  └──both responded, one declined──▶ closed
        └──┴──suppress◀────────┘

- A company may express interest in a seed for one of its needs (the seed page, a search hit,
  a weak match of a need with no good match yet): `proposal_request` writes a row marked
  `requested_at` with the company's side already interested; it waits in the same review
  queue (MATCHING_REQUEST_REVIEW) and the matcher never removes it.
- Coordinators (`user.is_staff`) approve or suppress. A suppressed proposal can be approved
  later; an approved one can be suppressed as long as nobody was introduced.
- Each side (the need's company, the seed's university) marks interested or declined with a
  reason from `DeclineReason`; a side may change an "interested" until the proposal is
  introduced. A decline closes the proposal at once, which frees the need's slot: the need's
  proposals are chosen again (`matching.tasks.reassign_need`). Every answer is kept (ProposalResponse) for evaluation and learning.
- When both sides are interested the proposal is introduced: contacts and confidential details
  of the need and the seed become visible to the two parties (see matching.selectors).
- Only the two parties of an introduced proposal record outcomes (agreements):
  `matching.services.agreements`.

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

from matching.engine.explain import match_explanation
from matching.models import (
    MatchScore,
    PartnershipProposal,
    PartnershipResponse,
    Proposal,
    ProposalResponse,
)
from matching.models.feedback import Decision, DeclineReason, Side
from matching.models.results import ProposalStatus
from matching.selectors import side_of
from matching.signals import send_introduced
from outbox.dispatch import enqueue
from profiles.access import is_member_of, org_of, require_coordinator_user
from profiles.choices import PublicationStatus
from profiles.models import Need, Seed
from profiles.selectors.catalog import seeds_visible_to

from . import notices
from .refresh.needs import proposal_explanation
from .weights import active_weights

COMMENT_MAX = 5000
NOTE_MAX = 5000


def clean_text(value, *, field: str, max_length: int, required: bool = False) -> str:
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


# --- A company expresses interest in a seed ----------------------------------------------------

REQUEST_MESSAGE_MAX = 2000
# A proposal a company may still express interest in: one nobody has acted on or one that is
# being discussed; a suppressed, closed or introduced pair is settled.
_LIVE = (ProposalStatus.PROPOSED, ProposalStatus.APPROVED, ProposalStatus.INTRODUCED)


def _request_explanation(*, need: Need, seed: Seed, score: MatchScore | None) -> dict:
    """The stored explanation of a request: the matcher's when it scored the pair; for a need
    it has not scored yet (written on the spot), the terms the two public texts share."""
    if score is not None:
        return proposal_explanation(need=need, seed=seed, score=score, weights=active_weights())
    explanation = match_explanation(
        need_text=need.embedding_text(),
        seed_text=seed.embedding_text(),
        need_keywords=need.keywords or [],
        seed_keywords=seed.keywords or [],
        signals={},
    )
    explanation.update({"values": {}, "weights": {}, "defaults": [], "relevance": None})
    return explanation


@transaction.atomic
def proposal_request(*, need: Need, seed: Seed, by, message: str = "") -> Proposal:
    """The need's company expresses interest in `seed` for `need` (関心を伝える: from the seed
    page, a search hit, or a weak match of a need with no good match yet).

    This is a company-initiated proposal in the same lifecycle: the company's side is recorded
    as interested with `message`; it waits for a coordinator's review when
    MATCHING_REQUEST_REVIEW is on (else it is shown to the university at once), then the
    university answers. A pair already proposed, asked about or settled is refused, and so is
    a second interest of the same company in the same seed while the first is open; at most
    MATCHING_PROPOSALS_PER_NEED requests wait per need. An anonymous need stays anonymous:
    the university hears of "a company" and sees the need under its public title."""
    message = clean_text(message, field="message", max_length=REQUEST_MESSAGE_MAX)
    need = Need.objects.select_for_update().select_related("organization").get(pk=need.pk)
    if by is None or not is_member_of(by, need.organization):
        raise PermissionDenied(_("関心を伝えられるのはニーズを登録した企業のメンバーです。"))
    if need.status != PublicationStatus.PUBLISHED:
        raise ValidationError({"need": [_("公開中のニーズについてのみ問い合わせできます。")]})
    seed = (
        seeds_visible_to(user=by)
        .filter(pk=seed.pk, status=PublicationStatus.PUBLISHED)
        .select_related("organization")
        .first()
    )
    if seed is None or seed.organization_id == need.organization_id:
        raise ValidationError({"seed": [_("この研究シーズは公開されていません。")]})
    existing = Proposal.objects.select_for_update().filter(need=need, seed=seed).first()
    if existing is not None and not (
        existing.status == ProposalStatus.PROPOSED and existing.requested_at is None
    ):
        if existing.status == ProposalStatus.APPROVED and existing.requested_at is None:
            raise ValidationError(
                {
                    "seed": [
                        _(
                            "この組み合わせはすでに提案されています。"
                            "提案のページで「関心あり」と回答してください。"
                        )
                    ]
                }
            )
        raise ValidationError(
            {"seed": [_("この研究シーズはすでに提案済みか、問い合わせ済みです。")]}
        )
    other = (
        Proposal.objects.filter(
            seed=seed,
            need__organization=need.organization,
            requested_at__isnull=False,
            status__in=_LIVE,
        )
        .exclude(need=need)
        .select_related("need")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "seed": [
                    _("この研究シーズには、ニーズ「%(need)s」ですでに関心を伝えています。")
                    % {"need": other.need.title}
                ]
            }
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
    score = MatchScore.objects.filter(need=need, seed=seed).first()
    now = timezone.now()
    values = {
        "score": score.score if score else 0.0,
        "relevance": score.relevance if score else None,
        "signals": score.signals if score else {},
        "explanation": _request_explanation(need=need, seed=seed, score=score),
        "model_id": score.model_id if score else "",
        "requested_by": by,
        "requested_at": now,
        "request_message": message,
    }
    if not settings.MATCHING_REQUEST_REVIEW:
        values.update(status=ProposalStatus.APPROVED, reviewed_at=now)
    if existing is not None:  # the matcher's open proposal becomes the company's request
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        proposal = existing
    else:
        proposal = Proposal.objects.create(need=need, seed=seed, **values)
    ProposalResponse.objects.update_or_create(
        proposal=proposal,
        side=Side.COMPANY,
        defaults={
            "decision": Decision.INTERESTED,
            "reason": "",
            "comment": message,
            "responded_by": by,
        },
    )
    if proposal.status == ProposalStatus.APPROVED:
        notices.request_shown_notify(proposal=proposal)
    return proposal


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
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _review(
        proposal,
        by=by,
        note=note,
        to=ProposalStatus.APPROVED,
        allowed_from=(ProposalStatus.PROPOSED, ProposalStatus.SUPPRESSED),
    )
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    if proposal.requested_at is not None:
        notices.request_shown_notify(proposal=proposal)
    else:
        notices.proposal_approved_notify(proposal=proposal)
    return proposal


@transaction.atomic
def proposal_suppress(*, proposal: Proposal, by, note: str) -> Proposal:
    """Suppress a proposal (with the reason in `note`): neither side sees it."""
    note = clean_text(note, field="note", max_length=NOTE_MAX, required=True)
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
    note = clean_text(note, field="note", max_length=NOTE_MAX)
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
    note = clean_text(note, field="note", max_length=NOTE_MAX, required=True)
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
    comment = clean_text(comment, field="comment", max_length=COMMENT_MAX)
    return decision, reason, comment


def require_side(*, by, company_id: int, academic_id: int) -> str:
    side = side_of(org=org_of(by), company_id=company_id, academic_id=academic_id)
    if side is None:
        raise PermissionDenied(_("この提案の当事者ではありません。"))
    return side


def _settle(obj, responses: dict[str, str]) -> list[str]:
    """Move to closed as soon as one side declines (nothing can come of it, and it must not
    hold one of the need's slots or the seed's capacity), or to introduced when both sides are
    interested."""
    if any(d == Decision.DECLINED for d in responses.values()):
        obj.status = ProposalStatus.CLOSED
        return ["status"]
    if len(responses) == 2 and all(d == Decision.INTERESTED for d in responses.values()):
        obj.status = ProposalStatus.INTRODUCED
        obj.introduced_at = timezone.now()
        return ["status", "introduced_at"]
    return []


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
    side = require_side(
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
    if proposal.status == ProposalStatus.CLOSED:
        # The slot is free: the need's proposals are chosen again (the next relevant seed
        # above the floor; the closed pair is never proposed again).
        enqueue("matching.tasks.reassign_need", proposal.need_id)
    _after_answer(proposal, subject="proposal", side=side, answers=answers)
    return response


@transaction.atomic
def partnership_respond(
    *, partnership: PartnershipProposal, by, decision: str, reason: str = "", comment: str = ""
) -> PartnershipResponse:
    decision, reason, comment = _clean_response(decision=decision, reason=reason, comment=comment)
    partnership = PartnershipProposal.objects.select_for_update().get(pk=partnership.pk)
    side = require_side(
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


__all__ = [
    "partnership_approve",
    "partnership_respond",
    "partnership_suppress",
    "proposal_approve",
    "proposal_request",
    "proposal_respond",
    "proposal_suppress",
]
