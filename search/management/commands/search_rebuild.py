import time

from django.core.management.base import BaseCommand, CommandError

from search.backends import get_backend
from search.backends.base import SearchUnavailable

BAR_WIDTH = 30


class Command(BaseCommand):
    help = ("Rebuild the whole search index (public products and village profiles) through the configured "
            "backend, with a progress bar. Searches keep working while it runs.")

    def handle(self, *args, **options):
        backend = get_backend()
        verbose = options["verbosity"] > 0
        interactive = verbose and hasattr(self.stdout, "isatty") and self.stdout.isatty()
        started = time.monotonic()
        shown = {"step": -1}

        def progress(done: int, total: int) -> None:
            if not verbose:
                return
            fraction = done / total if total else 1.0
            step = int(fraction * 10)
            if not interactive and step == shown["step"] and done != total:
                return  # a log file gets a line per tenth, a terminal a moving bar
            shown["step"] = step
            filled = int(fraction * BAR_WIDTH)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            line = f"[{bar}] {fraction:4.0%} {done:,}/{total:,} ({time.monotonic() - started:.1f} s)"
            self.stdout.write(f"\r{line}" if interactive else line, ending="")
            if not interactive:
                self.stdout.write("")

        if verbose:
            self.stdout.write(f"Rebuilding the search index ({backend.name} backend)")
        try:
            report = backend.rebuild(progress=progress)
            compacted = backend.compact()  # entries rewritten in place: store them in quality order again
        except SearchUnavailable as exc:
            raise CommandError(f"The search backend is unavailable: {exc}") from exc
        if interactive:
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"Search index rebuilt: {report.indexed:,} documents indexed, {report.removed:,} removed "
            f"in {time.monotonic() - started:.1f} s" + (f"; {compacted:,} entries compacted." if compacted else ".")))
