"""The CSV columns of seeds and needs, defined once: every column (its header and the Japanese
headings accepted for it, how a cell is read, what it means, an example) and how a cell is
written back for export, with formula-safe cells.

Everything else is generated from these definitions: the parser (`csv_format.parse_row`), the
column help on the import pages (`column_help`), the downloadable template (`template_csv`) and
the researcher / patent cell formats of the export (`format_researchers`, `format_patents`), so
the documentation cannot drift from what the parser expects.

Blank cells and the clear marker: a blank cell leaves the field as it is (on a new row: the
field's default). To empty a field on purpose, write the clear marker `(clear)` (or `(削除)`) in
the cell. The preview and the report list the fields a row clears and the ones its blank cells
keep.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from profiles.choices import (
    MAX_YEN,
    TRL_MAX,
    TRL_MIN,
    Language,
)
from profiles.deferred import N_, Text
from profiles.services.catalog import NEED_FIELDS, SEED_FIELDS

from .values import (
    CSV_KEY_RE,
    LANGUAGES,
    MODES,
    REGIONS,
    FieldError,
    _bool,
    _choice,
    _int,
    _key,
    _list,
    _patent,
    _researcher,
    _text,
)

# What a cell says to empty its field on purpose (a blank cell leaves the field as it is).
CLEAR_MARKER = "(clear)"
CLEAR_MARKERS = frozenset({"(clear)", "（clear）", "(削除)", "（削除）"})


def is_clear_marker(cell: str) -> bool:
    return cell.strip().lower() in CLEAR_MARKERS


_LIST_SPLIT = re.compile(r"[;；、\n]")


_MODE_SPLIT = re.compile(r"[;；、,，\s]+")


_ITEM_SPLIT = re.compile(r"[;；\n]")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value: Any) -> Any:
    """Neutralise a text cell a spreadsheet would run as a formula (CSV injection): another
    organisation's title must not become a formula on the reader's machine. The import strips
    the quote again, so an export can be re-imported unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def unquote_cell(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def _split(value: str, pattern: re.Pattern = _LIST_SPLIT) -> list[str]:
    return [v.strip() for v in pattern.split(value or "") if v.strip()]


# --- Researchers and patents: one cell, items separated by ";", parts by "|" -----------------


@dataclass(frozen=True)
class Part:
    """One `|`-separated part of a researcher or patent item."""

    name: str  # the key the value checks of `values.py` read
    label: Any  # in words (lazy)
    example: Any  # (lazy)
    boolean: bool = False
    # Trailing parts a cell may leave out; the export writes them only when one is set, so
    # files without them read as before.
    optional: bool = False


RESEARCHER_PARTS = (
    Part("name", _("氏名"), _("山田 太郎")),
    Part("department", _("所属"), _("工学研究科")),
    Part("researchmap_id", _("researchmap ID"), "yamada_taro"),
    Part("cross_appointment_available", _("クロスアポイントメント可 (yes/no)"), "yes", True),
    Part("name_en", _("英語氏名"), "", optional=True),
    Part("jglobal_id", _("J-GLOBAL ID"), "", optional=True),
)


PATENT_PARTS = (
    Part("application_number", _("出願番号"), "2023-123456"),
    Part("registration_number", _("登録番号"), ""),
    Part("license_available", _("ライセンス可 (yes/no)"), "yes", True),
    Part("title", _("発明の名称"), _("固体電解質の製造方法")),
)


MAX_ITEMS = 50


def _format_items(items, parts: tuple[Part, ...]) -> str:
    def cell(item, part: Part) -> str:
        value = getattr(item, part.name, "")
        if part.boolean:
            return "yes" if value else "no"
        return str(value or "")

    def item_cell(item) -> str:
        cells = [cell(item, p) for p in parts]
        if not any(c for c, p in zip(cells, parts, strict=True) if p.optional):
            cells = [c for c, p in zip(cells, parts, strict=True) if not p.optional]
        return "|".join(cells)

    return ";".join(item_cell(item) for item in items)


def format_researchers(researchers) -> str:
    return _format_items(researchers, RESEARCHER_PARTS)


def format_patents(patents) -> str:
    return _format_items(patents, PATENT_PARTS)


def _parse_items(value: str, parts: tuple[Part, ...], check: Callable, name: str) -> list[dict]:
    out = []
    for item in _split(value, _ITEM_SPLIT):
        cells = [c.strip() for c in item.split("|")]
        cells += [""] * (len(parts) - len(cells))
        out.append(check({p.name: cells[i] for i, p in enumerate(parts)}))
    if len(out) > MAX_ITEMS:
        raise FieldError(name, Text(N_("%(max)d 件以内にしてください。"), max=MAX_ITEMS))
    return out


def _parse_researchers(value: str) -> list[dict]:
    return _parse_items(value, RESEARCHER_PARTS, _researcher, "researchers")


def _parse_patents(value: str) -> list[dict]:
    return _parse_items(value, PATENT_PARTS, _patent, "patents")


# --- Columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the CSV format: the definition the parser, the page's column help and the
    template all read."""

    name: str  # the header the export writes and the template uses
    aliases: tuple[str, ...]  # other headings accepted (Japanese office spreadsheets)
    label: Any  # what it holds (lazy)
    format: Any  # how to write it (lazy; generated for researchers and patents)
    example: Any  # the template's example cell (lazy or str; parts for researchers/patents)
    parse: Callable[[str], Any]  # a non-blank cell → the stored value (raises FieldError)
    required: bool = False  # a new row must give it
    always: bool = False  # every row must give it (rows are matched by it without a key)
    clear_value: Any = ""  # what the clear marker stores
    clearable: bool = True

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _items_format(parts: tuple[Part, ...]) -> str:
    required = "|".join(str(p.label) for p in parts if not p.optional)
    optional = "|".join(str(p.label) for p in parts if p.optional)
    return f"{required}[|{optional}]" if optional else required


class _ItemsFormat:
    """The format of a researcher / patent cell, generated from its parts (lazy, so it is
    written in the reader's language)."""

    def __init__(self, parts: tuple[Part, ...]):
        self.parts = parts

    def __str__(self) -> str:
        return str(
            _("「%(parts)s」を1件とし、複数は ; で区切る。例: %(example)s")
            % {
                "parts": _items_format(self.parts),
                "example": "|".join(str(p.example) for p in self.parts if not p.optional),
            }
        )


def _key_cell(v: str) -> str:
    return _key(v, pattern=CSV_KEY_RE)


def _text_cell(name: str, max_len: int) -> Callable[[str], str]:
    return lambda v: _text(v, name, max_len=max_len)


def _list_cell(name: str) -> Callable[[str], list[str]]:
    return lambda v: _list(_split(v), name)


def _int_cell(name: str, lo: int, hi: int) -> Callable[[str], int | None]:
    return lambda v: _int(v, name, lo=lo, hi=hi)


def _modes_cell(v: str) -> list[str]:
    return _list(_split(v, _MODE_SPLIT), "collaboration_modes", choices=MODES)


def _regions_cell(v: str) -> list[str]:
    return _list(_split(v, _MODE_SPLIT), "preferred_regions", choices=REGIONS)


def _language_cell(v: str) -> str:
    return _choice(v, "language", LANGUAGES, default=Language.JA)


_KEY = Column(
    "key",
    ("キー", "管理番号", "id"),
    _("キー"),
    _("英数字と . _ - (100文字まで)。同じキーの行は更新、ない場合は新規。省略するとタイトルで照合"),
    "lab-0001",
    _key_cell,
    clearable=False,
)
_KEYWORDS = Column(
    "keywords",
    ("キーワード",),
    _("キーワード"),
    _("; または 、 で区切る"),
    _("電池;固体電解質"),
    _list_cell("keywords"),
    clear_value=[],
)
_MODES = Column(
    "collaboration_modes",
    ("modes", "collaboration", "連携形態"),
    _("連携形態"),
    _(
        "joint_research, contract_research, license, cross_appointment, spinoff, "
        "comprehensive_partnership (または 共同研究 などの日本語名)。; 、 , または空白で区切る"
    ),
    "joint_research;license",
    _modes_cell,
    clear_value=[],
)
_LANGUAGE = Column(
    "language",
    ("言語",),
    _("言語"),
    "ja / en",
    "ja",
    _language_cell,
    clearable=False,
)
_CONFIDENTIAL = Column(
    "confidential_details",
    ("confidential", "非公開", "非公開の詳細"),
    _("非公開の詳細"),
    _("自組織と紹介の成立した相手だけが読めます"),
    "",
    _text_cell("confidential_details", 50000),
)

SEED_FORMAT: tuple[Column, ...] = (
    _KEY,
    Column(
        "title",
        ("タイトル", "シーズ名", "名称"),
        _("タイトル"),
        _("300文字まで"),
        _("固体電解質による全固体電池"),
        _text_cell("title", 300),
        required=True,
        always=True,
        clearable=False,
    ),
    Column(
        "summary",
        ("description", "概要", "公開概要", "説明"),
        _("公開概要"),
        _("公開される説明"),
        _("硫化物系の固体電解質を用いた安全な電池の研究。"),
        _text_cell("summary", 20000),
        required=True,
        clearable=False,
    ),
    _CONFIDENTIAL,
    _KEYWORDS,
    Column(
        "field",
        ("分野", "研究分野"),
        _("研究分野"),
        _("100文字まで"),
        _("材料"),
        _text_cell("field", 100),
    ),
    Column(
        "trl",
        ("技術成熟度", "技術成熟度 (trl)"),
        _("TRL (技術成熟度)"),
        f"{TRL_MIN}–{TRL_MAX}",
        "4",
        _int_cell("trl", TRL_MIN, TRL_MAX),
        clear_value=None,
    ),
    _MODES,
    _LANGUAGE,
    Column(
        "capacity",
        ("受入可能数", "受入可能な新規連携数"),
        _("受入可能数"),
        "0–100",
        "2",
        _int_cell("capacity", 0, 100),
        clearable=False,
    ),
    Column(
        "researchers",
        ("研究者",),
        _("研究者"),
        _ItemsFormat(RESEARCHER_PARTS),
        RESEARCHER_PARTS,  # the example joins the parts' examples
        _parse_researchers,
        clear_value=[],
    ),
    Column(
        "patents",
        ("特許",),
        _("特許"),
        _ItemsFormat(PATENT_PARTS),
        PATENT_PARTS,
        _parse_patents,
        clear_value=[],
    ),
)


NEED_FORMAT: tuple[Column, ...] = (
    _KEY,
    Column(
        "title",
        ("タイトル", "ニーズ名", "名称"),
        _("タイトル"),
        _("300文字まで"),
        _("電池の安全性を高めたい"),
        _text_cell("title", 300),
        required=True,
        always=True,
        clearable=False,
    ),
    Column(
        "description",
        ("summary", "概要", "公開説明", "説明"),
        _("公開説明"),
        _("公開される説明"),
        _("発火しにくい電池の材料を探しています。"),
        _text_cell("description", 20000),
        required=True,
        clearable=False,
    ),
    _CONFIDENTIAL,
    _KEYWORDS,
    Column(
        "field",
        ("分野",),
        _("分野"),
        _("100文字まで"),
        _("材料"),
        _text_cell("field", 100),
    ),
    _MODES,
    Column(
        "budget_min_yen",
        ("予算下限", "予算下限 (円)"),
        _("予算下限 (円)"),
        _("整数 (1,000,000 や ¥ も可)"),
        "1000000",
        _int_cell("budget_min_yen", 0, MAX_YEN),
        clear_value=None,
    ),
    Column(
        "budget_max_yen",
        ("budget_yen", "予算", "予算上限", "予算上限 (円)"),
        _("予算上限 (円)"),
        _("整数 (1,000,000 や ¥ も可)"),
        "5000000",
        _int_cell("budget_max_yen", 0, MAX_YEN),
        clear_value=None,
    ),
    Column(
        "duration_months",
        ("期間", "期間 (月)"),
        _("期間 (月)"),
        "1–240",
        "12",
        _int_cell("duration_months", 1, 240),
        clear_value=None,
    ),
    Column(
        "trl_min",
        ("期待trl (下限)", "trl下限"),
        _("期待TRL (下限)"),
        f"{TRL_MIN}–{TRL_MAX}",
        "3",
        _int_cell("trl_min", TRL_MIN, TRL_MAX),
        clear_value=None,
    ),
    Column(
        "trl_max",
        ("期待trl (上限)", "trl上限"),
        _("期待TRL (上限)"),
        f"{TRL_MIN}–{TRL_MAX}",
        "6",
        _int_cell("trl_max", TRL_MIN, TRL_MAX),
        clear_value=None,
    ),
    Column(
        "preferred_regions",
        ("regions", "希望地域"),
        _("希望地域"),
        _(
            "hokkaido, tohoku, kanto, chubu, kinki, chugoku, shikoku, kyushu_okinawa "
            "(または 関東 などの日本語名)。; 、 , または空白で区切る"
        ),
        "kanto;kinki",
        _regions_cell,
        clear_value=[],
    ),
    Column(
        "is_anonymous",
        ("anonymous", "社名を非公開", "匿名"),
        _("社名を非公開"),
        "yes / no",
        "no",
        lambda v: _bool(v, "is_anonymous", default=False),
        clearable=False,
    ),
    _LANGUAGE,
)


# Header → field name, for the parser (name → accepted headings).
SEED_COLUMNS = {c.name: c.headers for c in SEED_FORMAT}
NEED_COLUMNS = {c.name: c.headers for c in NEED_FORMAT}
FORMATS = {"seed": SEED_FORMAT, "need": NEED_FORMAT}


# The export: the row's identity, every field a seed's services write, then the status and the
# researcher / patent cells (profiles.services.catalog.SEED_FIELDS is the one list of fields).
SEED_EXPORT_COLUMNS = [
    "key",
    "organization",
    "organization_name",
    *SEED_FIELDS,
    "status",
    "researchers",
    "patents",
]


NEED_EXPORT_COLUMNS = ["key", "organization", "organization_name", *NEED_FIELDS, "status"]


# --- The help and the template, generated -----------------------------------------------------


def column_help(kind: str) -> list[dict]:
    """What the import page shows for each column (in the active language)."""
    return [
        {
            "name": c.name,
            "aliases": [a for a in c.aliases if a != c.name],
            "label": str(c.label),
            "format": str(c.format),
            "example": _example(c),
            "required": c.required,
            "always": c.always,
            "clearable": c.clearable,
        }
        for c in FORMATS[kind]
    ]


def _example(column: Column) -> str:
    if isinstance(column.example, tuple):  # researcher / patent parts
        return "|".join(str(p.example) for p in column.example if not p.optional)
    return str(column.example)


def template_csv(kind: str) -> str:
    """The downloadable template: the header and one example row (text; the caller adds the
    BOM). The example row imports cleanly as a new row."""
    columns = FORMATS[kind]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    writer.writerow([csv_safe_cell(_example(c)) for c in columns])
    return buf.getvalue()


# --- Reading a file ---------------------------------------------------------------------------
