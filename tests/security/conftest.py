"""Record the authorization matrix's figures per test (``tests/security/report.py`` prints them)."""
import pytest

from tests.security.report import COUNTED


@pytest.fixture(autouse=True)
def _record_figures(record_property):
    from tests.security.test_authorization_matrix import FIGURES

    before = dict(FIGURES)
    yield
    record_property("authorization_matrix", {name: value - before.get(name, 0) if name in COUNTED else value
                                             for name, value in FIGURES.items()})
