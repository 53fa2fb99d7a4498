"""Signals the domain sends; higher apps connect to them in their `AppConfig.ready()`.

(`catalog_row_changed`, `organization_registered`, `import_job_failed`, below.)

`catalog_row_changed(kind, object_id)`: a seed, need, investor profile or venture was created,
edited or changed status. Sent by `profiles.services` inside the writing transaction, so a
receiver that records work (an outbox row, an on-commit task) commits or rolls back with the
change. `kind` is "seed", "need", "investor" or "venture". A receiver only enqueues; no
business rule lives in a receiver.
"""

from django.dispatch import Signal

catalog_row_changed = Signal()


def send_catalog_row_changed(*, kind: str, object_id: int) -> None:
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
