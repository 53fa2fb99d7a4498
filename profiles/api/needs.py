"""Company needs: published ones of every approved company, and all of your own."""

from __future__ import annotations

import django_filters
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

from config import api_fields
from profiles import access
from profiles.api.base import (
    MAX_YEN,
    CatalogFilter,
    CatalogViewSet,
    ConfidentialMixin,
    IntFilter,
    choice_list,
    filter_text,
    key_field,
    text_list,
    trl_field,
    yen_field,
)
from profiles.api.organizations import OrganizationBriefSerializer
from profiles.api.seeds import SeedSerializer
from profiles.choices import (
    TRL_MAX,
    TRL_MIN,
    CollaborationMode,
    Language,
    Region,
)
from profiles.models import (
    Need,
)
from profiles.selectors import catalog as sel
from profiles.services import catalog as svc


class NeedFilter(CatalogFilter):
    trl_min = IntFilter(
        field_name="trl_max", lookup_expr="gte", min_value=TRL_MIN, max_value=TRL_MAX
    )
    trl_max = IntFilter(
        field_name="trl_min", lookup_expr="lte", min_value=TRL_MIN, max_value=TRL_MAX
    )
    budget_min = IntFilter(
        field_name="budget_max_yen", lookup_expr="gte", min_value=0, max_value=MAX_YEN
    )
    organization = django_filters.CharFilter(method="filter_organization", max_length=100)
    region = django_filters.ChoiceFilter(choices=Region.choices, method="filter_region")

    class Meta:
        model = Need
        fields = ["q", "field", "region", "mode", "status", "language"]

    def filter_q(self, queryset, name, value):
        return filter_text(queryset, value, ["title", "description", "keywords", "field"])

    def filter_region(self, queryset, name, value):
        # The region is the company's: it would narrow an anonymous need down to its company.
        user = getattr(self.request, "user", None)
        return queryset.filter(organization__region=value).filter(
            access.anonymous_needs_hidden_from(user)
        )

    def filter_organization(self, queryset, name, value):
        # Filtering an anonymous need by its company would reveal the company.
        user = getattr(self.request, "user", None)
        return queryset.filter(organization__key=value).filter(
            access.anonymous_needs_hidden_from(user)
        )


class NeedSerializer(ConfidentialMixin, api_fields.ModelSerializer):
    id = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("匿名のニーズでは、企業名が分かる相手以外には null (public_id で参照)"),
    )
    public_id = serializers.UUIDField(read_only=True)
    key = key_field(allow_null=True)
    organization = OrganizationBriefSerializer(read_only=True, allow_null=True)
    title = api_fields.CharField(max_length=300)
    description = api_fields.CharField(max_length=20000)
    confidential_details = api_fields.CharField(
        max_length=50000, required=False, allow_blank=True, help_text=_("所有組織のみに表示")
    )
    keywords = text_list()
    field = api_fields.CharField(max_length=100, required=False, allow_blank=True)
    collaboration_modes = choice_list(CollaborationMode.choices)
    budget_min_yen = yen_field()
    budget_max_yen = yen_field()
    duration_months = serializers.IntegerField(
        min_value=1, max_value=240, required=False, allow_null=True
    )
    trl_min = trl_field()
    trl_max = trl_field()
    preferred_regions = choice_list(Region.choices)
    is_anonymous = serializers.BooleanField(required=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)

    class Meta:
        model = Need
        fields = [
            "id",
            "public_id",
            "key",
            "organization",
            *svc.NEED_FIELDS,
            "status",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = ["id", "status", "created_at", "updated_at", "published_at"]

    validate_key = SeedSerializer.validate_key

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not access.company_visible(user=getattr(request, "user", None), need=instance):
            data = access.redact_anonymous_need(data)
        return data


class NeedViewSet(CatalogViewSet):
    """Company needs: published ones of every approved company, and all of your own."""

    serializer_class = NeedSerializer
    filterset_class = NeedFilter
    # An id, or the opaque public id under which anonymous needs are shown to others.
    lookup_value_regex = (
        r"[0-9]{1,18}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    )

    def visible(self):
        return sel.needs_visible_to(user=self.request.user)

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":
            # Within a day, an order that does not place an anonymous need next to the
            # company's other needs of the same import.
            qs = qs.order_by(TruncDate("updated_at").desc(), "public_id")
        return qs

    def get_object(self):
        """By id (anonymous needs of other companies are not reachable so), or by public id."""
        lookup = str(self.kwargs[self.lookup_field])
        qs = self.filter_queryset(self.get_queryset())
        if lookup.isdigit():
            obj = qs.filter(pk=int(lookup)).first()
            if obj is not None and not access.company_visible(user=self.request.user, need=obj):
                obj = None
        else:
            obj = qs.filter(public_id=lookup).first()
        if obj is None:
            raise NotFound()
        self.check_object_permissions(self.request, obj)
        return obj

    def perform_create(self, serializer):
        need = svc.need_create(
            org=self.own_org(), by=self.request.user, data=serializer.validated_data
        )
        serializer.instance = self.refreshed(need)

    def perform_update(self, serializer):
        need = svc.need_update(
            need=serializer.instance, by=self.request.user, data=serializer.validated_data
        )
        serializer.instance = self.refreshed(need)

    def perform_destroy(self, instance):
        svc.need_delete(need=instance, by=self.request.user)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._transition(lambda o, u: svc.need_publish(need=o, by=u), request)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        return self._transition(lambda o, u: svc.need_unpublish(need=o, by=u), request)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._transition(lambda o, u: svc.need_archive(need=o, by=u), request)
