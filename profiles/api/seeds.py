"""Research seeds: published ones of every approved organisation, and all of your own."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from config import api_fields
from profiles import links
from profiles.api.base import (
    CatalogFilter,
    CatalogViewSet,
    ConfidentialMixin,
    IntFilter,
    choice_list,
    filter_text,
    key_field,
    text_list,
    trl_field,
)
from profiles.api.organizations import OrganizationBriefSerializer
from profiles.choices import (
    TRL_MAX,
    TRL_MIN,
    CollaborationMode,
    Language,
)
from profiles.forms import clean_jglobal_id, clean_researchmap_id
from profiles.models import (
    Patent,
    Researcher,
    Seed,
)
from profiles.selectors import catalog as sel
from profiles.services import catalog as svc


class SeedFilter(CatalogFilter):
    trl_min = IntFilter(field_name="trl", lookup_expr="gte", min_value=TRL_MIN, max_value=TRL_MAX)
    trl_max = IntFilter(field_name="trl", lookup_expr="lte", min_value=TRL_MIN, max_value=TRL_MAX)

    class Meta:
        model = Seed
        fields = ["q", "field", "region", "mode", "status", "language", "organization"]

    def filter_q(self, queryset, name, value):
        # Public fields only: searching confidential text would reveal it by its hits.
        return filter_text(queryset, value, ["title", "summary", "keywords", "field"])


def _django_to_drf(check):
    """A form-style check (profiles.forms) as a DRF field validator."""

    def validate(value):
        try:
            check(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    return validate


class ResearcherSerializer(api_fields.ModelSerializer):
    name = api_fields.CharField(max_length=200)
    name_en = api_fields.CharField(max_length=200, required=False, allow_blank=True)
    department = api_fields.CharField(max_length=200, required=False, allow_blank=True)
    researchmap_id = api_fields.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        validators=[_django_to_drf(clean_researchmap_id)],
        help_text=_("researchmap のパーマリンク (3〜20文字の半角英数字と _ - .)"),
    )
    jglobal_id = api_fields.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        validators=[_django_to_drf(clean_jglobal_id)],
    )
    researchmap_url = serializers.SerializerMethodField()
    jglobal_url = serializers.SerializerMethodField()

    class Meta:
        model = Researcher
        fields = [
            "name",
            "name_en",
            "department",
            "researchmap_id",
            "jglobal_id",
            "cross_appointment_available",
            "researchmap_url",
            "jglobal_url",
        ]

    def get_researchmap_url(self, obj) -> str:
        return links.researchmap_url(obj.researchmap_id)

    def get_jglobal_url(self, obj) -> str:
        return links.jglobal_url(obj.jglobal_id)


class PatentSerializer(api_fields.ModelSerializer):
    application_number = api_fields.CharField(max_length=100, required=False, allow_blank=True)
    registration_number = api_fields.CharField(max_length=100, required=False, allow_blank=True)
    title = api_fields.CharField(max_length=300, required=False, allow_blank=True)
    application_url = serializers.SerializerMethodField(help_text=_("J-PlatPat (出願番号)"))
    registration_url = serializers.SerializerMethodField(help_text=_("J-PlatPat (登録番号)"))

    class Meta:
        model = Patent
        fields = [
            "application_number",
            "registration_number",
            "title",
            "license_available",
            "application_url",
            "registration_url",
        ]

    def get_application_url(self, obj) -> str:
        return links.jplatpat_application_url(obj.application_number)

    def get_registration_url(self, obj) -> str:
        return links.jplatpat_registration_url(obj.registration_number)


class SeedSerializer(ConfidentialMixin, api_fields.ModelSerializer):
    key = key_field()
    organization = OrganizationBriefSerializer(read_only=True)
    title = api_fields.CharField(max_length=300)
    summary = api_fields.CharField(max_length=20000)
    confidential_details = api_fields.CharField(
        max_length=50000, required=False, allow_blank=True, help_text=_("所有組織のみに表示")
    )
    keywords = text_list()
    field = api_fields.CharField(max_length=100, required=False, allow_blank=True)
    trl = trl_field()
    collaboration_modes = choice_list(CollaborationMode.choices)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    capacity = serializers.IntegerField(min_value=0, max_value=100, required=False)
    researchers = ResearcherSerializer(many=True, required=False)
    patents = PatentSerializer(many=True, required=False)

    class Meta:
        model = Seed
        fields = [
            "id",
            "key",
            "organization",
            *svc.SEED_FIELDS,
            "researchers",
            "patents",
            "status",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = ["id", "status", "created_at", "updated_at", "published_at"]

    def validate_key(self, value):
        if self.instance is not None and value != self.instance.key:
            raise serializers.ValidationError(_("キーは変更できません。"))
        return value

    def validate_researchers(self, value):
        if len(value) > 50:
            raise serializers.ValidationError(_("多すぎます。"))
        return value

    validate_patents = validate_researchers


class SeedViewSet(CatalogViewSet):
    """Research seeds: published ones of every approved organisation, and all of your own."""

    serializer_class = SeedSerializer
    filterset_class = SeedFilter

    def visible(self):
        return sel.seeds_visible_to(user=self.request.user)

    def perform_create(self, serializer):
        seed = svc.seed_create(
            org=self.own_org(), by=self.request.user, data=serializer.validated_data
        )
        serializer.instance = self.refreshed(seed)

    def perform_update(self, serializer):
        seed = svc.seed_update(
            seed=serializer.instance, by=self.request.user, data=serializer.validated_data
        )
        serializer.instance = self.refreshed(seed)

    def perform_destroy(self, instance):
        svc.seed_delete(seed=instance, by=self.request.user)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._transition(lambda o, u: svc.seed_publish(seed=o, by=u), request)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        return self._transition(lambda o, u: svc.seed_unpublish(seed=o, by=u), request)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._transition(lambda o, u: svc.seed_archive(seed=o, by=u), request)
