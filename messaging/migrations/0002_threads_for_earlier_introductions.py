"""A thread for every proposal and partnership introduced before messaging existed (later
introductions open theirs through the matcher's `introduced` signal)."""

from django.db import migrations


def open_threads(apps, schema_editor):
    Thread = apps.get_model("messaging", "Thread")
    Proposal = apps.get_model("matching", "Proposal")
    PartnershipProposal = apps.get_model("matching", "PartnershipProposal")
    for p in (
        Proposal.objects.filter(introduced_at__isnull=False, thread__isnull=True)
        .select_related("need", "seed")
        .iterator()
    ):
        Thread.objects.create(
            proposal=p,
            company_id=p.need.organization_id,
            academic_id=p.seed.organization_id,
            title=f"{p.need.title} × {p.seed.title}"[:300],
        )
    for pp in (
        PartnershipProposal.objects.filter(introduced_at__isnull=False, thread__isnull=True)
        .select_related("company", "academic")
        .iterator()
    ):
        Thread.objects.create(
            partnership=pp,
            company_id=pp.company_id,
            academic_id=pp.academic_id,
            title=f"{pp.company.name} × {pp.academic.name}"[:300],
        )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(open_threads, migrations.RunPython.noop)]
