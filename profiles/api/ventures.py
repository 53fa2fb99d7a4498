"""University spin-offs (大学発ベンチャー), registered by their university."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from config import api_fields
from profiles.api.base import (
    MAX_ID,
    CatalogViewSet,
    ConfidentialMixin,
    filter_text,
    key_field,
)
from profiles.api.organizations import OrganizationBriefSerializer
from profiles.api.seeds import SeedSerializer
from profiles.choices import (
    PublicationStatus,
    Region,
    Stage,
)
from profiles.models import (
    Venture,
)
from profiles.selectors import catalog as sel
from profiles.services import catalog as svc


class _SeedIdsField(serializers.ListField):
    """Linked seed ids; reads only those the caller may see."""

    def get_attribute(self, instance):
        request = self.context.get("request")
        visible = sel.seeds_visible_to(user=getattr(request, "user", None))
        return sorted(visible.filter(ventures=instance).order_by().values_list("id", flat=True))


class VentureSerializer(ConfidentialMixin, api_fields.ModelSerializer):
    key = key_field()
    organization = OrganizationBriefSerializer(read_only=True)
    name = api_fields.CharField(max_length=200)
    summary = api_fields.CharField(max_length=20000)
    confidential_details = api_fields.CharField(
        max_length=50000, required=False, allow_blank=True, help_text=_("所有組織のみに表示")
    )
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    seeks = api_fields.CharField(max_length=5000, required=False, allow_blank=True)
    seeds = _SeedIdsField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=100,
        required=False,
        help_text=_("自組織の研究シーズの ID"),
    )

    class Meta:
        model = Venture
        fields = [
            "id",
            "key",
            "organization",
            "name",
            "summary",
            "confidential_details",
            "stage",
            "seeks",
            "seeds",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "created_at", "updated_at"]

    validate_key = SeedSerializer.validate_key

    def validate_seeds(self, value):
        request = self.context.get("request")
        found = {s.pk: s for s in sel.own_seeds(user=request.user).filter(pk__in=value)}
        missing = [str(v) for v in value if v not in found]
        if missing:
            raise serializers.ValidationError(
                _("自組織の研究シーズではありません: %(ids)s") % {"ids": ", ".join(missing)}
            )
        return [found[v] for v in dict.fromkeys(value)]


class VentureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=200, label=_("キーワード"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    region = django_filters.ChoiceFilter(field_name="organization__region", choices=Region.choices)
    status = django_filters.ChoiceFilter(choices=PublicationStatus.choices)

    class Meta:
        model = Venture
        fields = ["q", "stage", "region", "status"]

    def filter_q(self, queryset, name, value):
        return filter_text(queryset, value, ["name", "summary", "seeks"])


class VentureViewSet(CatalogViewSet):
    """University spin-offs (大学発ベンチャー), registered by their university."""

    serializer_class = VentureSerializer
    filterset_class = VentureFilter

    def visible(self):
        return sel.ventures_visible_to(user=self.request.user)

    def perform_create(self, serializer):
        venture = svc.venture_create(
            org=self.own_org(), by=self.request.user, data=serializer.validated_data
        )
        serializer.instance = self.refreshed(venture)

    def perform_update(self, serializer):
        venture = svc.venture_update(
            venture=serializer.instance, by=self.request.user, data=serializer.validated_data
        )
        serializer.instance = self.refreshed(venture)

    def perform_destroy(self, instance):
        svc.venture_delete(venture=instance, by=self.request.user)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._transition(lambda o, u: svc.venture_publish(venture=o, by=u), request)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._transition(lambda o, u: svc.venture_archive(venture=o, by=u), request)
