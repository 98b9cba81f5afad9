"""Moving through a page with the keyboard alone (Tab, Shift+Tab, arrow keys), checking the focus ring on the way."""
from __future__ import annotations

# What has the focus, and whether it shows a visible indicator: an outline of some width, or a box shadow.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const name = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || el.id || '').trim();
  return {tag: el.tagName.toLowerCase(), name: name.slice(0, 40), ring: Boolean(outline || shadow)};
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def tab_to(page, target, *, back: bool = False, limit: int = 120) -> list[dict]:
    """Press Tab (Shift+Tab when ``back``) until ``target`` (a locator) has the focus; return what was focused.

    Fails when an element takes the focus without a visible focus indicator, or ``target`` is not reached
    within ``limit`` presses.
    """
    key = "Shift+Tab" if back else "Tab"
    visited = []
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if now is None:
            continue
        visited.append(now)
        assert now["ring"], f"no visible focus indicator on <{now['tag']}> {now['name']!r} ({page.url})"
        if target.evaluate("element => element === document.activeElement"):
            return visited
    names = [f"{v['tag']} {v['name']!r}" for v in visited[-15:]]
    raise AssertionError(f"{target} not reached with {key} on {page.url}; last focused: {names}")


def arrow_to(page, target, *, limit: int = 8) -> None:
    """Press the down arrow in a radio group until ``target`` is checked (a radio group takes one Tab stop)."""
    for _ in range(limit):
        if target.is_checked():
            return
        page.keyboard.press("ArrowDown")
    assert target.is_checked(), f"{target} not checked with the arrow keys"
