"""researchmap V2 data in: draft seeds from an institution's researchmap export (JSON or JSON
Lines) or from the researchmap WebAPI, and the IP office's review of them.

- `format.py`: reading the V2 JSON-LD documents; every unreadable record reported.
- `mapping.py`: industrially relevant projects, patent families, the seed data of each.
- `run.py`: an import run (stored data, background task, the sweep);
- `importer.py`: writing the drafts of a run (three-way re-import).
- `review.py`: take or leave researchmap changes, bulk publish, bulk discard.
- `api.py`: the WebAPI client (OAuth 2.0 JWT bearer grant), used by `import_researchmap --api`.

docs/researchmap.md describes the fields relied on and the rules.
"""

from .format import FileFormatError, Problem
from .importer import MERGED_FIELDS, seed_values
from .review import (
    imported_seed_leave,
    imported_seed_take,
    researchmap_drafts_discard,
    researchmap_drafts_publish,
)
from .run import (
    MAX_BYTES,
    check_file,
    researchmap_import_create,
    researchmap_import_run,
    researchmap_imports_sweep,
)

__all__ = [
    "MAX_BYTES",
    "MERGED_FIELDS",
    "FileFormatError",
    "Problem",
    "check_file",
    "imported_seed_leave",
    "imported_seed_take",
    "researchmap_drafts_discard",
    "researchmap_drafts_publish",
    "researchmap_import_create",
    "researchmap_import_run",
    "researchmap_imports_sweep",
    "seed_values",
]
