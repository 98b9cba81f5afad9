"""Print the authorization matrix's figures at the end of the run (copied into docs/reliability.md).

Each test records what it added as a user property, which pytest-xdist carries from its workers to
the process that prints the summary, so the figures are the same with and without ``-n``.
"""
import pytest

TOTALS: dict[str, int] = {}
COUNTED = ("requests", "checks")


@pytest.fixture(autouse=True)
def _record_figures(record_property):
    from tests.security.test_authorization_matrix import FIGURES

    before = dict(FIGURES)
    yield
    record_property("authorization_matrix", {name: value - before.get(name, 0) if name in COUNTED else value
                                             for name, value in FIGURES.items()})


def pytest_runtest_logreport(report):
    if report.when != "teardown":
        return
    for name, figures in report.user_properties:
        if name == "authorization_matrix":
            for key, value in figures.items():
                TOTALS[key] = TOTALS.get(key, 0) + value if key in COUNTED else value


def pytest_terminal_summary(terminalreporter):
    if TOTALS.get("checks"):
        terminalreporter.section("authorization matrix")
        for name, value in TOTALS.items():
            terminalreporter.write_line(f"{name}: {value}")
