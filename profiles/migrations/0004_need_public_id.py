import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    Need = apps.get_model("profiles", "Need")
    for need in Need.objects.filter(public_id__isnull=True).only("pk").iterator():
        Need.objects.filter(pk=need.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("profiles", "0003_import_jobs")]

    operations = [
        migrations.AddField(
            model_name="need",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="公開ID"),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="need",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="公開ID"
            ),
        ),
    ]
