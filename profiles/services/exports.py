"""What leaves the platform as a file: the whole catalogue as catalog/1 JSON (coordinators,
docs/catalog.md), an organisation's own seeds or needs as CSV (the import's columns, so the
file can be edited and imported again) or as catalog/1 JSON, and the rows of the CSV exports
of the API.

Every delivery of confidential text is recorded in the access log (channel `export`), as the
CSV exports of the API always did. The whole-catalogue export carries no confidential text and
no contact e-mail: it is the public catalogue, for a coordinator (who also sees which company
an anonymous need belongs to, as in the console).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from profiles import access
from profiles.choices import ApprovalStatus, PublicationStatus
from profiles.models import InvestorProfile, Need, Organization, Seed, Venture
from profiles.services.audit import confidential_reads_record
from profiles.services.imports.csv_columns import format_patents, format_researchers

CATALOG_FORMAT = "catalog/1"


def _join(values) -> str:
    return ";".join(str(v) for v in values or [])


# --- CSV rows (the import's columns) --------------------------------------------------------


def seed_csv_row(seed: Seed, *, confidential: Callable[[Any], str]) -> list:
    return [
        seed.key,
        seed.organization.key,
        seed.organization.name,
        seed.title,
        seed.summary,
        confidential(seed),
        _join(seed.keywords),
        seed.field,
        seed.trl or "",
        _join(seed.collaboration_modes),
        seed.language,
        seed.capacity,
        seed.status,
        format_researchers(seed.researchers.all()),
        format_patents(seed.patents.all()),
    ]


def need_csv_row(need: Need, *, named: bool, confidential: Callable[[Any], str]) -> list:
    """A need's row; `named` False leaves its key and company empty (an anonymous need read by
    someone who may not know its company)."""
    return [
        need.key if named else "",
        need.organization.key if named else "",
        need.organization.name if named else "",
        need.title,
        need.description,
        confidential(need),
        _join(need.keywords),
        need.field,
        _join(need.collaboration_modes),
        "" if need.budget_min_yen is None else need.budget_min_yen,
        "" if need.budget_max_yen is None else need.budget_max_yen,
        "" if need.duration_months is None else need.duration_months,
        need.trl_min or "",
        need.trl_max or "",
        _join(need.preferred_regions),
        "yes" if need.is_anonymous else "no",
        need.language,
        need.status,
    ]


class ConfidentialReads:
    """Collects the rows whose confidential text went into a file, then records them."""

    def __init__(self) -> None:
        self.rows: list = []

    def __call__(self, obj) -> str:
        text = getattr(obj, "visible_confidential_details", None)
        if text is None:
            text = obj.confidential_details
        if text:
            self.rows.append(obj)
        return text or ""

    def record(self, *, user, path: str) -> None:
        confidential_reads_record(user=user, objects=self.rows, channel="export", path=path)


# --- catalog/1 records ----------------------------------------------------------------------


def _drop_empty(record: dict, keep: Iterable[str] = ()) -> dict:
    """Optional fields that are absent stay absent (docs/catalog.md); required ones stay."""
    keep = set(keep)
    return {k: v for k, v in record.items() if k in keep or v not in (None, "", [])}


def organization_record(org: Organization) -> dict:
    return _drop_empty(
        {
            "key": org.key,
            "kind": org.kind,
            "name": org.name,
            "name_en": org.name_en,
            "prefecture": org.prefecture,
            "website": org.website,
            "description": org.description,
        },
        keep=("key", "kind", "name", "prefecture"),
    )


def seed_record(seed: Seed, *, confidential: str = "") -> dict:
    record = {
        "key": seed.key,
        "organization": seed.organization.key,
        "title": seed.title,
        "summary": seed.summary,
        "keywords": list(seed.keywords or []),
        "trl": seed.trl,
        "collaboration": list(seed.collaboration_modes or []),
        "language": seed.language,
        "field": seed.field,
        "capacity": seed.capacity,
        "researchers": [
            {
                "name": r.name,
                "department": r.department,
                "researchmap_id": r.researchmap_id,
                "cross_appointment_available": r.cross_appointment_available,
                **({"name_en": r.name_en} if r.name_en else {}),
                **({"jglobal_id": r.jglobal_id} if r.jglobal_id else {}),
            }
            for r in seed.researchers.all()
        ],
        "patents": [
            {
                "application_number": p.application_number,
                "registration_number": p.registration_number,
                "title": p.title,
                "license_available": p.license_available,
            }
            for p in seed.patents.all()
        ],
        "confidential_details": confidential,
    }
    return _drop_empty(
        record, keep=("key", "organization", "title", "summary", "keywords", "collaboration")
    )


def need_record(need: Need, *, confidential: str = "") -> dict:
    record = {
        "key": need.key,
        "organization": need.organization.key,
        "title": need.title,
        "description": need.description,
        "keywords": list(need.keywords or []),
        "collaboration": list(need.collaboration_modes or []),
        "budget_yen": need.budget_max_yen,
        "budget_min_yen": need.budget_min_yen,
        "language": need.language,
        "trl_min": need.trl_min,
        "trl_max": need.trl_max,
        "duration_months": need.duration_months,
        "preferred_regions": list(need.preferred_regions or []),
        "anonymous": need.is_anonymous or None,
        "field": need.field,
        "confidential_details": confidential,
    }
    return _drop_empty(
        record, keep=("key", "organization", "title", "description", "keywords", "collaboration")
    )


def investor_record(profile: InvestorProfile) -> dict:
    org = profile.organization
    return _drop_empty(
        {
            "key": org.key,
            "kind": profile.investor_kind,
            "name": org.name,
            "name_en": org.name_en,
            "prefecture": org.prefecture,
            "thesis": profile.thesis,
            "fields": list(profile.fields or []),
            "stages": list(profile.stages or []),
            "ticket_min_yen": profile.ticket_min_yen,
            "ticket_max_yen": profile.ticket_max_yen,
            "regions": list(profile.regions or []),
        },
        keep=("key", "kind", "name", "thesis", "fields", "stages"),
    )


def venture_record(venture: Venture) -> dict:
    return _drop_empty(
        {
            "key": venture.key,
            "organization": venture.organization.key,
            "name": venture.name,
            "summary": venture.summary,
            "stage": venture.stage,
            "seeds": sorted(s.key for s in venture.seeds.all()),
            "seeks": venture.seeks,
        },
        keep=("key", "organization", "name", "summary", "stage", "seeds"),
    )


def _seeds(qs: QuerySet[Seed]) -> QuerySet[Seed]:
    return qs.select_related("organization").prefetch_related("researchers", "patents")


def catalog_export(*, by) -> dict:
    """The whole public catalogue as one catalog/1 document (coordinators only): approved
    organisations, and the published seeds, needs, investor profiles and ventures of approved
    organisations, in key order. No confidential details, no contact e-mails. Importing it
    again with `import_catalog` (or the page) changes nothing."""
    access.require_coordinator_user(by)
    approved = Organization.objects.filter(approval_status=ApprovalStatus.APPROVED)
    public = {
        "status": PublicationStatus.PUBLISHED,
        "organization__approval_status": ApprovalStatus.APPROVED,
    }
    ventures = (
        Venture.objects.filter(**public)
        .select_related("organization")
        .prefetch_related(Prefetch("seeds", queryset=Seed.objects.only("key")))
    )
    return {
        "format": CATALOG_FORMAT,
        "organizations": [organization_record(o) for o in approved.order_by("key")],
        "seeds": [seed_record(s) for s in _seeds(Seed.objects.filter(**public)).order_by("key")],
        "needs": [
            need_record(n)
            for n in Need.objects.filter(**public).select_related("organization").order_by("key")
        ],
        "investors": [
            investor_record(p)
            for p in InvestorProfile.objects.filter(**public)
            .select_related("organization")
            .order_by("organization__key")
        ],
        "ventures": [venture_record(v) for v in ventures.order_by("key")],
    }


def own_catalog_export(*, org: Organization, by, kind: str, path: str = "") -> dict:
    """An organisation's own seeds (`kind="seeds"`) or needs (`"needs"`), every status, as a
    catalog/1 document with its organisation and its confidential details (recorded in the
    access log). Each record also says its `status` (an unknown field to the importer)."""
    access.require_member(org=org, by=by)
    reads = ConfidentialReads()
    if kind == "seeds":
        rows = _seeds(Seed.objects.filter(organization=org)).order_by("key")
        records = [{**seed_record(s, confidential=reads(s)), "status": s.status} for s in rows]
    else:
        rows = Need.objects.filter(organization=org).select_related("organization").order_by("key")
        records = [{**need_record(n, confidential=reads(n)), "status": n.status} for n in rows]
    reads.record(user=by, path=path)
    return {"format": CATALOG_FORMAT, "organizations": [organization_record(org)], kind: records}


def own_csv_rows(*, org: Organization, by, kind: str, path: str = "") -> list[list]:
    """An organisation's own seeds or needs, every status, as rows of the import's columns
    (confidential details included and recorded in the access log)."""
    access.require_member(org=org, by=by)
    reads = ConfidentialReads()
    if kind == "seeds":
        qs = _seeds(Seed.objects.filter(organization=org)).order_by("key")
        rows = [seed_csv_row(s, confidential=reads) for s in qs]
    else:
        qs = Need.objects.filter(organization=org).select_related("organization").order_by("key")
        rows = [need_csv_row(n, named=True, confidential=reads) for n in qs]
    reads.record(user=by, path=path)
    return rows
