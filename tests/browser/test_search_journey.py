"""Search in a real browser on a phone: type in the box, pick a suggestion, filter by district,
open the product."""
import re

import pytest

from search.backends import backend_reset
from search.backends.database import Database
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def indexed(transactional_db):
    from tests.search.catalogue import catalogue_build

    backend_reset()
    catalogue = catalogue_build()
    Database().rebuild()
    yield catalogue
    backend_reset()


def test_type_pick_a_suggestion_filter_by_district_open_the_product(browser, live_server, indexed):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", timezone_id="Asia/Jakarta")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    context.set_default_timeout(15_000)
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        # given: the search page, reached from the navigation
        page.goto(f"{live_server.url}/")
        page.locator("summary.menu-button").click()  # the phone header's menu (issue 17)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
        page.wait_for_url(f"{live_server.url}/search/")

        # when: the visitor types a prefix, the suggestions appear; the arrow keys choose one
        box = page.get_by_role("combobox", name="Search products")
        box.press_sequentially("kopi rob", delay=60)
        listbox = page.get_by_role("listbox", name="Suggestions")
        option = listbox.get_by_role("option", name=re.compile(r"^Kopi robusta\b"))
        option.first.wait_for()
        assert box.get_attribute("aria-expanded") == "true"
        texts = [o.get_attribute("data-value") for o in listbox.get_by_role("option").all()]
        box.press("ArrowDown")
        assert box.get_attribute("aria-activedescendant") == "suggestion-1"
        box.press("Enter")
        page.wait_for_url(re.compile(rf"/search/\?q={re.escape(texts[0].replace(' ', '+'))}$"))

        # then: results for the picked suggestion, with districts to filter by
        results = page.get_by_role("region", name="Results")
        assert results.get_by_role("link").count() >= 2
        page.screenshot(path=str(ARTIFACTS / "search-results.png"), full_page=True)

        # when: the visitor filters by the district of Silo
        page.get_by_text("Narrow the results").click()  # a closed panel on phones, above the results
        page.get_by_role("link", name=re.compile(r"^Silo \d+$")).click()
        page.wait_for_url(re.compile(r"district=35\.09\.30"))
        titles = results.get_by_role("heading", level=3).all_inner_texts()
        assert titles and set(titles) <= {"Ground robusta coffee 250 g", "Civet coffee 100 g"}
        assert page.get_by_role("link", name=re.compile(r"^District \(kecamatan\): Silo")).is_visible()

        # and opens the first product
        results.get_by_role("link", name=titles[0]).click()
        page.wait_for_url(re.compile(r"/products/\d+/[a-z0-9-]+/$"))  # the address with its slug (issue 17)
        assert page.get_by_role("heading", level=1).inner_text() == titles[0]
    finally:
        context.close()
