"""Proposals (seed × need) of the caller's organisation: list, detail, answer, outcome, and
the introduction (the two parties only)."""

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
    Proposal,
)
from matching.services import agreements as agreement_services
from matching.services import proposals as proposal_services
from profiles import access
from profiles.services.audit import confidential_reads_record
from profiles.services.estimator import estimate_for_need


class ProposalSerializer(api_fields.ModelSerializer):
    status_label = api_fields.CharField(source="get_status_display", read_only=True)
    my_side = serializers.SerializerMethodField()
    need = serializers.SerializerMethodField()
    seed = serializers.SerializerMethodField()
    responses = serializers.SerializerMethodField()
    review_note = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "status",
            "status_label",
            "score",
            "relevance",
            "requested_at",
            "signals",
            "explanation",
            "model_id",
            "my_side",
            "need",
            "seed",
            "responses",
            "review_note",
            "reviewed_at",
            "introduced_at",
            "created_at",
        ]

    def _user(self):
        return self.context["request"].user

    def get_my_side(self, obj: Proposal) -> str | None:
        return selectors.proposal_side(user=self._user(), proposal=obj)

    def get_need(self, obj: Proposal) -> dict:
        need = obj.need
        data = {
            "id": need.pk,
            "public_id": str(need.public_id),
            "key": need.key,
            "title": need.title,
            "description": need.description,
            "keywords": need.keywords,
            "field": need.field,
            "collaboration_modes": need.collaboration_modes,
            "budget_min_yen": need.budget_min_yen,
            "budget_max_yen": need.budget_max_yen,
            "duration_months": need.duration_months,
            "trl_min": need.trl_min,
            "trl_max": need.trl_max,
            "preferred_regions": need.preferred_regions,
            "organization": org_summary(need.organization),
        }
        if not access.company_visible(user=self._user(), need=need):
            data = access.redact_anonymous_need(data)
        return data

    def get_seed(self, obj: Proposal) -> dict:
        seed = obj.seed
        return {
            "id": seed.pk,
            "key": seed.key,
            "title": seed.title,
            "summary": seed.summary,
            "keywords": seed.keywords,
            "field": seed.field,
            "trl": seed.trl,
            "collaboration_modes": seed.collaboration_modes,
            "organization": org_summary(seed.organization),
        }

    def get_responses(self, obj: Proposal) -> list[dict]:
        user = self._user()
        return responses_data(
            obj,
            my_side=selectors.proposal_side(user=user, proposal=obj),
            is_staff=access.is_coordinator(user),
        )

    def get_review_note(self, obj: Proposal) -> str | None:
        return obj.review_note if access.is_coordinator(self._user()) else None


class ProposalDetailSerializer(ProposalSerializer):
    price_estimate = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "price_estimate"]

    def get_price_estimate(self, obj: Proposal) -> dict:
        """The fair-price estimate at the university's rates, next to the need's budget."""

        return estimate_for_need(org=obj.seed.organization, need=obj.need).as_dict()


@extend_schema(parameters=[ProposalListQuery])
class ProposalListView(generics.ListAPIView):
    serializer_class = ProposalSerializer

    def get_queryset(self):
        query = validated(ProposalListQuery, self.request.query_params)
        qs = selectors.proposals_for(user=self.request.user)
        if "status" in query:
            qs = qs.filter(status=query["status"])
        if "need" in query:
            # By id only where the company may be known: an anonymous need's id would be
            # confirmed by the answer (it is referred to by its public id instead).
            qs = qs.filter(need_id=query["need"]).filter(
                access.anonymous_needs_hidden_from(self.request.user, prefix="need__")
            )
        if "need_public_id" in query:
            qs = qs.filter(need__public_id=query["need_public_id"])
        if "seed" in query:
            qs = qs.filter(seed_id=query["seed"])
        return qs.order_by("-score", "id")


class ProposalDetailView(APIView):
    @extend_schema(responses=ProposalDetailSerializer)
    def get(self, request, pk: int):
        proposal = get_or_404(selectors.proposals_for(user=request.user), pk)
        return Response(ProposalDetailSerializer(proposal, context={"request": request}).data)


class ProposalRespondView(APIView):
    @extend_schema(request=RespondInput, responses=ProposalSerializer)
    def post(self, request, pk: int):
        proposal = get_or_404(selectors.proposals_for(user=request.user), pk)
        data = validated(RespondInput, request.data)
        proposal_services.proposal_respond(proposal=proposal, by=request.user, **data)
        proposal = selectors.proposals_for(user=request.user).get(pk=proposal.pk)
        return Response(ProposalSerializer(proposal, context={"request": request}).data)


class ProposalOutcomeView(APIView):
    @extend_schema(request=OutcomeInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        proposal = get_or_404(selectors.proposals_for(user=request.user), pk)
        data = validated(OutcomeInput, request.data)
        outcome = agreement_services.outcome_record(proposal=proposal, by=request.user, **data)
        return Response(outcome_data(outcome), status=status.HTTP_201_CREATED)


class ProposalIntroductionView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        proposal = get_or_404(selectors.proposals_for(user=request.user), pk)
        intro = selectors.introduction_for(user=request.user, proposal=proposal)
        confidential_reads_record(
            user=request.user,
            objects=selectors.introduction_reads(intro, proposal=proposal),
            channel="introduction",
            path=request.path,
        )
        return Response(intro)
