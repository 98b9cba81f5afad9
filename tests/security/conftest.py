"""Print the authorization matrix's figures at the end of the run (copied into docs/reliability.md)."""


def pytest_terminal_summary(terminalreporter):
    from tests.security.test_authorization_matrix import FIGURES

    if FIGURES.get("checks"):
        terminalreporter.section("authorization matrix")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
