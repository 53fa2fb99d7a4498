"""Django admin for the outbox: every task request with its state, and the heartbeats.

Read-only (the relay and the workers own the rows). One action: "send again", which makes
chosen rows pending so the relay sends them on its next pass (for a row a coordinator knows
was lost some other way; tasks are safe to run twice).
"""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import OutboxMessage, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "task_name",
        "args",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "finished_at",
        "last_error",
    ]
    list_filter = ["status", "task_name"]
    search_fields = ["task_name", "task_id"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    @admin.action(description=_("選択したタスクをもう一度送信する"))
    def send_again(self, request, queryset) -> None:
        count = queryset.update(
            status=OutboxMessage.Status.PENDING,
            next_attempt_at=timezone.now(),
            finished_at=None,
        )
        self.message_user(request, gettext("%(n)d 件を送信待ちに戻しました。") % {"n": count})


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "pid", "started_at", "seen_at", "processed"]
    list_filter = ["kind"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return True
