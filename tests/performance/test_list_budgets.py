"""Every list route of the URL configuration has a query-budget test, or is declared without one (``list_routes``)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.performance.list_routes import BUDGETS, NOT_LISTS, WITHOUT_BUDGET
from tests.security.routes import all_routes

ROOT = Path(__file__).resolve().parent.parent.parent
BUDGET_MARK = re.compile(r"django_assert_num_queries|django_assert_max_num_queries|CaptureQueriesContext")


def _looks_like_a_list(key: str) -> bool:
    if ":" not in key or key.startswith(("admin:", "account_", "mfa_")):
        return False
    last = key.rsplit(":", 1)[1]
    return last.endswith("-list") or (last.endswith("s") and not last.endswith("ss"))


def test_every_list_route_is_declared_once():
    routes = {route.key for route in all_routes()}
    lists = {key for key in routes if _looks_like_a_list(key)}
    declared = [*BUDGETS, *WITHOUT_BUDGET, *NOT_LISTS]

    assert sorted(lists - set(declared)) == [], "a list route without a budget test: add one (list_routes.BUDGETS)"
    assert len(declared) == len(set(declared)), "a route declared twice"
    assert sorted(set(declared) - routes) == [], "a declared route that no longer exists"


def test_each_budget_names_a_test_that_counts_queries():
    for route, reference in BUDGETS.items():
        path, name = reference.split("::")
        source = (ROOT / path).read_text()
        functions = {node.name: ast.get_source_segment(source, node) for node in ast.parse(source).body
                     if isinstance(node, ast.FunctionDef)}
        assert name in functions, f"{route}: {reference} does not exist"
        # The test counts queries itself, or through helpers of its module that do (at any depth).
        calls = {function: {node.func.id for node in ast.walk(ast.parse(body))
                            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
                 for function, body in functions.items()}
        counting = {function for function, body in functions.items() if BUDGET_MARK.search(body)}
        while grown := {f for f, called in calls.items() if f not in counting and called & counting}:
            counting |= grown
        assert name in counting, f"{route}: {reference} counts no queries"
