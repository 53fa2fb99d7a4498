"""Bulk data in: the catalog JSON format (`import_catalog`, ../shared/CATALOG.md) and the CSV
spreadsheets an IP office or R&D department keeps (seeds, needs).

Both follow the same discipline: validate every record first and report every problem with
where it is (record key, or CSV row number and column name); write nothing from a file with
errors (the catalog import can be told to skip bad records); upsert by key and leave rows whose
values are unchanged untouched, so a second run changes nothing.

Catalog import writes published seeds/needs of approved organisations (the file is the source
of truth of a platform operator). It does not embed row by row: `match_all --sync` embeds
whatever is stale; `embed=True` enqueues each changed row on commit instead.

CSV import runs the same services the API and pages use (`seed_create`/`seed_update`, …) inside
one transaction, row by row in savepoints, and rolls everything back for a dry run or when any
row failed: what a dry run reports is exactly what the commit step will do.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from profiles.choices import (
    ACADEMIC_KINDS,
    PREFECTURE_REGION,
    TRL_MAX,
    TRL_MIN,
    ApprovalStatus,
    CollaborationMode,
    InvestorKind,
    Language,
    OrgKind,
    PublicationStatus,
    Region,
    Stage,
    region_for_prefecture,
)
from profiles.models import InvestorProfile, Need, Organization, Seed, Venture
from profiles.services import catalog as svc

MAX_YEN = 10**13
MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_CSV_ROWS = 5000
KEY_RE = re.compile(r"^[^\s\x00-\x1f\x7f]{1,100}$")
CSV_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class FieldError(Exception):
    """A bad value in one field of one record."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- value checks shared by both formats ---------------------------------------------------


def _text(value: Any, name: str, *, max_len: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise FieldError(name, _("文字列ではありません。"))
    if "\x00" in value:
        raise FieldError(name, _("NUL 文字を含めることはできません。"))
    value = value.strip()
    if required and not value:
        raise FieldError(name, _("必須です。"))
    if len(value) > max_len:
        raise FieldError(name, _("%(max)d 文字以内にしてください。") % {"max": max_len})
    return value


def _int(value: Any, name: str, *, lo: int, hi: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError(name, _("整数ではありません。"))
    if isinstance(value, float):
        if not value.is_integer():
            raise FieldError(name, _("整数ではありません。"))
        value = int(value)
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "").replace("，", "").lstrip("¥￥")
        cleaned = cleaned.removesuffix("円")
        if not re.fullmatch(r"-?[0-9]{1,30}", cleaned):
            raise FieldError(name, _("整数ではありません。"))
        value = int(cleaned)
    if not isinstance(value, int):
        raise FieldError(name, _("整数ではありません。"))
    if value < lo or value > hi:
        raise FieldError(
            name, _("%(lo)s から %(hi)s の範囲にしてください。") % {"lo": lo, "hi": hi}
        )
    return value


def _list(
    value: Any,
    name: str,
    *,
    max_items: int = 50,
    max_len: int = 100,
    choices: dict[str, str] | None = None,
) -> list[str]:
    """A list of short strings; `choices` maps every accepted spelling to its stored value."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError(name, _("リストではありません。"))
    if len(value) > max_items:
        raise FieldError(name, _("%(max)d 件以内にしてください。") % {"max": max_items})
    out: list[str] = []
    for item in value:
        item = _text(item, name, max_len=max_len)
        if not item:
            continue
        if choices is not None:
            if item not in choices:
                raise FieldError(name, _("不明な値です: %(value)s") % {"value": item})
            item = choices[item]
        if item not in out:
            out.append(item)
    return out


def _choice_map(choices) -> dict[str, str]:
    """Accept the stored value, and the Japanese label (what a spreadsheet says)."""
    mapping = {}
    for value, label in choices:
        mapping[str(value)] = value
        mapping[str(label)] = value
    return mapping


MODES = _choice_map(CollaborationMode.choices)
REGIONS = _choice_map(Region.choices)
STAGES = _choice_map(Stage.choices)
LANGUAGES = {
    "ja": "ja",
    "en": "en",
    "日本語": "ja",
    "英語": "en",
    "japanese": "ja",
    "english": "en",
}
TRUE = {"1", "true", "yes", "y", "はい", "可", "有", "あり", "○", "◯"}
FALSE = {"0", "false", "no", "n", "いいえ", "不可", "無", "なし", "×", ""}


def _bool(value: Any, name: str, *, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        v = value.strip().lower()
        if v == "":
            return default
        if v in TRUE:
            return True
        if v in FALSE:
            return False
    raise FieldError(name, _("真偽値 (yes/no) ではありません。"))


def _choice(value: Any, name: str, mapping: dict[str, str], *, default: str) -> str:
    if value is None or value == "":
        return default
    text = _text(value, name, max_len=100)
    if text not in mapping and text.lower() not in mapping:
        raise FieldError(name, _("不明な値です: %(value)s") % {"value": text})
    return mapping.get(text, mapping.get(text.lower()))


def _key(value: Any, name: str = "key", *, pattern: re.Pattern = KEY_RE) -> str:
    text = _text(value, name, max_len=100, required=True)
    if not pattern.match(text):
        raise FieldError(name, _("キーに使えない文字が含まれています。"))
    return text


def _researcher(item: Any, name: str = "researchers") -> dict:
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, dict):
        raise FieldError(name, _("研究者の形式が正しくありません。"))
    return {
        "name": _text(item.get("name"), name, max_len=200, required=True),
        "department": _text(item.get("department"), name, max_len=200),
        "researchmap_id": _text(item.get("researchmap_id"), name, max_len=100),
        "cross_appointment_available": _bool(
            item.get("cross_appointment_available"), name, default=False
        ),
    }


def _patent(item: Any, name: str = "patents") -> dict:
    if not isinstance(item, dict):
        raise FieldError(name, _("特許の形式が正しくありません。"))
    out = {
        "application_number": _text(item.get("application_number"), name, max_len=100),
        "registration_number": _text(item.get("registration_number"), name, max_len=100),
        "title": _text(item.get("title"), name, max_len=300),
        "license_available": _bool(item.get("license_available"), name, default=True),
    }
    if not (out["application_number"] or out["registration_number"] or out["title"]):
        raise FieldError(name, _("出願番号・登録番号のいずれかが必要です。"))
    return out


def _range(lo_name: str, lo, hi_name: str, hi) -> None:
    if lo is not None and hi is not None and lo > hi:
        raise FieldError(hi_name, _("%(lo)s 以上の値にしてください。") % {"lo": lo_name})


# --- catalog/1 JSON ------------------------------------------------------------------------


@dataclass
class CatalogReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (section, key, reason)
    written: bool = False
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def loaded(self) -> int:
        return (
            sum(self.created.values()) + sum(self.updated.values()) + sum(self.unchanged.values())
        )


SECTIONS = ("organizations", "seeds", "needs", "investors", "ventures")


def _clean_org(rec: dict) -> dict:
    kind = _choice(rec.get("kind"), "kind", {k: k for k in OrgKind.values}, default="")
    if not kind:
        raise FieldError("kind", _("必須です。"))
    prefecture = _text(rec.get("prefecture"), "prefecture", max_len=8)
    if prefecture and prefecture not in PREFECTURE_REGION:
        raise FieldError("prefecture", _("不明な都道府県です: %(value)s") % {"value": prefecture})
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
            raise FieldError("researchers", _("リストではありません。"))
        out["researchers"] = [_researcher(i) for i in items[:50]]
    if "patents" in rec:
        items = rec["patents"] or []
        if not isinstance(items, list):
            raise FieldError("patents", _("リストではありません。"))
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
        raise FieldError("prefecture", _("不明な都道府県です: %(value)s") % {"value": prefecture})
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
    """Create, or update only the changed fields. Returns (obj, 'created'|'updated'|'unchanged').

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
        return obj, "created"
    changed = _set_fields(obj, values, names)
    changed += _set_fields(obj, extra, extra.keys())
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


def catalog_import(*, data: Any, skip_invalid: bool = False, embed: bool = False) -> CatalogReport:
    """Upsert a catalog/1 document. Validates everything first; writes nothing when any record
    is invalid unless `skip_invalid` (then every valid record whose references hold is written).
    """
    report = CatalogReport()
    if not isinstance(data, dict) or data.get("format") != "catalog/1":
        report.errors.append(("format", "", _("catalog/1 形式のファイルではありません。")))
        return report

    cleaned: dict[str, dict[str, dict]] = {s: {} for s in SECTIONS}
    for section in SECTIONS:
        records = data.get(section) or []
        if not isinstance(records, list):
            report.errors.append((section, "", _("リストではありません。")))
            continue
        for i, rec in enumerate(records):
            report.total += 1
            if not isinstance(rec, dict):
                report.errors.append((section, f"#{i + 1}", _("オブジェクトではありません。")))
                continue
            try:
                key = _key(rec.get("key"))
            except FieldError as exc:
                report.errors.append((section, f"#{i + 1}", f"key: {exc.message}"))
                continue
            if key in cleaned[section]:
                report.errors.append((section, key, _("キーが重複しています。")))
                cleaned[section][key] = None  # poison: neither copy is loaded
                continue
            try:
                cleaned[section][key] = _CLEANERS[section](rec)
            except FieldError as exc:
                report.errors.append((section, key, f"{exc.field}: {exc.message}"))
                cleaned[section][key] = None
    cleaned = {s: {k: v for k, v in recs.items() if v is not None} for s, recs in cleaned.items()}
    _check_references(cleaned, report)

    if report.errors and not skip_invalid:
        return report
    with transaction.atomic():
        _write_catalog(cleaned, report, embed=embed)
    report.written = True
    return report


def _check_references(cleaned: dict, report: CatalogReport) -> None:
    """Drop (and report) records whose organisation or seeds are missing or of the wrong kind."""
    org_kinds = dict(Organization.objects.values_list("key", "kind"))
    org_kinds.update({k: v["kind"] for k, v in cleaned["organizations"].items()})

    def check(section: str, key: str, org_key: str, allowed, what: str) -> bool:
        kind = org_kinds.get(org_key)
        if kind is None:
            report.errors.append(
                (section, key, _("organization: 組織 %(org)s がありません。") % {"org": org_key})
            )
            return False
        if kind not in allowed:
            report.errors.append(
                (
                    section,
                    key,
                    _("organization: %(org)s は%(what)sを登録できる種別ではありません。")
                    % {"org": org_key, "what": what},
                )
            )
            return False
        return True

    for key, rec in list(cleaned["seeds"].items()):
        if not check("seeds", key, rec["organization"], ACADEMIC_KINDS, _("研究シーズ")):
            del cleaned["seeds"][key]
    for key, rec in list(cleaned["needs"].items()):
        if not check("needs", key, rec["organization"], (OrgKind.COMPANY,), _("企業ニーズ")):
            del cleaned["needs"][key]
    for key, rec in list(cleaned["investors"].items()):
        org_key = rec["organization"]
        if org_key in org_kinds:
            if not check("investors", key, org_key, (OrgKind.INVESTOR,), _("投資家プロファイル")):
                del cleaned["investors"][key]
        elif not rec["name"]:
            report.errors.append((("investors"), key, "name: " + _("必須です。")))
            del cleaned["investors"][key]
    seed_keys = set(Seed.objects.values_list("key", flat=True)) | set(cleaned["seeds"])
    # A seed key that exists in the database but belongs to a record dropped above is fine
    # (it is already loaded); one dropped from the file and absent from the database is not.
    for key, rec in list(cleaned["ventures"].items()):
        if not check("ventures", key, rec["organization"], ACADEMIC_KINDS, _("ベンチャー")):
            del cleaned["ventures"][key]
            continue
        missing = [s for s in rec["seeds"] if s not in seed_keys]
        if missing:
            report.errors.append(
                ("ventures", key, _("seeds: 不明なシーズ: %(keys)s") % {"keys": ", ".join(missing)})
            )
            del cleaned["ventures"][key]


ORG_NAMES = ("kind", "name", "name_en", "prefecture", "region", "website", "description")
ORG_NAMES = (*ORG_NAMES, "contact_email", "approval_status")


def _write_catalog(cleaned: dict, report: CatalogReport, *, embed: bool) -> None:
    def count(section: str, outcome: str) -> None:
        getattr(report, outcome)[section] += 1

    def maybe_embed(kind: str, obj, outcome: str) -> None:
        if embed and outcome != "unchanged":
            svc.enqueue_embedding(kind, obj.id)

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
        count("organizations", outcome)

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
        seeds[key] = seed
        count("seeds", outcome)
        maybe_embed("seed", seed, outcome)

    for key, rec in cleaned["needs"].items():
        values = {k: v for k, v in rec.items() if k != "organization"}
        values["organization"] = org_for(rec["organization"])
        need, outcome = _upsert(
            Need, key, {"key": key}, values, [*values], published, loaded=loaded_needs
        )
        if need.published_at is None:
            Need.objects.filter(pk=need.pk).update(published_at=timezone.now())
        count("needs", outcome)
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
            count("organizations", "created")
        names = ("investor_kind", "thesis", "fields", "stages", "ticket_min_yen")
        names = (*names, "ticket_max_yen", "regions")
        values = {k: rec[k] for k in names if k in rec}
        profile, outcome = _upsert(
            InvestorProfile, key, {"organization": org}, values, names, published
        )
        count("investors", outcome)
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
        count("ventures", outcome)
        maybe_embed("venture", venture, outcome)


# --- CSV import of seeds and needs ---------------------------------------------------------


@dataclass
class ImportReport:
    """What a CSV import did (or, for a dry run, would do)."""

    dry_run: bool
    created: list[dict] = field(default_factory=list)  # {"row", "key", "title"}
    updated: list[dict] = field(default_factory=list)  # … plus "changed": [field names]
    unchanged: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message"}
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": str(message)})

    def to_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "committed": self.committed,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


# Column names, with the Japanese headings an office spreadsheet is likely to use.
SEED_COLUMNS = {
    "key": ("key", "キー", "管理番号", "id"),
    "title": ("title", "タイトル", "シーズ名", "名称"),
    "summary": ("summary", "description", "概要", "公開概要", "説明"),
    "confidential_details": ("confidential_details", "confidential", "非公開", "非公開の詳細"),
    "keywords": ("keywords", "キーワード"),
    "field": ("field", "分野", "研究分野"),
    "trl": ("trl", "技術成熟度", "技術成熟度 (trl)"),
    "collaboration_modes": ("collaboration_modes", "modes", "collaboration", "連携形態"),
    "language": ("language", "言語"),
    "capacity": ("capacity", "受入可能数", "受入可能な新規連携数"),
    "researchers": ("researchers", "研究者"),
    "patents": ("patents", "特許"),
}
NEED_COLUMNS = {
    "key": ("key", "キー", "管理番号", "id"),
    "title": ("title", "タイトル", "ニーズ名", "名称"),
    "description": ("description", "summary", "概要", "公開説明", "説明"),
    "confidential_details": ("confidential_details", "confidential", "非公開", "非公開の詳細"),
    "keywords": ("keywords", "キーワード"),
    "field": ("field", "分野"),
    "collaboration_modes": ("collaboration_modes", "modes", "collaboration", "連携形態"),
    "budget_min_yen": ("budget_min_yen", "予算下限", "予算下限 (円)"),
    "budget_max_yen": ("budget_max_yen", "budget_yen", "予算", "予算上限", "予算上限 (円)"),
    "duration_months": ("duration_months", "期間", "期間 (月)"),
    "trl_min": ("trl_min", "期待trl (下限)", "trl下限"),
    "trl_max": ("trl_max", "期待trl (上限)", "trl上限"),
    "preferred_regions": ("preferred_regions", "regions", "希望地域"),
    "is_anonymous": ("is_anonymous", "anonymous", "社名を非公開", "匿名"),
    "language": ("language", "言語"),
}
SEED_EXPORT_COLUMNS = [
    "key",
    "organization",
    "organization_name",
    "title",
    "summary",
    "confidential_details",
    "keywords",
    "field",
    "trl",
    "collaboration_modes",
    "language",
    "capacity",
    "status",
    "researchers",
    "patents",
]
NEED_EXPORT_COLUMNS = [
    "key",
    "organization",
    "organization_name",
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
]

_LIST_SPLIT = re.compile(r"[;；、\n]")
_MODE_SPLIT = re.compile(r"[;；、,，\s]+")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value: Any) -> Any:
    """Neutralise a text cell a spreadsheet would run as a formula (CSV injection): another
    organisation's title must not become a formula on the reader's machine. The import strips
    the quote again, so an export can be re-imported unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _unquote_cell(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def _split(value: str, pattern: re.Pattern = _LIST_SPLIT) -> list[str]:
    return [v.strip() for v in pattern.split(value or "") if v.strip()]


def format_researchers(researchers) -> str:
    return ";".join(
        "|".join(
            [
                r.name,
                r.department,
                r.researchmap_id,
                "yes" if r.cross_appointment_available else "no",
            ]
        )
        for r in researchers
    )


def format_patents(patents) -> str:
    return ";".join(
        "|".join(
            [
                p.application_number,
                p.registration_number,
                "yes" if p.license_available else "no",
                p.title,
            ]
        )
        for p in patents
    )


def _parse_researchers(value: str) -> list[dict]:
    out = []
    for item in _split(value, re.compile(r"[;；\n]")):
        parts = [p.strip() for p in item.split("|")]
        parts += [""] * (4 - len(parts))
        out.append(
            _researcher(
                {
                    "name": parts[0],
                    "department": parts[1],
                    "researchmap_id": parts[2],
                    "cross_appointment_available": parts[3],
                }
            )
        )
    if len(out) > 50:
        raise FieldError("researchers", _("%(max)d 件以内にしてください。") % {"max": 50})
    return out


def _parse_patents(value: str) -> list[dict]:
    out = []
    for item in _split(value, re.compile(r"[;；\n]")):
        parts = [p.strip() for p in item.split("|")]
        parts += [""] * (4 - len(parts))
        out.append(
            _patent(
                {
                    "application_number": parts[0],
                    "registration_number": parts[1],
                    "license_available": parts[2],
                    "title": parts[3],
                }
            )
        )
    if len(out) > 50:
        raise FieldError("patents", _("%(max)d 件以内にしてください。") % {"max": 50})
    return out


def _read_csv(file, report: ImportReport, columns: dict) -> list[tuple[int, dict]] | None:
    """Decode (UTF-8, UTF-8 with BOM; Shift_JIS as Excel's fallback) and map the header."""
    if isinstance(file, Path):
        raw = file.read_bytes()
    elif isinstance(file, bytes):
        raw = file
    elif isinstance(file, str):
        raw = file.encode("utf-8")
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        raw = file.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        report.error(0, "", _("ファイルが大きすぎます (5 MB まで)。"))
        return None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        report.error(0, "", _("文字コードを判別できません。UTF-8 で保存してください。"))
        return None
    if "\x00" in text:
        report.error(0, "", _("NUL 文字を含めることはできません。"))
        return None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        report.error(0, "", _("CSV として読めません: %(reason)s") % {"reason": exc})
        return None
    if not rows:
        report.error(1, "", _("ヘッダー行がありません。"))
        return None
    aliases = {a.lower(): name for name, names in columns.items() for a in names}
    header = []
    for h in rows[0]:
        h = h.strip().lower()
        header.append(aliases.get(h, ""))  # unknown columns are ignored
    for required in ("title", next(iter(c for c in columns if c in ("summary", "description")))):
        if required not in header:
            report.error(1, required, _("必須の列がありません。"))
    if report.errors:
        return None
    if len(rows) - 1 > MAX_CSV_ROWS:
        report.error(0, "", _("行数が多すぎます (%(max)d 行まで)。") % {"max": MAX_CSV_ROWS})
        return None
    out = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        record = {}
        for name, cell in zip(header, cells, strict=False):
            if name and name not in record:
                record[name] = _unquote_cell(cell)
        out.append((number, record))
    return out


def _parse_seed_row(raw: dict) -> dict:
    data: dict[str, Any] = {
        "title": _text(raw.get("title"), "title", max_len=300, required=True),
        "summary": _text(raw.get("summary"), "summary", max_len=20000, required=True),
    }
    if "key" in raw and raw["key"].strip():
        data["key"] = _key(raw["key"], pattern=CSV_KEY_RE)
    if "confidential_details" in raw:
        data["confidential_details"] = _text(
            raw["confidential_details"], "confidential_details", max_len=50000
        )
    if "keywords" in raw:
        data["keywords"] = _list(_split(raw["keywords"]), "keywords")
    if "field" in raw:
        data["field"] = _text(raw["field"], "field", max_len=100)
    if "trl" in raw:
        data["trl"] = _int(raw["trl"], "trl", lo=TRL_MIN, hi=TRL_MAX)
    if "collaboration_modes" in raw:
        data["collaboration_modes"] = _list(
            _split(raw["collaboration_modes"], _MODE_SPLIT), "collaboration_modes", choices=MODES
        )
    if "language" in raw:
        data["language"] = _choice(raw["language"], "language", LANGUAGES, default=Language.JA)
    if "capacity" in raw and raw["capacity"].strip():
        data["capacity"] = _int(raw["capacity"], "capacity", lo=0, hi=100)
    if "researchers" in raw:
        data["researchers"] = _parse_researchers(raw["researchers"])
    if "patents" in raw:
        data["patents"] = _parse_patents(raw["patents"])
    return data


def _parse_need_row(raw: dict) -> dict:
    data: dict[str, Any] = {
        "title": _text(raw.get("title"), "title", max_len=300, required=True),
        "description": _text(raw.get("description"), "description", max_len=20000, required=True),
    }
    if "key" in raw and raw["key"].strip():
        data["key"] = _key(raw["key"], pattern=CSV_KEY_RE)
    if "confidential_details" in raw:
        data["confidential_details"] = _text(
            raw["confidential_details"], "confidential_details", max_len=50000
        )
    if "keywords" in raw:
        data["keywords"] = _list(_split(raw["keywords"]), "keywords")
    if "field" in raw:
        data["field"] = _text(raw["field"], "field", max_len=100)
    if "collaboration_modes" in raw:
        data["collaboration_modes"] = _list(
            _split(raw["collaboration_modes"], _MODE_SPLIT), "collaboration_modes", choices=MODES
        )
    for name in ("budget_min_yen", "budget_max_yen"):
        if name in raw:
            data[name] = _int(raw[name], name, lo=0, hi=MAX_YEN)
    if "duration_months" in raw:
        data["duration_months"] = _int(raw["duration_months"], "duration_months", lo=1, hi=240)
    for name in ("trl_min", "trl_max"):
        if name in raw:
            data[name] = _int(raw[name], name, lo=TRL_MIN, hi=TRL_MAX)
    if "preferred_regions" in raw:
        data["preferred_regions"] = _list(
            _split(raw["preferred_regions"], _MODE_SPLIT), "preferred_regions", choices=REGIONS
        )
    if "is_anonymous" in raw:
        data["is_anonymous"] = _bool(raw["is_anonymous"], "is_anonymous", default=False)
    if "language" in raw:
        data["language"] = _choice(raw["language"], "language", LANGUAGES, default=Language.JA)
    _range(
        "budget_min_yen", data.get("budget_min_yen"), "budget_max_yen", data.get("budget_max_yen")
    )
    _range("trl_min", data.get("trl_min"), "trl_max", data.get("trl_max"))
    return data


def _seed_differs(seed: Seed, data: dict) -> list[str]:
    """The names of the fields (and related lists) the row would change."""
    changed = [n for n in svc.SEED_FIELDS if n in data and getattr(seed, n) != data[n]]
    if "researchers" in data:
        current = [
            {f: getattr(r, f) for f in svc.RESEARCHER_FIELDS} for r in seed.researchers.all()
        ]
        if current != data["researchers"]:
            changed.append("researchers")
    if "patents" in data:
        current = [{f: getattr(p, f) for f in svc.PATENT_FIELDS} for p in seed.patents.all()]
        if current != data["patents"]:
            changed.append("patents")
    return changed


def _need_differs(need: Need, data: dict) -> list[str]:
    return [n for n in svc.NEED_FIELDS if n in data and getattr(need, n) != data[n]]


def _csv_import(
    *, org: Organization, by, file, dry_run: bool, model, columns, parse, differs, create, update
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    rows = _read_csv(file, report, columns)
    if rows is None:
        return report
    parsed: list[tuple[int, dict]] = []
    seen_keys: dict[str, int] = {}
    for number, raw in rows:
        try:
            data = parse(raw)
        except FieldError as exc:
            report.error(number, exc.field, exc.message)
            continue
        key = data.get("key")
        if key:
            if key in seen_keys:
                report.error(
                    number,
                    "key",
                    _("キーが %(row)d 行目と重複しています。") % {"row": seen_keys[key]},
                )
                continue
            seen_keys[key] = number
        parsed.append((number, data))

    own = model.objects.filter(organization=org)
    with transaction.atomic():
        for number, data in parsed:
            key = data.get("key")
            if key:
                existing = model.objects.filter(key=key).first()
                if existing is not None and existing.organization_id != org.id:
                    report.error(number, "key", _("このキーは他の組織で使われています。"))
                    continue
            else:
                # Without a key, a row with the title of an existing row updates that row.
                matches = list(own.filter(title=data["title"])[:2])
                if len(matches) > 1:
                    report.error(
                        number, "title", _("同じタイトルが複数あります。キーを指定してください。")
                    )
                    continue
                existing = matches[0] if matches else None
            entry = {
                "row": number,
                "key": key or (existing.key if existing else ""),
                "title": data["title"],
            }
            try:
                with transaction.atomic():
                    if existing is None:
                        obj = create(org=org, by=by, data=data)
                        entry["key"] = obj.key
                        report.created.append(entry)
                    elif changed := differs(existing, data):
                        update(existing, by, data)
                        report.updated.append({**entry, "changed": changed})
                    else:
                        report.unchanged.append(entry)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for column, messages in exc.message_dict.items():
                        for message in messages:
                            report.error(number, column, message)
                else:
                    for message in exc.messages:
                        report.error(number, "", message)
        if dry_run or report.errors:
            transaction.set_rollback(True)
        else:
            report.committed = True
    if not report.committed:
        # A dry run invented keys for new rows; they are not reserved, so do not show them.
        for entry in report.created:
            if not any(entry["row"] == n and d.get("key") for n, d in parsed):
                entry["key"] = ""
    report.errors.sort(key=lambda e: (e["row"], e["column"]))
    return report


def csv_import_seeds(*, org: Organization, by, file, dry_run: bool) -> ImportReport:
    """Import the organisation's seeds from CSV (see docs/foundation.md for the columns).

    New rows are drafts; existing rows (same key, or same title when no key is given) are
    updated in place and keep their status. All rows or none.
    """
    svc.require_member(org=org, by=by)
    if org.kind not in ACADEMIC_KINDS:
        report = ImportReport(dry_run=dry_run)
        report.error(0, "", _("研究シーズを登録できるのは大学・研究機関のみです。"))
        return report
    return _csv_import(
        org=org,
        by=by,
        file=file,
        dry_run=dry_run,
        model=Seed,
        columns=SEED_COLUMNS,
        parse=_parse_seed_row,
        differs=_seed_differs,
        create=svc.seed_create,
        update=lambda obj, by, data: svc.seed_update(seed=obj, by=by, data=data),
    )


def csv_import_needs(*, org: Organization, by, file, dry_run: bool) -> ImportReport:
    """Import the company's needs from CSV (same rules as `csv_import_seeds`)."""
    svc.require_member(org=org, by=by)
    if org.kind != OrgKind.COMPANY:
        report = ImportReport(dry_run=dry_run)
        report.error(0, "", _("企業ニーズを登録できるのは企業のみです。"))
        return report
    return _csv_import(
        org=org,
        by=by,
        file=file,
        dry_run=dry_run,
        model=Need,
        columns=NEED_COLUMNS,
        parse=_parse_need_row,
        differs=_need_differs,
        create=svc.need_create,
        update=lambda obj, by, data: svc.need_update(need=obj, by=by, data=data),
    )
