"""What runs in production is production, whichever entry point starts it.

Each entry point of the Procfile (gunicorn's ``market.wsgi``, ``market.asgi``, the Celery app
that ``worker`` and ``beat`` load, ``manage.py`` for ``release``) is started here in a clean
environment, as a deployment that sets only its secrets would: no ``DJANGO_SETTINGS_MODULE``.
"""
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from market.accounts.models import User
from tests.market.test_settings import PROD_ENV

ROOT = Path(__file__).resolve().parents[2]
# Nothing listens on port 1: production's start checks cannot reach a database and say so.
UNREACHABLE_DB = "postgres://kampung:secret@127.0.0.1:1/kampung"
CLEAN = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "XDG_RUNTIME_DIR", "VIRTUAL_ENV", "PYTHONPATH"}

SHOW = ("from django.conf import settings as s; "
        "print(s.SETTINGS_MODULE, s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.DEMO_DATA_ALLOWED)")
ENTRY_POINTS = {
    "wsgi": "import market.wsgi; " + SHOW,
    "asgi": "import market.asgi; " + SHOW,
    # `celery -A market worker|beat` imports the package and reads the app's configuration.
    "celery": "from market import celery_app; celery_app.conf.timezone; " + SHOW,
}


def clean_env(base: dict | None = None, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if key in CLEAN}
    env.update(base or {})
    env.update(extra)
    return env


def run(args: list[str], env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def database_url() -> str:
    """The test database as a URL (the embedded server listens on a socket folder: a percent-encoded host)."""
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_each_entry_point_runs_production_settings_when_none_are_named(entry):
    result = run(["-c", ENTRY_POINTS[entry]], clean_env(PROD_ENV, DATABASE_URL=UNREACHABLE_DB))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "market.settings.production False True True False"


def test_manage_py_runs_production_settings_when_none_are_named():
    result = run(["manage.py", "shell", "-c", SHOW], clean_env(PROD_ENV, DATABASE_URL=UNREACHABLE_DB))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "market.settings.production False True True False"


@pytest.mark.parametrize("args", [["-c", code] for code in ENTRY_POINTS.values()] + [["manage.py", "check"]],
                         ids=[*ENTRY_POINTS, "manage.py"])
def test_each_entry_point_refuses_to_start_without_production_secrets(args):
    # given: a deployment that forgot its variables (the old behaviour: development settings, DEBUG on)
    result = run(args, clean_env())

    assert result.returncode != 0
    assert "The environment variable SECRET_KEY must be set." in result.stderr


def test_check_deploy_is_clean_under_the_settings_the_procfile_loads():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 clean_env(PROD_ENV, DATABASE_URL=UNREACHABLE_DB))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_development_is_chosen_explicitly():
    result = run(["-c", "import market.wsgi; " + SHOW],
                 clean_env(DJANGO_SETTINGS_MODULE="market.settings.local", DEBUG="false"))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "market.settings.local False False False True"


@pytest.mark.parametrize(("change", "message"), [
    ({"SECRET_KEY": "django-insecure-local-development-only-5b1f0c9e-aaaaaaaaaaaaaaaaaaaa"},
     "SECRET_KEY is too weak for production"),
    ({"SECRET_KEY": "short-but-not-empty"}, "SECRET_KEY is too weak for production"),
    ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must name the site's hosts in production, not '*'."),
    ({"ALLOWED_HOSTS": "kampung-industri.example.id,*"}, "not '*'"),
    ({"REDIS_URL": ""}, "REDIS_URL (or CELERY_BROKER_URL) must be set in production"),
    ({"DATABASE_URL": ""}, "DATABASE_URL must be set in production"),
])
def test_production_refuses_unsafe_values(change, message):
    result = run(["-c", "import market.wsgi"], clean_env(PROD_ENV, **change))

    assert result.returncode != 0
    assert message in result.stderr


def test_the_makefile_runs_development_explicitly():
    makefile = (ROOT / "Makefile").read_text()

    assert "DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-market.settings.local}" in makefile
    procfile = (ROOT / "Procfile").read_text()
    assert "market.settings.local" not in procfile and "market.settings.test" not in procfile


@pytest.mark.django_db(transaction=True)
class TestDemoAccountsInProduction:
    """The README publishes the demo password: production refuses to load or keep such accounts."""

    def test_demo_data_refuses_to_load_with_production_settings(self):
        result = run(["manage.py", "load_demo_data", "--scale", "0.05", "--no-photos"],
                     clean_env(PROD_ENV, DATABASE_URL=database_url()))

        assert result.returncode != 0
        assert "demo_data_not_allowed" in result.stderr
        assert "Data demo tidak dapat dimuat dengan pengaturan produksi" in result.stderr
        assert not User.objects.exists()

    def test_a_production_start_refuses_demo_accounts(self):
        User.objects.create_user(email="petugas@demo.kampung-industri.id", password="Kampung-Jember-2026")
        env = clean_env(PROD_ENV, DATABASE_URL=database_url())

        web = run(["-c", "import market.wsgi"], env)
        release = run(["manage.py", "check", "--deploy", "--database", "default"], env)

        assert web.returncode != 0
        assert "Refusing to start: catalog.E001: 1 demo account(s) of @demo.kampung-industri.id exist" in web.stderr
        assert release.returncode != 0
        assert "catalog.E001" in release.stderr

    @pytest.mark.parametrize("command", [["worker", "--pool=solo"], ["beat"]])
    def test_a_celery_worker_or_beat_refuses_demo_accounts(self, command, tmp_path):
        User.objects.create_user(email="produsen@demo.kampung-industri.id", password="Kampung-Jember-2026")
        env = clean_env(PROD_ENV, DATABASE_URL=database_url(), REDIS_URL="redis://127.0.0.1:1/0")
        if command == ["beat"]:
            command = [*command, f"--schedule={tmp_path / 'beat-schedule'}"]

        process = run(["-m", "celery", "-A", "market", *command, "--loglevel=WARNING"], env, timeout=60)

        assert process.returncode != 0
        assert "Refusing to start: catalog.E001" in process.stdout + process.stderr

    def test_a_production_start_without_demo_accounts_goes_ahead(self):
        User.objects.create_user(email="petugas@disperindag.example.id", password="a-real-strong-password-2026")

        result = run(["-c", "import market.wsgi; " + SHOW], clean_env(PROD_ENV, DATABASE_URL=database_url()))

        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == "market.settings.production False True True False"
