"""``manage.py search_reindex``: rebuild the search index from the public catalogue, with a progress bar."""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from market.core.pagecache import public_pages_changed
from search.backends import get_backend
from search.backends.base import SearchUnavailable

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Rebuild the search index of every public product and village profile. With Elasticsearch this "
        "builds new versioned indices, bulk-loads them and swaps the aliases atomically (no downtime), "
        "then deletes the old indices; with the database backend it builds a new entries table, in quality order, "
        "and swaps it in (searches go on)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--backend", help="Dotted path of the backend class (default: settings.SEARCH_BACKEND)")

    def handle(self, *args, backend=None, **options):
        search = import_string(backend)() if backend else get_backend()
        verbose = options["verbosity"] > 0
        tty = self.stdout.isatty()
        shown = {"percent": -10}

        def progress(done: int, total: int) -> None:
            if not verbose:
                return
            percent = 100 if total == 0 else done * 100 // total
            if tty:
                filled = BAR_WIDTH * percent // 100
                self.stdout.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {percent:3d}% {done}/{total}",
                                  ending="")
                self.stdout.flush()
            elif percent >= shown["percent"] + 10 or done == total:  # a log file gets a line per 10%
                shown["percent"] = percent
                self.stdout.write(f"{percent:3d}% {done}/{total}")

        if verbose:
            self.stdout.write(f"Rebuilding the {search.name} search index...")
        started = time.monotonic()
        try:
            report = search.rebuild(progress=progress)
            # A backend whose rebuild leaves its index compact (the database's) needs no compaction after it.
            compacted = 0 if getattr(search, "rebuild_compacts", False) else search.compact()
        except SearchUnavailable as exc:
            raise CommandError(f"The search backend is unavailable; searches keep using the current index: {exc}") from exc
        public_pages_changed()  # cached search pages were answered from the index before the rebuild
        if verbose:
            if tty:
                self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(
                f"Indexed {report.indexed} documents and removed {report.removed} in "
                f"{time.monotonic() - started:.1f} s" + (f"; compacted {compacted} entries." if compacted else ".")))
