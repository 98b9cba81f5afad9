"""Create ``core_cache`` also where the cache is Redis: it is the fallback while Redis is down.

``createcachetable`` (migration 0001) creates tables only for caches configured as database
caches; with ``CACHE_URL`` set the default cache is Redis with this table behind it
(``market.core.cache.RedisCacheWithFallback``).
"""
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

from market.core.cache import FALLBACK_TABLE


def create_fallback_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, FALLBACK_TABLE, dry_run=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_task_outbox")]

    operations = [migrations.RunPython(create_fallback_table, migrations.RunPython.noop)]
