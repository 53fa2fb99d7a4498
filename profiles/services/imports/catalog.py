"""The catalog/1 JSON import (`import_catalog`, docs/catalog.md): validate every record,
report every problem by section and key, upsert by key, leave unchanged rows untouched."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from profiles.choices import (
    ACADEMIC_KINDS,
    MAX_YEN,
    PREFECTURE_REGION,
    TRL_MAX,
    TRL_MIN,
    ApprovalStatus,
    InvestorKind,
    Language,
    OrgKind,
    PublicationStatus,
    Stage,
    region_for_prefecture,
)
from profiles.deferred import N_, Text
from profiles.models import InvestorProfile, Need, Organization, Seed, Venture
from profiles.services import catalog as svc
from profiles.signals import bulk_changes

from .values import (
    LANGUAGES,
    MODES,
    REGIONS,
    STAGES,
    FieldError,
    _bool,
    _choice,
    _choice_map,
    _int,
    _key,
    _list,
    _patent,
    _range,
    _researcher,
    _text,
)

# --- catalog/1 JSON ------------------------------------------------------------------------


@dataclass
class CatalogReport:
    """What a catalogue import did (or, for a dry run, would do): counts per section, one row
    per record (`rows`: section, key, title, action, changed fields), and the errors as
    (section, key, reason) with the reason a deferred message (`profiles.deferred.Text`:
    `str()` renders it, `.stored` keeps it for a reader of another language)."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    errors: list[tuple[str, str, Text]] = field(default_factory=list)  # (section, key, reason)
    rows: list[dict] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def committed(self) -> bool:
        return self.written and not self.dry_run

    def loaded(self) -> int:
        return (
            sum(self.created.values()) + sum(self.updated.values()) + sum(self.unchanged.values())
        )

    def error(self, section: str, key: str, reason: Text | str) -> None:
        self.errors.append((section, key, reason if isinstance(reason, Text) else Text(reason)))

    def to_stored(self) -> dict:
        """The report as an import job keeps it (see `profiles.services.imports.jobs`)."""
        return {
            "format": "catalog",
            "dry_run": self.dry_run,
            "committed": self.committed,
            "rows": self.rows,
            "counts": {
                section: {
                    "created": self.created[section],
                    "updated": self.updated[section],
                    "unchanged": self.unchanged[section],
                }
                for section in SECTIONS
            },
            "errors": [
                {"section": section, "key": key, "message": str(reason), "text": reason.stored}
                for section, key, reason in self.errors
            ],
        }


SECTIONS = ("organizations", "seeds", "needs", "investors", "ventures")


def _field_reason(name: str, reason: Text) -> Text:
    return Text("%(field)s: %(reason)s", field=name, reason=reason)


def _clean_org(rec: dict) -> dict:
    kind = _choice(rec.get("kind"), "kind", {k: k for k in OrgKind.values}, default="")
    if not kind:
        raise FieldError("kind", Text(N_("必須です。")))
    prefecture = _text(rec.get("prefecture"), "prefecture", max_len=8)
    if prefecture and prefecture not in PREFECTURE_REGION:
        raise FieldError("prefecture", Text(N_("不明な都道府県です: %(value)s"), value=prefecture))
    out = {
        "kind": kind,
        "name": _text(rec.get("name"), "name", max_len=200, required=True),
        "prefecture": prefecture,
    }
    for name, max_len in (("name_en", 200), ("website", 200), ("description", 5000)):
        if name in rec:
            out[name] = _text(rec.get(name), name, max_len=max_len)
    if "contact_email" in rec:
        out["contact_email"] = _text(rec.get("contact_email"), "contact_email", max_len=254)
    return out


def _opt(rec: dict, out: dict, name: str, fn) -> None:
    if name in rec:
        out[name] = fn(rec.get(name), name)


def _clean_seed(rec: dict) -> dict:
    out = {
        "organization": _key(rec.get("organization"), "organization"),
        "title": _text(rec.get("title"), "title", max_len=300, required=True),
        "summary": _text(rec.get("summary"), "summary", max_len=20000, required=True),
        "keywords": _list(rec.get("keywords"), "keywords"),
        "collaboration_modes": _list(
            rec.get("collaboration", rec.get("collaboration_modes")),
            "collaboration",
            choices=MODES,
        ),
        "trl": _int(rec.get("trl"), "trl", lo=TRL_MIN, hi=TRL_MAX),
        "language": _choice(rec.get("language"), "language", LANGUAGES, default=Language.JA),
    }
    _opt(rec, out, "field", lambda v, n: _text(v, n, max_len=100))
    _opt(rec, out, "confidential_details", lambda v, n: _text(v, n, max_len=50000))
    if "capacity" in rec:
        out["capacity"] = _int(rec["capacity"], "capacity", lo=0, hi=100) or 0
    if "researchers" in rec:
        items = rec["researchers"] or []
        if not isinstance(items, list):
            raise FieldError("researchers", Text(N_("リストではありません。")))
        out["researchers"] = [_researcher(i) for i in items[:50]]
    if "patents" in rec:
        items = rec["patents"] or []
        if not isinstance(items, list):
            raise FieldError("patents", Text(N_("リストではありません。")))
        out["patents"] = [_patent(i) for i in items[:50]]
    return out


def _clean_need(rec: dict) -> dict:
    out = {
        "organization": _key(rec.get("organization"), "organization"),
        "title": _text(rec.get("title"), "title", max_len=300, required=True),
        "description": _text(
            rec.get("description", rec.get("summary")), "description", max_len=20000, required=True
        ),
        "keywords": _list(rec.get("keywords"), "keywords"),
        "collaboration_modes": _list(
            rec.get("collaboration", rec.get("collaboration_modes")),
            "collaboration",
            choices=MODES,
        ),
        "language": _choice(rec.get("language"), "language", LANGUAGES, default=Language.JA),
    }
    # budget_yen is the need's budget: an upper bound ("up to ¥X").
    if "budget_yen" in rec:
        out["budget_max_yen"] = _int(rec["budget_yen"], "budget_yen", lo=0, hi=MAX_YEN)
    for name in ("budget_min_yen", "budget_max_yen"):
        if name in rec:
            out[name] = _int(rec[name], name, lo=0, hi=MAX_YEN)
    _range("budget_min_yen", out.get("budget_min_yen"), "budget_max_yen", out.get("budget_max_yen"))
    # A single expected `trl` means "around this level": the matcher reads min/max.
    if "trl" in rec:
        trl = _int(rec["trl"], "trl", lo=TRL_MIN, hi=TRL_MAX)
        out["trl_min"] = out["trl_max"] = trl
    for name in ("trl_min", "trl_max"):
        if name in rec:
            out[name] = _int(rec[name], name, lo=TRL_MIN, hi=TRL_MAX)
    _range("trl_min", out.get("trl_min"), "trl_max", out.get("trl_max"))
    if "duration_months" in rec:
        out["duration_months"] = _int(rec["duration_months"], "duration_months", lo=1, hi=240)
    _opt(rec, out, "field", lambda v, n: _text(v, n, max_len=100))
    _opt(rec, out, "confidential_details", lambda v, n: _text(v, n, max_len=50000))
    if "preferred_regions" in rec or "regions" in rec:
        out["preferred_regions"] = _list(
            rec.get("preferred_regions", rec.get("regions")), "preferred_regions", choices=REGIONS
        )
    if "anonymous" in rec or "is_anonymous" in rec:
        out["is_anonymous"] = _bool(
            rec.get("is_anonymous", rec.get("anonymous")), "anonymous", default=False
        )
    return out


def _clean_investor(rec: dict) -> dict:
    out = {
        "organization": _key(rec.get("organization") or rec.get("key"), "organization"),
        "name": _text(rec.get("name"), "name", max_len=200),
        "investor_kind": _choice(
            rec.get("kind"), "kind", _choice_map(InvestorKind.choices), default=InvestorKind.VC
        ),
        "thesis": _text(rec.get("thesis"), "thesis", max_len=20000, required=True),
        "fields": _list(rec.get("fields"), "fields"),
        "stages": _list(rec.get("stages"), "stages", choices=STAGES),
    }
    for name in ("ticket_min_yen", "ticket_max_yen"):
        if name in rec:
            out[name] = _int(rec[name], name, lo=0, hi=MAX_YEN)
    _range("ticket_min_yen", out.get("ticket_min_yen"), "ticket_max_yen", out.get("ticket_max_yen"))
    if "regions" in rec:
        out["regions"] = _list(rec.get("regions"), "regions", choices=REGIONS)
    for name in ("name_en",):
        if name in rec:
            out[name] = _text(rec.get(name), name, max_len=200)
    prefecture = _text(rec.get("prefecture"), "prefecture", max_len=8)
    if prefecture and prefecture not in PREFECTURE_REGION:
        raise FieldError("prefecture", Text(N_("不明な都道府県です: %(value)s"), value=prefecture))
    out["prefecture"] = prefecture
    return out


def _clean_venture(rec: dict) -> dict:
    out = {
        "organization": _key(rec.get("organization"), "organization"),
        "name": _text(rec.get("name"), "name", max_len=200, required=True),
        "summary": _text(rec.get("summary"), "summary", max_len=20000, required=True),
        "stage": _choice(rec.get("stage"), "stage", STAGES, default=Stage.SEED),
        "seeds": _list(rec.get("seeds"), "seeds", max_items=100),
    }
    _opt(rec, out, "seeks", lambda v, n: _text(v, n, max_len=5000))
    _opt(rec, out, "confidential_details", lambda v, n: _text(v, n, max_len=50000))
    return out


_CLEANERS = {
    "organizations": _clean_org,
    "seeds": _clean_seed,
    "needs": _clean_need,
    "investors": _clean_investor,
    "ventures": _clean_venture,
}


def _set_fields(obj, values: dict, names) -> list[str]:
    changed = []
    for name in names:
        if name not in values:
            continue
        try:
            current = getattr(obj, name)
        except ObjectDoesNotExist:  # a foreign key not set yet
            current = None
        if current != values[name]:
            setattr(obj, name, values[name])
            changed.append(name)
    return changed


def _upsert(model, key: str | None, lookup: dict, values: dict, names, extra: dict, loaded=None):
    """Create, or update only the changed fields. Returns (obj, 'created'|'updated'|'unchanged');
    the fields an update changed are on `obj._catalog_changed`.

    `loaded` maps keys to rows fetched in bulk beforehand (one query instead of one per row).
    """
    if loaded is not None:
        obj = loaded.get(key)
    else:
        obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **extra)
        _set_fields(obj, values, names)
        obj.save()
        obj._catalog_changed = []
        return obj, "created"
    changed = _set_fields(obj, values, names)
    changed += _set_fields(obj, extra, extra.keys())
    obj._catalog_changed = list(changed)
    if changed:
        if "updated_at" in {f.name for f in model._meta.fields}:
            changed.append("updated_at")
        obj.save(update_fields=changed)
        return obj, "updated"
    return obj, "unchanged"


def catalog_load(path: str | Path) -> dict:
    """Read a catalog file; raises ValueError with a readable reason when it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    return data


def catalog_import(
    *, data: Any, skip_invalid: bool = False, embed: bool = False, dry_run: bool = False
) -> CatalogReport:
    """Upsert a catalog/1 document. Validates everything first; writes nothing when any record
    is invalid unless `skip_invalid` (then every valid record whose references hold is written).
    A dry run does all of it in a transaction it rolls back: its report is exactly what the
    import would do (the page's preview).
    """
    report = CatalogReport(dry_run=dry_run)
    if not isinstance(data, dict) or data.get("format") != "catalog/1":
        report.error("format", "", Text(N_("catalog/1 形式のファイルではありません。")))
        return report

    cleaned: dict[str, dict[str, dict]] = {s: {} for s in SECTIONS}
    for section in SECTIONS:
        records = data.get(section) or []
        if not isinstance(records, list):
            report.error(section, "", Text(N_("リストではありません。")))
            continue
        for i, rec in enumerate(records):
            report.total += 1
            if not isinstance(rec, dict):
                report.error(section, f"#{i + 1}", Text(N_("オブジェクトではありません。")))
                continue
            try:
                key = _key(rec.get("key"))
            except FieldError as exc:
                report.error(section, f"#{i + 1}", _field_reason("key", exc.text))
                continue
            if key in cleaned[section]:
                report.error(section, key, Text(N_("キーが重複しています。")))
                cleaned[section][key] = None  # poison: neither copy is loaded
                continue
            try:
                cleaned[section][key] = _CLEANERS[section](rec)
            except FieldError as exc:
                report.error(section, key, _field_reason(exc.field, exc.text))
                cleaned[section][key] = None
    cleaned = {s: {k: v for k, v in recs.items() if v is not None} for s, recs in cleaned.items()}
    _check_references(cleaned, report)

    if report.errors and not skip_invalid:
        return report
    with transaction.atomic(), bulk_changes():
        _write_catalog(cleaned, report, embed=embed and not dry_run)
        if dry_run:
            transaction.set_rollback(True)
    report.written = True
    return report


def _check_references(cleaned: dict, report: CatalogReport) -> None:
    """Drop (and report) records whose organisation or seeds are missing or of the wrong kind."""
    org_kinds = dict(Organization.objects.values_list("key", "kind"))
    org_kinds.update({k: v["kind"] for k, v in cleaned["organizations"].items()})

    def check(section: str, key: str, org_key: str, allowed, what: str) -> bool:
        kind = org_kinds.get(org_key)
        if kind is None:
            report.error(
                section, key, Text(N_("organization: 組織 %(org)s がありません。"), org=org_key)
            )
            return False
        if kind not in allowed:
            report.error(
                section,
                key,
                Text(
                    N_("organization: %(org)s は%(what)sを登録できる種別ではありません。"),
                    org=org_key,
                    what=what,
                ),
            )
            return False
        return True

    for key, rec in list(cleaned["seeds"].items()):
        if not check("seeds", key, rec["organization"], ACADEMIC_KINDS, gettext_lazy("研究シーズ")):
            del cleaned["seeds"][key]
    for key, rec in list(cleaned["needs"].items()):
        if not check(
            "needs", key, rec["organization"], (OrgKind.COMPANY,), gettext_lazy("企業ニーズ")
        ):
            del cleaned["needs"][key]
    for key, rec in list(cleaned["investors"].items()):
        org_key = rec["organization"]
        if org_key in org_kinds:
            if not check(
                "investors", key, org_key, (OrgKind.INVESTOR,), gettext_lazy("投資家プロファイル")
            ):
                del cleaned["investors"][key]
        elif not rec["name"]:
            report.error("investors", key, _field_reason("name", Text(N_("必須です。"))))
            del cleaned["investors"][key]
    seed_keys = set(Seed.objects.values_list("key", flat=True)) | set(cleaned["seeds"])
    # A seed key that exists in the database but belongs to a record dropped above is fine
    # (it is already loaded); one dropped from the file and absent from the database is not.
    for key, rec in list(cleaned["ventures"].items()):
        if not check(
            "ventures", key, rec["organization"], ACADEMIC_KINDS, gettext_lazy("ベンチャー")
        ):
            del cleaned["ventures"][key]
            continue
        missing = [s for s in rec["seeds"] if s not in seed_keys]
        if missing:
            report.error(
                "ventures", key, Text(N_("seeds: 不明なシーズ: %(keys)s"), keys=", ".join(missing))
            )
            del cleaned["ventures"][key]


ORG_NAMES = ("kind", "name", "name_en", "prefecture", "region", "website", "description")
ORG_NAMES = (*ORG_NAMES, "contact_email", "approval_status")


def _write_catalog(cleaned: dict, report: CatalogReport, *, embed: bool) -> None:
    def count(section: str, outcome: str, key: str = "", title: str = "", obj=None) -> None:
        getattr(report, outcome)[section] += 1
        changed = getattr(obj, "_catalog_changed", []) if outcome == "updated" else []
        report.rows.append(
            {
                "section": section,
                "key": key,
                "title": title,
                "action": outcome,
                "changed": [c for c in changed if c != "updated_at"],
            }
        )

    def maybe_embed(kind: str, obj, outcome: str) -> None:
        if embed and outcome != "unchanged":
            svc.notify_changed(kind, obj.id)

    orgs: dict[str, Organization] = {}
    loaded_orgs = Organization.objects.in_bulk(list(cleaned["organizations"]), field_name="key")
    loaded_seeds = (
        Seed.objects.select_related("organization")
        .prefetch_related("researchers", "patents")
        .in_bulk(list(cleaned["seeds"]), field_name="key")
    )
    loaded_needs = Need.objects.select_related("organization").in_bulk(
        list(cleaned["needs"]), field_name="key"
    )
    for key, rec in cleaned["organizations"].items():
        values = {**rec, "region": region_for_prefecture(rec["prefecture"])}
        values["approval_status"] = ApprovalStatus.APPROVED
        org, outcome = _upsert(
            Organization, key, {"key": key}, values, ORG_NAMES, {}, loaded=loaded_orgs
        )
        orgs[key] = org
        count("organizations", outcome, key, rec["name"], org)

    def org_for(key: str) -> Organization:
        if key not in orgs:
            orgs[key] = Organization.objects.get(key=key)
        return orgs[key]

    published = {"status": PublicationStatus.PUBLISHED}
    seeds: dict[str, Seed] = {}
    for key, rec in cleaned["seeds"].items():
        values = {
            k: v for k, v in rec.items() if k not in ("organization", "researchers", "patents")
        }
        values["organization"] = org_for(rec["organization"])
        seed, outcome = _upsert(
            Seed, key, {"key": key}, values, [*values], published, loaded=loaded_seeds
        )
        if seed.published_at is None:
            Seed.objects.filter(pk=seed.pk).update(published_at=timezone.now())
        related = False
        if "researchers" in rec:
            related |= svc.replace_researchers(seed, rec["researchers"])
        if "patents" in rec:
            related |= svc.replace_patents(seed, rec["patents"])
        if related and outcome == "unchanged":
            seed.save(update_fields=["updated_at"])
            outcome = "updated"
        if related:
            seed._catalog_changed = [
                *getattr(seed, "_catalog_changed", []),
                *(n for n in ("researchers", "patents") if n in rec),
            ]
        seeds[key] = seed
        count("seeds", outcome, key, rec["title"], seed)
        maybe_embed("seed", seed, outcome)

    for key, rec in cleaned["needs"].items():
        values = {k: v for k, v in rec.items() if k != "organization"}
        values["organization"] = org_for(rec["organization"])
        need, outcome = _upsert(
            Need, key, {"key": key}, values, [*values], published, loaded=loaded_needs
        )
        if need.published_at is None:
            Need.objects.filter(pk=need.pk).update(published_at=timezone.now())
        count("needs", outcome, key, rec["title"], need)
        maybe_embed("need", need, outcome)

    for key, rec in cleaned["investors"].items():
        org_key = rec["organization"]
        org = Organization.objects.filter(key=org_key).first()
        if org is None:
            org = Organization.objects.create(
                key=org_key,
                kind=OrgKind.INVESTOR,
                name=rec["name"],
                name_en=rec.get("name_en", ""),
                prefecture=rec["prefecture"],
                region=region_for_prefecture(rec["prefecture"]),
                approval_status=ApprovalStatus.APPROVED,
            )
            count("organizations", "created", org_key, rec["name"], org)
        names = ("investor_kind", "thesis", "fields", "stages", "ticket_min_yen")
        names = (*names, "ticket_max_yen", "regions")
        values = {k: rec[k] for k in names if k in rec}
        profile, outcome = _upsert(
            InvestorProfile, key, {"organization": org}, values, names, published
        )
        count("investors", outcome, key, rec["name"] or org.name, profile)
        maybe_embed("investor", profile, outcome)

    for key, rec in cleaned["ventures"].items():
        values = {k: v for k, v in rec.items() if k not in ("organization", "seeds")}
        values["organization"] = org_for(rec["organization"])
        venture, outcome = _upsert(Venture, key, {"key": key}, values, [*values], published)
        wanted = [seeds.get(k) or Seed.objects.get(key=k) for k in rec["seeds"]]
        if {s.id for s in wanted} != set(venture.seeds.values_list("id", flat=True)):
            venture.seeds.set(wanted)
            if outcome == "unchanged":
                venture.save(update_fields=["updated_at"])
                outcome = "updated"
            venture._catalog_changed = [*getattr(venture, "_catalog_changed", []), "seeds"]
        count("ventures", outcome, key, rec["name"], venture)
        maybe_embed("venture", venture, outcome)
