"""Writes on readiness profiles and track records, with a dated version after every edit.

Only members of the organisation edit its readiness (both roles: the IP office staff who keep
these figures are usually not the organisation's manager). Every successful edit increments
`ReadinessProfile.version` and writes a `ReadinessVersion` with a full snapshot of the profile
and the track record, so the history can be shown and compared; a failed edit writes nothing.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from profiles.access import is_member_of
from profiles.choices import ACADEMIC_KINDS
from profiles.deferred import N_, Text, render_message
from profiles.models import (
    Organization,
    ReadinessProfile,
    ReadinessVersion,
    TrackRecord,
)

# Fields a member may set on the profile; the organisation, version and audit fields are
# server-owned.
PROFILE_EDITABLE_FIELDS = (
    "as_of",
    "office_cross_departmental_planning",
    "office_dedicated_staff",
    "office_single_contact_point",
    "office_staff_count",
    "indirect_cost_rate_percent",
    "charges_personnel_costs",
    "charges_student_costs",
    "charges_strategic_costs",
    "strategic_cost_rate_percent",
    "faculty_monthly_rate_yen",
    "postdoc_monthly_rate_yen",
    "student_monthly_rate_yen",
    "standard_contract_terms",
    "days_to_contract",
    "ip_policy",
    "joint_ip_flexible",
    "patent_review",
    "exclusive_license",
    "non_exclusive_license",
    "coi_individual",
    "coi_institutional",
    "export_control",
    "nda_procedure",
    "cross_appointment_system",
    "cross_appointments_with_companies",
    "notes",
)
TRACK_RECORD_FIELDS = (
    "joint_research_count",
    "joint_research_income_yen",
    "large_project_count",
    "license_count",
    "license_income_yen",
    "spinoff_count",
    "cross_appointment_count",
)


def current_fiscal_year(today: datetime.date | None = None) -> int:
    """Japanese fiscal year (April–March) of a date; today in the project time zone by default."""
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def can_edit_readiness(*, org: Organization, user) -> bool:
    """Members of the organisation edit its readiness (coordinators use the admin)."""
    return is_member_of(user, org)


def _require_member(*, org: Organization, by) -> None:
    if not can_edit_readiness(org=org, user=by):
        raise PermissionDenied(_("この組織のメンバーのみが連携体制を編集できます。"))


def _require_academic(org: Organization) -> None:
    if org.kind not in ACADEMIC_KINDS:
        raise ValidationError({"organization": [_("連携体制は大学・研究機関のみが登録できます。")]})


def _snapshot(profile: ReadinessProfile) -> dict:
    data = model_to_dict(profile, fields=PROFILE_EDITABLE_FIELDS)
    for key, value in list(data.items()):
        if isinstance(value, datetime.date):
            data[key] = value.isoformat()
        elif value is not None and not isinstance(value, (bool, int, str)):
            data[key] = str(value)  # Decimal rates as exact strings
    data["track_record"] = [
        {"fiscal_year": r.fiscal_year, **model_to_dict(r, fields=TRACK_RECORD_FIELDS)}
        for r in TrackRecord.objects.filter(organization=profile.organization).order_by(
            "fiscal_year"
        )
    ]
    return data


def _record_version(*, profile: ReadinessProfile, by, summary: Text | str) -> ReadinessVersion:
    """Version N with its snapshot; the summary in the platform's language (`change_summary`,
    the admin) and stored for its reader's language (`change`, the pages and the API)."""
    text = summary if isinstance(summary, Text) else Text(str(summary))
    return ReadinessVersion.objects.create(
        organization=profile.organization,
        version=profile.version,
        snapshot=_snapshot(profile),
        change_summary=render_message(text.stored, language=settings.LANGUAGE_CODE)[:300],
        change=text.stored,
        edited_by=by,
    )


def version_summary(version: ReadinessVersion) -> str:
    """What a version changed, in the reader's language."""
    return render_message(version.change) if version.change else version.change_summary


def _bump(profile: ReadinessProfile, *, by) -> None:
    profile.version += 1
    profile.updated_by = by
    profile.save(update_fields=["version", "updated_by", "updated_at"])


@transaction.atomic
def readiness_update(*, org: Organization, by, data: dict) -> ReadinessProfile:
    """Create or update the organisation's readiness profile (a partial `data` keeps the other
    fields); writes version N+1 with a snapshot."""
    _require_member(org=org, by=by)
    _require_academic(org)
    unknown = sorted(set(data) - set(PROFILE_EDITABLE_FIELDS))
    if unknown:
        raise ValidationError({name: [_("編集できない項目です。")] for name in unknown})
    profile = ReadinessProfile.objects.select_for_update().filter(organization=org).first()
    created = profile is None
    if created:
        profile = ReadinessProfile(organization=org, as_of=timezone.localdate(), version=0)
    for name, value in data.items():
        setattr(profile, name, value)
    if profile.as_of and profile.as_of > timezone.localdate():
        raise ValidationError({"as_of": [_("基準日に未来の日付は指定できません。")]})
    profile.full_clean(exclude=["organization", "updated_by"])
    profile.version += 1
    profile.updated_by = by
    profile.save()
    changed = ", ".join(sorted(data)) if data else ""
    summary = Text(N_("作成")) if created else Text(N_("更新: %(fields)s"), fields=changed)
    _record_version(profile=profile, by=by, summary=summary)
    return profile


def _profile_for_track_record(*, org: Organization, by) -> ReadinessProfile:
    profile = ReadinessProfile.objects.select_for_update().filter(organization=org).first()
    if profile is None:
        # A track record may come first; the profile starts empty and dated today.
        profile = ReadinessProfile.objects.create(
            organization=org, as_of=timezone.localdate(), version=0, updated_by=by
        )
    return profile


@transaction.atomic
def track_record_upsert(*, org: Organization, by, fiscal_year: int, data: dict) -> TrackRecord:
    """Create or replace one fiscal year of track record; writes a new readiness version."""
    _require_member(org=org, by=by)
    _require_academic(org)
    unknown = sorted(set(data) - set(TRACK_RECORD_FIELDS))
    if unknown:
        raise ValidationError({name: [_("編集できない項目です。")] for name in unknown})
    latest_allowed = current_fiscal_year()
    if fiscal_year > latest_allowed:
        raise ValidationError(
            {
                "fiscal_year": [
                    _("%(year)s年度以降の実績は登録できません。") % {"year": latest_allowed + 1}
                ]
            }
        )
    profile = _profile_for_track_record(org=org, by=by)
    record = TrackRecord.objects.filter(organization=org, fiscal_year=fiscal_year).first()
    if record is None:
        record = TrackRecord(organization=org, fiscal_year=fiscal_year)
    for name in TRACK_RECORD_FIELDS:
        if name in data:
            setattr(record, name, data[name])
    record.full_clean(exclude=["organization"], validate_constraints=False)
    if record.large_project_count > record.joint_research_count:
        raise ValidationError(
            {"large_project_count": [_("1,000万円以上の件数が共同研究の件数を超えています。")]}
        )
    record.save()
    _bump(profile, by=by)
    _record_version(
        profile=profile, by=by, summary=Text(N_("%(year)s年度の実績を更新"), year=fiscal_year)
    )
    return record


@transaction.atomic
def readiness_import(
    *, org: Organization, profile: dict, track_records: list[dict], summary: Text | str = ""
) -> ReadinessProfile:
    """Load a whole readiness profile and its track record from a trusted source (a management
    command, never the API): no membership check, validated like an edit, one new version."""
    _require_academic(org)
    unknown = sorted(set(profile) - set(PROFILE_EDITABLE_FIELDS))
    if unknown:
        raise ValidationError({name: [_("編集できない項目です。")] for name in unknown})
    current = ReadinessProfile.objects.select_for_update().filter(organization=org).first()
    current = current or ReadinessProfile(organization=org, as_of=timezone.localdate(), version=0)
    for name, value in profile.items():
        setattr(current, name, value)
    current.full_clean(exclude=["organization", "updated_by"])
    current.version += 1
    current.updated_by = None
    current.save()
    for row in track_records:
        row = dict(row)
        fiscal_year = int(row.pop("fiscal_year"))
        record = TrackRecord.objects.filter(organization=org, fiscal_year=fiscal_year).first()
        record = record or TrackRecord(organization=org, fiscal_year=fiscal_year)
        for name in TRACK_RECORD_FIELDS:
            setattr(record, name, row.get(name, 0))
        record.full_clean(exclude=["organization"], validate_constraints=False)
        if record.large_project_count > record.joint_research_count:
            raise ValidationError(
                {"large_project_count": [_("1,000万円以上の件数が共同研究の件数を超えています。")]}
            )
        record.save()
    _record_version(profile=current, by=None, summary=summary or Text(N_("インポート")))
    return current


@transaction.atomic
def track_record_delete(*, org: Organization, by, fiscal_year: int) -> None:
    _require_member(org=org, by=by)
    deleted, _rows = TrackRecord.objects.filter(organization=org, fiscal_year=fiscal_year).delete()
    if not deleted:
        return
    profile = _profile_for_track_record(org=org, by=by)
    _bump(profile, by=by)
    _record_version(
        profile=profile, by=by, summary=Text(N_("%(year)s年度の実績を削除"), year=fiscal_year)
    )
