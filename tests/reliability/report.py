"""Print the reliability figures at the end of a run: faults injected and survived, API fuzzing cases.

Like the authorization matrix's (``tests/security/report.py``), each test records what it did as a
user property, which pytest-xdist carries from its workers to the process that prints the summary.
Loaded as a plugin by the root ``tests/conftest.py`` (``pytest_plugins``). A fault counts as
survived when the test that injected it passed.
"""
from __future__ import annotations

FAULTS: dict[str, list[int]] = {}  # kind -> [injected, survived]
FUZZ: dict[str, int] = {}
KEY = "reliability"


def fault_record(node, *, kind: str, where: str) -> None:
    node.user_properties.append((KEY, {"fault": kind, "where": where}))


def fuzz_record(node, **figures: int) -> None:
    node.user_properties.append((KEY, {"fuzz": figures}))


def pytest_runtest_logreport(report):
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name != KEY:
            continue
        if "fault" in value:
            counts = FAULTS.setdefault(value["fault"], [0, 0])
            counts[0] += 1
            counts[1] += int(report.passed)
        for figure, count in value.get("fuzz", {}).items():
            FUZZ[figure] = FUZZ.get(figure, 0) + count


def pytest_terminal_summary(terminalreporter):
    if not FAULTS and not FUZZ:
        return
    terminalreporter.section("reliability")
    for kind, (injected, survived) in sorted(FAULTS.items()):
        terminalreporter.write_line(f"fault {kind}: injected {injected}, survived {survived}")
    if FAULTS:
        injected = sum(c[0] for c in FAULTS.values())
        survived = sum(c[1] for c in FAULTS.values())
        terminalreporter.write_line(f"faults: injected {injected}, survived {survived}")
    for figure, count in FUZZ.items():
        terminalreporter.write_line(f"api fuzzing {figure}: {count}")
