"""Django admin for the matcher's models: coordinators review proposals here or through the API.

The approve/suppress actions call the same services as the API (matching.services.proposals),
so the lifecycle rules hold whichever door a coordinator uses. Computed rows (scores,
rankings, vectors) are read-only: the matcher owns them.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from matching.models import (
    EmbeddingVector,
    EvaluationResult,
    InvestorMatch,
    MatchRun,
    MatchScore,
    OrganizationRanking,
    Outcome,
    PartnershipProposal,
    PartnershipResponse,
    Proposal,
    ProposalResponse,
    RelevanceCalibration,
)
from matching.services import proposals as proposal_services


def _run_review(modeladmin, request, queryset, *, service, kwarg: str, note: str) -> None:
    done = 0
    for obj in queryset:
        try:
            service(**{kwarg: obj}, by=request.user, note=note)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            text = "; ".join(getattr(exc, "messages", None) or [str(exc)])
            modeladmin.message_user(request, f"#{obj.pk}: {text}", messages.WARNING)
    if done:
        modeladmin.message_user(
            request, gettext("%(n)d 件を処理しました。") % {"n": done}, messages.SUCCESS
        )


class ReadOnlyComputedAdmin(admin.ModelAdmin):
    """Rows the matcher computes: visible for inspection, never edited by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ProposalResponseInline(admin.TabularInline):
    model = ProposalResponse
    extra = 0
    can_delete = False
    readonly_fields = ["side", "decision", "reason", "comment", "responded_by", "responded_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PartnershipResponseInline(ProposalResponseInline):
    model = PartnershipResponse


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "need",
        "seed",
        "seed_organization",
        "score",
        "status",
        "reviewed_at",
        "introduced_at",
    ]
    list_filter = ["status", "seed__organization__region", "need__field", "reviewed_at"]
    search_fields = [
        "need__title",
        "need__key",
        "seed__title",
        "seed__key",
        "seed__organization__name",
        "need__organization__name",
    ]
    list_select_related = ["need", "seed__organization"]
    readonly_fields = [
        "need",
        "seed",
        "score",
        "signals",
        "explanation",
        "model_id",
        "status",
        "reviewed_by",
        "reviewed_at",
        "introduced_at",
        "created_at",
        "updated_at",
    ]
    fields = [*readonly_fields, "review_note"]
    inlines = [ProposalResponseInline]
    actions = ["approve_selected", "suppress_selected"]
    ordering = ["-score", "id"]

    @admin.display(description=_("大学・研究機関"), ordering="seed__organization__name")
    def seed_organization(self, obj: Proposal) -> str:
        return str(obj.seed.organization)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("選択した提案を承認して両者に提示する"))
    def approve_selected(self, request, queryset):
        _run_review(
            self,
            request,
            queryset,
            service=proposal_services.proposal_approve,
            kwarg="proposal",
            note="",
        )

    @admin.action(description=_("選択した提案を見送る"))
    def suppress_selected(self, request, queryset):
        _run_review(
            self,
            request,
            queryset,
            service=proposal_services.proposal_suppress,
            kwarg="proposal",
            note=gettext("管理画面から見送り"),
        )


@admin.register(PartnershipProposal)
class PartnershipProposalAdmin(admin.ModelAdmin):
    list_display = ["id", "company", "academic", "score", "rank", "status", "introduced_at"]
    list_filter = ["status", "academic__region", "academic__kind"]
    search_fields = ["company__name", "academic__name", "company__key", "academic__key"]
    list_select_related = ["company", "academic"]
    readonly_fields = [
        "company",
        "academic",
        "score",
        "rank",
        "signals",
        "evidence",
        "status",
        "reviewed_by",
        "reviewed_at",
        "introduced_at",
        "computed_at",
        "created_at",
    ]
    fields = [*readonly_fields, "review_note"]
    inlines = [PartnershipResponseInline]
    actions = ["approve_selected", "suppress_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("選択した組織連携提案を承認して両者に提示する"))
    def approve_selected(self, request, queryset):
        _run_review(
            self,
            request,
            queryset,
            service=proposal_services.partnership_approve,
            kwarg="partnership",
            note="",
        )

    @admin.action(description=_("選択した組織連携提案を見送る"))
    def suppress_selected(self, request, queryset):
        _run_review(
            self,
            request,
            queryset,
            service=proposal_services.partnership_suppress,
            kwarg="partnership",
            note=gettext("管理画面から見送り"),
        )


@admin.register(ProposalResponse)
class ProposalResponseAdmin(ReadOnlyComputedAdmin):
    list_display = ["proposal", "side", "decision", "reason", "responded_at"]
    list_filter = ["side", "decision", "reason"]
    search_fields = ["proposal__need__title", "proposal__seed__title", "comment"]


@admin.register(PartnershipResponse)
class PartnershipResponseAdmin(ReadOnlyComputedAdmin):
    list_display = ["partnership", "side", "decision", "reason", "responded_at"]
    list_filter = ["side", "decision", "reason"]
    search_fields = ["partnership__company__name", "partnership__academic__name"]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "agreement_type",
        "amount_yen",
        "duration_years",
        "academic",
        "company",
        "fiscal_year",
        "recorded_at",
    ]
    list_filter = ["agreement_type", "fiscal_year", "cross_appointment_direction"]
    search_fields = ["academic__name", "company__name", "note"]
    list_select_related = ["academic", "company"]
    raw_id_fields = ["proposal", "partnership", "venture", "academic", "company", "recorded_by"]


@admin.register(MatchScore)
class MatchScoreAdmin(ReadOnlyComputedAdmin):
    list_display = ["need", "seed", "score", "relevance", "rank", "model_id", "computed_at"]
    list_filter = ["model_id"]
    search_fields = ["need__title", "need__key", "seed__title", "seed__key"]
    list_select_related = ["need", "seed"]


@admin.register(OrganizationRanking)
class OrganizationRankingAdmin(ReadOnlyComputedAdmin):
    list_display = ["need", "organization", "score", "rank", "computed_at"]
    list_filter = ["organization__region"]
    search_fields = ["need__title", "need__key", "organization__name"]
    list_select_related = ["need", "organization"]


@admin.register(InvestorMatch)
class InvestorMatchAdmin(ReadOnlyComputedAdmin):
    list_display = ["venture", "investor", "score", "rank", "computed_at"]
    list_filter = ["venture__stage", "investor__investor_kind"]
    search_fields = ["venture__name", "investor__organization__name"]
    list_select_related = ["venture", "investor__organization"]


@admin.register(EvaluationResult)
class EvaluationResultAdmin(ReadOnlyComputedAdmin):
    list_display = ["id", "gold_name", "model_id", "created_at"]
    list_filter = ["model_id"]
    search_fields = ["gold_name", "model_id"]


@admin.register(RelevanceCalibration)
class RelevanceCalibrationAdmin(ReadOnlyComputedAdmin):
    """Written by `manage.py fit_relevance`; the latest row of a model id is in force."""

    list_display = [
        "model_id",
        "method",
        "intercept",
        "slope",
        "suggested_floor",
        "source",
        "created_at",
    ]
    list_filter = ["model_id"]


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyComputedAdmin):
    list_display = [
        "id",
        "kind",
        "status",
        "phase",
        "progress",
        "resumes",
        "model_id",
        "created_at",
        "progress_at",
        "finished_at",
    ]
    list_filter = ["kind", "status", "phase"]
    search_fields = ["model_id", "error"]


@admin.register(EmbeddingVector)
class EmbeddingVectorAdmin(ReadOnlyComputedAdmin):
    list_display = ["kind", "object_id", "model_id", "dim", "updated_at"]
    list_filter = ["kind", "model_id"]
    search_fields = ["object_id", "content_hash"]
    exclude = ["vector"]
