"""The PostgreSQL search backend: full-text search over ``search.ProductEntry`` and ``VillageEntry``.

Documents are stored as weighted ``tsvector``s (``indonesian`` configuration for Indonesian
text, ``english`` for the English fields), after ``search.language`` has normalised them and
dropped stop words. The package, bottom up:

- ``tuning``: the numbers (candidate bound, walk sizes, costs), read at run time;
- ``connection``: cursors, the transaction-scoped settings of a search (no JIT, no parallel
  workers), the index lock, the server's capabilities (``pg_trgm``);
- ``sql``: ``Sql`` fragments that carry their own parameters;
- ``analysis``: words, synonyms, typo corrections and splits, the tsquery, and the walk-or-index
  plan of several words;
- ``statement``: the one search statement (results, total, facets and labels) built from fragments;
- ``writes``: entries from documents, the vocabulary counts, compaction and the rebuild's recount;
- ``backend``: ``Database``, the ``SearchBackend`` interface over them.
"""
from .backend import Database

__all__ = ["Database"]
