"""Print the authorization matrix's figures at the end of the run (copied into docs/reliability.md).

Each test records what it added as a user property (``tests/security/conftest.py``), which
pytest-xdist carries from its workers to the process that prints the summary. These hooks are
imported by the root ``tests/conftest.py``: a sub-directory's conftest is not loaded by that
process when the whole suite runs in parallel, so its hooks would never print.
"""
TOTALS: dict[str, int] = {}
COUNTED = ("requests", "checks")


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
