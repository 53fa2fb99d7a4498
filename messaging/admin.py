"""Django admin: threads with their parties and message counts only. Messages and attachments
are not registered: their text is for the two parties, not for coordinators."""

from django.contrib import admin

from messaging.models import Thread


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "company", "academic", "message_count", "last_message_at"]
    search_fields = ["title", "company__name", "academic__name"]
    readonly_fields = [f.name for f in Thread._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
