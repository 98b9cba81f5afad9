"""The programme cockpit and the public results on a 360 px phone: every chart draws its bars,
nothing scrolls sideways, each chart's table opens with one tap."""
import re

import pytest

from programme.services import programme_facts_refresh
from tests.conftest import ARTIFACTS
from tests.factories import PASSWORD
from tests.programme.conftest import more, world  # noqa: F401  (the programme fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COCKPIT_CHARTS = ("funnel", "stage_durations", "readiness_gaps", "sales_month", "sales_district", "sales_village",
                  "sales_commodity", "sales_channel", "placements_month", "placements_district", "placements_village",
                  "showcase_outcomes", "showcases", "investment_status", "investment_month", "investment_district")


def _phone(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-GB", timezone_id="Asia/Jakarta")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    context.set_default_timeout(15_000)
    return context.new_page()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_cockpit_and_results_charts_render_on_a_phone(browser, live_server, world, more):  # noqa: F811
    # given: the programme's sales counted, with shelves, a showcase and investment
    programme_facts_refresh()
    ARTIFACTS.mkdir(exist_ok=True)
    page = _phone(browser, live_server)
    # when: the officer signs in with the second factor and opens the cockpit
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(world.officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label(re.compile("Code|Authenticator code", re.I)).fill(world.totp_code())
    page.get_by_role("button", name=re.compile("Sign in|Confirm|Verify", re.I)).click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    page.goto(f"{live_server.url}/dashboard/officer/cockpit/")
    # then: every chart has bars with a width, inside the screen
    for name in COCKPIT_CHARTS:
        chart = page.locator(f"#{name}-chart")
        assert chart.is_visible(), name
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, name
        widths = [float(w) for w in chart.locator("rect").evaluate_all("rs => rs.map(r => r.getAttribute('width'))")]
        assert widths and max(widths) > 0, name
    _no_sideways_scroll(page)
    # and: a chart's table is one tap away
    figure = page.locator('figure[data-table="sales_district"]')
    figure.locator("summary").click()
    assert figure.locator("table").is_visible()
    assert figure.locator("tbody tr").count() == 2
    page.screenshot(path=str(ARTIFACTS / "cockpit-phone.png"), full_page=True)

    # when: a visitor opens the public results
    visitor = _phone(browser, live_server)
    visitor.goto(f"{live_server.url}/results/")
    for name in ("stages-chart", "revenue-chart"):
        widths = [float(w) for w in visitor.locator(f"#{name} rect").evaluate_all(
            "rs => rs.map(r => r.getAttribute('width'))")]
        assert max(widths) > 0, name
    for name in ("shelf_products", "showcases_held", "committed"):
        assert visitor.locator(f'[data-figure="{name}"]').is_visible(), name
    _no_sideways_scroll(visitor)
    visitor.screenshot(path=str(ARTIFACTS / "results-phone.png"), full_page=True)
