"""Organisation-to-organisation partnership proposals: list, detail with the seed–need links,
answer, outcome."""

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
    ProposalListQuery,
    RespondInput,
    get_or_404,
    org_summary,
    outcome_data,
    responses_data,
    validated,
)
from matching.models import (
    PartnershipProposal,
)
from matching.services import agreements as agreement_services
from matching.services import proposals as proposal_services
from profiles import access


class PartnershipSerializer(api_fields.ModelSerializer):
    status_label = api_fields.CharField(source="get_status_display", read_only=True)
    my_side = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    company = serializers.SerializerMethodField()
    academic = serializers.SerializerMethodField()
    responses = serializers.SerializerMethodField()

    class Meta:
        model = PartnershipProposal
        fields = [
            "id",
            "status",
            "status_label",
            "score",
            "rank",
            "signals",
            "evidence",
            "my_side",
            "company",
            "academic",
            "responses",
            "reviewed_at",
            "introduced_at",
            "created_at",
        ]

    def _user(self):
        return self.context["request"].user

    def get_my_side(self, obj) -> str | None:
        return selectors.partnership_side(user=self._user(), partnership=obj)

    def get_company(self, obj) -> dict:
        return org_summary(obj.company)

    def get_evidence(self, obj) -> list[dict]:
        return selectors.partnership_evidence_for(user=self._user(), partnership=obj)

    def get_academic(self, obj) -> dict:
        return org_summary(obj.academic)

    def get_responses(self, obj) -> list[dict]:
        user = self._user()
        return responses_data(
            obj,
            my_side=selectors.partnership_side(user=user, partnership=obj),
            is_staff=access.is_coordinator(user),
        )


class PartnershipDetailSerializer(PartnershipSerializer):
    links = serializers.SerializerMethodField()
    contacts = serializers.SerializerMethodField()

    class Meta(PartnershipSerializer.Meta):
        fields = [*PartnershipSerializer.Meta.fields, "links", "contacts"]

    def get_links(self, obj) -> list[dict]:
        return selectors.partnership_links(user=self._user(), partnership=obj)

    def get_contacts(self, obj) -> dict | None:
        return selectors.partnership_contacts_for(user=self._user(), partnership=obj)


class PartnershipListView(generics.ListAPIView):
    serializer_class = PartnershipSerializer

    def get_queryset(self):
        query = validated(ProposalListQuery, self.request.query_params)
        qs = selectors.partnerships_for(user=self.request.user)
        if "status" in query:
            qs = qs.filter(status=query["status"])
        return qs.order_by("-score", "id")


class PartnershipDetailView(APIView):
    @extend_schema(responses=PartnershipDetailSerializer)
    def get(self, request, pk: int):
        partnership = get_or_404(selectors.partnerships_for(user=request.user), pk)
        return Response(PartnershipDetailSerializer(partnership, context={"request": request}).data)


class PartnershipRespondView(APIView):
    @extend_schema(request=RespondInput, responses=PartnershipDetailSerializer)
    def post(self, request, pk: int):
        partnership = get_or_404(selectors.partnerships_for(user=request.user), pk)
        data = validated(RespondInput, request.data)
        proposal_services.partnership_respond(partnership=partnership, by=request.user, **data)
        partnership = selectors.partnerships_for(user=request.user).get(pk=partnership.pk)
        return Response(PartnershipDetailSerializer(partnership, context={"request": request}).data)


class PartnershipOutcomeView(APIView):
    @extend_schema(request=OutcomeInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        partnership = get_or_404(selectors.partnerships_for(user=request.user), pk)
        data = validated(OutcomeInput, request.data)
        outcome = agreement_services.outcome_record(
            partnership=partnership, by=request.user, **data
        )
        return Response(outcome_data(outcome), status=status.HTTP_201_CREATED)
