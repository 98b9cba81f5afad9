"""Mutation testing of the money, stock and pricing cores with mutmut, one core module at a time.

``make mutation`` runs every core of ``[tool.mutation]`` in pyproject.toml; ``make mutation
MODULE=money`` (a core's name or its path) runs one. Each core runs in its own scratch project
``var/mutation/<core>/`` (links to the apps, a ``pyproject.toml`` with the core's mutmut settings),
so that mutmut mutates only that module and runs, per mutant, only the tests of that core that
call the mutated function (``-x -q -n 0 -p no:cacheprovider``, one worker, niced).

The score of a core is ``killed / (mutants - equivalent)`` (a mutant whose tests time out counts
as killed): every mutant that survives or has no test counts against it, except those listed with
the reason they are equivalent in ``tools/mutation-equivalent.toml``. Exit status 1 when a core
scores below the threshold (``[tool.mutation] threshold``).

``--ci`` is the CI step: the core of the day, in turn among the cores marked ``gate = true`` (or
``MUTATION_CORES=a,b``), within a time budget (``MUTATION_BUDGET`` seconds, 420 by default);
mutants not reached within the budget are reported as not checked and the score counts the
checked ones.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "mutation"
EQUIVALENT_FILE = ROOT / "tools" / "mutation-equivalent.toml"

# mutmut's exit codes of a mutant's test run (mutmut.stats.status_by_exit_code)
KILLED_CODES = {1, 3, 37}
TIMEOUT_CODES = {36, -24, 24, 152, 255}
NO_TESTS_CODES = {5, 33}


@dataclass(frozen=True)
class Core:
    name: str
    module: str
    tests: tuple[str, ...]
    gate: bool = False  # CI measures it (in its turn) and fails below the threshold
    ci_slices: int = 1  # CI checks one slice of its mutants per turn (1, 2, 5 or 10; by the mutant number's last digit)


@dataclass
class Result:
    core: Core
    killed: list[str] = field(default_factory=list)
    survived: list[str] = field(default_factory=list)
    no_tests: list[str] = field(default_factory=list)
    timeout: list[str] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)
    equivalent: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # processor time of mutmut and every process it ran (the machine's load aside)
    ran: int | None = None  # how many mutants this run checked, when it checked only some (the others kept their verdicts)
    setup_seconds: float = 0.0  # mutmut's runs of the unmutated tests (stats, clean, forced fail), before the mutants

    @property
    def checked(self) -> int:
        return len(self.killed) + len(self.survived) + len(self.no_tests) + len(self.timeout) + len(self.equivalent)

    @property
    def total(self) -> int:
        return self.checked + len(self.not_checked)

    @property
    def score(self) -> float:
        counted = self.checked - len(self.equivalent)
        return 100.0 * (len(self.killed) + len(self.timeout)) / counted if counted else 100.0

    def line(self) -> str:
        text = (
            f"{self.core.name:<9} {self.core.module:<34} killed {len(self.killed) + len(self.timeout):>4} / "
            f"{self.checked - len(self.equivalent):>4}  {self.score:5.1f} %   (equivalent {len(self.equivalent)}, "
            f"survived {len(self.survived)}, no tests {len(self.no_tests)}"
        )
        if self.not_checked:
            text += f", not checked (outside the slice or the budget) {len(self.not_checked)}"
        ran = self.checked if self.ran is None else self.ran
        per_mutant = (self.seconds - self.setup_seconds) / ran if ran else 0.0
        return text + (f"; {self.seconds:.0f} s: {self.setup_seconds:.0f} s of setup, {per_mutant:.2f} s per mutant; "
                       f"{self.cpu_seconds:.0f} s of processor time)")


def settings() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]


def cores() -> list[Core]:
    return [
        Core(name=c["name"], module=c["module"], tests=tuple(c["tests"]), gate=c.get("gate", False),
             ci_slices=c.get("ci_slices", 1))
        for c in settings()["mutation"]["cores"]
    ]


def equivalent() -> dict[str, str]:
    """Return ``{mutant name: why no test can tell it from the original}``."""
    if not EQUIVALENT_FILE.exists():
        return {}
    data = tomllib.loads(EQUIVALENT_FILE.read_text())
    return {name: reason for section in data.values() for name, reason in section.items()}


def _toml(value) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def _table(name: str, values: dict) -> str:
    return (
        f"[{name}]\n"
        + "".join(f"{key} = {_toml(value)}\n" for key, value in values.items() if not isinstance(value, dict))
        + "\n"
    )


class _AtomicDecoratorAsBlock:
    """Turn ``@transaction.atomic`` (with or without arguments) on a function into a ``with`` around its body.

    mutmut does not mutate decorated functions (copying them for its trampoline could run a decorator's side effects
    twice), so without this the services that own a transaction (placing an order, correcting stock, posting to the
    ledger) would never be mutated and a core's score would not count them. ``atomic`` used as a decorator is the same
    ``Atomic`` context manager entered around each call (``ContextDecorator``): the rewritten copy behaves as the
    module does. Only the copy in ``var/mutation/<core>/`` is rewritten; the project keeps the decorator (STYLE.md).
    """

    @staticmethod
    def rewrite(source: str) -> str:
        import libcst as cst
        import libcst.matchers as m

        atomic = m.Attribute(value=m.Name("transaction"), attr=m.Name("atomic"))

        class Transformer(cst.CSTTransformer):
            def leave_FunctionDef(self, original_node, updated_node):
                if len(updated_node.decorators) != 1:
                    return updated_node
                decorator = updated_node.decorators[0].decorator
                if not (m.matches(decorator, atomic) or m.matches(decorator, m.Call(func=atomic))):
                    return updated_node
                manager = decorator if isinstance(decorator, cst.Call) else cst.Call(func=decorator)
                body = list(updated_node.body.body)
                docstring = []
                if body and m.matches(body[0], m.SimpleStatementLine(body=[m.Expr(value=m.SimpleString())])):
                    docstring = [body.pop(0)]
                block = cst.With(items=[cst.WithItem(item=manager)], body=cst.IndentedBlock(body=body))
                return updated_node.with_changes(
                    decorators=[],
                    leading_lines=[*updated_node.leading_lines, *updated_node.decorators[0].leading_lines],
                    body=updated_node.body.with_changes(body=[*docstring, block]),
                )

        return cst.parse_module(source).visit(Transformer()).code


def _write_mutable_copy(work: Path, module: str) -> None:
    """Put in ``work`` a copy of ``module`` that mutmut can mutate whole (see ``_AtomicDecoratorAsBlock``).

    The module's app becomes a tree of real folders holding links to the project's files (mutmut walks folders
    without following links to folders), so that only the module itself differs from the project.
    """
    app = Path(module).parts[0]
    _mirror(ROOT / app, work / app)
    target = work / module
    rewritten = _AtomicDecoratorAsBlock.rewrite((ROOT / module).read_text())
    if target.is_symlink():
        target.unlink()
    if not target.exists() or target.read_text() != rewritten:  # an unchanged copy keeps its time: mutmut's cache
        target.write_text(rewritten)


def _mirror(original: Path, folder: Path) -> None:
    if folder.is_symlink():
        folder.unlink()
    folder.mkdir(exist_ok=True)
    for entry in original.iterdir():
        if entry.name == "__pycache__":
            continue
        copy = folder / entry.name
        if entry.is_dir() and not entry.is_symlink():
            _mirror(entry, copy)
        elif not (copy.exists() or copy.is_symlink()):
            copy.symlink_to(os.path.relpath(entry, folder))


def prepare(core: Core, *, fresh: bool) -> Path:
    """Lay out ``var/mutation/<core>/``: links to the project and the core's mutmut settings."""
    tool = settings()
    work = WORK / core.name
    if fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    mutmut = dict(tool["mutmut"])
    for path in [*mutmut["source_paths"], "tests", *mutmut.get("also_copy", [])]:
        link = work / path
        if not (link.is_symlink() or link.exists()):  # a kept run: the links, and the core's app as a folder
            link.symlink_to(os.path.relpath(ROOT / path, work))
    _write_mutable_copy(work, core.module)
    mutmut["only_mutate"] = [core.module]
    mutmut["pytest_add_cli_args_test_selection"] = list(core.tests)
    (work / "pyproject.toml").write_text(
        _table("tool.pytest.ini_options", tool["pytest"]["ini_options"]) + _table("tool.mutmut", mutmut)
    )
    return work


def _environment(core: Core) -> dict[str, str]:
    """Give the core's mutants a test database of their own (``test_<name>_mutation_<core>``, kept between runs).

    One per core: two cores can be measured at the same time, and a transactional test of one (which
    empties the tables) never runs in the middle of another's mutants.
    """
    env = dict(os.environ)
    url = env.get("DATABASE_URL")
    if url:
        parsed = urlparse(url)
        env["DATABASE_URL"] = parsed._replace(path=parsed.path.rstrip("/") + f"_mutation_{core.name}").geturl()
    env.setdefault("CI", "")
    return env


def run(core: Core, *, budget: float | None, fresh: bool, patterns: list[str] | None = None) -> Result:
    """Run mutmut on ``core`` (only the mutants matching ``patterns``, if given) within ``budget`` seconds."""
    work = prepare(core, fresh=fresh)
    mutmut = str(Path(sys.executable).parent / "mutmut")
    log = work / "mutmut.log"
    started = time.monotonic()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    mutants_from = None  # when mutmut, done with its own runs of the tests, started on the mutants
    with log.open("w") as out:
        # One worker, niced: the machine is shared. A new session, so the budget can stop mutmut and its children.
        process = subprocess.Popen(
            ["nice", "-n", "19", mutmut, "run", "--max-children", "1", *(patterns or [])],
            cwd=work,
            env=_environment(core),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        while process.poll() is None:
            if budget is not None and time.monotonic() - started > budget:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                break
            if mutants_from is None and "Running mutation testing" in log.read_text(errors="replace"):
                mutants_from = time.monotonic()
            time.sleep(1)
    result = collect(core, work)
    result.seconds = time.monotonic() - started
    result.setup_seconds = (mutants_from or time.monotonic()) - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result.cpu_seconds = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    if not result.checked:
        # No mutant checked: a broken setup, or a budget spent before the first mutant (mutmut's own runs of
        # the tests come first). A score over no mutants would pass the gate without measuring anything.
        print(log.read_text()[-3000:], file=sys.stderr)
        raise SystemExit(f"{core.name}: mutmut checked no mutant in {result.seconds:.0f} s (see {log})")
    return result


def collect(core: Core, work: Path) -> Result:
    """Read mutmut's verdicts of ``core`` from ``work/mutants/<module>.meta``."""
    meta_path = work / "mutants" / (core.module + ".meta")
    codes = json.loads(meta_path.read_text())["exit_code_by_key"] if meta_path.exists() else {}
    listed = equivalent()
    result = Result(core=core)
    for name, code in sorted(codes.items()):
        if code in KILLED_CODES:
            result.killed.append(name)
        elif code is None:
            result.not_checked.append(name)
        elif name in listed:
            result.equivalent.append(name)
        elif code in TIMEOUT_CODES:
            result.timeout.append(name)
        elif code in NO_TESTS_CODES:
            result.no_tests.append(name)
        else:
            result.survived.append(name)
    return result


def show(core: Core, names: list[str]) -> None:
    """Print the diff of each mutant (``mutmut show``), for the survivors."""
    mutmut = str(Path(sys.executable).parent / "mutmut")
    for name in names:
        out = subprocess.run([mutmut, "show", name], cwd=WORK / core.name, capture_output=True, text=True)
        print(
            "\n".join(
                line
                for line in out.stdout.splitlines()
                if line.startswith(("#", "-", "+")) and not line.startswith(("---", "+++"))
            )
        )


def slice_patterns(index: int, count: int) -> list[str]:
    """Return mutmut's name patterns of slice ``index`` of ``count``: the mutants whose number ends in its digits.

    ``count`` divides 10, so the slices are the same size give or take a mutant and together every mutant, and a
    mutant stays in its slice when mutants are added or removed elsewhere in the module.
    """
    if count not in (1, 2, 5, 10) or not 0 <= index < count:
        raise SystemExit(f"A slice is i/n with n 1, 2, 5 or 10 and i from 0 to n - 1, not {index}/{count}")
    if count == 1:
        return []
    digits = "".join(str(digit) for digit in range(10) if digit % count == index)
    return [f"*__mutmut_*[{digits}]"]


def ci_slice(core: Core, *, day: int | None = None) -> tuple[int, int]:
    """Return the slice of ``core`` the CI checks today: the next one each time the core's turn comes round."""
    day = datetime.date.today().toordinal() if day is None else day
    turns = day // max(len([c for c in cores() if c.gate]), 1)
    return turns % core.ci_slices, core.ci_slices


def choose(names: list[str], *, ci: bool) -> list[Core]:
    all_cores = cores()
    if names:
        by_name = {key: core for core in all_cores for key in (core.name, core.module)}
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise SystemExit(f"Unknown core(s) {unknown}; the cores: {[c.name for c in all_cores]}")
        return [by_name[name] for name in names]
    if ci:
        # The core of the day, in turn among the gated cores: each is measured every few days, whatever changes.
        gated = [core for core in all_cores if core.gate]
        return [gated[datetime.date.today().toordinal() % len(gated)]] if gated else []
    return all_cores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="core names or module paths (default: all; --ci: the day's)")
    parser.add_argument("--ci", action="store_true", help="the CI step: the day's core within the budget")
    parser.add_argument("--budget", type=float, default=None, help="seconds per core (then stop and score)")
    parser.add_argument("--threshold", type=float, default=None, help="minimum score in percent")
    parser.add_argument("--slice", default=None, metavar="I/N",
                        help="only slice I of N of the mutants (N 2, 5 or 10; --ci: the core's slice of the day)")
    parser.add_argument("--keep", action="store_true", help="reuse var/mutation/<core> (mutmut's cached verdicts)")
    parser.add_argument("--rerun", action="store_true",
                        help="check again, with the tests as they are now, only the mutants of the last run of the core "
                             "that survived or had no tests (the others keep their verdicts: more tests kill no fewer)")
    parser.add_argument("--survivors", action="store_true", help="print the diff of every surviving mutant")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    names = args.modules or [n for n in os.environ.get("MUTATION_CORES", "").split(",") if n]
    threshold = args.threshold if args.threshold is not None else settings()["mutation"]["threshold"]
    budget = (
        args.budget
        if args.budget is not None
        else (float(os.environ.get("MUTATION_BUDGET", "420")) if args.ci else None)
    )
    failed = False
    figures = {}
    for core in choose(names, ci=args.ci):
        if args.slice:
            index, count = (int(number) for number in args.slice.split("/"))
        else:
            index, count = ci_slice(core) if args.ci else (0, 1)
        patterns = slice_patterns(index, count)
        part = f" (slice {index}/{count}: the mutants {patterns[0]})" if patterns else ""
        if args.rerun:
            last = collect(core, WORK / core.name)
            patterns = [*last.survived, *last.no_tests, *last.equivalent]
            if not patterns:
                print(f"{core.name}: no mutant of the last run survived", flush=True)
                continue
            part = f" (again: the {len(patterns)} mutants the last run did not kill)"
        print(f"== mutation testing {core.module}{part} with {', '.join(core.tests)}", flush=True)
        result = run(core, budget=budget, fresh=not (args.keep or args.rerun), patterns=patterns)
        if args.rerun:
            result.ran = len(patterns)
        print(result.line(), flush=True)
        left = result.survived + result.no_tests
        if left:
            print(f"   not killed and not listed as equivalent in {EQUIVALENT_FILE.relative_to(ROOT)}:")
            if args.survivors:
                show(core, left)
            else:
                print("   " + "\n   ".join(left))
        figures[core.name] = {
            "module": core.module,
            "killed": len(result.killed) + len(result.timeout),
            "counted": result.checked - len(result.equivalent),
            "equivalent": len(result.equivalent),
            "not_checked": len(result.not_checked),
            "score": round(result.score, 1),
            "seconds": round(result.seconds),
            "setup_seconds": round(result.setup_seconds),
            "cpu_seconds": round(result.cpu_seconds),
        }
        if result.score < threshold:
            print(f"   FAILED: {result.score:.1f} % is below the threshold of {threshold:.0f} %")
            failed = True
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
