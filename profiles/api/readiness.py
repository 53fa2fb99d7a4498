"""API routes: readiness profiles, track records, history, comparison, and the price estimator.

    GET    readiness/                               list (region, kind, min_score, ordering)
    GET    readiness/<org_id>/                      profile, indicators, levels, comparison
    PUT    readiness/<org_id>/   PATCH              edit (members of the organisation only)
    GET    readiness/<org_id>/history/              versions, newest first
    PUT    readiness/<org_id>/track-record/<fy>/    one fiscal year (members only); DELETE
    POST   readiness/estimate/                      fair-price estimate for a university

Readiness is public (the policy's 見える化, `profiles.access.readiness_filter`): the GET routes
answer everyone, signed in or not, with the readiness of approved universities and research
institutes (a member also reads their own organisation's). Writing needs a signed-in member of an
approved organisation who belongs to the organisation (403 otherwise); an organisation the
caller cannot see answers 404. Lists are paginated (`page`, `page_size` ≤ 100).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from config import api_fields
from config.pagination import PageQuery, paginated
from profiles.api.permissions import ApprovedMember
from profiles.choices import MAX_YEN, OrgKind, Region
from profiles.models import Organization, ReadinessProfile, TrackRecord
from profiles.selectors.catalog import needs_visible_to
from profiles.selectors.readiness import (
    ORDERINGS,
    academic_orgs_visible_to,
    cross_appointment_researchers,
    readiness_comparison,
    readiness_for,
    readiness_history,
    readiness_list,
    readiness_orgs_visible_to,
)
from profiles.selectors.readiness_rules import Assessment
from profiles.services.estimator import estimate_price
from profiles.services.readiness import (
    PROFILE_EDITABLE_FIELDS,
    TRACK_RECORD_FIELDS,
    can_edit_readiness,
    readiness_update,
    track_record_delete,
    track_record_upsert,
    version_summary,
)


class ReadinessInputSerializer(api_fields.ModelSerializer):
    class Meta:
        model = ReadinessProfile
        fields = PROFILE_EDITABLE_FIELDS


class TrackRecordInputSerializer(api_fields.ModelSerializer):
    class Meta:
        model = TrackRecord
        fields = TRACK_RECORD_FIELDS

    def validate(self, attrs):
        large = attrs.get("large_project_count", 0)
        total = attrs.get("joint_research_count", 0)
        if large > total:
            raise serializers.ValidationError(
                {"large_project_count": [_("1,000万円以上の件数が共同研究の件数を超えています。")]}
            )
        return attrs


class ListQuerySerializer(serializers.Serializer):
    region = serializers.ChoiceField(choices=Region.choices, required=False, allow_blank=True)
    kind = serializers.ChoiceField(
        choices=[OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE], required=False, allow_blank=True
    )
    min_score = serializers.FloatField(required=False, min_value=0, max_value=1)
    ordering = serializers.ChoiceField(choices=sorted(ORDERINGS), required=False, default="score")


class EstimateInputSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    direct_costs_yen = serializers.IntegerField(min_value=0, max_value=MAX_YEN, default=0)
    faculty_person_months = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, max_value=1200, default=0
    )
    postdoc_person_months = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, max_value=1200, default=0
    )
    student_person_months = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, max_value=1200, default=0
    )
    need = serializers.IntegerField(required=False)
    budget_min_yen = serializers.IntegerField(min_value=0, required=False)
    budget_max_yen = serializers.IntegerField(min_value=0, required=False)


def _num(value):
    return None if value is None else float(value)


def indicators_dict(ind) -> dict:
    return {
        "fiscal_year": ind.fiscal_year,
        "joint_research_count": ind.joint_research_count,
        "joint_research_income_yen": ind.joint_research_income_yen,
        "average_income_per_project_yen": ind.average_income_per_project_yen,
        "large_project_count": ind.large_project_count,
        "large_project_share": _num(ind.large_project_share),
        "license_count": ind.license_count,
        "license_income_yen": ind.license_income_yen,
        "average_license_income_yen": ind.average_license_income_yen,
        "spinoff_count": ind.spinoff_count,
        "cross_appointment_count": ind.cross_appointment_count,
        "income_growth": _num(ind.income_growth),
    }


def assessment_summary(a: Assessment) -> dict:
    org = a.organization
    return {
        "organization": {
            "id": org.id,
            "key": org.key,
            "name": org.name,
            "name_en": org.name_en,
            "kind": org.kind,
            "region": org.region,
            "prefecture": org.prefecture,
        },
        "as_of": a.profile.as_of.isoformat(),
        "version": a.profile.version,
        "score": a.score,
        "levels": {p.code: p.level for p in a.pillars},
        "latest": indicators_dict(a.latest) if a.latest else None,
    }


def assessment_detail(a: Assessment, *, comparison) -> dict:
    profile = a.profile
    data = assessment_summary(a)
    fields = ReadinessInputSerializer(profile).data
    data["profile"] = fields
    data["pillars"] = [
        {
            "code": p.code,
            "label": p.label,
            "level": p.level,
            "criteria": [{"code": c, "label": lbl, "met": ok} for c, lbl, ok in p.criteria],
        }
        for p in a.pillars
    ]
    data["indicators"] = [indicators_dict(i) for i in a.indicators]
    data["comparison"] = [
        {
            "code": r.code,
            "label": r.label,
            "unit": r.unit,
            "value": r.value,
            "region_median": r.region_median,
            "national_median": r.national_median,
        }
        for r in comparison
    ]
    return data


def _visible_org(request, org_id: int) -> Organization:
    return get_object_or_404(readiness_orgs_visible_to(user=request.user), pk=org_id)


class PublicReadOnly(BasePermission):
    """Reading readiness is public; writing it needs a member of an approved organisation."""

    message = ApprovedMember.message

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return ApprovedMember().has_permission(request, view)


class ReadinessListView(APIView):
    permission_classes = [PublicReadOnly]

    @extend_schema(
        operation_id="readiness_list",
        parameters=[ListQuerySerializer, PageQuery],
        responses={200: dict},
    )
    def get(self, request):
        q = ListQuerySerializer(data=request.query_params)
        q.is_valid(raise_exception=True)
        rows = readiness_list(
            user=request.user,
            region=q.validated_data.get("region") or None,
            kind=q.validated_data.get("kind") or None,
            min_score=q.validated_data.get("min_score"),
            ordering=q.validated_data["ordering"],
        )
        return paginated(request, rows, assessment_summary, view=self)


class ReadinessDetailView(APIView):
    permission_classes = [PublicReadOnly]

    @extend_schema(responses={200: dict})
    def get(self, request, org_id: int):
        _visible_org(request, org_id)
        a = readiness_for(user=request.user, org_id=org_id)
        if a is None:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        comparison = readiness_comparison(user=request.user, assessment=a)
        data = assessment_detail(a, comparison=comparison)
        data["cross_appointment_researchers"] = cross_appointment_researchers(
            user=request.user, org=a.organization
        )
        return Response(data)

    def _write(self, request, org_id: int, *, partial: bool):
        org = _visible_org(request, org_id)
        if not can_edit_readiness(org=org, user=request.user):
            raise PermissionDenied(_("この組織のメンバーのみが連携体制を編集できます。"))
        s = ReadinessInputSerializer(data=request.data, partial=partial)
        s.is_valid(raise_exception=True)
        try:
            readiness_update(org=org, by=request.user, data=dict(s.validated_data))
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        a = readiness_for(user=request.user, org_id=org.id)
        comparison = readiness_comparison(user=request.user, assessment=a)
        return Response(assessment_detail(a, comparison=comparison))

    @extend_schema(request=ReadinessInputSerializer, responses={200: dict})
    def put(self, request, org_id: int):
        return self._write(request, org_id, partial=False)

    @extend_schema(request=ReadinessInputSerializer, responses={200: dict})
    def patch(self, request, org_id: int):
        return self._write(request, org_id, partial=True)


class ReadinessHistoryView(APIView):
    permission_classes = [PublicReadOnly]

    @extend_schema(parameters=[PageQuery], responses={200: dict})
    def get(self, request, org_id: int):
        org = _visible_org(request, org_id)
        versions = readiness_history(org=org)
        # Who edited is the organisation's own business; the dated versions are public.
        own = can_edit_readiness(org=org, user=request.user)
        return paginated(
            request,
            versions,
            lambda v: {
                "version": v.version,
                "edited_at": v.edited_at.isoformat(),
                "edited_by": (v.edited_by.get_username() if own and v.edited_by else None),
                "change_summary": version_summary(v),
                "snapshot": v.snapshot,
            },
            view=self,
        )


class TrackRecordView(APIView):
    def _org_for_write(self, request, org_id: int) -> Organization:
        org = _visible_org(request, org_id)
        if not can_edit_readiness(org=org, user=request.user):
            raise PermissionDenied(_("この組織のメンバーのみが連携体制を編集できます。"))
        return org

    @extend_schema(request=TrackRecordInputSerializer, responses={200: dict})
    def put(self, request, org_id: int, fiscal_year: int):
        org = self._org_for_write(request, org_id)
        s = TrackRecordInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        record = track_record_upsert(
            org=org, by=request.user, fiscal_year=fiscal_year, data=dict(s.validated_data)
        )
        out = {"fiscal_year": record.fiscal_year, **TrackRecordInputSerializer(record).data}
        return Response(out)

    @extend_schema(responses={204: None})
    def delete(self, request, org_id: int, fiscal_year: int):
        org = self._org_for_write(request, org_id)
        track_record_delete(org=org, by=request.user, fiscal_year=fiscal_year)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EstimateView(APIView):
    @extend_schema(request=EstimateInputSerializer, responses={200: dict})
    def post(self, request):
        s = EstimateInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        org = academic_orgs_visible_to(user=request.user).filter(pk=data["organization"]).first()
        if org is None:
            raise serializers.ValidationError(
                {"organization": [_("大学・研究機関が見つかりません。")]}
            )
        budget_min = data.get("budget_min_yen")
        budget_max = data.get("budget_max_yen")
        if "need" in data:
            need = needs_visible_to(user=request.user).filter(pk=data["need"]).first()
            if need is None:
                raise serializers.ValidationError({"need": [_("ニーズが見つかりません。")]})
            budget_min, budget_max = need.budget_min_yen, need.budget_max_yen
        estimate = estimate_price(
            org=org,
            direct_costs_yen=data["direct_costs_yen"],
            faculty_person_months=data["faculty_person_months"],
            postdoc_person_months=data["postdoc_person_months"],
            student_person_months=data["student_person_months"],
            budget_min_yen=budget_min,
            budget_max_yen=budget_max,
        )
        return Response({"organization": org.id, **estimate.as_dict()})
