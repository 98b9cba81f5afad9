"""The SQL of the main list pages and endpoints keeps the rule of ``sql_rules`` (no deep OFFSET, no unbounded
count of products or orders), checked at a small scale on the statements themselves."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Checkout, Order
from orders.selectors import shopper_get
from orders.services import cart_line_set
from tests.factories import OfficerFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import consumer, on_sale, owner_of, place, verified_producer
from tests.performance.sql_rules import MAX_OFFSET, violations

pytestmark = pytest.mark.django_db


def _statements(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in captured]


def test_the_rule_catches_deep_offsets_and_unbounded_counts():
    assert violations(['SELECT 1 FROM "catalog_product" LIMIT 20 OFFSET 40']) == []
    assert len(violations([f'SELECT 1 FROM "catalog_product" LIMIT 20 OFFSET {MAX_OFFSET + 20}'])) == 1
    assert len(violations(['SELECT COUNT(*) AS "__count" FROM "orders_order"'])) == 1
    assert len(violations(['SELECT COUNT(*) FROM "catalog_product" INNER JOIN "catalog_producer" ON 1=1 '
                           'WHERE "catalog_product"."listed"'])) == 1
    assert violations(['SELECT COUNT(*) FROM (SELECT 1 FROM "catalog_product" LIMIT 1001) subquery']) == []
    assert violations(['SELECT COUNT(*) AS "__count" FROM "orders_order" WHERE "orders_order"."producer_id" = 7']) == []
    assert violations(['SELECT COUNT(*) FROM "regions_village"']) == []  # not one of the large tables


@pytest.fixture
def marketplace():
    """Two producers' products on sale and a consumer with orders of them; an officer with a second factor."""
    producer = verified_producer()
    products = [on_sale(producer=producer, name=f"Kopi {n:02d}") for n in range(6)]
    user, address = consumer()
    shopper = shopper_get(user=user)
    for product in products[:3]:
        cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
        place(shopper, destination=address)
    Checkout.objects.update(status="on_terms", reservation_expires_at=None)
    Order.objects.update(status="placed")
    return {"producer": producer, "products": products, "buyer": user, "owner": owner_of(producer)}


PUBLIC = ["/products/", "/products/?page=2", "/villages/", "/search/?q=kopi", "/api/v1/products/",
          "/api/v1/products/?page_size=2&page=2", "/api/v1/products/?after=", "/api/v1/villages/",
          "/api/v1/producers/", "/api/v1/search/products?q=kopi"]


def test_public_lists_keep_the_rule(client, marketplace):
    statements = [sql for url in PUBLIC for sql in _statements(client, url)]

    assert violations(statements) == []
    assert any('"catalog_product"' in sql for sql in statements)


def test_the_order_lists_keep_the_rule(client, marketplace, totp_for):
    client.force_login(marketplace["buyer"])
    statements = _statements(client, "/orders/") + _statements(client, "/api/v1/orders/")
    client.force_login(marketplace["owner"])
    statements += _statements(client, "/dashboard/producer/orders/")
    officer = OfficerFactory()
    totp_for(officer)
    force_login_mfa(client, officer)
    officers = _statements(client, "/dashboard/officer/orders/") + _statements(client, "/api/v1/orders/?view=officer")

    assert violations(statements + officers) == []
    assert sum('"orders_order"' in sql and "COUNT(*)" in sql for sql in officers) == 2  # both capped
