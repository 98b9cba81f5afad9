"""The default ``SEARCH_BACKEND`` path: the PostgreSQL backend lives in ``search.backends.postgres``."""
from search.backends.postgres import Database

__all__ = ["Database"]
