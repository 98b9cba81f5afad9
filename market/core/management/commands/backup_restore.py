"""``manage.py backup_restore FOLDER --database-url URL``: load a backup into a new, empty database."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from market.core.backup import BackupFailed, backup_restore


class Command(BaseCommand):
    help = ("Restore a backup made by backup_create into the EMPTY database at --database-url, check that every "
            "table has the rows the manifest lists, and unpack the media into --media-root (default MEDIA_ROOT).")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--database-url", required=True, help="postgres://... of a new, empty database")
        parser.add_argument("--media-root", type=Path, default=None, help="where the media go (default MEDIA_ROOT)")
        parser.add_argument("--no-media", action="store_true", help="restore the database only")

    def handle(self, *args, folder: Path, database_url: str, media_root: Path | None, no_media: bool, **options):
        target = None if no_media else (media_root or Path(settings.MEDIA_ROOT))
        try:
            manifest = backup_restore(directory=folder, database_url=database_url, media_root=target)
        except BackupFailed as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Restored {len(manifest['tables'])} tables from the backup of {manifest['created_at']}; every row count "
            f"matches the manifest." + (f" Media unpacked into {target}." if target else "")))
