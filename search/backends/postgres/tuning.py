"""The numbers that tune the PostgreSQL backend, in one module.

The other modules of the package read them as ``tuning.NAME`` when they run (not bound at
import), so a test or a benchmark that sets one here changes the backend's behaviour everywhere.
"""
from __future__ import annotations

from search.backends.base import COUNT_LIMIT, FACET_SIZE, MAX_OFFSET, MAX_PAGE_SIZE

__all__ = [
    "BATCH_SIZE", "COUNT_LIMIT", "FACET_SIZE", "FALLBACK_VOCABULARY_LIMIT", "FALLBACK_VOCABULARY_SECONDS", "LOCK_KEY",
    "MAX_CORRECTIONS", "MAX_OFFSET", "MAX_PAGE_SIZE", "MIN_SPLIT", "REBUILD_BATCH_SIZE", "TEXT_INDEX_ROW_COST",
    "TEXT_INDEX_ROW_COST_BEYOND_MEMORY", "TRIGRAM_CANDIDATES", "WALK_ONCE_FILTERS", "WALK_ONCE_ROWS",
]

BATCH_SIZE = 500
REBUILD_BATCH_SIZE = 2000  # products a full rebuild reads and writes per statement (one id range)
LOCK_KEY = 7_263_001  # pg_advisory_xact_lock: index writes are serialised (vocabulary counts stay exact)
MAX_CORRECTIONS = 10  # indexed words a typo may stand for
MIN_SPLIT = 3  # "suwarsuwir" is tried as two indexed words of at least this length
TRIGRAM_CANDIDATES = 50
# Facet filters that most entries pass: with only these, one walk serves the results and the facets.
# A district, village or commodity is rare: its own index finds its few rows faster.
WALK_ONCE_FILTERS = {"category", "certification", "retail_ready", "in_stock"}
WALK_ONCE_ROWS = 30_000  # best-quality entries the single walk reads at most
# What a match read through the text index costs against an entry read by a walk: the match is
# fetched from its own page, and every match is kept and sorted, where the walk reads entries side
# by side and stops. Measured: 3 when the table fits the shared buffers (100k entries), 4 beyond
# (each match is then a page from the operating system's cache; a million entries).
TEXT_INDEX_ROW_COST = 3
TEXT_INDEX_ROW_COST_BEYOND_MEMORY = 4
FALLBACK_VOCABULARY_LIMIT = 20_000  # the most frequent words the fallback knows (~2.5 s, ~90 MB to build at 20k)
FALLBACK_VOCABULARY_SECONDS = 300  # and after indexing in this process
