"""Django admin: background CSV import jobs, read-only, for coordinators who are told that one
failed. The stored file is left out (it may hold confidential details); the report and the
error say what happened."""

from django.contrib import admin

from profiles.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "organization", "kind", "status", "total_rows", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["organization__name", "file_name"]
    exclude = ["content"]
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name != "content"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
