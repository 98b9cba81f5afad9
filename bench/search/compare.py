"""Compare the search latency of the working tree with another revision, interleaved, on one database.

Usage:
    BENCH_KEEP=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kampung_bench \\
        .venv/bin/python bench/search/run.py 100000          # keeps test_kampung_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_kampung_bench \\
        .venv/bin/python bench/search/compare.py REV [NAME=VALUE ...]

This machine's speed changes from one minute to the next (docs/performance.md), so two runs of
``run.py`` minutes apart can differ more than two versions of the code. Here every query of
``run.py``'s shapes runs in turn through each variant, in one process, against the same kept
database: ``REV``'s PostgreSQL backend (the package ``search/backends/postgres/``, or before it the
single module ``search/backends/database.py``; with ``REV``'s constants from
``search/backends/base.py``; the other modules are the working tree's), the working tree, and,
when ``NAME=VALUE`` pairs are given, the working tree with those constants of
``search.backends.postgres.tuning`` changed (``COUNT_LIMIT=1000``). It prints each shape's
p50/p95 per variant.
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402  (sets up Django)
from django.conf import settings  # noqa: E402

from search.backends.database import Database  # noqa: E402
from search.backends.postgres import tuning  # noqa: E402

RUNS = 20
BASE_CONSTANTS = ("COUNT_LIMIT", "MAX_OFFSET", "MAX_PAGE_SIZE", "FACET_SIZE")
PACKAGE = "search/backends/postgres"


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def _revision_module(rev: str):
    """Load ``rev``'s database backend beside the working tree's; return it and the module of its constants.

    The package is loaded under another name (its modules import one another relatively); an older
    revision's single ``database.py`` is loaded as a module of its own. Either way ``rev``'s base
    constants replace the working tree's in the module that holds them.
    """
    directory = Path(tempfile.mkdtemp())
    files = [name for name in _git("ls-tree", "-r", "--name-only", rev, f"{PACKAGE}/").split() if name.endswith(".py")]
    if files:
        package = directory / "postgres_revision"
        package.mkdir()
        for name in files:
            (package / Path(name).name).write_text(_git("show", f"{rev}:{name}"))
        sys.path.insert(0, str(directory))
        module = importlib.import_module("postgres_revision")
        constants = importlib.import_module("postgres_revision.tuning")
    else:
        path = directory / "database_revision.py"
        path.write_text(_git("show", f"{rev}:search/backends/database.py"))
        spec = importlib.util.spec_from_file_location("database_revision", path)
        module = constants = importlib.util.module_from_spec(spec)
        sys.modules["database_revision"] = module
        spec.loader.exec_module(module)
    for node in ast.parse(_git("show", f"{rev}:search/backends/base.py")).body:  # NAME = <literal or constant>
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in BASE_CONSTANTS and hasattr(constants, name):
                value = node.value
                setattr(constants, name, getattr(constants, value.id) if isinstance(value, ast.Name)
                        else ast.literal_eval(value))
    return module


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    settings.DEBUG = False  # no query log kept in memory
    rev, overrides = sys.argv[1], dict(arg.split("=", 1) for arg in sys.argv[2:])
    revision = _revision_module(rev)
    defaults = {name: getattr(tuning, name) for name in overrides}
    changed = {name: ast.literal_eval(value) for name, value in overrides.items()}
    variants = {rev: (revision.Database(), {}), "working tree": (Database(), {})}
    if changed:
        variants["working tree, " + ", ".join(f"{k}={v}" for k, v in overrides.items())] = (Database(), changed)

    def call(backend, constants, query):
        for name in defaults:
            setattr(tuning, name, constants.get(name, defaults[name]))
        return backend.suggest(query) if isinstance(query, str) else backend.search_products(query)

    print(f"{'query shape':<24} " + " | ".join(f"{name:>28}" for name in variants))
    for shape, queries in bench._shapes().items():
        timings = {name: [] for name in variants}
        for query in queries:
            for backend, constants in variants.values():
                call(backend, constants, query)  # warm-up
            for _ in range(RUNS):
                for name, (backend, constants) in variants.items():
                    began = time.perf_counter()
                    call(backend, constants, query)
                    timings[name].append((time.perf_counter() - began) * 1000)
        print(f"{shape:<24} " + " | ".join(
            f"p50 {bench._percentile(v, 50):6.1f} p95 {bench._percentile(v, 95):6.1f} ms".rjust(28)
            for v in timings.values()), flush=True)
    for name, value in defaults.items():
        setattr(tuning, name, value)


if __name__ == "__main__":
    main()
