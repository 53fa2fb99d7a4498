"""Reads of researchmap imports: an organisation sees its own imports and the seeds they made
(another organisation's import does not exist for it)."""

from __future__ import annotations

from django.db.models import QuerySet

from profiles import access
from profiles.models import ImportedSeed, ResearchmapImport, ResearchmapImportSeed


def researchmap_imports_of(*, user) -> QuerySet[ResearchmapImport]:
    """The imports of the user's own (approved) organisation, newest first, without the
    stored data."""
    org = access.org_of(user)
    if org is None or not org.is_approved:
        return ResearchmapImport.objects.none()
    return (
        ResearchmapImport.objects.filter(organization=org).select_related("user").defer("content")
    )


def import_entries(run: ResearchmapImport) -> QuerySet[ResearchmapImportSeed]:
    """What one import did to each seed, with the seed, its researchers and patents."""
    return (
        ResearchmapImportSeed.objects.filter(run=run)
        .select_related("imported_seed__seed")
        .prefetch_related("imported_seed__seed__researchers", "imported_seed__seed__patents")
        .order_by("imported_seed__kind", "id")
    )


def imported_seeds_of(*, user) -> QuerySet[ImportedSeed]:
    org = access.org_of(user)
    if org is None or not org.is_approved:
        return ImportedSeed.objects.none()
    return ImportedSeed.objects.filter(organization=org).select_related("seed")
