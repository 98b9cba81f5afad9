"""No template of the project holds code the Content-Security-Policy would block (market/core/security_headers.py).

The policy allows scripts and styles from our own files only. A template with an inline ``<script>``, an
``onclick=``, an htmx ``hx-on``/``js:`` value (evaluated with ``eval``), a ``javascript:`` URL or a ``style``
attribute would break silently in the browser, so the templates are scanned here: every template folder of
the project (not of the packages in the virtualenv), whichever app adds one.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

# Scripts the browser does not execute: data for our scripts ({{ value|json_script:"id" }}).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "hx-get", "hx-post"}
HTMX_EVAL_VALUES = {"hx-vals", "hx-headers", "hx-request", "data-hx-vals", "data-hx-headers"}
HANDLER = re.compile(r"^on[a-z]+$")
HTMX_ON = re.compile(r"^(data-)?hx-on\b|^(data-)?hx-vars$")


class InlineCodeFinder(HTMLParser):
    """Collect what a strict Content-Security-Policy (no 'unsafe-inline', no 'unsafe-eval') would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        where = f"line {self.getpos()[0]} <{tag}>"
        values = {name: (value or "") for name, value in attrs}
        if tag == "script" and "src" not in values and values.get("type", "").strip().lower() not in DATA_SCRIPT_TYPES:
            self.problems.append(f"{where}: inline script")
        if tag == "style":
            self.problems.append(f"{where}: inline <style>")
        for name, value in values.items():
            text = value.strip().lower()
            if HANDLER.match(name):
                self.problems.append(f"{where}: event handler {name}=")
            elif HTMX_ON.match(name):
                self.problems.append(f"{where}: htmx {name} (evaluated with eval)")
            elif name == "style":
                self.problems.append(f"{where}: style attribute")
            elif name in URL_ATTRIBUTES and text.replace(" ", "").startswith(("javascript:", "vbscript:")):
                self.problems.append(f"{where}: {name}=javascript: URL")
            elif name in HTMX_EVAL_VALUES and text.startswith(("js:", "javascript:")):
                self.problems.append(f"{where}: {name}=js: (evaluated with eval)")

    handle_startendtag = handle_starttag


TEMPLATE_COMMENT = re.compile(r"{#.*?#}|{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.DOTALL)


def inline_code(html: str) -> list[str]:
    """Return what in ``html`` a strict Content-Security-Policy would block (empty when nothing)."""
    finder = InlineCodeFinder()
    # Template comments never reach the browser; blank them out, keeping the line numbers.
    finder.feed(TEMPLATE_COMMENT.sub(lambda match: "\n" * match.group().count("\n"), html))
    finder.close()
    return finder.problems


def project_templates() -> list[Path]:
    """Return every template file of the project's template folders (apps' and TEMPLATES DIRS)."""
    root = Path(settings.BASE_DIR).resolve()
    venv = root / ".venv"
    folders = {Path(folder).resolve() for folder in engines["django"].template_dirs}
    ours = sorted(folder for folder in folders if folder.is_relative_to(root) and not folder.is_relative_to(venv))
    return sorted(path for folder in ours for path in folder.rglob("*") if path.is_file()
                  and path.suffix in {".html", ".htm", ".txt", ".xml", ".svg"})


TEMPLATES = project_templates()


def test_the_scan_covers_the_pages_layouts_and_allauth_overrides():
    names = {path.relative_to(Path(settings.BASE_DIR).resolve()).as_posix() for path in TEMPLATES}

    assert {"frontend/templates/base.html", "frontend/templates/500.html",
            "frontend/templates/allauth/layouts/base.html", "frontend/templates/frontend/orders/checkout.html",
            "frontend/templates/frontend/officer/survey_form.html",
            "frontend/templates/frontend/payments/pay.html"} <= names
    assert not any(name.startswith(".venv/") for name in names)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.relative_to(Path(settings.BASE_DIR)).as_posix())
def test_no_template_holds_inline_scripts_handlers_or_styles(path):
    assert inline_code(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("html", "problem"), [
    ("<script>alert(1)</script>", "line 1 <script>: inline script"),
    ("{# a comment #}\n{% comment %}\n<p>{% endcomment %}<script>go()</script>", "line 3 <script>: inline script"),
    ('<script type="module">go()</script>', "line 1 <script>: inline script"),
    ("<style>p { color: red }</style>", "line 1 <style>: inline <style>"),
    ('<button type="button" onclick="window.print()">', "line 1 <button>: event handler onclick="),
    ("<form onsubmit=\"return confirm('?')\">", "line 1 <form>: event handler onsubmit="),
    ('<a href=" JavaScript:go()">', "line 1 <a>: href=javascript: URL"),
    ('<div hx-on:click="go()">', "line 1 <div>: htmx hx-on:click (evaluated with eval)"),
    ('<div hx-on::after-request="go()">', "line 1 <div>: htmx hx-on::after-request (evaluated with eval)"),
    ("<div hx-vals='js:{a: go()}'>", "line 1 <div>: hx-vals=js: (evaluated with eval)"),
    ('<p style="color: red">', "line 1 <p>: style attribute"),
    ('<img src="x.png" onerror="go()"/>', "line 1 <img>: event handler onerror="),
])
def test_the_scan_finds_what_the_policy_blocks(html, problem):
    assert inline_code(html) == [problem]


def test_the_scan_lets_external_scripts_json_data_and_htmx_json_through():
    html = ('{% load static %}<script src="{% static \'frontend/js/site.js\' %}" defer></script>'
            '<script id="data" type="application/json">{"a": 1}</script>'
            '<form data-confirm="Remove?" hx-post="/x" hx-vals=\'{"a": 1}\' class="online">'
            '<body hx-headers=\'{"X-CSRFToken": "{{ csrf_token }}"}\'>')

    assert inline_code(html) == []
