"""Django admin: e-mail deliveries (coordinators find the failed ones here, linked from the
"e-mail failed" notification) and notifications, read-only."""

from django.contrib import admin

from notifications.models import EmailDelivery, Notification


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "recipient", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["key", "recipient__username", "recipient__email"]
    readonly_fields = [f.name for f in EmailDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "recipient",
        "subject_type",
        "subject_id",
        "created_at",
        "read_at",
    ]
    list_filter = ["kind", "email_mode"]
    search_fields = ["recipient__username"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
