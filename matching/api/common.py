"""What every matching API module shares: the 404 for ids outside the caller's scope, the
organisation summary, the answers of a proposal, input validation, and the input serializers
of answers and outcomes."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config import api_fields
from config.ids import PK_MAX
from matching.models.feedback import (
    AgreementType,
    CrossAppointmentDirection,
    Decision,
    DeclineReason,
)
from matching.models.results import ProposalStatus
from matching.services import proposals as proposal_services
from profiles.choices import MAX_YEN


def get_or_404(queryset: QuerySet, pk: int):
    if pk < 1 or pk > PK_MAX:
        raise Http404
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def org_summary(org) -> dict:
    return {
        "id": org.pk,
        "key": org.key,
        "name": org.name,
        "name_en": org.name_en,
        "kind": org.kind,
        "region": org.region,
    }


def responses_data(obj, *, my_side: str | None, is_staff: bool) -> list[dict]:
    out = []
    for r in obj.responses.all():
        item = {
            "side": r.side,
            "decision": r.decision,
            "reason": r.reason,
            "responded_at": r.responded_at,
        }
        # A side's comment is its own note; the other side sees the decision only.
        if is_staff or r.side == my_side:
            item["comment"] = r.comment
        out.append(item)
    return out


def validated(serializer_class, data):
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return s.validated_data


class RespondInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reason = serializers.ChoiceField(
        choices=DeclineReason.choices, required=False, allow_blank=True
    )
    comment = api_fields.CharField(
        required=False, allow_blank=True, max_length=proposal_services.COMMENT_MAX
    )

    def validate(self, attrs):
        if attrs["decision"] == Decision.DECLINED and not attrs.get("reason"):
            raise serializers.ValidationError({"reason": [_("辞退の理由を選択してください。")]})
        return attrs


class OutcomeInput(serializers.Serializer):
    agreement_type = serializers.ChoiceField(choices=AgreementType.choices)
    amount_yen = serializers.IntegerField(min_value=0, max_value=MAX_YEN, default=0)
    duration_years = serializers.IntegerField(min_value=1, max_value=50, default=1)
    cross_appointment_direction = serializers.ChoiceField(
        choices=CrossAppointmentDirection.choices, required=False, allow_blank=True, default=""
    )
    cross_appointment_count = serializers.IntegerField(min_value=0, max_value=32767, default=0)
    fiscal_year = serializers.IntegerField(
        min_value=2000, max_value=2100, required=False, allow_null=True, default=None
    )
    note = api_fields.CharField(
        required=False, allow_blank=True, max_length=proposal_services.NOTE_MAX, default=""
    )


class ProposalListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProposalStatus.choices, required=False)
    need = serializers.IntegerField(
        min_value=1,
        max_value=PK_MAX,
        required=False,
        help_text=_("ニーズの ID (匿名のニーズは need_public_id で)"),
    )
    need_public_id = serializers.UUIDField(required=False)
    seed = serializers.IntegerField(min_value=1, max_value=PK_MAX, required=False)


def outcome_data(outcome) -> dict:
    return {
        "id": outcome.pk,
        "agreement_type": outcome.agreement_type,
        "amount_yen": outcome.amount_yen,
        "duration_years": outcome.duration_years,
        "cross_appointment_direction": outcome.cross_appointment_direction,
        "cross_appointment_count": outcome.cross_appointment_count,
        "fiscal_year": outcome.fiscal_year,
        "note": outcome.note,
        "proposal": outcome.proposal_id,
        "partnership": outcome.partnership_id,
        "venture": outcome.venture_id,
        "academic": outcome.academic_id,
        "company": outcome.company_id,
        "recorded_at": outcome.recorded_at,
        # pending until the other party confirms it; only confirmed outcomes count in the KPIs.
        "status": outcome.status,
        "recorded_side": outcome.recorded_side,
    }
