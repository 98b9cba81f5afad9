"""Catalog tells search about changes through catalog/hooks.py, never by importing it."""
import pathlib
import re

from catalog import hooks
from search.services import search_mark_dirty

CATALOG = pathlib.Path(__file__).resolve().parents[2] / "catalog"


def test_search_registers_its_marker_with_catalog():
    assert hooks._changed == [search_mark_dirty]


def test_catalog_never_imports_search():
    importing = [str(path.relative_to(CATALOG.parent)) for path in CATALOG.rglob("*.py")
                 if re.search(r"^\s*(from|import) search\b", path.read_text(), re.MULTILINE)]
    assert importing == []
