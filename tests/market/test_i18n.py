"""Bahasa Indonesia by default, English on request, a complete, compiled Indonesian catalogue, and no string
that escapes it: literals in templates and Python, and third-party apps' strings on our pages (issue 17)."""
import ast
import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ["market", "catalog", "orders", "payments", "buyers", "investors", "search", "frontend", "placements", "programme", "showcases", "reviews"]


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


# --- Strings that never reach the catalogue: literals in templates and Python, and third-party pages --------------

# Words that are the same in both languages: names, formats and units. A literal made only of these passes.
SAME_IN_BOTH = ("Kampung Industri", "Disperindag", "Kabupaten", "Jember", "Bahasa Indonesia", "English", "WhatsApp",
                "CSV", "XLSX", "PDF", "WIB", "Rp", "Email", "Menu", "TOTP", "Investor")
EMAIL = re.compile(r"\S+@\S+")  # people's addresses on their own pages
# Templates written in both languages on purpose: the server error page renders without our middleware.
BILINGUAL_TEMPLATES = {"500.html"}
# Python literals that are not shown to anyone: (path, the literal).
NOT_SHOWN = {
    # an internal flag's help text, read in the admin by developers (a translation needs a migration)
    ("payments/models.py", "Checkout marked paid and the money allocated."),
}


class _VisibleText(HTMLParser):
    """Collect the text people see or hear: text nodes and labelling attributes, not scripts, styles or code."""

    ATTRIBUTES = {"placeholder", "aria-label", "title", "alt", "aria-description"}
    HIDDEN = {"script", "style", "code", "pre", "kbd", "samp", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        values = dict(attrs)
        self.texts += [value for name, value in attrs if name in self.ATTRIBUTES and value]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden:
            self.texts.append(data)


def _words(texts) -> list[str]:
    """Return the texts that still have a word once the names and formats of SAME_IN_BOTH are taken out."""
    found = []
    for text in texts:
        text = " ".join(text.split())
        rest = EMAIL.sub(" ", text)
        for name in SAME_IN_BOTH:
            rest = rest.replace(name, " ")
        if re.search(r"[A-Za-z]{2,}", rest):
            found.append(text)
    return found


TEMPLATE_TAGS = re.compile(r"{%.*?%}", re.S)  # gone: inside an HTML tag they wrap attributes
TEMPLATE_VARIABLES = re.compile(r"{{.*?}}", re.S)  # a break: the text either side is not one sentence
TEMPLATE_COMMENTS = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
BLOCKTRANSLATE = re.compile(r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)


def template_literals(source: str) -> list[str]:
    """Return the visible text of a template that is not inside {% translate %} or {% blocktranslate %}."""
    source = BLOCKTRANSLATE.sub(" ", TEMPLATE_COMMENTS.sub(" ", source))
    parser = _VisibleText()
    parser.feed(TEMPLATE_VARIABLES.sub("\x00", TEMPLATE_TAGS.sub(" ", source)))
    return _words(part for text in parser.texts for part in text.split("\x00"))


def test_template_literals_are_found():
    source = ('<p title="Open it">{% translate "Shown" %} Plain words {{ value }}</p><code>raw_name</code>'
              '{% blocktranslate %}Also {{ x }} shown{% endblocktranslate %}<span>Kampung Industri · Jember</span>')

    assert template_literals(source) == ["Open it", "Plain words"]


def test_no_template_shows_an_untranslated_literal():
    found = []
    for path in sorted((ROOT / "frontend" / "templates").rglob("*.html")):
        if path.name in BILINGUAL_TEMPLATES:
            continue
        found += [f"{path.relative_to(ROOT)}: {text!r}" for text in template_literals(path.read_text())]

    assert found == [], "wrap these in {% translate %} (or add a name to SAME_IN_BOTH):\n" + "\n".join(found)


# Python calls whose string argument people read: form and model labels, help texts, messages, validation errors.
SHOWN_CALLS = {"ValidationError", "PermissionDenied"}
MESSAGE_CALLS = {"debug", "info", "success", "warning", "error", "add_message"}  # on ``messages`` only
SHOWN_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label", "message",
                  "default_message"}


def python_literals(source: str) -> list[tuple[int, str]]:
    """Return (line, text) of plain string literals passed where people read them, not wrapped in gettext."""
    def shown(node) -> bool:
        return (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and bool(re.search(r"[A-Za-z]{3,}", node.value)))

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            receiver = getattr(getattr(node.func, "value", None), "id", "")
            if name in SHOWN_CALLS or (name in MESSAGE_CALLS and receiver == "messages"):
                found += [(node.lineno, arg.value) for arg in node.args if shown(arg)]
            if name != "filterwarnings":  # its ``message`` is a pattern matched against warnings
                found += [(node.lineno, kw.value.value) for kw in node.keywords if kw.arg in SHOWN_KEYWORDS
                          and shown(kw.value)]
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
              and node.targets[0].id in SHOWN_KEYWORDS and shown(node.value)):
            found.append((node.lineno, node.value.value))
    return found


def test_python_literals_are_found():
    source = ('messages.success(request, "Saved.")\nlogger.warning("Not for people")\n'
              'name = forms.CharField(label=_("Name"), help_text="Plain help")\nraise ValidationError(_("Fine"))\n')

    assert python_literals(source) == [(1, "Saved."), (3, "Plain help")]


def test_no_python_string_shown_to_people_is_untranslated():
    """Labels, help texts, messages and errors go through gettext. API serializers (their help texts document the
    API in English), demo content (Indonesian by design), app configurations (``label`` is the app's name in the
    code) and migrations are left out."""
    found = []
    for name in SOURCE_DIRS:
        for path in sorted((ROOT / name).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or path.name in ("api.py", "schema.py", "demo.py", "apps.py") or "api" in path.parts:
                continue
            found += [f"{relative}:{line} {text!r}" for line, text in python_literals(path.read_text())
                      if (relative, text) not in NOT_SHOWN]

    assert found == [], "wrap these in gettext / gettext_lazy:\n" + "\n".join(found)


def _page_texts(client, path: str, data: dict | None = None) -> set[str]:
    response = client.post(path, data) if data is not None else client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    parser = _VisibleText()
    parser.feed(response.content.decode())
    return set(_words(parser.texts))


def _signed_in(user, *, language: str, officer: bool = False):
    from django.test import Client

    from tests.fixtures import force_login_mfa

    client = Client()
    client.cookies["ki_language"] = language
    if officer:
        force_login_mfa(client, user)
    else:
        client.force_login(user)
        session = client.session
        session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "email": user.email}]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
    session = client.session  # a recent sign-in: allauth's pages that ask to reauthenticate are served
    session["account_authentication_methods"] = [{**record, "reauthenticated": True}
                                                 for record in session["account_authentication_methods"]]
    session.save()
    return client


@pytest.mark.django_db
def test_allauth_and_django_strings_on_our_pages_are_indonesian(totp_for):
    """Third-party strings (allauth's pages and messages, Django's form and password validation errors) render
    translated: a text that reads the same in Indonesian and English (names apart) is an untranslated one."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from django.test import Client

    from tests.factories import PASSWORD, OfficerFactory, UserFactory

    consumer = UserFactory()
    officer = OfficerFactory()
    totp_for(officer)
    RecoveryCodes.activate(officer)
    anonymous_pages = [
        ("/accounts/login/", None), ("/accounts/signup/", None), ("/accounts/password/reset/", None),
        ("/accounts/password/reset/done/", None),
        ("/accounts/login/", {"login": consumer.email, "password": "wrong-password"}), ("/accounts/login/", {}),
        ("/accounts/signup/", {"email": "baru@example.id", "password1": "abc", "password2": "abd", "role": "consumer"}),
        ("/accounts/password/reset/", {"email": "not an address"}),
    ]
    consumer_pages = [
        ("/accounts/password/change/", None), ("/accounts/email/", None), ("/accounts/2fa/", None),
        ("/accounts/2fa/totp/activate/", None), ("/accounts/logout/", None),
        ("/accounts/password/change/", {"oldpassword": "wrong", "password1": "123", "password2": "1234"}),
        ("/accounts/2fa/totp/activate/", {"code": "000000"}),
    ]
    officer_pages = [("/accounts/2fa/", None), ("/accounts/2fa/recovery-codes/", None)]
    untranslated = {}
    for language_pages, make in ((anonymous_pages, lambda lang: Client()),
                                 (consumer_pages, lambda lang: _signed_in(consumer, language=lang)),
                                 (officer_pages, lambda lang: _signed_in(officer, language=lang, officer=True))):
        for path, data in language_pages:
            texts = {}
            for language in ("id", "en"):
                client = make(language)
                client.cookies["ki_language"] = language
                texts[language] = _page_texts(client, path, data)
            same = sorted(texts["id"] & texts["en"])
            if same:
                untranslated[f"{path}{' (POST)' if data else ''}"] = same
    # the officer's second step of signing in: the code page
    texts = {}
    for language in ("id", "en"):
        client = Client()
        client.cookies["ki_language"] = language
        response = client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
        texts[language] = _page_texts(client, "/accounts/2fa/authenticate/")
    if texts["id"] & texts["en"]:
        untranslated["/accounts/2fa/authenticate/"] = sorted(texts["id"] & texts["en"])

    assert untranslated == {}
