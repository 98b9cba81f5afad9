"""First load of the home, search and product pages (issue 17's quality bars): at most 200 kB and 15 requests.

Measured in Chromium on a cold context (empty cache, no service worker yet), at 360 px, until the network is idle:
every request the page makes (the document, stylesheets, scripts, images, icons, the manifest, htmx's requests),
and the size of each response's body as it would be sent compressed, the definition of ``bench/http/run.py``'s
"gzip" column: text (HTML, CSS, JavaScript, SVG, JSON, the manifest) gzipped at the default level, as WhiteNoise's
precompressed static files and a compressing proxy send it; images as they are. The figures are printed and kept in
``test-artifacts/page-weight.txt``; the test server itself sends them uncompressed.
"""
from __future__ import annotations

import gzip

import pytest

from catalog.selectors.public import product_slug
from search.backends import backend_reset
from search.backends.database import Database
from tests.browser.axe import artefact_folder
from tests.orders.factories import on_sale, verified_producer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_BYTES = 200 * 1024
MAX_REQUESTS = 15
TEXT = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg+xml",
        "application/xml")


def _sent_size(body: bytes, content_type: str) -> int:
    return len(gzip.compress(body)) if content_type.startswith(TEXT) else len(body)


def _first_load(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID", timezone_id="Asia/Jakarta")
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    rows = []
    for response in responses:
        try:
            body = response.body()
        except Exception:  # a redirect has no body to read
            body = b""
        content_type = response.headers.get("content-type", "")
        rows.append((response.url, response.status, len(body), _sent_size(body, content_type)))
    context.close()
    return {"requests": len(rows), "bytes": sum(r[2] for r in rows), "sent": sum(r[3] for r in rows), "rows": rows}


@pytest.fixture
def catalogue(transactional_db):
    """Twelve coffees on sale from three producers, in the search index: a full first page of products."""
    backend_reset()
    products = [on_sale(producer=producer, name=f"Kopi Robusta Sidomulyo {n} 250 g", retail_price=30000 + n)
                for producer in (verified_producer(name=f"UD Kopi {i}") for i in range(3)) for n in range(4)]
    Database().rebuild()
    yield products
    backend_reset()


def test_home_search_and_product_pages_load_within_200_kb_and_15_requests(browser, live_server, catalogue):
    product = catalogue[0]
    pages = {"home": "/", "search": "/search/?q=kopi",
             "product": f"/products/{product.pk}/{product_slug(product.approved_snapshot['name'])}/"}

    figures = {name: _first_load(browser, live_server.url + path) for name, path in pages.items()}

    report = []
    for name, figure in figures.items():
        report.append(f"{name}: {figure['requests']} requests, {figure['sent']:,} bytes compressed "
                      f"({figure['bytes']:,} uncompressed)")
        report += [f"  {status} {size:>8,} {sent:>8,} {url.replace(live_server.url, '')}"
                   for url, status, size, sent in figure["rows"]]
    (artefact_folder("page-weight") / "page-weight.txt").write_text("\n".join(report) + "\n")
    print("\n".join(report))
    assert {name: f["requests"] <= MAX_REQUESTS and f["sent"] <= MAX_BYTES for name, f in figures.items()} == {
        "home": True, "search": True, "product": True}, "\n".join(report)
