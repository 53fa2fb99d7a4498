"""Organisations: profiles (the caller's own under `me`), approval by coordinators, and the
registration of a new organisation with its first user."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config import api_fields
from config.errors import lockout_response
from profiles import access
from profiles.api.base import (
    ID_REGEX,
    Pagination,
)
from profiles.api.permissions import OwnOrganization
from profiles.api.throttles import AnonThrottle, RegistrationThrottle
from profiles.choices import (
    PREFECTURE_REGION,
    OrgKind,
    Region,
)
from profiles.models import (
    Organization,
)
from profiles.selectors import catalog as sel
from profiles.services import organizations as org_svc


class OrganizationBriefSerializer(api_fields.ModelSerializer):
    # Blank until the organisation gives its prefecture.
    region = serializers.ChoiceField(choices=Region.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "key", "kind", "name", "name_en", "prefecture", "region"]
        read_only_fields = fields


class OrganizationSerializer(api_fields.ModelSerializer):
    name = api_fields.CharField(max_length=200, required=False)
    name_en = api_fields.CharField(max_length=200, required=False, allow_blank=True)
    prefecture = serializers.ChoiceField(
        choices=list(PREFECTURE_REGION), required=False, allow_blank=True
    )
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    description = api_fields.CharField(max_length=5000, required=False, allow_blank=True)
    contact_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    region = serializers.ChoiceField(choices=Region.choices, allow_blank=True, read_only=True)

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
        # Contacts are for the organisation itself (and coordinators); other parties get them
        # through an introduction.
        if not access.contact_visible(user, instance):
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
        org = access.org_of(self.request.user)
        if org is None:
            raise NotFound(_("所属組織がありません。"))
        return org

    @extend_schema(methods=["PATCH"], request=OrganizationSerializer)
    @action(
        detail=False,
        methods=["get", "patch"],
        url_path="me",
        permission_classes=[OwnOrganization],
    )
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
    name = api_fields.CharField(max_length=200)
    name_en = api_fields.CharField(max_length=200, required=False, allow_blank=True)
    prefecture = serializers.ChoiceField(
        choices=list(PREFECTURE_REGION), required=False, allow_blank=True
    )
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    description = api_fields.CharField(max_length=5000, required=False, allow_blank=True)
    contact_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    username = api_fields.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    email = serializers.EmailField(max_length=254)
    password = api_fields.CharField(
        max_length=128, write_only=True, style={"input_type": "password"}
    )


class RegisterView(APIView):
    """Register a new organisation and its first user (manager); an admin then approves it."""

    permission_classes = [AllowAny]
    throttle_classes = [RegistrationThrottle, AnonThrottle]

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


class TokenView(ObtainAuthToken):
    """`POST /api/auth/token/` (username, password) → `{"token": …}`: DRF's token view, with
    the sign-in lockout of django-axes answered as a 429 like on the sign-in page."""

    throttle_classes = [AnonThrottle]

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request._request)
            raise ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
