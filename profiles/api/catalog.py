"""REST API of the catalog (mounted under /api/): seeds, needs, investor profiles, ventures,
organisations, members, registration, token auth, CSV export and CSV import.

Serializers only check shapes and ranges (types, choices, lengths, NUL bytes, integer bounds)
so that bad input is a 400 naming the field and never reaches the database; the views then
call one service. Reads always start from the selectors, so another organisation's private
rows are 404 and its confidential fields never appear. Writes use the caller's own rows only
(404 for anyone else's). Server-owned fields (organisation, status, timestamps) are read-only:
a client that sends them is ignored; status changes go through the publish/unpublish/archive
actions.
"""

from __future__ import annotations

import csv
import io
import re

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from profiles.choices import (
    PREFECTURE_REGION,
    TRL_MAX,
    TRL_MIN,
    CollaborationMode,
    InvestorKind,
    Language,
    MemberRole,
    OrgKind,
    PublicationStatus,
    Region,
    Stage,
)
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
from profiles.selectors import catalog as sel
from profiles.services import catalog as svc
from profiles.services import imports as imp
from profiles.services import organizations as org_svc

MAX_YEN = 10**13  # ¥10 trillion: far above any real budget, far below the bigint limit
MAX_ID = 2**63 - 1
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
ID_REGEX = r"[0-9]{1,18}"


def _key_field(**kw) -> serializers.CharField:
    return serializers.RegexField(
        KEY_RE,
        max_length=100,
        required=False,
        error_messages={"invalid": _("キーは英数字・ハイフン・下線・ピリオドのみ使えます。")},
        **kw,
    )


def _text_list(max_items: int = 50, max_length: int = 100, **kw) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=max_length),
        max_length=max_items,
        required=False,
        **kw,
    )


def _choice_list(choices, **kw) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices), max_length=20, required=False, **kw
    )


def _yen(**kw) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0, max_value=MAX_YEN, required=False, allow_null=True, **kw
    )


def _trl(**kw) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=TRL_MIN, max_value=TRL_MAX, required=False, allow_null=True, **kw
    )


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


# --- organisations -------------------------------------------------------------------------


class OrganizationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "key", "kind", "name", "name_en", "prefecture", "region"]
        read_only_fields = fields


class OrganizationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=200, required=False)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    prefecture = serializers.ChoiceField(
        choices=list(PREFECTURE_REGION), required=False, allow_blank=True
    )
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    contact_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "key",
            "kind",
            "name",
            "name_en",
            "prefecture",
            "region",
            "website",
            "description",
            "contact_email",
            "approval_status",
            "created_at",
        ]
        read_only_fields = ["id", "key", "kind", "region", "approval_status", "created_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        own = sel.org_of(user)
        # Contacts are for the organisation itself (and coordinators); other parties get them
        # through an introduction.
        if not (getattr(user, "is_staff", False) or (own is not None and own.pk == instance.pk)):
            data.pop("contact_email", None)
        return data


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=200, label=_("キーワード"))
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices)
    region = django_filters.ChoiceFilter(choices=Region.choices)
    approval_status = django_filters.ChoiceFilter(
        choices=Organization._meta.get_field("approval_status").choices
    )

    class Meta:
        model = Organization
        fields = ["q", "kind", "region", "approval_status"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(name_en__icontains=value) | Q(key__iexact=value)
        )


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisation profiles: approved ones for every member; `me` is the caller's own."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    pagination_class = Pagination
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return sel.organizations_visible_to(user=self.request.user)

    def _own(self) -> Organization:
        org = sel.org_of(self.request.user)
        if org is None:
            raise NotFound(_("所属組織がありません。"))
        return org

    @extend_schema(methods=["PATCH"], request=OrganizationSerializer)
    @action(detail=False, methods=["get", "patch"], url_path="me")
    def me(self, request):
        org = self._own()
        if request.method == "PATCH":
            ser = OrganizationSerializer(data=request.data, partial=True)
            ser.is_valid(raise_exception=True)
            org = org_svc.organization_update(org=org, by=request.user, data=ser.validated_data)
        return Response(OrganizationSerializer(org, context={"request": request}).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        org = org_svc.organization_approve(org=self.get_object(), by=request.user)
        return Response(OrganizationSerializer(org, context={"request": request}).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        org = org_svc.organization_reject(org=self.get_object(), by=request.user)
        return Response(OrganizationSerializer(org, context={"request": request}).data)


class RegistrationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrgKind.choices)
    name = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    prefecture = serializers.ChoiceField(
        choices=list(PREFECTURE_REGION), required=False, allow_blank=True
    )
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    contact_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        max_length=128, write_only=True, style={"input_type": "password"}
    )


class RegistrationThrottle(AnonRateThrottle):
    rate = "60/hour"


class RegisterView(APIView):
    """Register a new organisation and its first user (manager); an admin then approves it."""

    permission_classes = [AllowAny]
    throttle_classes = [RegistrationThrottle]

    @extend_schema(request=RegistrationSerializer, responses={201: OrganizationSerializer})
    def post(self, request):
        ser = RegistrationSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        user_keys = ("username", "email", "password")
        org = org_svc.organization_register(
            data={k: v for k, v in d.items() if k not in user_keys},
            user_data={k: d[k] for k in user_keys},
        )
        return Response(
            OrganizationBriefSerializer(org).data | {"approval_status": org.approval_status},
            status=status.HTTP_201_CREATED,
        )


# --- members -------------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150, source="user.username")
    email = serializers.EmailField(max_length=254, source="user.email", required=False)
    first_name = serializers.CharField(
        max_length=150, source="user.first_name", required=False, allow_blank=True
    )
    last_name = serializers.CharField(
        max_length=150, source="user.last_name", required=False, allow_blank=True
    )
    password = serializers.CharField(
        max_length=128, write_only=True, style={"input_type": "password"}
    )
    role = serializers.ChoiceField(choices=MemberRole.choices, default=MemberRole.STAFF)

    class Meta:
        model = Membership
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "password",
            "role",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class MemberViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Members of the caller's organisation; managers add and remove them."""

    serializer_class = MemberSerializer
    pagination_class = Pagination
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        org = sel.org_of(self.request.user)
        if org is None:
            return Membership.objects.none()
        return sel.members_of(org=org)

    def perform_create(self, serializer):
        org = sel.org_of(self.request.user)
        if org is None:
            raise PermissionDenied(_("所属組織がありません。"))
        d = serializer.validated_data
        user = d.get("user", {})
        serializer.instance = org_svc.member_add(
            org=org,
            by=self.request.user,
            user_data={**user, "password": d["password"]},
            role=d["role"],
        )

    def perform_destroy(self, instance):
        org_svc.member_remove(membership=instance, by=self.request.user)


# --- seeds ---------------------------------------------------------------------------------


class IntFilter(django_filters.Filter):
    field_class = forms.IntegerField


def _filter_text(queryset, value, fields):
    cond = Q()
    for f in fields:
        cond |= Q(**{f"{f}__icontains": value})
    return queryset.filter(cond)


class _CatalogFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=200, label=_("キーワード"))
    field = django_filters.CharFilter(field_name="field", lookup_expr="iexact", max_length=100)
    region = django_filters.ChoiceFilter(field_name="organization__region", choices=Region.choices)
    mode = django_filters.ChoiceFilter(
        choices=CollaborationMode.choices, method="filter_mode", label=_("連携形態")
    )
    status = django_filters.ChoiceFilter(choices=PublicationStatus.choices)
    language = django_filters.ChoiceFilter(choices=Language.choices)
    organization = django_filters.CharFilter(field_name="organization__key", max_length=100)

    def filter_mode(self, queryset, name, value):
        # JSON list of strings: matching the quoted value works on SQLite and PostgreSQL alike.
        return queryset.filter(collaboration_modes__icontains=f'"{value}"')


class SeedFilter(_CatalogFilter):
    trl_min = IntFilter(field_name="trl", lookup_expr="gte", min_value=TRL_MIN, max_value=TRL_MAX)
    trl_max = IntFilter(field_name="trl", lookup_expr="lte", min_value=TRL_MIN, max_value=TRL_MAX)

    class Meta:
        model = Seed
        fields = ["q", "field", "region", "mode", "status", "language", "organization"]

    def filter_q(self, queryset, name, value):
        # Public fields only: searching confidential text would reveal it by its hits.
        return _filter_text(queryset, value, ["title", "summary", "keywords", "field"])


class NeedFilter(_CatalogFilter):
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

    class Meta:
        model = Need
        fields = ["q", "field", "region", "mode", "status", "language"]

    def filter_q(self, queryset, name, value):
        return _filter_text(queryset, value, ["title", "description", "keywords", "field"])

    def filter_organization(self, queryset, name, value):
        # Filtering an anonymous need by its company would reveal the company.
        own = sel.org_of(getattr(self.request, "user", None))
        return queryset.filter(organization__key=value).filter(
            Q(is_anonymous=False) | Q(organization=own)
        )


class ResearcherSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=200)
    department = serializers.CharField(max_length=200, required=False, allow_blank=True)
    researchmap_id = serializers.CharField(max_length=100, required=False, allow_blank=True)

    class Meta:
        model = Researcher
        fields = ["name", "department", "researchmap_id", "cross_appointment_available"]


class PatentSerializer(serializers.ModelSerializer):
    application_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    registration_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)

    class Meta:
        model = Patent
        fields = ["application_number", "registration_number", "title", "license_available"]


class _ConfidentialMixin:
    """Shows `confidential_details` only to those allowed (owner, introduced party)."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        text = sel.confidential_text(user=getattr(request, "user", None), obj=instance)
        if text is None:
            data.pop("confidential_details", None)
        else:
            data["confidential_details"] = text
        return data


class SeedSerializer(_ConfidentialMixin, serializers.ModelSerializer):
    key = _key_field()
    organization = OrganizationBriefSerializer(read_only=True)
    title = serializers.CharField(max_length=300)
    summary = serializers.CharField(max_length=20000)
    confidential_details = serializers.CharField(
        max_length=50000, required=False, allow_blank=True, help_text=_("所有組織のみに表示")
    )
    keywords = _text_list()
    field = serializers.CharField(max_length=100, required=False, allow_blank=True)
    trl = _trl()
    collaboration_modes = _choice_list(CollaborationMode.choices)
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
            "title",
            "summary",
            "confidential_details",
            "keywords",
            "field",
            "trl",
            "collaboration_modes",
            "language",
            "capacity",
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


class NeedSerializer(_ConfidentialMixin, serializers.ModelSerializer):
    key = _key_field()
    organization = OrganizationBriefSerializer(read_only=True, allow_null=True)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=20000)
    confidential_details = serializers.CharField(
        max_length=50000, required=False, allow_blank=True, help_text=_("所有組織のみに表示")
    )
    keywords = _text_list()
    field = serializers.CharField(max_length=100, required=False, allow_blank=True)
    collaboration_modes = _choice_list(CollaborationMode.choices)
    budget_min_yen = _yen()
    budget_max_yen = _yen()
    duration_months = serializers.IntegerField(
        min_value=1, max_value=240, required=False, allow_null=True
    )
    trl_min = _trl()
    trl_max = _trl()
    preferred_regions = _choice_list(Region.choices)
    is_anonymous = serializers.BooleanField(required=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)

    class Meta:
        model = Need
        fields = [
            "id",
            "key",
            "organization",
            "title",
            "description",
            "confidential_details",
            "keywords",
            "field",
            "collaboration_modes",
            "budget_min_yen",
            "budget_max_yen",
            "duration_months",
            "trl_min",
            "trl_max",
            "preferred_regions",
            "is_anonymous",
            "language",
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
        if not sel.company_visible(user=getattr(request, "user", None), need=instance):
            data["organization"] = None
            data["key"] = None
        return data


class _CatalogViewSet(viewsets.ModelViewSet):
    """Shared plumbing: reads from the selector, writes only on the caller's own rows."""

    pagination_class = Pagination
    lookup_value_regex = ID_REGEX
    kind = ""

    def visible(self):
        raise NotImplementedError

    def get_queryset(self):
        qs = self.visible()
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            org = sel.org_of(self.request.user)
            qs = qs.filter(organization=org) if org is not None else qs.none()
        return qs

    def own_org(self) -> Organization:
        org = sel.org_of(self.request.user)
        if org is None:
            raise PermissionDenied(_("所属組織がありません。"))
        return org

    def refreshed(self, obj):
        return self.visible().get(pk=obj.pk)

    def _transition(self, service, request):
        obj = service(self.get_object(), request.user)
        return Response(self.get_serializer(self.refreshed(obj)).data)


class SeedViewSet(_CatalogViewSet):
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


class NeedViewSet(_CatalogViewSet):
    """Company needs: published ones of every approved company, and all of your own."""

    serializer_class = NeedSerializer
    filterset_class = NeedFilter

    def visible(self):
        return sel.needs_visible_to(user=self.request.user)

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


# --- investors and ventures ----------------------------------------------------------------


class InvestorProfileSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True)
    investor_kind = serializers.ChoiceField(choices=InvestorKind.choices, required=False)
    thesis = serializers.CharField(max_length=20000)
    fields = _text_list()
    stages = _choice_list(Stage.choices)
    ticket_min_yen = _yen()
    ticket_max_yen = _yen()
    regions = _choice_list(Region.choices)

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
        return _filter_text(queryset, value, ["thesis", "fields", "organization__name"])

    def filter_stage(self, queryset, name, value):
        return queryset.filter(stages__icontains=f'"{value}"')


class InvestorProfileViewSet(_CatalogViewSet):
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


class _SeedIdsField(serializers.ListField):
    """Linked seed ids; reads only those the caller may see."""

    def get_attribute(self, instance):
        request = self.context.get("request")
        visible = sel.seeds_visible_to(user=getattr(request, "user", None))
        return sorted(visible.filter(ventures=instance).order_by().values_list("id", flat=True))


class VentureSerializer(_ConfidentialMixin, serializers.ModelSerializer):
    key = _key_field()
    organization = OrganizationBriefSerializer(read_only=True)
    name = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=20000)
    confidential_details = serializers.CharField(
        max_length=50000, required=False, allow_blank=True, help_text=_("所有組織のみに表示")
    )
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    seeks = serializers.CharField(max_length=5000, required=False, allow_blank=True)
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
        return _filter_text(queryset, value, ["name", "summary", "seeks"])


class VentureViewSet(_CatalogViewSet):
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


# --- CSV export and import -----------------------------------------------------------------


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    buf = io.StringIO()
    buf.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows([imp.csv_safe_cell(c) for c in row] for row in rows)
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _join(values) -> str:
    return ";".join(str(v) for v in values or [])


class _ExportView(APIView):
    filterset_class: type[django_filters.FilterSet]

    def filtered(self, qs):
        fs = self.filterset_class(self.request.query_params, queryset=qs, request=self.request)
        if not fs.is_valid():
            raise serializers.ValidationError(fs.errors)
        return fs.qs


@extend_schema(
    responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV (UTF-8)")},
    parameters=None,
)
class SeedExportView(_ExportView):
    """The seeds you can see, as CSV (same filters as the list). Confidential details appear
    for your own rows only."""

    filterset_class = SeedFilter

    def get(self, request):
        qs = self.filtered(sel.seeds_visible_to(user=request.user))
        header = imp.SEED_EXPORT_COLUMNS
        rows = (
            [
                s.key,
                s.organization.key,
                s.organization.name,
                s.title,
                s.summary,
                s.visible_confidential_details,
                _join(s.keywords),
                s.field,
                s.trl or "",
                _join(s.collaboration_modes),
                s.language,
                s.capacity,
                s.status,
                imp.format_researchers(s.researchers.all()),
                imp.format_patents(s.patents.all()),
            ]
            for s in qs.iterator(chunk_size=500)
        )
        return _csv_response("seeds.csv", header, rows)


@extend_schema(
    responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV (UTF-8)")}
)
class NeedExportView(_ExportView):
    """The needs you can see, as CSV. Anonymous needs of other companies show no company."""

    filterset_class = NeedFilter

    def get(self, request):
        qs = self.filtered(sel.needs_visible_to(user=request.user))

        def row(n: Need):
            named = not n.is_anonymous or n.confidential_ok
            return [
                n.key if named else "",
                n.organization.key if named else "",
                n.organization.name if named else "",
                n.title,
                n.description,
                n.visible_confidential_details,
                _join(n.keywords),
                n.field,
                _join(n.collaboration_modes),
                "" if n.budget_min_yen is None else n.budget_min_yen,
                "" if n.budget_max_yen is None else n.budget_max_yen,
                "" if n.duration_months is None else n.duration_months,
                n.trl_min or "",
                n.trl_max or "",
                _join(n.preferred_regions),
                "yes" if n.is_anonymous else "no",
                n.language,
                n.status,
            ]

        rows = (row(n) for n in qs.iterator(chunk_size=500))
        return _csv_response("needs.csv", imp.NEED_EXPORT_COLUMNS, rows)


class CsvUploadSerializer(serializers.Serializer):
    file = serializers.FileField(max_length=255, allow_empty_file=False)
    dry_run = serializers.BooleanField(default=True)


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()


class ImportUpdatedRowSerializer(ImportRowSerializer):
    changed = serializers.ListField(child=serializers.CharField())


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    committed = serializers.BooleanField()
    created = ImportRowSerializer(many=True)
    updated = ImportUpdatedRowSerializer(many=True)
    unchanged = ImportRowSerializer(many=True)
    errors = ImportErrorSerializer(many=True)


class _ImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    service = None

    def post(self, request):
        ser = CsvUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        org = sel.org_of(request.user)
        if org is None:
            raise PermissionDenied(_("所属組織がありません。"))
        report = type(self).service(
            org=org,
            by=request.user,
            file=ser.validated_data["file"],
            dry_run=ser.validated_data["dry_run"],
        )
        ok = report.dry_run or report.committed
        return Response(
            report.to_dict(), status=status.HTTP_200_OK if ok else status.HTTP_400_BAD_REQUEST
        )


_import_schema = extend_schema(
    request={"multipart/form-data": CsvUploadSerializer},
    responses={200: ImportReportSerializer, 400: ImportReportSerializer},
)


@_import_schema
class SeedImportView(_ImportView):
    """CSV import of your organisation's seeds: `dry_run=true` (default) previews every change
    and every row error; `dry_run=false` writes all rows or none."""

    service = staticmethod(imp.csv_import_seeds)


@_import_schema
class NeedImportView(_ImportView):
    """CSV import of your company's needs (same rules as the seed import)."""

    service = staticmethod(imp.csv_import_needs)


# Pages and scripts outside the API use the same permission: signed-in members only.
for _view in (SeedExportView, NeedExportView, SeedImportView, NeedImportView):
    _view.permission_classes = [IsAuthenticated]


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("seeds", SeedViewSet, basename="api-seed")
router.register("needs", NeedViewSet, basename="api-need")
router.register("investors", InvestorProfileViewSet, basename="api-investor")
router.register("ventures", VentureViewSet, basename="api-venture")
router.register("organizations", OrganizationViewSet, basename="api-organization")
router.register("members", MemberViewSet, basename="api-member")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-auth-token"),
    path("register/", RegisterView.as_view(), name="api-register"),
    path("seeds/export.csv", SeedExportView.as_view(), name="api-seed-export"),
    path("needs/export.csv", NeedExportView.as_view(), name="api-need-export"),
    path("seeds/import/", SeedImportView.as_view(), name="api-seed-import"),
    path("needs/import/", NeedImportView.as_view(), name="api-need-import"),
    path("", include(router.urls)),
]
