from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from market.regions.exceptions import RegionFileInvalid
from market.regions.services import DEFAULT_REGIONS_FILE, region_import_file


class Command(BaseCommand):
    help = (
        "Import Indonesian regions (Kemendagri codes) from a code,name CSV. Without --path, load the "
        "bundled Kabupaten Jember subset. Idempotent: run it again after a data update."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=DEFAULT_REGIONS_FILE,
                            help="CSV in the format of wilayah base.csv (default: bundled Jember subset)")
        parser.add_argument("--prefix", help="Only this region and what lies under it, e.g. 35.09")

    def handle(self, *args, path: Path, prefix: str | None, **options):
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        verbose = options["verbosity"] > 0

        def progress(level: str, count: int) -> None:
            if verbose:
                self.stdout.write(f"  {level}: {count:,} rows")

        try:
            result = region_import_file(path=path, prefix=prefix, progress=progress)
        except RegionFileInvalid as exc:
            lines = "\n".join(f"  {where}: {'; '.join(msgs)}" for where, msgs in exc.fields.items())
            raise CommandError(f"{exc.message}\n{lines}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"Regions imported from {path.name}: {result.provinces} provinces, {result.regencies} regencies, "
            f"{result.districts} districts, {result.villages} villages."
        ))
