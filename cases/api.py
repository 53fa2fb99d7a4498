"""API routes of the cases app (mounted under /api/). Cases are public material (published
sources), so these routes are open.

    GET cases/?q=&field=&scheme=          search the case library
    GET cases/similar/?text=&fields=&limit=   the most similar cases to a text (at most `limit`)

Both lists are paginated like every API list (`page`, `page_size` ≤ 100).
    GET cases/<slug>/                      one case
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config import api_fields
from config.pagination import PageQuery, paginated

from .models import PartnershipCase, Scheme
from .selectors import case_get, cases_search, similar_cases


class CaseSerializer(api_fields.ModelSerializer):
    scheme_label = api_fields.CharField(source="get_scheme_display", read_only=True)

    class Meta:
        model = PartnershipCase
        fields = [
            "slug",
            "title",
            "title_en",
            "academic_party",
            "academic_party_en",
            "company_party",
            "company_party_en",
            "scheme",
            "scheme_label",
            "fields",
            "fields_en",
            "start_year",
            "duration_years",
            "amount_per_year_yen",
            "total_amount_yen",
            "amount_note",
            "amount_note_en",
            "summary",
            "summary_en",
            "success_factors",
            "success_factors_en",
            "sources",
        ]


class SearchQuery(serializers.Serializer):
    q = api_fields.CharField(required=False, allow_blank=True, max_length=500)
    field = api_fields.CharField(required=False, allow_blank=True, max_length=100)
    scheme = serializers.ChoiceField(choices=Scheme.choices, required=False, allow_blank=True)


class SimilarQuery(serializers.Serializer):
    text = api_fields.CharField(max_length=20000)
    fields = api_fields.CharField(required=False, allow_blank=True, max_length=1000)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=20, default=3)


class CaseMatchSerializer(CaseSerializer):
    score = serializers.FloatField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "score"]


class SimilarCaseSerializer(CaseMatchSerializer):
    shared_fields = serializers.ListField(child=api_fields.CharField())

    class Meta(CaseMatchSerializer.Meta):
        fields = [*CaseMatchSerializer.Meta.fields, "shared_fields"]


class CaseListResponse(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CaseMatchSerializer(many=True)


class SimilarCasesResponse(CaseListResponse):
    results = SimilarCaseSerializer(many=True)


class CaseListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="cases_list",
        parameters=[SearchQuery, PageQuery],
        responses={200: CaseListResponse},
    )
    def get(self, request):
        q = SearchQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        matches = cases_search(
            q=q.validated_data.get("q") or None,
            field_name=q.validated_data.get("field") or None,
            scheme=q.validated_data.get("scheme") or None,
        )
        return paginated(
            request,
            matches,
            lambda m: {**CaseSerializer(m.case).data, "score": m.score},
            view=self,
        )


class SimilarCasesView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[SimilarQuery, PageQuery], responses={200: SimilarCasesResponse})
    def get(self, request):
        q = SimilarQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        fields = [f.strip() for f in (q.validated_data.get("fields") or "").split(",") if f.strip()]
        matches = similar_cases(
            text=q.validated_data["text"], fields=fields, limit=q.validated_data["limit"]
        )
        return paginated(
            request,
            matches,
            lambda m: {
                **CaseSerializer(m.case).data,
                "score": m.score,
                "shared_fields": m.shared_fields,
            },
            view=self,
        )


class CaseDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: CaseSerializer})
    def get(self, request, slug: str):
        case = case_get(slug=slug)
        if case is None:
            raise NotFound()
        return Response(CaseSerializer(case).data)
