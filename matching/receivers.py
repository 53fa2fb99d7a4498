"""What the matcher adds to the domain, connected in `MatchingConfig.ready()`.

- A changed seed, need, investor profile or venture (`profiles.signals.catalog_row_changed`)
  is (re-)embedded and re-matched in the background: the receiver only enqueues. The rows of a
  bulk write (`catalog_rows_changed`, an import) go to one fan-out task, which embeds them in
  chunks over every worker (matching/services/fanout.py).
- The two parties of an introduced proposal may read each other's confidential details, and
  an investor introduced to a venture the venture's (`profiles.access.register_confidential_grant`).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from outbox.dispatch import enqueue
from profiles import access
from profiles.models import Need, Organization, Seed, Venture
from profiles.signals import catalog_row_changed, catalog_rows_changed


def embed_changed_row(sender, *, kind: str, object_id: int, **kwargs) -> None:
    enqueue("matching.tasks.embed_subject", kind, object_id)


def embed_changed_rows(sender, *, rows: list, **kwargs) -> None:
    enqueue("matching.tasks.embed_backlog", [[kind, object_id] for kind, object_id in rows])


def introduction_grant(*, model: type, org: Organization) -> Exists | None:
    """Seeds and needs of a proposal that introduced `org` to their owner; ventures an
    investor introduction introduced `org` (the investor) to."""
    from matching.models import InvestorIntroduction, Proposal

    if model is Venture:
        return Exists(
            InvestorIntroduction.objects.filter(
                introduced_at__isnull=False, venture=OuterRef("pk"), investor__organization=org
            )
        )
    introduced = Proposal.objects.filter(introduced_at__isnull=False)
    if model is Seed:
        return Exists(introduced.filter(seed=OuterRef("pk"), need__organization=org))
    if model is Need:
        return Exists(introduced.filter(need=OuterRef("pk"), seed__organization=org))
    return None


def connect() -> None:
    catalog_row_changed.connect(embed_changed_row, dispatch_uid="matching.embed_changed_row")
    catalog_rows_changed.connect(embed_changed_rows, dispatch_uid="matching.embed_changed_rows")
    access.register_confidential_grant(introduction_grant)
