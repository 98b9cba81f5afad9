"""``manage.py backup_create FOLDER``: the database, the local media and a manifest of row counts."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from market.core.backup import BackupFailed, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the local media into FOLDER, with a manifest of every table's rows."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        try:
            manifest = backup_create(directory=folder)
        except BackupFailed as exc:
            raise CommandError(str(exc.message)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {len(manifest['tables'])} tables ({rows} rows) and media ({manifest['media']}) to {folder}."))
