"""Mutation testing runs the tests in a copy of the project (tools/mutation.py): every installed app must be in it."""
from __future__ import annotations

import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_installed_app_of_ours_is_copied_for_the_mutants():
    copied = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]["source_paths"])
    ours = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}

    assert ours <= copied, f"add {sorted(ours - copied)} to [tool.mutmut] source_paths in pyproject.toml"


def _mutation_tool():
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("mutation_tool", ROOT / "tools" / "mutation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_ci_slices_of_a_core_check_each_mutant_once_in_turn():
    import fnmatch

    tool = _mutation_tool()
    names = [f"orders.pricing.x_quote__mutmut_{number}" for number in range(1, 300)]
    for core in tool.cores():
        assert core.ci_slices in (1, 2, 5, 10), core.name
        slices = [tool.slice_patterns(index, core.ci_slices) for index in range(core.ci_slices)]
        if core.ci_slices == 1:
            assert slices == [[]]
            continue
        taken = [name for patterns in slices for name in names if fnmatch.fnmatch(name, patterns[0])]
        assert sorted(taken) == sorted(names), core.name
        # the day's slice moves on each time the core's turn comes round
        turns = len([c for c in tool.cores() if c.gate])
        assert {tool.ci_slice(core, day=turns * turn)[0] for turn in range(core.ci_slices)} == set(
            range(core.ci_slices))


def test_the_mutated_copy_turns_an_atomic_decorator_into_the_same_block():
    # given: services that own their transaction (mutmut does not mutate decorated functions)
    source = '''from django.db import transaction


@transaction.atomic(durable=True)
def place(*, total: int) -> int:
    """Place it."""
    if total < 0:
        raise ValueError(total)
    return total


@transaction.atomic
def cancel():
    return 1


@property
def other():
    return 2
'''

    rewritten = _mutation_tool()._AtomicDecoratorAsBlock.rewrite(source)

    # then: each body runs in the same transaction block, the docstring stays first; other decorators stay
    assert rewritten == '''from django.db import transaction


def place(*, total: int) -> int:
    """Place it."""
    with transaction.atomic(durable=True):
        if total < 0:
            raise ValueError(total)
        return total


def cancel():
    with transaction.atomic():
        return 1


@property
def other():
    return 2
'''


def test_every_core_is_mutated_whole():
    import ast

    tool = _mutation_tool()
    for core in tool.cores():
        source = (ROOT / core.module).read_text()
        rewritten = tool._AtomicDecoratorAsBlock.rewrite(source)
        tree = ast.parse(rewritten)

        decorated = [node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                     and any("atomic" in ast.unparse(decorator) for decorator in node.decorator_list)]
        assert decorated == [], core.name
        names = {node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef | ast.ClassDef)}
        assert names == {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)}


def test_the_mutated_copy_is_the_only_file_that_differs(tmp_path):
    tool = _mutation_tool()

    tool._write_mutable_copy(tmp_path, "orders/services/checkout.py")

    copy = tmp_path / "orders" / "services" / "checkout.py"
    assert not copy.is_symlink() and "@transaction.atomic" not in copy.read_text()
    assert (tmp_path / "orders" / "migrations").is_dir() and not (tmp_path / "orders" / "migrations").is_symlink()
    linked = tmp_path / "orders" / "models.py"
    assert linked.is_symlink() and linked.resolve() == (ROOT / "orders" / "models.py").resolve()


def test_a_kept_run_lays_out_its_folder_again(tmp_path, monkeypatch):
    tool = _mutation_tool()
    monkeypatch.setattr(tool, "WORK", tmp_path)
    core = next(core for core in tool.cores() if core.name == "stock")

    first = tool.prepare(core, fresh=True)
    again = tool.prepare(core, fresh=False)  # --keep and --rerun

    assert first == again and (again / "catalog" / "services" / "stock.py").is_file()
    assert not (again / "catalog" / "services" / "stock.py").is_symlink() and (again / "orders").is_symlink()


def test_each_equivalent_mutant_is_listed_once_under_its_core_with_a_reason():
    tool = _mutation_tool()
    listed = tomllib.loads((ROOT / "tools" / "mutation-equivalent.toml").read_text())  # a name twice fails here
    modules = {core.name: core.module.removesuffix(".py").replace("/", ".") for core in tool.cores()}

    for core, mutants in listed.items():
        assert core in modules, core
        for name, reason in mutants.items():
            assert name.startswith(modules[core] + ".x"), name
            assert len(reason) > 30, name
