"""Each side's response to a proposal, and recorded outcomes (agreements) for KPIs and learning."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from profiles.choices import Stage
from profiles.models import Organization, Venture

from .results import PartnershipProposal, Proposal


class Side(models.TextChoices):
    COMPANY = "company", _("企業側")
    ACADEMIC = "academic", _("大学・研究機関側")


class Decision(models.TextChoices):
    INTERESTED = "interested", _("関心あり")
    DECLINED = "declined", _("辞退")


class DeclineReason(models.TextChoices):
    TOO_EARLY = "too_early", _("時期尚早")
    NOT_ALIGNED = "not_aligned", _("方向性が合わない")
    BUDGET = "budget", _("予算")
    IP_TERMS = "ip_terms", _("知財条件")
    TIMING = "timing", _("タイミング")
    OTHER = "other", _("その他")


class ProposalResponse(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="responses")
    side = models.CharField(max_length=16, choices=Side.choices)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    reason = models.CharField(max_length=16, choices=DeclineReason.choices, blank=True)
    comment = models.TextField(blank=True, max_length=5000)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "side"], name="uniq_response_per_side"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.side}: {self.decision}"


class PartnershipResponse(models.Model):
    """Each side's response to an organisation-to-organisation partnership proposal."""

    partnership = models.ForeignKey(
        PartnershipProposal, on_delete=models.CASCADE, related_name="responses"
    )
    side = models.CharField(max_length=16, choices=Side.choices)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    reason = models.CharField(max_length=16, choices=DeclineReason.choices, blank=True)
    comment = models.TextField(blank=True, max_length=5000)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "side"], name="uniq_partnership_response_per_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership_id} {self.side}: {self.decision}"


class AgreementType(models.TextChoices):
    JOINT_RESEARCH = "joint_research", _("共同研究")
    CONTRACT_RESEARCH = "contract_research", _("受託研究")
    LICENSE = "license", _("ライセンス")
    CROSS_APPOINTMENT = "cross_appointment", _("クロスアポイントメント")
    COMPREHENSIVE_PARTNERSHIP = "comprehensive_partnership", _("包括連携")
    SPINOFF_INVESTMENT = "spinoff_investment", _("大学発ベンチャーへの出資")


class CrossAppointmentDirection(models.TextChoices):
    UNIVERSITY_TO_COMPANY = "university_to_company", _("大学→企業")
    COMPANY_TO_UNIVERSITY = "company_to_university", _("企業→大学")


class OutcomeStatus(models.TextChoices):
    PENDING = "pending", _("相手側の確認待ち")
    CONFIRMED = "confirmed", _("確認済み")
    DISPUTED = "disputed", _("異議あり (調整役が判断)")
    REJECTED = "rejected", _("取り消し")


class Outcome(models.Model):
    """An agreement that came out of the platform: the source of the national KPI figures.

    Linked to the proposal, partnership or venture it came from; `academic` and `company` are
    stored so KPI aggregation is one query. Amounts are yen for the whole agreement, with
    `duration_years` for per-year figures.

    An outcome recorded by one party (`recorded_side`) is `pending` until the other party
    confirms it, or `disputed` until a coordinator resolves the dispute (confirmed or rejected);
    only confirmed outcomes count in the KPIs (matching.outcomes). The column's default is
    `confirmed` so rows written before confirmation existed (and demo data written directly)
    keep counting; `outcome_record` always writes `pending`.
    """

    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes"
    )
    partnership = models.ForeignKey(
        PartnershipProposal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outcomes",
    )
    venture = models.ForeignKey(
        Venture, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes"
    )
    academic = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outcomes_as_academic",
    )
    company = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outcomes_as_counterparty",
    )
    agreement_type = models.CharField(max_length=32, choices=AgreementType.choices)
    amount_yen = models.PositiveBigIntegerField(default=0)
    duration_years = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(50)])
    cross_appointment_direction = models.CharField(
        max_length=32, choices=CrossAppointmentDirection.choices, blank=True
    )
    cross_appointment_count = models.PositiveSmallIntegerField(default=0)
    fiscal_year = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=5000)
    # A spin-off investment's round and the day the agreement was made (the investments page).
    stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Which party recorded it ("company": the company or investor, "academic": the university).
    recorded_side = models.CharField(max_length=16, choices=Side.choices, blank=True)
    status = models.CharField(
        max_length=16, choices=OutcomeStatus.choices, default=OutcomeStatus.CONFIRMED
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    dispute_note = models.TextField(blank=True, max_length=5000)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.get_agreement_type_display()} ¥{self.amount_yen:,}"
