"""Bahasa Indonesia by default, English on request, and a complete, compiled Indonesian catalogue."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ["market", "catalog", "orders", "payments", "buyers", "investors", "search", "frontend", "placements", "programme", "showcases"]


@pytest.mark.django_db
def test_pages_are_indonesian_by_default_and_switch_to_english(client):
    html = client.get("/").content.decode()
    assert '<html lang="id">' in html
    assert "Langsung ke isi" in html and ">Masuk<" in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"

    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html and ">Sign in<" in html

    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert '<html lang="id">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_form_errors_follow_the_language(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.post("/accounts/signup/", {"role": "buyer"}).content.decode()
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    indonesian = client.post("/accounts/signup/", {"role": "buyer"}).content.decode()

    assert "Producers and retail buyers must name their business or organisation." in english
    assert "Produsen dan pembeli ritel wajib mengisi nama usaha atau organisasinya." in indonesian
    assert "Produsen dan pembeli ritel wajib" not in english


def test_every_indonesian_string_is_translated_and_compiled():
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))

    assert [e.msgid for e in po if not e.translated()] == []
    assert [e.msgid for e in po if "fuzzy" in e.flags] == []
    compiled = {e.msgid: e.msgstr for e in mo}
    assert {e.msgid: e.msgstr for e in po if not e.obsolete} == {k: v for k, v in compiled.items() if k}


def test_catalogue_covers_every_string_in_the_code(tmp_path):
    """Re-extract messages from a copy of the sources: nothing new may be missing from django.po."""
    require(shutil.which("xgettext") is not None, "gettext (xgettext) is not installed")
    for name in SOURCE_DIRS + ["locale"]:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "market.settings.test", "PYTHONPATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "id", "--no-obsolete"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr

    extracted = {e.msgid for e in polib.pofile(str(tmp_path / "locale/id/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(PO))}
    assert sorted(extracted - committed) == [], "run `make messages` and translate the new strings"
