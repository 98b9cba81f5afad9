"""Accessibility checks for the browser tests (issue 17's quality bars).

axe-core comes from npm (``package.json`` at the repository root, installed into ``node_modules/`` by
``make install-dev``) and is injected into the page under test from the file, so the pages never load it
themselves. Not with ``page.add_script_tag``: that adds an inline script, which the site's Content-Security-Policy
refuses (and the browser tests fail on any CSP violation); the file is run through DevTools instead
(``page.evaluate``), outside the page's policy, as an extension would.
"""
from __future__ import annotations

import functools
from pathlib import Path

from tests.conftest import ROOT, require

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")  # the impacts that fail a page; "minor" and "moderate" are reported only
# WCAG 2.1/2.2 A and AA, and axe's best practices (landmarks, one main, heading order...).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# No sideways scroll: the document is no wider than the window.
NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"

# Tap targets (WCAG 2.5.5 "Target size (enhanced)", 44 × 44 CSS px, with 2.5.8's spacing exception):
# every visible link, button, summary, select, text input, checkbox and radio of the page's header, navigation,
# forms and footer is at least 44 px high and 44 px wide, or its 44 px circle centred on the target meets no other
# target ("spacing"). Excepted, as WCAG excepts them: links inside a sentence (a link whose parent block has
# more text than the link, in a <p>, <li> of text, table cell or <dd>), hidden inputs, and what the browser
# draws itself. A checkbox or radio counts as its <label>'s box (a tap on the label checks it).
TAP_TARGETS = r"""
() => {
  const MIN = 44;
  const selector = 'a[href], button, summary, select, textarea, input:not([type=hidden]), [role=button], [tabindex="0"]';
  const scope = 'header, nav, form, footer, .site-header, .site-footer, [role=search]';
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== 'hidden' && style.display !== 'none' && box.width > 0 && box.height > 0;
  };
  const inSentence = (el) => {
    if (el.tagName !== 'A') return false;
    const block = el.closest('p, li, td, th, dd, figcaption, small, label, legend');
    if (!block) return false;
    const text = block.textContent.replace(/\s+/g, ' ').trim();
    const own = el.textContent.replace(/\s+/g, ' ').trim();
    return text.length > own.length + 2;
  };
  const box = (el) => {
    const label = (el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels[0];
    return (label || el).getBoundingClientRect();
  };
  const targets = [...document.querySelectorAll(selector)].filter(
    (el) => el.closest(scope) && visible(el) && !inSentence(el) && !el.closest('[aria-hidden=true]'));
  const rects = targets.map(box);
  const small = [];
  targets.forEach((el, i) => {
    const r = rects[i];
    if (r.width >= MIN - 0.5 && r.height >= MIN - 0.5) return;
    // 2.5.8's spacing: a circle of 44 px diameter centred on the target intersects no other target.
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const clash = rects.some((o, j) => {
      if (j === i || targets[j].contains(el) || el.contains(targets[j])) return false;
      const nx = Math.max(o.left, Math.min(cx, o.right)), ny = Math.max(o.top, Math.min(cy, o.bottom));
      return Math.hypot(nx - cx, ny - cy) < MIN / 2;
    });
    if (clash) {
      const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.id || '').trim().slice(0, 40);
      small.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  });
  return small;
}
"""


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()


def axe_violations(page, *, impacts=BLOCKING) -> list[str]:
    """Run axe-core on ``page`` and return its violations of the given impacts, one readable line each.

    Fails the test under CI=true when axe-core is not installed (``make install-dev`` runs ``npm ci``), and
    skips it elsewhere.
    """
    require(AXE.exists(), f"axe-core is not installed at {AXE.relative_to(ROOT)}: run `make install-dev` (needs npm)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate("() => {\n" + _axe_source() + "\n}")
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                           TAGS)
    lines = []
    for violation in result["violations"]:
        if violation["impact"] not in impacts:
            continue
        for node in violation["nodes"][:5]:
            lines.append(f"{violation['impact']} {violation['id']}: {violation['help']} at {' '.join(node['target'])}"
                         f" ({node.get('failureSummary', '').splitlines()[-1].strip() if node.get('failureSummary') else ''})")
    return lines


def small_tap_targets(page) -> list[str]:
    """Return the interactive elements of the header, navigation, forms and footer under 44 × 44 px without spacing."""
    return page.evaluate(TAP_TARGETS)


def artefact_folder(name: str) -> Path:
    """Return (and make) the folder of ``test-artifacts/`` where a test keeps its screenshots."""
    from tests.conftest import ARTIFACTS

    folder = ARTIFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


__all__ = ["AXE", "NO_SIDEWAYS", "artefact_folder", "axe_violations", "small_tap_targets"]
