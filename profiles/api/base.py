"""Plumbing the catalogue API modules share: field constructors with the bounds every input
obeys, pagination, filters over public text, the confidential-field rule of serializers, and the
viewset that reads through a selector and writes only the caller's own rows.

Serializers only check shapes and ranges (types, choices, lengths, NUL bytes, integer bounds)
so that bad input is a 400 naming the field and never reaches the database; the views then
call one service. Reads always start from the selectors, so another organisation's private
rows are 404 and its confidential fields never appear. Server-owned fields (organisation,
status, timestamps) are read-only; status changes go through the publish/unpublish/archive
actions.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from config import api_fields
from config.ids import PK_MAX
from config.pagination import Pagination  # noqa: F401  (imported by the API modules)
from profiles import access
from profiles.choices import (
    MAX_YEN,
    TRL_MAX,
    TRL_MIN,
    CollaborationMode,
    Language,
    PublicationStatus,
    Region,
)
from profiles.models import (
    Organization,
)
from profiles.services.audit import confidential_reads_record

MAX_ID = PK_MAX


KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


ID_REGEX = r"[0-9]{1,18}"


def key_field(**kw) -> serializers.CharField:
    return api_fields.RegexField(
        KEY_RE,
        max_length=100,
        required=False,
        error_messages={"invalid": _("キーは英数字・ハイフン・下線・ピリオドのみ使えます。")},
        **kw,
    )


def text_list(max_items: int = 50, max_length: int = 100, **kw) -> serializers.ListField:
    return serializers.ListField(
        child=api_fields.CharField(max_length=max_length),
        max_length=max_items,
        required=False,
        **kw,
    )


def choice_list(choices, **kw) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices), max_length=20, required=False, **kw
    )


def yen_field(**kw) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0, max_value=MAX_YEN, required=False, allow_null=True, **kw
    )


def trl_field(**kw) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=TRL_MIN, max_value=TRL_MAX, required=False, allow_null=True, **kw
    )


class IntFilter(django_filters.Filter):
    field_class = forms.IntegerField


def filter_text(queryset, value, fields):
    cond = Q()
    for f in fields:
        cond |= Q(**{f"{f}__icontains": value})
    return queryset.filter(cond)


class CatalogFilter(django_filters.FilterSet):
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


class ConfidentialMixin:
    """Shows `confidential_details` only to those allowed (owner, introduced party), and
    records each read of a non-empty text in the access log (in one write per response when a
    `CatalogViewSet` collects them, else at once)."""

    @property
    def _readable_fields(self):
        # The raw column is deferred by `access.with_confidential` (a list reads the visible
        # text from its annotation); letting DRF read it would cost one query per row.
        for field in super()._readable_fields:
            if field.field_name != "confidential_details":
                yield field

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        text = access.confidential_text(user=user, obj=instance)
        if text is not None and "confidential_details" in self.fields:
            # In the field's place among the others, as the schema lists it.
            ordered = {}
            for name in self.fields:
                if name == "confidential_details":
                    ordered[name] = text
                elif name in data:
                    ordered[name] = data[name]
            data = {**ordered, **data}  # and whatever a serializer added beyond its fields
            if text:
                reads = self.context.get("confidential_reads")
                if reads is not None:
                    reads.append(instance)
                else:
                    confidential_reads_record(
                        user=user,
                        objects=[instance],
                        channel="api",
                        path=getattr(request, "path", ""),
                    )
        return data


class CatalogViewSet(viewsets.ModelViewSet):
    """Shared plumbing: reads from the selector, writes only on the caller's own rows."""

    pagination_class = Pagination
    lookup_value_regex = ID_REGEX
    kind = ""

    def visible(self):
        raise NotImplementedError

    def get_queryset(self):
        qs = self.visible()
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            org = access.org_of(self.request.user)
            qs = qs.filter(organization=org) if org is not None else qs.none()
        return qs

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["confidential_reads"] = self._confidential_reads = []
        return context

    def finalize_response(self, request, response, *args, **kwargs):
        reads = getattr(self, "_confidential_reads", None)
        if reads and 200 <= response.status_code < 300:
            confidential_reads_record(
                user=request.user, objects=reads, channel="api", path=request.path
            )
            reads.clear()
        return super().finalize_response(request, response, *args, **kwargs)

    def own_org(self) -> Organization:
        org = access.org_of(self.request.user)
        if org is None:
            raise PermissionDenied(_("所属組織がありません。"))
        return org

    def refreshed(self, obj):
        return self.visible().get(pk=obj.pk)

    def _transition(self, service, request):
        obj = service(self.get_object(), request.user)
        return Response(self.get_serializer(self.refreshed(obj)).data)
