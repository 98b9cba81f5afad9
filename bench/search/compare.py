"""Compare the search latency of the working tree with another revision, interleaved, on one database.

Usage:
    BENCH_KEEP=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kampung_bench \\
        .venv/bin/python bench/search/run.py 100000          # keeps test_kampung_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_kampung_bench \\
        .venv/bin/python bench/search/compare.py REV [NAME=VALUE ...]

This machine's speed changes from one minute to the next (docs/performance.md), so two runs of
``run.py`` minutes apart can differ more than two versions of the code. Here every query of
``run.py``'s shapes runs in turn through each variant, in one process, against the same kept
database: ``REV``'s ``search/backends/database.py`` (with ``REV``'s constants from
``search/backends/base.py``; the other modules are the working tree's), the working tree, and,
when ``NAME=VALUE`` pairs are given, the working tree with those module constants changed
(``COUNT_LIMIT=1000``). It prints each shape's p50/p95 per variant.
"""
from __future__ import annotations

import ast
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

import search.backends.database as current  # noqa: E402

RUNS = 20
BASE_CONSTANTS = ("COUNT_LIMIT", "MAX_OFFSET", "MAX_PAGE_SIZE", "FACET_SIZE")


def _revision_module(rev: str):
    """Load ``rev``'s database backend as a module of its own, with ``rev``'s base constants."""
    source = subprocess.run(["git", "show", f"{rev}:search/backends/database.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    base = subprocess.run(["git", "show", f"{rev}:search/backends/base.py"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "database_revision.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("database_revision", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["database_revision"] = module
    spec.loader.exec_module(module)
    for node in ast.parse(base).body:  # NAME = <literal or another constant>
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in BASE_CONSTANTS and hasattr(module, name):
                value = node.value
                setattr(module, name, getattr(module, value.id) if isinstance(value, ast.Name)
                        else ast.literal_eval(value))
    return module


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    settings.DEBUG = False  # no query log kept in memory
    rev, overrides = sys.argv[1], dict(arg.split("=", 1) for arg in sys.argv[2:])
    revision = _revision_module(rev)
    defaults = {name: getattr(current, name) for name in overrides}
    changed = {name: ast.literal_eval(value) for name, value in overrides.items()}
    variants = {rev: (revision.Database(), {}), "working tree": (current.Database(), {})}
    if changed:
        variants["working tree, " + ", ".join(f"{k}={v}" for k, v in overrides.items())] = (current.Database(), changed)

    def call(backend, constants, query):
        for name in defaults:
            setattr(current, name, constants.get(name, defaults[name]))
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
        setattr(current, name, value)


if __name__ == "__main__":
    main()
