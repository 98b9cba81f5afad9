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
