"""The database table of the `throttle` cache (used when no Redis is configured), so that API
throttles hold on the embedded default and in every test database: Django's own
`createcachetable` for that table."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create_table(apps, schema_editor):
    call_command(
        "createcachetable",
        settings.THROTTLE_CACHE_TABLE,
        database=schema_editor.connection.alias,
        verbosity=0,
    )


def drop_table(apps, schema_editor):
    table = schema_editor.quote_name(settings.THROTTLE_CACHE_TABLE)
    schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("profiles", "0004_need_public_id")]

    operations = [migrations.RunPython(create_table, drop_table)]
