"""Django admin: readiness profiles (read-mostly: edits belong to the organisation, through
`profiles.services.readiness`, so that every change is versioned), track records and history."""

from django.contrib import admin

from profiles.models import ReadinessProfile, ReadinessVersion, TrackRecord


class TrackRecordInline(admin.TabularInline):
    model = TrackRecord
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in TrackRecord._meta.fields]


@admin.register(ReadinessProfile)
class ReadinessProfileAdmin(admin.ModelAdmin):
    list_display = ["organization", "as_of", "version", "indirect_cost_rate_percent", "updated_at"]
    list_filter = ["organization__region", "organization__kind"]
    search_fields = ["organization__name", "organization__name_en", "organization__key"]
    # Coordinators look; the organisation edits (through the versioned service).
    readonly_fields = [f.name for f in ReadinessProfile._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ReadinessVersion)
class ReadinessVersionAdmin(admin.ModelAdmin):
    list_display = ["organization", "version", "edited_at", "edited_by", "change_summary"]
    search_fields = ["organization__name"]
    readonly_fields = [f.name for f in ReadinessVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TrackRecord)
class TrackRecordAdmin(admin.ModelAdmin):
    list_display = [
        "organization",
        "fiscal_year",
        "joint_research_count",
        "joint_research_income_yen",
        "large_project_count",
        "license_count",
    ]
    list_filter = ["fiscal_year"]
    search_fields = ["organization__name"]
    readonly_fields = [f.name for f in TrackRecord._meta.fields]

    def has_add_permission(self, request):
        return False
