"""The services and selectors of every app pass the type checker configured in pyproject.toml (mypy)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_nothing_in_services_and_selectors():
    # The django-stubs plugin loads market.settings.test; a URL that is parsed but never connected to
    # keeps it from starting the embedded PostgreSQL when DATABASE_URL is unset.
    env = {**os.environ, "DATABASE_URL": "postgres://mypy@127.0.0.1:1/mypy"}
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
