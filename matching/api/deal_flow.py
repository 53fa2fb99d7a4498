"""An investor's deal flow and the investments it records."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config import api_fields
from matching import selectors
from matching.api.common import (
    OutcomeInput,
    get_or_404,
    org_summary,
    outcome_data,
    validated,
)
from matching.models import (
    InvestorMatch,
)
from matching.services import agreements as agreement_services


class DealFlowSerializer(api_fields.ModelSerializer):
    venture = serializers.SerializerMethodField()
    investor = serializers.SerializerMethodField()

    class Meta:
        model = InvestorMatch
        fields = ["id", "score", "rank", "signals", "venture", "investor", "computed_at"]

    def get_venture(self, obj) -> dict:
        v = obj.venture
        return {
            "id": v.pk,
            "key": v.key,
            "name": v.name,
            "summary": v.summary,
            "stage": v.stage,
            "seeks": v.seeks,
            "organization": org_summary(v.organization),
        }

    def get_investor(self, obj) -> dict:
        return {"id": obj.investor_id, "organization": org_summary(obj.investor.organization)}


class DealFlowView(generics.ListAPIView):
    serializer_class = DealFlowSerializer

    def get_queryset(self):
        return selectors.investor_deal_flow(user=self.request.user)


class DealFlowOutcomeView(APIView):
    @extend_schema(request=OutcomeInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        match = get_or_404(selectors.investor_deal_flow(user=request.user), pk)
        data = validated(OutcomeInput, request.data)
        outcome = agreement_services.outcome_record(venture=match.venture, by=request.user, **data)
        return Response(outcome_data(outcome), status=status.HTTP_201_CREATED)
