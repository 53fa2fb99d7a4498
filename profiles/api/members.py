"""Members of the caller's organisation; managers add and remove them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from config import api_fields
from profiles import access
from profiles.api.base import (
    ID_REGEX,
    Pagination,
)
from profiles.api.permissions import OwnOrganization
from profiles.choices import (
    MemberRole,
)
from profiles.models import (
    Membership,
)
from profiles.selectors import catalog as sel
from profiles.services import organizations as org_svc


class MemberSerializer(api_fields.ModelSerializer):
    username = api_fields.RegexField(r"^[\w.@+-]+\Z", max_length=150, source="user.username")
    email = api_fields.AccountEmailField(source="user.email")
    first_name = api_fields.CharField(
        max_length=150, source="user.first_name", required=False, allow_blank=True
    )
    last_name = api_fields.CharField(
        max_length=150, source="user.last_name", required=False, allow_blank=True
    )
    password = api_fields.CharField(
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


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=MemberRole.choices)


class MemberViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Members of the caller's organisation; managers add them, change their role (PATCH
    `{"role": …}`) and remove them. The last manager can be neither removed nor demoted."""

    serializer_class = MemberSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_classes = [OwnOrganization]
    pagination_class = Pagination
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        org = access.org_of(self.request.user)
        if org is None:
            return Membership.objects.none()
        return sel.members_of(org=org)

    def perform_create(self, serializer):
        org = access.org_of(self.request.user)
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

    def get_serializer_class(self):
        return MemberRoleSerializer if self.action == "partial_update" else MemberSerializer

    def perform_update(self, serializer):
        if "role" not in serializer.validated_data:
            raise ValidationError({"role": [_("この項目は必須です。")]})
        serializer.instance = org_svc.member_set_role(
            membership=serializer.instance,
            by=self.request.user,
            role=serializer.validated_data["role"],
        )

    @extend_schema(request=MemberRoleSerializer, responses=MemberSerializer)
    def partial_update(self, request, *args, **kwargs):
        super().partial_update(request, *args, **kwargs)
        return Response(MemberSerializer(self.get_object()).data)

    def perform_destroy(self, instance):
        org_svc.member_remove(membership=instance, by=self.request.user)
