"""Django admin of researchmap imports (read only: runs are made by the pages and the
command; what they wrote is changed through the seed editor and the review page)."""

from __future__ import annotations

from django.contrib import admin

from profiles.models import ImportedSeed, ResearchmapImport


@admin.register(ResearchmapImport)
class ResearchmapImportAdmin(admin.ModelAdmin):
    list_display = ["id", "organization", "source", "label", "status", "created_at"]
    list_filter = ["source", "status"]
    search_fields = ["organization__name", "label"]
    exclude = ["content"]
    readonly_fields = [
        "organization",
        "user",
        "source",
        "label",
        "status",
        "total_records",
        "report",
        "error",
        "attempts",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(ImportedSeed)
class ImportedSeedAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "organization", "kind", "seed", "discarded_at"]
    list_filter = ["kind"]
    search_fields = ["title", "organization__name"]
    readonly_fields = [
        "organization",
        "seed",
        "kind",
        "title",
        "imported",
        "pending",
        "source",
        "first_import",
        "last_import",
        "discarded_at",
    ]

    def has_add_permission(self, request):
        return False
