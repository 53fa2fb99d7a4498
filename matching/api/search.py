"""Semantic search of the seeds the caller may see: relevance bands, the floor (weaker matches
only with `include_weak`), sorting and pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config import api_fields
from config.pagination import MAX_PAGE_SIZE, PageSizeField
from matching.api.common import (
    org_summary,
    validated,
)
from matching.services.search import MAX_LIMIT, SORTS, search
from profiles.choices import TRL_MAX, TRL_MIN, CollaborationMode, Region


class SearchQuery(serializers.Serializer):
    q = api_fields.CharField(max_length=1000)
    field = api_fields.CharField(max_length=100, required=False, allow_blank=True)
    region = serializers.ChoiceField(choices=Region.choices, required=False, allow_blank=True)
    trl_min = serializers.IntegerField(min_value=TRL_MIN, max_value=TRL_MAX, required=False)
    trl_max = serializers.IntegerField(min_value=TRL_MIN, max_value=TRL_MAX, required=False)
    mode = serializers.ChoiceField(
        choices=CollaborationMode.choices, required=False, allow_blank=True
    )
    limit = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=20)
    # The same as `limit`, under the name every other list uses (it wins when both are given).
    page_size = PageSizeField(required=False)
    page = serializers.IntegerField(min_value=1, max_value=100, default=1)
    sort = serializers.ChoiceField(choices=SORTS, default="score")
    include_weak = serializers.BooleanField(default=False)

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


class SeedSearchView(APIView):
    @extend_schema(parameters=[SearchQuery], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        query = validated(SearchQuery, request.query_params)
        found = search(
            user=request.user,
            text=query["q"],
            field=query.get("field") or None,
            region=query.get("region") or None,
            trl_min=query.get("trl_min"),
            trl_max=query.get("trl_max"),
            mode=query.get("mode") or None,
            limit=MAX_LIMIT,
            include_weak=query["include_weak"],
            sort=query["sort"],
        )
        size, page = query.get("page_size") or query["limit"], query["page"]
        hits = found.hits[(page - 1) * size : page * size]
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
                    "organization": org_summary(hit.seed.organization),
                },
                "score": float(hit.score),
                "relevance": hit.relevance,
                "band": hit.band,
                "signals": {k: float(v) for k, v in (hit.signals or {}).items()},
                # Signals that only took the default of an unknown fact (not evidence).
                "defaults": list(hit.defaults),
                "shared_terms": list(hit.shared_terms or []),
            }
            for hit in hits
        ]
        return Response(
            {
                "count": len(results),
                "total": len(found.hits),
                "page": page,
                "weaker": found.weaker,
                "calibrated": found.calibrated,
                "results": results,
                # Seeds not in the semantic index yet (their embedding is queued): how many, and
                # the visible ones whose text contains a term of the query.
                "pending": found.pending,
                "not_indexed_yet": [
                    {
                        "id": seed.pk,
                        "key": seed.key,
                        "title": seed.title,
                        "organization": org_summary(seed.organization),
                    }
                    for seed in found.lexical
                ],
            }
        )
