"""The national KPIs with the platform's contribution (public: aggregates without party names)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from config.pagination import PageQuery, paginated
from matching.outcomes import kpi_figures


class KpiQuery(serializers.Serializer):
    fiscal_year = serializers.IntegerField(required=False, min_value=1990, max_value=2100)


def kpi_row_dict(r) -> dict:
    ind = r.indicator
    return {
        "code": ind.code,
        "name": ind.name,
        "name_en": ind.name_en,
        "unit": ind.unit,
        "aggregation": ind.aggregation,
        "baseline_value": ind.baseline_value,
        "baseline_fiscal_year": ind.baseline_fiscal_year,
        "target_multiplier": str(ind.target_multiplier) if ind.target_multiplier else None,
        "target_value": r.target_value,
        "target_fiscal_year": ind.target_fiscal_year,
        "target_text": ind.target_text,
        "target_text_en": ind.target_text_en,
        "source_title": ind.source_title,
        "source_title_en": ind.source_title_en,
        "source_url": ind.source_url,
        "note": ind.note,
        "note_en": ind.note_en,
        "platform_total": r.total,
        # null figures are suppressed: fewer than three organisations behind them, or one
        # agreement could be isolated by subtraction.
        "suppressed": r.suppressed,
        "platform_by_fiscal_year": {str(y): v for y, v in r.by_year.items()},
        "progress_vs_baseline": r.progress,
    }


class KpiView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[KpiQuery, PageQuery], responses={200: dict})
    def get(self, request):
        q = KpiQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        fy = q.validated_data.get("fiscal_year")
        rows = kpi_figures(fiscal_year=fy)
        return paginated(request, rows, kpi_row_dict, view=self, extra={"fiscal_year": fy})
