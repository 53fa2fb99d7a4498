"""Coordinators' API (`user.is_staff`): review queues, approve/suppress, live metrics, full
rematch runs and their progress."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config import api_fields
from matching import selectors
from matching.api.common import (
    get_or_404,
    validated,
)
from matching.api.partnerships import PartnershipSerializer
from matching.api.proposals import ProposalSerializer
from matching.models import (
    MatchRun,
)
from matching.services import proposals as proposal_services
from matching.services.metrics import admin_metrics
from matching.services.refresh import match_all
from profiles.api.permissions import Coordinator


class MatchRunSerializer(api_fields.ModelSerializer):
    progress = serializers.FloatField(read_only=True)

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "kind",
            "status",
            "phase",
            "model_id",
            "total_chunks",
            "done_chunks",
            "resumes",
            "progress",
            "error",
            "created_at",
            "started_at",
            "progress_at",
            "finished_at",
        ]


class ReviewInput(serializers.Serializer):
    note = api_fields.CharField(
        required=False, allow_blank=True, max_length=proposal_services.NOTE_MAX, default=""
    )


class SuppressInput(serializers.Serializer):
    note = api_fields.CharField(max_length=proposal_services.NOTE_MAX)


class AdminReviewQueueView(generics.ListAPIView):
    permission_classes = [Coordinator]
    serializer_class = ProposalSerializer

    def get_queryset(self):
        return selectors.admin_review_queue().prefetch_related("responses")


class AdminPartnershipQueueView(generics.ListAPIView):
    permission_classes = [Coordinator]
    serializer_class = PartnershipSerializer

    def get_queryset(self):
        return selectors.partnership_review_queue().prefetch_related("responses")


class AdminProposalReviewView(APIView):
    permission_classes = [Coordinator]
    review_action: str = ""

    @extend_schema(request=ReviewInput, responses=ProposalSerializer)
    def post(self, request, pk: int):
        proposal = get_or_404(selectors.proposals_for(user=request.user), pk)
        if self.review_action == "approve":
            note = validated(ReviewInput, request.data)["note"]
            proposal_services.proposal_approve(proposal=proposal, by=request.user, note=note)
        else:
            note = validated(SuppressInput, request.data)["note"]
            proposal_services.proposal_suppress(proposal=proposal, by=request.user, note=note)
        proposal = selectors.proposals_for(user=request.user).get(pk=proposal.pk)
        return Response(ProposalSerializer(proposal, context={"request": request}).data)


class AdminPartnershipReviewView(APIView):
    permission_classes = [Coordinator]
    review_action: str = ""

    @extend_schema(request=ReviewInput, responses=PartnershipSerializer)
    def post(self, request, pk: int):
        partnership = get_or_404(selectors.partnerships_for(user=request.user), pk)
        if self.review_action == "approve":
            note = validated(ReviewInput, request.data)["note"]
            proposal_services.partnership_approve(
                partnership=partnership, by=request.user, note=note
            )
        else:
            note = validated(SuppressInput, request.data)["note"]
            proposal_services.partnership_suppress(
                partnership=partnership, by=request.user, note=note
            )
        partnership = selectors.partnerships_for(user=request.user).get(pk=partnership.pk)
        return Response(PartnershipSerializer(partnership, context={"request": request}).data)


class AdminMetricsView(APIView):
    permission_classes = [Coordinator]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):

        return Response(admin_metrics())


class AdminMatchRunListView(generics.ListAPIView):
    permission_classes = [Coordinator]
    serializer_class = MatchRunSerializer
    queryset = MatchRun.objects.order_by("-created_at", "-id")

    @extend_schema(request=None, responses={202: MatchRunSerializer})
    def post(self, request):
        # Imported here: the refresh service pulls in the engine and the embedder.

        run = match_all(sync=False, by=request.user)
        return Response(MatchRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class AdminMatchRunDetailView(APIView):
    permission_classes = [Coordinator]

    @extend_schema(responses=MatchRunSerializer)
    def get(self, request, pk: int):
        run = get_or_404(MatchRun.objects.all(), pk)
        return Response(MatchRunSerializer(run).data)
