"""Settings load in every mode; production refuses to start without its secrets and passes check --deploy."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "SECRET_KEY": "x7!q2Lr9@kV#tP4zW8mN1sB6yH3cF0jD5gA-eR7uI9oK2lZ4vX",
    "ALLOWED_HOSTS": "kampung-industri.example.id",
    "DATABASE_URL": "postgres://kampung:secret@db.internal:5432/kampung",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "SITE_URL": "https://kampung-industri.example.id",
}


def run_python(code: str, settings: str, extra_env: dict | None = None, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL",
                                                          "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_HOST",
                                                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env["DJANGO_SETTINGS_MODULE"] = settings
    env.update(extra_env or {})
    return subprocess.run([sys.executable, *args, "-c", code] if code else [sys.executable, *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1], "
    "s.DATABASES['default']['ENGINE'], s.TIME_ZONE, s.LANGUAGE_CODE, s.AUTH_USER_MODEL)"
)


@pytest.mark.parametrize(("settings", "env", "expected"), [
    ("market.settings.local", {}, "True True DatabaseCache django.db.backends.postgresql Asia/Jakarta id accounts.User"),
    ("market.settings.test", {}, "False True DatabaseCache django.db.backends.postgresql Asia/Jakarta id accounts.User"),
    ("market.settings.local", {"REDIS_URL": "redis://127.0.0.1:6379/3"},
     "True False RedisCacheWithFallback django.db.backends.postgresql Asia/Jakarta id accounts.User"),
    ("market.settings.production", PROD_ENV,
     "False False RedisCacheWithFallback django.db.backends.postgresql Asia/Jakarta id accounts.User"),
])
def test_settings_load_in_every_mode(settings, env, expected):
    result = run_python(SHOW, settings, env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize(("env", "backend"), [
    ({}, "django.core.mail.backends.console.EmailBackend"),
    ({"EMAIL_FILE_PATH": "/tmp/kampung-mail"}, "django.core.mail.backends.filebased.EmailBackend"),
    ({"EMAIL_HOST": "smtp.example.id", "EMAIL_PORT": "2525"}, "django.core.mail.backends.smtp.EmailBackend"),
])
def test_email_goes_to_the_console_a_folder_or_smtp(env, backend):
    result = run_python("import django; django.setup(); from django.conf import settings as s; print(s.EMAIL_BACKEND)",
                        "market.settings.local", env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == backend


def test_media_goes_to_s3_when_a_bucket_is_named():
    code = ("import django; django.setup(); from django.core.files.storage import storages; d = storages[\"default\"]; "
            "print(type(d).__name__, d.bucket_name, d.endpoint_url)")
    local = run_python(code.replace(", d.bucket_name, d.endpoint_url", ""), "market.settings.production", PROD_ENV)
    s3 = run_python(code, "market.settings.production", {
        **PROD_ENV, "AWS_STORAGE_BUCKET_NAME": "kampung-media", "AWS_S3_ENDPOINT_URL": "https://s3.example.id"})

    assert local.stdout.strip().splitlines()[-1] == "FileSystemStorage", local.stderr
    assert s3.stdout.strip().splitlines()[-1] == "S3Storage kampung-media https://s3.example.id", s3.stderr


def test_production_static_files_collect_with_hashed_names(tmp_path):
    result = run_python("", "market.settings.production", {**PROD_ENV, "STATIC_ROOT": str(tmp_path)},
                        "manage.py", "collectstatic", "--noinput", "-v0")

    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert '"frontend/site.css": "frontend/site.' in manifest
    assert any(tmp_path.glob("django_htmx/htmx-2.min.*.js.gz"))


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SITE_URL"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    if missing == "DATABASE_URL":
        env["DATABASE_URL"] = ""

    result = run_python(SHOW, "market.settings.production", env)

    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_check_deploy_has_zero_warnings():
    result = run_python("", "market.settings.production", PROD_ENV, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_a_non_postgres_database_url_is_refused():
    result = run_python(SHOW, "market.settings.local", {"DATABASE_URL": "sqlite:///db.sqlite3"})

    assert result.returncode != 0
    assert "DATABASE_URL must point to PostgreSQL" in result.stderr


def test_every_environment_variable_is_documented():
    """docs/configuration.md names every variable the settings read."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    source = "\n".join(path.read_text() for path in (root / "market/settings").glob("*.py"))
    read = set(re.findall(r'env_(?:str|int|bool|list|float|required)\(\s*"([A-Z0-9_]+)"', source))
    documented = set(re.findall(r"`([A-Z0-9_]+)`", (root / "docs/configuration.md").read_text()))

    assert read, "no environment variables found: the pattern is out of date"
    assert sorted(read - documented) == []
