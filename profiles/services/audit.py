"""The access log of confidential details: every read of a row's confidential fields (seeds,
needs, ventures) through a page, the API, an export, an introduction or the Django admin is
recorded here (who, which organisation, what, when, through what).

Callers record only what they actually delivered (a non-empty text the reader was allowed to
see, as decided by `profiles.access`). The owning organisation reads the log of its own data
through `profiles.selectors.audit`.
"""

from __future__ import annotations

from collections.abc import Iterable

from profiles.access import org_of
from profiles.models import ConfidentialRead, Need, Seed, Venture

KINDS = {Seed: "seed", Need: "need", Venture: "venture"}


def _title(obj) -> str:
    return str(getattr(obj, "title", None) or getattr(obj, "name", "") or obj.pk)[:300]


def confidential_reads_record(*, user, objects: Iterable, channel: str, path: str = "") -> int:
    """Record that `user` was shown the confidential details of `objects`; returns how many."""
    objects = [o for o in objects if type(o) in KINDS]
    if not objects or user is None or not getattr(user, "is_authenticated", False):
        return 0
    reader = org_of(user)
    rows = [
        ConfidentialRead(
            user=user,
            username=user.get_username()[:150],
            reader_organization=reader,
            reader_organization_name=(reader.name if reader else "")[:200],
            is_superuser=bool(user.is_superuser),
            owner_id=obj.organization_id,
            kind=KINDS[type(obj)],
            object_id=obj.pk,
            object_title=_title(obj),
            channel=channel,
            path=(path or "")[:300],
        )
        for obj in objects
    ]
    ConfidentialRead.objects.bulk_create(rows)
    return len(rows)
