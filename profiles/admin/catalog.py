"""Django admin for organisations, members, seeds, needs, investor profiles and ventures.

For data fixes by platform staff. Lists and search use public fields only; the confidential
text is editable on a row's own page by superusers only, so a staff account browsing lists or
searching can never read another organisation's confidential details. Status changes and
approvals go through the same services as the API.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from profiles import links
from profiles.models import (
    InvestorProfile,
    Membership,
    Need,
    Organization,
    Patent,
    Researcher,
    Seed,
    Venture,
)
from profiles.services import catalog as svc
from profiles.services import organizations as org_svc
from profiles.services.audit import confidential_reads_record


class _ConfidentialForSuperusersOnly:
    """Only superusers see the confidential text, on the row's own page; each such view is in
    the access log like anyone's."""

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser:
            exclude.append("confidential_details")
        return exclude

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and request.user.is_superuser and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None and obj.confidential_details:
                confidential_reads_record(
                    user=request.user, objects=[obj], channel="admin", path=request.path
                )
        return response


def _run(modeladmin, request, queryset, service, done_message):
    count = 0
    for obj in queryset:
        try:
            service(obj, request.user)
            count += 1
        except Exception as exc:  # show every refusal (validation, permission) to the admin
            modeladmin.message_user(request, f"{obj}: {exc}", level=messages.ERROR)
    if count:
        modeladmin.message_user(request, done_message % {"count": count})


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "kind", "prefecture", "region", "approval_status", "created_at"]
    list_filter = ["kind", "region", "approval_status"]
    search_fields = ["name", "name_en", "key"]
    readonly_fields = ["region", "created_at", "updated_at"]
    inlines = [MembershipInline]
    actions = ["approve", "reject"]

    @admin.action(description=_("選択した組織を承認する"))
    def approve(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda o, u: org_svc.organization_approve(org=o, by=u),
            _("%(count)d 件を承認しました。"),
        )

    @admin.action(description=_("選択した組織を却下する"))
    def reject(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda o, u: org_svc.organization_reject(org=o, by=u),
            _("%(count)d 件を却下しました。"),
        )

    def save_model(self, request, obj, form, change):
        from profiles.choices import region_for_prefecture

        obj.region = region_for_prefecture(obj.prefecture)
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization__kind"]
    search_fields = ["user__username", "user__email", "organization__name"]
    raw_id_fields = ["user", "organization"]


def _link(url: str, text: str):
    return (
        format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', url, text)
        if url
        else "—"
    )


class ResearcherInline(admin.TabularInline):
    model = Researcher
    extra = 0
    readonly_fields = ["links"]

    @admin.display(description=_("リンク"))
    def links(self, obj):
        return format_html(
            "{} {}",
            _link(links.researchmap_url(obj.researchmap_id), "researchmap"),
            _link(links.jglobal_url(obj.jglobal_id), "J-GLOBAL"),
        )


class PatentInline(admin.TabularInline):
    model = Patent
    extra = 0
    readonly_fields = ["links"]

    @admin.display(description=_("リンク"))
    def links(self, obj):
        return format_html(
            "{} {}",
            _link(
                links.jplatpat_application_url(obj.application_number), _("J-PlatPat (出願番号)")
            ),
            _link(
                links.jplatpat_registration_url(obj.registration_number), _("J-PlatPat (登録番号)")
            ),
        )


class _StatusActions:
    publish_service = None
    archive_service = None

    @admin.action(description=_("選択した項目を公開する"))
    def publish(self, request, queryset):
        _run(self, request, queryset, type(self).publish_service, _("%(count)d 件を公開しました。"))

    @admin.action(description=_("選択した項目をアーカイブする"))
    def archive(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            type(self).archive_service,
            _("%(count)d 件をアーカイブしました。"),
        )


@admin.register(Seed)
class SeedAdmin(_ConfidentialForSuperusersOnly, _StatusActions, admin.ModelAdmin):
    list_display = ["title", "key", "organization", "field", "trl", "status", "updated_at"]
    list_filter = ["status", "language", "trl", "organization__region", "organization__kind"]
    search_fields = ["title", "summary", "key", "organization__name"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    inlines = [ResearcherInline, PatentInline]
    actions = ["publish", "archive"]
    publish_service = staticmethod(lambda o, u: svc.seed_publish(seed=o, by=u))
    archive_service = staticmethod(lambda o, u: svc.seed_archive(seed=o, by=u))


@admin.register(Need)
class NeedAdmin(_ConfidentialForSuperusersOnly, _StatusActions, admin.ModelAdmin):
    list_display = [
        "title",
        "key",
        "organization",
        "field",
        "budget_max_yen",
        "is_anonymous",
        "status",
        "updated_at",
    ]
    list_filter = ["status", "language", "is_anonymous", "organization__region"]
    search_fields = ["title", "description", "key", "organization__name"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    actions = ["publish", "archive"]
    publish_service = staticmethod(lambda o, u: svc.need_publish(need=o, by=u))
    archive_service = staticmethod(lambda o, u: svc.need_archive(need=o, by=u))


@admin.register(InvestorProfile)
class InvestorProfileAdmin(admin.ModelAdmin):
    list_display = ["organization", "investor_kind", "ticket_min_yen", "ticket_max_yen", "status"]
    list_filter = ["investor_kind", "status", "organization__region"]
    search_fields = ["organization__name", "organization__key", "thesis"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Venture)
class VentureAdmin(_ConfidentialForSuperusersOnly, admin.ModelAdmin):
    list_display = ["name", "key", "organization", "stage", "status", "updated_at"]
    list_filter = ["stage", "status", "organization__region"]
    search_fields = ["name", "summary", "key", "organization__name"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization"]
    autocomplete_fields = ["seeds"]
    readonly_fields = ["created_at", "updated_at"]
