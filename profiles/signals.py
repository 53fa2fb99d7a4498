"""Signals the domain sends; higher apps connect to them in their `AppConfig.ready()`.

(`catalog_row_changed`, `organization_registered`, `import_job_failed`, below.)

`catalog_row_changed(kind, object_id)`: a seed, need, investor profile or venture was created,
edited or changed status. Sent by `profiles.services` inside the writing transaction, so a
receiver that records work (an outbox row, an on-commit task) commits or rolls back with the
change. `kind` is "seed", "need", "investor" or "venture". A receiver only enqueues; no
business rule lives in a receiver.

`catalog_rows_changed(rows)`: the same for a bulk write (an import): inside `bulk_changes()`
the per-row signals are collected and sent once, as a list of (kind, object_id), at the end of
the block (still inside the transaction), so the matcher can fan the work out in chunks
instead of receiving ten thousand single-row requests.
"""

from __future__ import annotations

import contextlib
import threading

from django.db import transaction
from django.dispatch import Signal

catalog_row_changed = Signal()
catalog_rows_changed = Signal()

_bulk = threading.local()


@contextlib.contextmanager
def bulk_changes():
    """Collect the row signals sent inside the block and send them as one
    `catalog_rows_changed` when it ends without an error (nested blocks join the outer one)."""
    if getattr(_bulk, "rows", None) is not None:
        yield
        return
    _bulk.rows = []
    try:
        yield
        rows = list(dict.fromkeys(_bulk.rows))
    finally:
        _bulk.rows = None
    # A block whose transaction will roll back (a dry run, rows with errors) changed nothing.
    if rows and not transaction.get_connection().needs_rollback:
        catalog_rows_changed.send(sender="bulk", rows=rows)


def send_catalog_row_changed(*, kind: str, object_id: int) -> None:
    rows = getattr(_bulk, "rows", None)
    if rows is not None:
        rows.append((kind, object_id))
        return
    catalog_row_changed.send(sender=kind, kind=kind, object_id=object_id)


# `organization_registered(organization_id)`: a new organisation registered itself and waits
# for a coordinator's approval. `import_job_failed(job_id)`: a background CSV import ended as
# failed for a reason other than its rows' errors (which the member sees on the job page).
# Both are sent inside the writing transaction; the notifications app connects to them.
organization_registered = Signal()
import_job_failed = Signal()


def send_organization_registered(*, organization_id: int) -> None:
    organization_registered.send(sender="organization", organization_id=organization_id)


def send_import_job_failed(*, job_id: int) -> None:
    import_job_failed.send(sender="import_job", job_id=job_id)
