"""The matching API (mounted under /api/): proposals, partnerships, search, deal flow, admin.

Every view reads through `matching.selectors` (already scoped to the caller) and writes through
one service of `matching.services.proposals`; a row outside the caller's scope is a 404, bad
input a 400 naming the field (config/api_errors.py turns a service's ValidationError into one).

    GET  proposals/                      my organisation's proposals (?status=&need=&seed=)
    GET  proposals/<id>/                 one proposal
    POST proposals/<id>/respond/         {decision, reason, comment}
    POST proposals/<id>/outcome/         {agreement_type, amount_yen, duration_years, …}
    GET  proposals/<id>/introduction/    contacts + confidential details (the two parties only)
    GET  partnerships/                   organisation-to-organisation partnership proposals
    GET  partnerships/<id>/              with the seed–need links behind it
    POST partnerships/<id>/respond/, partnerships/<id>/outcome/
    GET  search/seeds/?q=&field=&region=&trl_min=&trl_max=&mode=&limit=
    GET  deal-flow/                      ventures ranked for my investor profile
    POST deal-flow/<id>/outcome/         an investment in the venture of that match
    GET  admin/review/                   proposals waiting for review (coordinators only)
    GET  admin/review/partnerships/
    POST admin/proposals/<id>/approve/, admin/proposals/<id>/suppress/  {note}
    POST admin/partnerships/<id>/approve/, admin/partnerships/<id>/suppress/
    GET  admin/metrics/                  live-feedback metrics (matching.services.metrics)
    GET/POST admin/match-runs/, GET admin/match-runs/<id>/   full rematch and its progress
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from matching import selectors
from matching.models import (
    InvestorMatch,
    MatchRun,
    PartnershipProposal,
    Proposal,
)
from matching.models.feedback import (
    AgreementType,
    CrossAppointmentDirection,
    Decision,
    DeclineReason,
    Side,
)
from matching.models.results import ProposalStatus
from matching.services import proposals as proposal_services
from profiles.choices import TRL_MAX, TRL_MIN, CollaborationMode, Region

PK_MAX = 9_223_372_036_854_775_807  # bigint: a larger id cannot exist, so it is a 404


def _get_or_404(queryset: QuerySet, pk: int):
    if pk < 1 or pk > PK_MAX:
        raise Http404
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


# --- Serializers (output) ------------------------------------------------------------------


def _org(org) -> dict:
    return {
        "id": org.pk,
        "key": org.key,
        "name": org.name,
        "name_en": org.name_en,
        "kind": org.kind,
        "region": org.region,
    }


def _responses(obj, *, my_side: str | None, is_staff: bool) -> list[dict]:
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


class ProposalSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
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
        user = self._user()
        side = selectors.proposal_side(user=user, proposal=obj)
        # An anonymous need names its company to the company itself, coordinators, and the
        # university only once the two were introduced.
        show_company = (
            not need.is_anonymous
            or user.is_staff
            or side == Side.COMPANY
            or obj.introduced_at is not None
        )
        return {
            "id": need.pk,
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
            "organization": _org(need.organization) if show_company else None,
        }

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
            "organization": _org(seed.organization),
        }

    def get_responses(self, obj: Proposal) -> list[dict]:
        user = self._user()
        return _responses(
            obj,
            my_side=selectors.proposal_side(user=user, proposal=obj),
            is_staff=user.is_staff,
        )

    def get_review_note(self, obj: Proposal) -> str | None:
        return obj.review_note if self._user().is_staff else None


class ProposalDetailSerializer(ProposalSerializer):
    price_estimate = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "price_estimate"]

    def get_price_estimate(self, obj: Proposal) -> dict:
        """The fair-price estimate at the university's rates, next to the need's budget."""
        from profiles.services.estimator import estimate_for_need

        return estimate_for_need(org=obj.seed.organization, need=obj.need).as_dict()


class PartnershipSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
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
        return _org(obj.company)

    def get_evidence(self, obj) -> list[dict]:
        return selectors.partnership_evidence_for(user=self._user(), partnership=obj)

    def get_academic(self, obj) -> dict:
        return _org(obj.academic)

    def get_responses(self, obj) -> list[dict]:
        user = self._user()
        return _responses(
            obj,
            my_side=selectors.partnership_side(user=user, partnership=obj),
            is_staff=user.is_staff,
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


class DealFlowSerializer(serializers.ModelSerializer):
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
            "organization": _org(v.organization),
        }

    def get_investor(self, obj) -> dict:
        return {"id": obj.investor_id, "organization": _org(obj.investor.organization)}


class MatchRunSerializer(serializers.ModelSerializer):
    progress = serializers.FloatField(read_only=True)

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "kind",
            "status",
            "model_id",
            "total_chunks",
            "done_chunks",
            "progress",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]


# --- Serializers (input) -----------------------------------------------------------------------


class RespondInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reason = serializers.ChoiceField(
        choices=DeclineReason.choices, required=False, allow_blank=True
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=proposal_services.COMMENT_MAX
    )

    def validate(self, attrs):
        if attrs["decision"] == Decision.DECLINED and not attrs.get("reason"):
            raise serializers.ValidationError({"reason": [_("辞退の理由を選択してください。")]})
        return attrs


class OutcomeInput(serializers.Serializer):
    agreement_type = serializers.ChoiceField(choices=AgreementType.choices)
    amount_yen = serializers.IntegerField(min_value=0, max_value=PK_MAX, default=0)
    duration_years = serializers.IntegerField(min_value=1, max_value=50, default=1)
    cross_appointment_direction = serializers.ChoiceField(
        choices=CrossAppointmentDirection.choices, required=False, allow_blank=True, default=""
    )
    cross_appointment_count = serializers.IntegerField(min_value=0, max_value=32767, default=0)
    fiscal_year = serializers.IntegerField(
        min_value=2000, max_value=2100, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=proposal_services.NOTE_MAX, default=""
    )


class ReviewInput(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=proposal_services.NOTE_MAX, default=""
    )


class SuppressInput(serializers.Serializer):
    note = serializers.CharField(max_length=proposal_services.NOTE_MAX)


class ProposalListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProposalStatus.choices, required=False)
    need = serializers.IntegerField(min_value=1, max_value=PK_MAX, required=False)
    seed = serializers.IntegerField(min_value=1, max_value=PK_MAX, required=False)


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(max_length=1000)
    field = serializers.CharField(max_length=100, required=False, allow_blank=True)
    region = serializers.ChoiceField(choices=Region.choices, required=False, allow_blank=True)
    trl_min = serializers.IntegerField(min_value=TRL_MIN, max_value=TRL_MAX, required=False)
    trl_max = serializers.IntegerField(min_value=TRL_MIN, max_value=TRL_MAX, required=False)
    mode = serializers.ChoiceField(
        choices=CollaborationMode.choices, required=False, allow_blank=True
    )
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)

    def validate_q(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("検索語を入力してください。"))
        return value.strip()

    def validate(self, attrs):
        low, high = attrs.get("trl_min"), attrs.get("trl_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"trl_min": [_("TRL の下限は上限以下にしてください。")]}
            )
        return attrs


def _validated(serializer_class, data):
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return s.validated_data


# --- Proposals -------------------------------------------------------------------------------


@extend_schema(parameters=[ProposalListQuery])
class ProposalListView(generics.ListAPIView):
    serializer_class = ProposalSerializer

    def get_queryset(self):
        query = _validated(ProposalListQuery, self.request.query_params)
        qs = selectors.proposals_for(user=self.request.user)
        if "status" in query:
            qs = qs.filter(status=query["status"])
        if "need" in query:
            qs = qs.filter(need_id=query["need"])
        if "seed" in query:
            qs = qs.filter(seed_id=query["seed"])
        return qs.order_by("-score", "id")


class ProposalDetailView(APIView):
    @extend_schema(responses=ProposalDetailSerializer)
    def get(self, request, pk: int):
        proposal = _get_or_404(selectors.proposals_for(user=request.user), pk)
        return Response(ProposalDetailSerializer(proposal, context={"request": request}).data)


class ProposalRespondView(APIView):
    @extend_schema(request=RespondInput, responses=ProposalSerializer)
    def post(self, request, pk: int):
        proposal = _get_or_404(selectors.proposals_for(user=request.user), pk)
        data = _validated(RespondInput, request.data)
        proposal_services.proposal_respond(proposal=proposal, by=request.user, **data)
        proposal = selectors.proposals_for(user=request.user).get(pk=proposal.pk)
        return Response(ProposalSerializer(proposal, context={"request": request}).data)


def _outcome_data(outcome) -> dict:
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
    }


class ProposalOutcomeView(APIView):
    @extend_schema(request=OutcomeInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        proposal = _get_or_404(selectors.proposals_for(user=request.user), pk)
        data = _validated(OutcomeInput, request.data)
        outcome = proposal_services.outcome_record(proposal=proposal, by=request.user, **data)
        return Response(_outcome_data(outcome), status=status.HTTP_201_CREATED)


class ProposalIntroductionView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        proposal = _get_or_404(selectors.proposals_for(user=request.user), pk)
        return Response(selectors.introduction_for(user=request.user, proposal=proposal))


# --- Partnerships ----------------------------------------------------------------------------


class PartnershipListView(generics.ListAPIView):
    serializer_class = PartnershipSerializer

    def get_queryset(self):
        query = _validated(ProposalListQuery, self.request.query_params)
        qs = selectors.partnerships_for(user=self.request.user)
        if "status" in query:
            qs = qs.filter(status=query["status"])
        return qs.order_by("-score", "id")


class PartnershipDetailView(APIView):
    @extend_schema(responses=PartnershipDetailSerializer)
    def get(self, request, pk: int):
        partnership = _get_or_404(selectors.partnerships_for(user=request.user), pk)
        return Response(PartnershipDetailSerializer(partnership, context={"request": request}).data)


class PartnershipRespondView(APIView):
    @extend_schema(request=RespondInput, responses=PartnershipDetailSerializer)
    def post(self, request, pk: int):
        partnership = _get_or_404(selectors.partnerships_for(user=request.user), pk)
        data = _validated(RespondInput, request.data)
        proposal_services.partnership_respond(partnership=partnership, by=request.user, **data)
        partnership = selectors.partnerships_for(user=request.user).get(pk=partnership.pk)
        return Response(PartnershipDetailSerializer(partnership, context={"request": request}).data)


class PartnershipOutcomeView(APIView):
    @extend_schema(request=OutcomeInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        partnership = _get_or_404(selectors.partnerships_for(user=request.user), pk)
        data = _validated(OutcomeInput, request.data)
        outcome = proposal_services.outcome_record(partnership=partnership, by=request.user, **data)
        return Response(_outcome_data(outcome), status=status.HTTP_201_CREATED)


# --- Search and deal flow --------------------------------------------------------------------


class SeedSearchView(APIView):
    @extend_schema(parameters=[SearchQuery], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        query = _validated(SearchQuery, request.query_params)
        # Imported here: the search service loads the embedder stack, which the rest of the
        # API does not need.
        from matching.services.search import search_seeds

        hits = search_seeds(
            user=request.user,
            text=query["q"],
            field=query.get("field") or None,
            region=query.get("region") or None,
            trl_min=query.get("trl_min"),
            trl_max=query.get("trl_max"),
            mode=query.get("mode") or None,
            limit=query["limit"],
        )
        results = [
            {
                "seed": {
                    "id": hit.seed.pk,
                    "key": hit.seed.key,
                    "title": hit.seed.title,
                    "summary": hit.seed.summary,
                    "keywords": hit.seed.keywords,
                    "field": hit.seed.field,
                    "trl": hit.seed.trl,
                    "collaboration_modes": hit.seed.collaboration_modes,
                    "organization": _org(hit.seed.organization),
                },
                "score": float(hit.score),
                "signals": {k: float(v) for k, v in (hit.signals or {}).items()},
                "shared_terms": list(hit.shared_terms or []),
            }
            for hit in hits
        ]
        return Response({"count": len(results), "results": results})


class DealFlowView(generics.ListAPIView):
    serializer_class = DealFlowSerializer

    def get_queryset(self):
        return selectors.investor_deal_flow(user=self.request.user)


class DealFlowOutcomeView(APIView):
    @extend_schema(request=OutcomeInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        match = _get_or_404(selectors.investor_deal_flow(user=request.user), pk)
        data = _validated(OutcomeInput, request.data)
        outcome = proposal_services.outcome_record(venture=match.venture, by=request.user, **data)
        return Response(_outcome_data(outcome), status=status.HTTP_201_CREATED)


# --- Admin (coordinators: user.is_staff) -------------------------------------------------------


class AdminReviewQueueView(generics.ListAPIView):
    permission_classes = [IsAdminUser]
    serializer_class = ProposalSerializer

    def get_queryset(self):
        return selectors.admin_review_queue().prefetch_related("responses")


class AdminPartnershipQueueView(generics.ListAPIView):
    permission_classes = [IsAdminUser]
    serializer_class = PartnershipSerializer

    def get_queryset(self):
        return selectors.partnership_review_queue().prefetch_related("responses")


class AdminProposalReviewView(APIView):
    permission_classes = [IsAdminUser]
    review_action: str = ""

    @extend_schema(request=ReviewInput, responses=ProposalSerializer)
    def post(self, request, pk: int):
        proposal = _get_or_404(selectors.proposals_for(user=request.user), pk)
        if self.review_action == "approve":
            note = _validated(ReviewInput, request.data)["note"]
            proposal_services.proposal_approve(proposal=proposal, by=request.user, note=note)
        else:
            note = _validated(SuppressInput, request.data)["note"]
            proposal_services.proposal_suppress(proposal=proposal, by=request.user, note=note)
        proposal = selectors.proposals_for(user=request.user).get(pk=proposal.pk)
        return Response(ProposalSerializer(proposal, context={"request": request}).data)


class AdminPartnershipReviewView(APIView):
    permission_classes = [IsAdminUser]
    review_action: str = ""

    @extend_schema(request=ReviewInput, responses=PartnershipSerializer)
    def post(self, request, pk: int):
        partnership = _get_or_404(selectors.partnerships_for(user=request.user), pk)
        if self.review_action == "approve":
            note = _validated(ReviewInput, request.data)["note"]
            proposal_services.partnership_approve(
                partnership=partnership, by=request.user, note=note
            )
        else:
            note = _validated(SuppressInput, request.data)["note"]
            proposal_services.partnership_suppress(
                partnership=partnership, by=request.user, note=note
            )
        partnership = selectors.partnerships_for(user=request.user).get(pk=partnership.pk)
        return Response(PartnershipSerializer(partnership, context={"request": request}).data)


class AdminMetricsView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        from matching.services.metrics import admin_metrics

        return Response(admin_metrics())


class AdminMatchRunListView(generics.ListAPIView):
    permission_classes = [IsAdminUser]
    serializer_class = MatchRunSerializer
    queryset = MatchRun.objects.order_by("-created_at", "-id")

    @extend_schema(request=None, responses={202: MatchRunSerializer})
    def post(self, request):
        # Imported here: the refresh service pulls in the engine and the embedder.
        from matching.services.refresh import match_all

        run = match_all(sync=False, by=request.user)
        return Response(MatchRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class AdminMatchRunDetailView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(responses=MatchRunSerializer)
    def get(self, request, pk: int):
        run = _get_or_404(MatchRun.objects.all(), pk)
        return Response(MatchRunSerializer(run).data)


urlpatterns = [
    path("proposals/", ProposalListView.as_view(), name="matching-api-proposals"),
    path("proposals/<int:pk>/", ProposalDetailView.as_view(), name="matching-api-proposal"),
    path(
        "proposals/<int:pk>/respond/",
        ProposalRespondView.as_view(),
        name="matching-api-proposal-respond",
    ),
    path(
        "proposals/<int:pk>/outcome/",
        ProposalOutcomeView.as_view(),
        name="matching-api-proposal-outcome",
    ),
    path(
        "proposals/<int:pk>/introduction/",
        ProposalIntroductionView.as_view(),
        name="matching-api-proposal-introduction",
    ),
    path("partnerships/", PartnershipListView.as_view(), name="matching-api-partnerships"),
    path(
        "partnerships/<int:pk>/",
        PartnershipDetailView.as_view(),
        name="matching-api-partnership",
    ),
    path(
        "partnerships/<int:pk>/respond/",
        PartnershipRespondView.as_view(),
        name="matching-api-partnership-respond",
    ),
    path(
        "partnerships/<int:pk>/outcome/",
        PartnershipOutcomeView.as_view(),
        name="matching-api-partnership-outcome",
    ),
    path("search/seeds/", SeedSearchView.as_view(), name="matching-api-search-seeds"),
    path("deal-flow/", DealFlowView.as_view(), name="matching-api-deal-flow"),
    path(
        "deal-flow/<int:pk>/outcome/",
        DealFlowOutcomeView.as_view(),
        name="matching-api-deal-flow-outcome",
    ),
    path("admin/review/", AdminReviewQueueView.as_view(), name="matching-api-admin-review"),
    path(
        "admin/review/partnerships/",
        AdminPartnershipQueueView.as_view(),
        name="matching-api-admin-review-partnerships",
    ),
    path(
        "admin/proposals/<int:pk>/approve/",
        AdminProposalReviewView.as_view(review_action="approve"),
        name="matching-api-admin-proposal-approve",
    ),
    path(
        "admin/proposals/<int:pk>/suppress/",
        AdminProposalReviewView.as_view(review_action="suppress"),
        name="matching-api-admin-proposal-suppress",
    ),
    path(
        "admin/partnerships/<int:pk>/approve/",
        AdminPartnershipReviewView.as_view(review_action="approve"),
        name="matching-api-admin-partnership-approve",
    ),
    path(
        "admin/partnerships/<int:pk>/suppress/",
        AdminPartnershipReviewView.as_view(review_action="suppress"),
        name="matching-api-admin-partnership-suppress",
    ),
    path("admin/metrics/", AdminMetricsView.as_view(), name="matching-api-admin-metrics"),
    path("admin/match-runs/", AdminMatchRunListView.as_view(), name="matching-api-match-runs"),
    path(
        "admin/match-runs/<int:pk>/",
        AdminMatchRunDetailView.as_view(),
        name="matching-api-match-run",
    ),
]
