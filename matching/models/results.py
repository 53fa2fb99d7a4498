"""What the matcher computed, and the proposals coordinators review.

Scores and signals are recomputed by the Celery tasks; unique constraints make a duplicate task
delivery harmless (an upsert, never a second row). `signals` and `explanation` hold only public
material: shared terms from public texts and each signal's contribution.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from profiles.models import InvestorProfile, Need, Organization, Seed, Venture


class MatchScoreQuerySet(models.QuerySet):
    def worth_reading(self) -> models.QuerySet:
        """Pairs at or above the relevance floor (MATCHING_RELEVANCE_FLOOR), and every pair of
        an uncalibrated model (relevance null): what the matcher proposes and shows as
        evidence. The same rule as `matching.engine.relevance.worth_proposing`."""
        floor = float(settings.MATCHING_RELEVANCE_FLOOR)
        return self.filter(models.Q(relevance__gte=floor) | models.Q(relevance__isnull=True))


class MatchScore(models.Model):
    """The full matcher's score of one seed for one need (the ranking a company is shown)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="match_scores")
    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="match_scores")
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    signals = models.JSONField(default=dict)
    # The signals that only took the default of an unknown fact (not evidence).
    defaults = models.JSONField(default=list, blank=True)
    # Calibrated relevance in [0, 1] (matching.engine.relevance); null when the model has no
    # calibration.
    relevance = models.FloatField(null=True, blank=True)
    model_id = models.CharField(max_length=200)
    computed_at = models.DateTimeField(auto_now=True)

    objects = MatchScoreQuerySet.as_manager()

    class Meta:
        ordering = ["need", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["need", "seed"], name="uniq_match_score"),
        ]
        indexes = [models.Index(fields=["need", "relevance"])]

    def __str__(self) -> str:
        return f"{self.need_id}×{self.seed_id}: {self.score:.3f}"


class OrganizationRanking(models.Model):
    """A university or institute ranked for one need (best evidence among its seeds)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="org_rankings")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="need_rankings"
    )
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    signals = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["need", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["need", "organization"], name="uniq_org_ranking"),
        ]

    def __str__(self) -> str:
        return f"{self.need_id}→{self.organization_id} #{self.rank}"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("提案(審査待ち)")
    APPROVED = "approved", _("承認・両者に提示")
    SUPPRESSED = "suppressed", _("見送り")
    INTRODUCED = "introduced", _("紹介済み")
    CLOSED = "closed", _("終了")


class Proposal(models.Model):
    """A seed–need match proposed to both sides after a coordinator approves it.

    Lifecycle: proposed → approved (shown to both sides) or suppressed → each side responds
    (ProposalResponse) → introduced when both are interested → outcome (Outcome).

    The matcher writes proposals above the relevance floor; a company may also express
    interest in a seed for one of its needs (from the seed page, a search hit or a weak match:
    `requested_by`, `requested_at`, `request_message`): such a request enters the same
    lifecycle (coordinator review when MATCHING_REQUEST_REVIEW is on) with the company's side
    already interested, and the matcher never removes it.
    """

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="proposals")
    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="proposals")
    score = models.FloatField()
    relevance = models.FloatField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    # The company's message to the university when it expressed interest (public words it
    # chose to send; shown to both parties and coordinators).
    request_message = models.TextField(blank=True, max_length=2000)
    signals = models.JSONField(default=dict)
    explanation = models.JSONField(default=dict)
    model_id = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    introduced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "seed"], name="uniq_proposal_need_seed"),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.need} × {self.seed}"


class PartnershipProposal(models.Model):
    """An organisation-to-organisation (組織対組織) partnership: a company × a university.

    `evidence` lists the seed–need links behind it (public titles and scores only).
    """

    company = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="partnerships_as_company"
    )
    academic = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="partnerships_as_academic"
    )
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    signals = models.JSONField(default=dict)
    evidence = models.JSONField(default=list)
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    # The same review and introduction facts as a Proposal (written by
    # matching.services.proposals; the matcher never touches a partnership past `proposed`).
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    introduced_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["company", "academic"], name="uniq_partnership"),
        ]

    def __str__(self) -> str:
        return f"{self.company_id}×{self.academic_id} #{self.rank}"


class InvestorMatch(models.Model):
    """An investor ranked for a venture (and, read the other way, a venture's deal flow)."""

    venture = models.ForeignKey(Venture, on_delete=models.CASCADE, related_name="investor_matches")
    investor = models.ForeignKey(
        InvestorProfile, on_delete=models.CASCADE, related_name="venture_matches"
    )
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    signals = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["venture", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["venture", "investor"], name="uniq_investor_match"),
        ]

    def __str__(self) -> str:
        return f"{self.venture_id}→{self.investor_id} #{self.rank}"


class EvaluationResult(models.Model):
    """The metrics of one offline evaluation (evaluate_matching), shown on the admin console."""

    model_id = models.CharField(max_length=200)
    gold_name = models.CharField(max_length=300)
    metrics = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.gold_name} @ {self.created_at:%Y-%m-%d %H:%M}"
