"""Create the database cache table wherever ``migrate`` runs.

The database cache backs allauth's rate limits when no Redis is configured, so the
table must exist before the first request; a migration guarantees it on every
database (embedded, CI, production release phase) without an extra command.
"""
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
