"""Bulk data in: the catalog JSON format (`import_catalog`, docs/catalog.md) and the CSV
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
row failed: what a dry run reports is exactly what the commit step will do. A blank cell leaves
its field as it is; the clear marker `(clear)` empties it (`csv_format`). The columns, their
help on the import pages and the downloadable template come from one definition
(`csv_columns.SEED_FORMAT` / `NEED_FORMAT`).
"""

from .catalog import SECTIONS, CatalogReport, catalog_import, catalog_load
from .csv import csv_count_rows, csv_import_needs, csv_import_seeds
from .csv_columns import (
    CLEAR_MARKER,
    FORMATS,
    NEED_COLUMNS,
    NEED_EXPORT_COLUMNS,
    SEED_COLUMNS,
    SEED_EXPORT_COLUMNS,
    column_help,
    csv_safe_cell,
    format_patents,
    format_researchers,
    template_csv,
)
from .csv_format import ImportReport
from .values import MAX_CSV_BYTES, MAX_CSV_ROWS, FieldError

__all__ = [
    "CLEAR_MARKER",
    "FORMATS",
    "MAX_CSV_BYTES",
    "MAX_CSV_ROWS",
    "NEED_COLUMNS",
    "NEED_EXPORT_COLUMNS",
    "SECTIONS",
    "SEED_COLUMNS",
    "SEED_EXPORT_COLUMNS",
    "CatalogReport",
    "FieldError",
    "ImportReport",
    "catalog_import",
    "catalog_load",
    "column_help",
    "csv_count_rows",
    "csv_import_needs",
    "csv_import_seeds",
    "csv_safe_cell",
    "format_patents",
    "format_researchers",
    "template_csv",
]
