"""Benchmark: import the whole country's regions (cold, then an idempotent re-run).

Usage: .venv/bin/python bench/regions_import.py [path/to/base.csv]
"""
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings.local")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from market.regions.models import Village  # noqa: E402
from market.regions.services import region_import_file  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "wilayah" / "base.csv"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.exists():
        sys.exit(f"Region file not found: {path}")
    old = setup_databases(verbosity=0, interactive=False)
    try:
        for label in ("cold import", "re-run (idempotent)", "re-run (idempotent)"):
            started = time.perf_counter()
            result = region_import_file(path=path)
            elapsed = time.perf_counter() - started
            rows = result.provinces + result.regencies + result.districts + result.villages
            print(f"{label:<22} {elapsed:6.2f} s  {rows:,} rows  {rows / elapsed:,.0f} rows/s  "
                  f"villages stored: {Village.objects.count():,}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
