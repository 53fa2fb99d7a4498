"""Investor introductions: the lifecycle of an investor's interest in a university spin-off.

    interested (investor) ──university interested──▶ introduced (contacts, thread)
            │            └──university declines (reason)──▶ declined
            └──investor withdraws before the answer──▶ withdrawn

- `investor_interest_express(*, venture, by, message)`: a member of an approved investor
  organisation with a thesis marks interest in a published venture of an approved
  university; once per investor and venture (a withdrawn interest may be renewed). The
  venture's university hears of it (`investor_interested`).
- `investor_interest_answer(*, intro, by, decision, reason, comment)`: a member of the
  venture's university answers. Interested → introduced: both hear of it, the matcher's
  `introduced(subject="investor")` signal opens their message thread, and the venture's
  confidential details open to the investor (the grant in `matching/receivers.py`).
- `investor_interest_withdraw(*, intro, by)`: the investor, before the answer.
Each function is atomic and locks the row.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import InvestorIntroduction
from matching.models.feedback import Decision, DeclineReason
from matching.models.investors import InvestorIntroductionStatus as Status
from matching.signals import send_introduced
from profiles.access import is_member_of, org_of
from profiles.choices import OrgKind, PublicationStatus
from profiles.models import InvestorProfile, Venture
from profiles.selectors.catalog import ventures_visible_to

from . import notices
from .proposals import COMMENT_MAX, REQUEST_MESSAGE_MAX, clean_text


@transaction.atomic
def investor_interest_express(*, venture: Venture, by, message: str = "") -> InvestorIntroduction:
    message = clean_text(message, field="message", max_length=REQUEST_MESSAGE_MAX)
    org = org_of(by)
    if org is None or org.kind != OrgKind.INVESTOR or not org.is_approved:
        raise PermissionDenied(_("関心を伝えられるのは承認済みの投資家です。"))
    investor = InvestorProfile.objects.filter(organization=org).first()
    if investor is None:
        raise ValidationError(
            {"venture": [_("先に投資方針を登録してください (投資家プロファイル)。")]}
        )
    venture = (
        ventures_visible_to(user=by)
        .filter(pk=venture.pk, status=PublicationStatus.PUBLISHED)
        .select_related("organization")
        .first()
    )
    if venture is None:
        raise ValidationError({"venture": [_("このベンチャーは公開されていません。")]})
    intro = (
        InvestorIntroduction.objects.select_for_update()
        .filter(venture=venture, investor=investor)
        .first()
    )
    if intro is not None and intro.status != Status.WITHDRAWN:
        raise ValidationError(
            {
                "venture": [
                    _("このベンチャーにはすでに関心を伝えています (状態: %(status)s)。")
                    % {"status": intro.get_status_display()}
                ]
            }
        )
    if intro is None:
        intro = InvestorIntroduction(venture=venture, investor=investor)
    intro.status = Status.INTERESTED
    intro.message = message
    intro.interested_by = by
    intro.reason, intro.comment, intro.answered_by, intro.answered_at = "", "", None, None
    intro.save()
    notices.investor_interested_notify(intro=intro)
    return intro


def _locked(intro: InvestorIntroduction) -> InvestorIntroduction:
    return (
        InvestorIntroduction.objects.select_for_update(of=("self",))
        .select_related("venture__organization", "investor__organization")
        .get(pk=intro.pk)
    )


@transaction.atomic
def investor_interest_answer(
    *, intro: InvestorIntroduction, by, decision: str, reason: str = "", comment: str = ""
) -> InvestorIntroduction:
    intro = _locked(intro)
    if not is_member_of(by, intro.venture.organization):
        raise PermissionDenied(_("このベンチャーの大学のメンバーのみが回答できます。"))
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
    if decision == Decision.DECLINED and reason not in DeclineReason.values:
        raise ValidationError(
            {
                "reason": [
                    _("辞退の理由を選択してください。選択肢: %(choices)s")
                    % {"choices": ", ".join(DeclineReason.values)}
                ]
            }
        )
    comment = clean_text(comment, field="comment", max_length=COMMENT_MAX)
    if intro.status != Status.INTERESTED:
        raise ValidationError(
            {
                "status": [
                    _("回答を待っている関心にのみ回答できます (現在の状態: %(status)s)。")
                    % {"status": intro.get_status_display()}
                ]
            }
        )
    now = timezone.now()
    intro.answered_by, intro.answered_at, intro.comment = by, now, comment
    if decision == Decision.INTERESTED:
        intro.status, intro.introduced_at, intro.reason = Status.INTRODUCED, now, ""
    else:
        intro.status, intro.reason = Status.DECLINED, reason
    intro.save()
    if intro.status == Status.INTRODUCED:
        notices.investor_introduced_notify(intro=intro)
        send_introduced(subject="investor", object_id=intro.pk)
    return intro


@transaction.atomic
def investor_interest_withdraw(*, intro: InvestorIntroduction, by) -> InvestorIntroduction:
    intro = _locked(intro)
    if not is_member_of(by, intro.investor.organization):
        raise PermissionDenied(_("関心を伝えた投資家のメンバーのみが取り下げられます。"))
    if intro.status != Status.INTERESTED:
        raise ValidationError({"status": [_("大学が回答した後は取り下げられません。")]})
    intro.status = Status.WITHDRAWN
    intro.save(update_fields=["status", "updated_at"])
    return intro


__all__ = ["investor_interest_answer", "investor_interest_express", "investor_interest_withdraw"]
