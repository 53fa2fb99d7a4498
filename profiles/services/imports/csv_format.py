"""The CSV format of seeds and needs: columns (with their header aliases), how a cell is read
into a field and written back for export, the report of an import, and formula-safe cells.
The import itself (`csv.py`) uses these; so does the export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from profiles.choices import (
    MAX_YEN,
    TRL_MAX,
    TRL_MIN,
    Language,
)

from .values import (
    CSV_KEY_RE,
    LANGUAGES,
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    MODES,
    REGIONS,
    FieldError,
    _bool,
    _choice,
    _int,
    _key,
    _list,
    _patent,
    _range,
    _researcher,
    _text,
)

Progress = Callable[[int, int], None]


PROGRESS_EVERY = 25


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
    """`name|department|researchmap_id|yes/no`, with `|name_en|jglobal_id` appended when
    either is set (so files without them read as before)."""
    out = []
    for r in researchers:
        parts = [
            r.name,
            r.department,
            r.researchmap_id,
            "yes" if r.cross_appointment_available else "no",
        ]
        if r.name_en or r.jglobal_id:
            parts += [r.name_en, r.jglobal_id]
        out.append("|".join(parts))
    return ";".join(out)


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
        parts += [""] * (6 - len(parts))
        out.append(
            _researcher(
                {
                    "name": parts[0],
                    "department": parts[1],
                    "researchmap_id": parts[2],
                    "cross_appointment_available": parts[3],
                    "name_en": parts[4],
                    "jglobal_id": parts[5],
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
