"""What the IP office does with the drafts of a researchmap import: take or leave the
researchmap values that were not applied (hand-edited fields, published seeds), publish drafts
in bulk, discard drafts in bulk. Every write goes through the catalogue services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from profiles import access
from profiles.choices import PublicationStatus
from profiles.models import ImportedSeed, Organization
from profiles.services import catalog as svc

from .importer import MERGED_FIELDS


def _locked(imported: ImportedSeed) -> ImportedSeed:
    return (
        ImportedSeed.objects.select_for_update(of=("self",))
        .select_related("seed", "organization")
        .get(pk=imported.pk)
    )


def _fields(imported: ImportedSeed, fields) -> list[str]:
    wanted = [f for f in (fields or MERGED_FIELDS) if f in MERGED_FIELDS]
    return [f for f in wanted if f in (imported.pending or {})]


@transaction.atomic
def imported_seed_take(*, imported: ImportedSeed, by, fields=None) -> list[str]:
    """Apply the waiting researchmap values of `fields` (all when None) to the seed; return
    the fields taken."""
    access.require_member(org=imported.organization, by=by)
    imported = _locked(imported)
    if imported.seed is None:
        raise ValidationError({"seed": [_("このシーズは破棄されています。")]})
    names = _fields(imported, fields)
    if not names:
        return []
    pending = dict(imported.pending)
    data = {name: pending.pop(name) for name in names}
    svc.seed_update(seed=imported.seed, by=by, data=data)
    imported.imported = {**imported.imported, **data}
    imported.pending = pending
    imported.title = imported.seed.title[:300]
    imported.save(update_fields=["imported", "pending", "title", "updated_at"])
    return names


@transaction.atomic
def imported_seed_leave(*, imported: ImportedSeed, by, fields=None) -> list[str]:
    """Keep the office's values of `fields` (all when None): the researchmap values are
    recorded as seen, so they are offered again only when researchmap changes them again."""
    access.require_member(org=imported.organization, by=by)
    imported = _locked(imported)
    names = _fields(imported, fields)
    if not names:
        return []
    pending = dict(imported.pending)
    seen = {name: pending.pop(name) for name in names}
    imported.imported = {**imported.imported, **seen}
    imported.pending = pending
    imported.save(update_fields=["imported", "pending", "updated_at"])
    return names


def _own_imported(org: Organization, seed_ids) -> list[ImportedSeed]:
    ids = [int(i) for i in seed_ids if str(i).isdigit() and len(str(i)) <= 18]
    return list(
        ImportedSeed.objects.select_related("seed", "organization")
        .filter(organization=org, seed_id__in=ids)
        .order_by("id")
    )


def researchmap_drafts_publish(*, org: Organization, by, seed_ids) -> tuple[int, list[str]]:
    """Publish the chosen drafts that came from researchmap; return how many were published
    and a message for each that could not be (each seed on its own: one refusal does not stop
    the others)."""
    access.require_member(org=org, by=by)
    published, refused = 0, []
    for imported in _own_imported(org, seed_ids):
        seed = imported.seed
        if seed.status == PublicationStatus.PUBLISHED:
            continue
        try:
            svc.seed_publish(seed=seed, by=by)
        except ValidationError as exc:
            refused.append(f"{seed.title}: {' '.join(exc.messages)}")
        else:
            published += 1
    return published, refused


@transaction.atomic
def researchmap_drafts_discard(*, org: Organization, by, seed_ids) -> tuple[int, list[str]]:
    """Delete the chosen drafts that came from researchmap; their achievements stay known, so
    a re-import does not bring them back. Published seeds are not discarded (unpublish
    first)."""
    access.require_member(org=org, by=by)
    discarded, refused = 0, []
    for imported in _own_imported(org, seed_ids):
        seed = imported.seed
        if seed.status != PublicationStatus.DRAFT:
            refused.append(
                _("%(title)s: 下書きではないため破棄しませんでした。") % {"title": seed.title}
            )
            continue
        imported.title = seed.title[:300]
        imported.discarded_at = timezone.now()
        imported.pending = {}
        imported.save(update_fields=["title", "discarded_at", "pending", "updated_at"])
        svc.seed_delete(seed=seed, by=by)
        discarded += 1
    return discarded, refused
