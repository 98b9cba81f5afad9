"""Playwright driving Debian's Chromium (Playwright's own browser download cannot run here)."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import ARTIFACTS, require

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]


# Every page of every journey reports what the Content-Security-Policy blocked (an inline script, a handler,
# an origin it does not allow): the page's own event, and Chromium's "Refused to ..." console messages.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline code") +
                " in " + event.sourceFile + ":" + event.lineNumber);
}, true);
"""
CSP_MESSAGES = ("CSP violation", "Refused to", "Content Security Policy")
csp_violations: list[str] = []


def _record_csp_violation(message) -> None:
    if any(marker in message.text for marker in CSP_MESSAGES):
        csp_violations.append(f"{message.page.url if message.page else '?'}: {message.text}")


@pytest.fixture(scope="session")
def browser():
    require(shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        new_context = browser.new_context

        def new_context_watching_csp(*args, **kwargs):
            context = new_context(*args, **kwargs)
            context.add_init_script(CSP_LISTENER)
            context.on("console", _record_csp_violation)
            return context

        browser.new_context = new_context_watching_csp  # every journey's contexts, however it makes them
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _no_csp_violations():
    """Fail a journey during which the browser blocked anything under the Content-Security-Policy."""
    csp_violations.clear()
    yield
    found, csp_violations[:] = list(csp_violations), []
    assert found == [], "Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test, phone-sized; a screenshot is kept when the test fails."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID",
                                  timezone_id="Asia/Jakarta")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
