"""Moving through a page with the keyboard alone (Tab, Shift+Tab, arrow keys), checking the focus ring on the way."""
from __future__ import annotations

# What has the focus, and whether it shows a visible indicator: an outline of some width or a box shadow on it, or an
# outline on an ancestor drawn by :focus-within (a card whose whole area is the link).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  // or its card draws the ring (:focus-within), for a link stretched over a product or village card
  let card = false;
  for (let up = el.parentElement; up && up !== document.body && !card; up = up.parentElement) {
    const around = getComputedStyle(up);
    card = up.matches(':focus-within') && around.outlineStyle !== 'none' && parseFloat(around.outlineWidth) > 0;
  }
  const name = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || el.id || '').trim();
  return {tag: el.tagName.toLowerCase(), name: name.slice(0, 40), ring: Boolean(outline || shadow || card)};
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
    """With the focus in a radio group (one Tab stop), press the down arrow until ``target`` has the focus, then
    Space if it is not checked yet (a group with nothing checked takes the focus on its first radio, unchecked)."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("ArrowDown")
    if not target.is_checked():
        page.keyboard.press("Space")
    assert target.is_checked(), f"{target} not checked with the arrow keys"
