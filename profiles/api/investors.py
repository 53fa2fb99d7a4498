"""Investor theses (one profile per investor organisation)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config import api_fields
from profiles.api.base import (
    CatalogViewSet,
    choice_list,
    filter_text,
    text_list,
    yen_field,
)
from profiles.api.organizations import OrganizationBriefSerializer
from profiles.choices import (
    InvestorKind,
    Region,
    Stage,
)
from profiles.models import (
    InvestorProfile,
)
from profiles.selectors import catalog as sel
from profiles.services import catalog as svc


class InvestorProfileSerializer(api_fields.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True)
    investor_kind = serializers.ChoiceField(choices=InvestorKind.choices, required=False)
    thesis = api_fields.CharField(max_length=20000)
    fields = text_list()
    stages = choice_list(Stage.choices)
    ticket_min_yen = yen_field()
    ticket_max_yen = yen_field()
    regions = choice_list(Region.choices)

    class Meta:
        model = InvestorProfile
        fields = [
            "id",
            "organization",
            "investor_kind",
            "thesis",
            "fields",
            "stages",
            "ticket_min_yen",
            "ticket_max_yen",
            "regions",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "created_at", "updated_at"]


class InvestorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=200, label=_("キーワード"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, method="filter_stage")
    region = django_filters.ChoiceFilter(field_name="organization__region", choices=Region.choices)
    investor_kind = django_filters.ChoiceFilter(choices=InvestorKind.choices)

    class Meta:
        model = InvestorProfile
        fields = ["q", "stage", "region", "investor_kind"]

    def filter_q(self, queryset, name, value):
        return filter_text(queryset, value, ["thesis", "fields", "organization__name"])

    def filter_stage(self, queryset, name, value):
        return queryset.filter(stages__icontains=f'"{value}"')


class InvestorProfileViewSet(CatalogViewSet):
    """Investor theses. POST creates or replaces the caller's own profile (one per investor)."""

    serializer_class = InvestorProfileSerializer
    filterset_class = InvestorFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def visible(self):
        return sel.investors_visible_to(user=self.request.user)

    def perform_create(self, serializer):
        profile = svc.investor_profile_upsert(
            org=self.own_org(), by=self.request.user, data=serializer.validated_data
        )
        serializer.instance = self.refreshed(profile)

    def perform_update(self, serializer):
        profile = svc.investor_profile_upsert(
            org=serializer.instance.organization,
            by=self.request.user,
            data=serializer.validated_data,
        )
        serializer.instance = self.refreshed(profile)
