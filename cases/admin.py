"""Django admin of the case library and the national KPI baselines (curated data)."""

from django.contrib import admin

from .models import KpiIndicator, PartnershipCase


@admin.register(PartnershipCase)
class PartnershipCaseAdmin(admin.ModelAdmin):
    list_display = ["title", "scheme", "start_year", "duration_years", "amount_per_year_yen"]
    list_filter = ["scheme"]
    search_fields = ["title", "title_en", "academic_party", "company_party", "summary"]
    prepopulated_fields = {"slug": ["title_en"]}


@admin.register(KpiIndicator)
class KpiIndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "aggregation",
        "baseline_value",
        "baseline_fiscal_year",
        "target_multiplier",
        "target_fiscal_year",
    ]
    ordering = ["order"]
