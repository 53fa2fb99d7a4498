"""Investor introductions: an investor marks interest in a university spin-off, the venture's
university (its IP office) answers, and when both are interested the two are introduced
(contacts, the venture's confidential details, a message thread).

    interested (investor) ──university interested──▶ introduced
            │            └──university declines──▶ declined
            └──investor withdraws (before the answer)──▶ withdrawn

One row per investor × venture (unique): interest marked twice is refused with a message.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from profiles.models import InvestorProfile, Venture

from .feedback import DeclineReason


class InvestorIntroductionStatus(models.TextChoices):
    INTERESTED = "interested", _("投資家が関心 (大学の回答待ち)")
    INTRODUCED = "introduced", _("紹介済み")
    DECLINED = "declined", _("大学が辞退")
    WITHDRAWN = "withdrawn", _("投資家が取り下げ")


class InvestorIntroduction(models.Model):
    venture = models.ForeignKey(
        Venture, on_delete=models.CASCADE, related_name="investor_introductions"
    )
    investor = models.ForeignKey(
        InvestorProfile, on_delete=models.CASCADE, related_name="introductions"
    )
    status = models.CharField(
        max_length=16,
        choices=InvestorIntroductionStatus.choices,
        default=InvestorIntroductionStatus.INTERESTED,
    )
    # The investor's message to the university (shown to both parties).
    message = models.TextField(blank=True, max_length=2000)
    interested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The university's answer.
    reason = models.CharField(max_length=16, choices=DeclineReason.choices, blank=True)
    comment = models.TextField(blank=True, max_length=5000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    introduced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("投資家の紹介")
        verbose_name_plural = _("投資家の紹介")
        constraints = [
            models.UniqueConstraint(
                fields=["venture", "investor"], name="uniq_investor_introduction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.investor_id} → {self.venture_id}: {self.status}"
