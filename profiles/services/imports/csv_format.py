"""Reading a CSV of seeds or needs: the file (encoding, size, header), each row parsed through
the column definitions of `csv_columns` (blank = keep, the clear marker = empty), and the
report of an import (created, updated, unchanged, row errors, what each row clears and keeps).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from profiles.deferred import N_, Text, render_message

from .csv_columns import (
    CLEAR_MARKER,
    NEED_FORMAT,
    SEED_FORMAT,
    Column,
    is_clear_marker,
    unquote_cell,
)
from .values import (
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    FieldError,
    _range,
)

Progress = Callable[[int, int], None]


PROGRESS_EVERY = 25


@dataclass
class ImportReport:
    """What a CSV import did (or, for a dry run, would do).

    Rows: `created`, `updated` (with `changed`: the fields written), `unchanged`; each with
    `row`, `key`, `title`, and, where the file says so, `cleared` (fields emptied by the clear
    marker) and `kept` (columns whose blank cell left the field as it was). Errors: `row`,
    `column`, `message` (in the language of the import) and `text` (the same message, stored to
    be shown in its reader's language, `profiles.deferred`)."""

    dry_run: bool
    created: list[dict] = field(default_factory=list)  # {"row", "key", "title"}
    updated: list[dict] = field(default_factory=list)  # … plus "changed": [field names]
    unchanged: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message", "text"}
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int, column: str, message: Text | dict | str) -> None:
        if isinstance(message, Text):
            stored: Any = message.stored
        elif isinstance(message, dict):
            stored = message
        else:
            stored = Text(str(message)).stored
        self.errors.append(
            {"row": row, "column": column, "message": render_message(stored), "text": stored}
        )

    def to_dict(self) -> dict:
        """The report as the API answers it (messages in the language of the request)."""
        return {
            **self.to_stored(),
            "errors": [{k: v for k, v in e.items() if k != "text"} for e in self.errors],
        }

    def to_stored(self) -> dict:
        """The report as a job keeps it: every message also in its stored form, to be shown
        in the language of whoever reads it later."""
        return {
            "dry_run": self.dry_run,
            "committed": self.committed,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


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
        report.error(0, "", Text(N_("ファイルが大きすぎます (5 MB まで)。")))
        return None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        report.error(0, "", Text(N_("文字コードを判別できません。UTF-8 で保存してください。")))
        return None
    if "\x00" in text:
        report.error(0, "", Text(N_("NUL 文字を含めることはできません。")))
        return None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        report.error(0, "", Text(N_("CSV として読めません: %(reason)s"), reason=str(exc)))
        return None
    if not rows:
        report.error(1, "", Text(N_("ヘッダー行がありません。")))
        return None
    aliases = {a.lower(): name for name, names in columns.items() for a in names}
    header = []
    for h in rows[0]:
        h = h.strip().lower()
        header.append(aliases.get(h, ""))  # unknown columns are ignored
    # Rows are matched by key or title, so every file has a title column; the other columns a
    # new row needs (summary / description) are checked on the rows that are new.
    if "title" not in header:
        report.error(1, "title", Text(N_("必須の列がありません。")))
    if report.errors:
        return None
    if len(rows) - 1 > MAX_CSV_ROWS:
        report.error(0, "", Text(N_("行数が多すぎます (%(max)d 行まで)。"), max=MAX_CSV_ROWS))
        return None
    out = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        record = {}
        for name, cell in zip(header, cells, strict=False):
            if name and name not in record:
                record[name] = unquote_cell(cell)
        out.append((number, record))
    return out


@dataclass
class ParsedRow:
    """One data row: the values it gives, the fields it clears on purpose (clear marker) and
    the columns it leaves as they are (blank cells)."""

    data: dict[str, Any]
    cleared: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def parse_row(raw: dict, columns: tuple[Column, ...]) -> ParsedRow:
    """A row's cells → stored values, by the column definitions. Raises FieldError."""
    row = ParsedRow(data={})
    for column in columns:
        if column.name not in raw:
            continue  # the file has no such column: nothing to say about the field
        cell = raw[column.name] or ""
        if not cell.strip():
            if column.always:
                raise FieldError(column.name, Text(N_("必須です。")))
            if column.name != "key":
                row.kept.append(column.name)
            continue
        if is_clear_marker(cell):
            if not column.clearable:
                raise FieldError(
                    column.name,
                    Text(N_("この列は %(marker)s で空にできません。"), marker=CLEAR_MARKER),
                )
            row.data[column.name] = column.clear_value
            row.cleared.append(column.name)
            continue
        value = column.parse(cell)
        if value is not None:
            row.data[column.name] = value
    for lo, hi in (
        ("budget_min_yen", "budget_max_yen"),
        ("trl_min", "trl_max"),
    ):
        _range(lo, row.data.get(lo), hi, row.data.get(hi))
    return row


def parse_seed_row(raw: dict) -> ParsedRow:
    return parse_row(raw, SEED_FORMAT)


def parse_need_row(raw: dict) -> ParsedRow:
    return parse_row(raw, NEED_FORMAT)


def missing_required(parsed: ParsedRow, columns: tuple[Column, ...]) -> list[str]:
    """The required columns a new row leaves blank."""
    return [c.name for c in columns if c.required and c.name not in parsed.data]
