"""Events of the domain (profiles) that coordinators hear of: an organisation waiting for
approval, a failed CSV import. (The matcher's events are in matching/services/notices.py; the
messages' in messaging.)"""

from __future__ import annotations

from django.urls import reverse

from notifications.kinds import Kind
from profiles.models import ImportJob, Organization

from .notify import coordinators_notify


def organization_pending_notify(*, organization_id: int) -> None:
    org = Organization.objects.filter(pk=organization_id).first()
    if org is None:
        return
    coordinators_notify(
        kind=Kind.ORG_PENDING,
        subject_type="organization",
        subject_id=org.pk,
        url=reverse("console_orgs"),
        params={"org": org.name, "org_en": org.name_en},
    )


def import_failed_notify(*, job_id: int) -> None:
    job = ImportJob.objects.select_related("organization").filter(pk=job_id).first()
    if job is None:
        return
    coordinators_notify(
        kind=Kind.IMPORT_FAILED,
        subject_type="import_job",
        subject_id=job.pk,
        url=reverse("admin:profiles_importjob_change", args=[job.pk]),
        # A catalogue job belongs to no organisation (a coordinator's import).
        params=(
            {"org": job.organization.name, "org_en": job.organization.name_en, "job": job.pk}
            if job.organization is not None
            else {"catalog": True, "job": job.pk}
        ),
    )
