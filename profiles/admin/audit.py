"""Django admin: the access log of confidential texts (`ConfidentialRead`), read-only, for
coordinators who answer an organisation's question "who read this?" across organisations. Rows
are written by `profiles.services.audit` only: nobody adds, changes or deletes them here."""

from django.contrib import admin

from profiles.models import ConfidentialRead


@admin.register(ConfidentialRead)
class ConfidentialReadAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "username",
        "reader_organization_name",
        "is_superuser",
        "owner",
        "kind",
        "object_title",
        "channel",
    ]
    list_filter = ["channel", "kind", "is_superuser"]
    search_fields = ["username", "reader_organization_name", "owner__name", "object_title"]
    date_hierarchy = "at"
    list_select_related = ["owner"]
    readonly_fields = [f.name for f in ConfidentialRead._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
