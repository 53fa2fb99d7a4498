"""Signals the domain sends; higher apps connect to them in their `AppConfig.ready()`.

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
