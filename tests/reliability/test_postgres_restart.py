"""PostgreSQL really restarts while people browse and order: requests fail cleanly and succeed after.

A throwaway PostgreSQL cluster of this test (``initdb`` on a port of its own) gets a copy of the test
database; the web process runs as the Procfile runs it (gunicorn, threaded workers, persistent
connections with health checks) against it. Under light load (pages, the API, people placing
checkouts) the cluster is stopped with ``-m fast`` (sessions ended, open transactions rolled back:
requests in the middle of their work lose their database) and started again. Nothing answers 500:
pages answer 503 in the person's language, the API 503 in its JSON format, both with
``Retry-After``; placing retries with the same Idempotency-Key until it succeeds, and afterwards
every checkout is whole (each has its orders and lines, the stock reserved is what they hold, no
checkout twice) and the same app serves again, without a restart.
"""
from __future__ import annotations

import threading
import time
import uuid
from collections import Counter

import psycopg
import pytest
import requests

from tests.conftest import require
from tests.reliability.processes import App, OwnPostgres, database_url_of_this_test, postgres_bin, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
BUYERS = 6


@pytest.fixture
def own_postgres():
    bin_dir = postgres_bin()
    require(bin_dir is not None, "PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    server = OwnPostgres(bin_dir)
    try:
        server.create()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def shop(tmp_path):
    """Buyers with a cart each and an API token, in the test database: [(token, body to place)]."""
    from market.accounts.services import api_token_create
    from orders.services import cart_line_set
    from tests.orders.factories import consumer_shopper, on_sale, verified_producer

    producer = verified_producer()
    products = [on_sale(producer=producer, stock=100, retail_price=20000) for _ in range(2)]
    people = []
    for n in range(BUYERS):
        shopper, address = consumer_shopper()
        for product in products:
            cart_line_set(shopper=shopper, product_id=product.pk, quantity=n + 1)
        people.append((api_token_create(user=shopper.user).key, {
            "address_id": address.pk, "delivery": {str(producer.pk): "pickup"}, "payment_method": "bank_transfer",
            "expected_total": 2 * 20000 * (n + 1)}))
    return people


def test_a_restart_under_load_fails_cleanly_and_the_same_app_serves_after(own_postgres, shop, tmp_path, fault, settings):
    # given: the web process on the throwaway cluster, holding its connections between requests
    own_postgres.copy_from(database_url_of_this_test())
    app = App(database_url=own_postgres.url, log=tmp_path / "web.log",
              env={"SECRET_KEY": settings.SECRET_KEY,  # API tokens are hashed with it
                   "DATABASE_CONN_MAX_AGE": "60", "API_THROTTLE_ANON": "100000/minute",
                   "API_THROTTLE_USER": "100000/minute"}).start()
    answers: list[tuple[str, int, str, str]] = []  # (what, status, Retry-After, body's start)
    stop = threading.Event()

    def browse(what: str, path: str, headers: dict) -> None:
        with requests.Session() as session:
            while not stop.is_set():
                response = session.get(app.base + path, headers=headers, timeout=30)
                answers.append((what, response.status_code, response.headers.get("Retry-After", ""),
                                response.text[:20000]))
                time.sleep(0.02)

    placed: dict[str, list[int]] = {}

    def buy(token: str, body: dict, delay: float) -> None:
        key = uuid.uuid4().hex
        time.sleep(delay)
        statuses = placed.setdefault(key, [])
        while (not statuses or statuses[-1] == 503) and len(statuses) < 200:
            response = requests.post(f"{app.base}/api/v1/checkout/", json=body, timeout=30,
                                     headers={"Authorization": f"Token {token}", "Idempotency-Key": key})
            statuses.append(response.status_code)
            answers.append(("checkout", response.status_code, response.headers.get("Retry-After", ""),
                            response.text[:2000]))
            if response.status_code == 503:
                time.sleep(0.2)  # a client honouring Retry-After would wait longer; the test is in a hurry

    threads = [threading.Thread(target=browse, args=("page", "/products/", {"Cookie": "ki_language=id"})),
               threading.Thread(target=browse, args=("api", "/api/v1/products/", {
                   "Authorization": f"Token {shop[0][0]}", "Accept-Language": "en"}))]
    # people start placing from the moment the server stops, one every 0.1 s (some before it is down)
    buyers = [threading.Thread(target=buy, args=(token, body, 0.1 * n)) for n, (token, body) in enumerate(shop)]
    threads += buyers
    try:
        for thread in threads[:2]:
            thread.start()
        wait_for(lambda: len(answers) > 20, message="no load", log=app.log)

        # when: PostgreSQL stops in the middle of it all, stays down a moment, and starts again
        for thread in buyers:
            thread.start()
        own_postgres.stop()
        fault("PostgreSQL restarted under load", "pg_ctl stop -m fast / start")
        time.sleep(1.5)
        own_postgres.start()
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        app_alive = app.process is not None and app.process.poll() is None
        app.stop()

    # then: nothing but 200 / 201 / 503, and the outage was really seen
    statuses = Counter((what, status) for what, status, _, _ in answers)
    assert {status for _, status in statuses} <= {200, 201, 503}, (statuses, app.log.read_text()[-5000:])
    unavailable = [(what, retry, body) for what, status, retry, body in answers if status == 503]
    assert {what for what, _, _ in unavailable} >= {"page", "api"}, statuses
    for what, retry, body in unavailable:
        assert retry == "30"
        if what == "page":
            assert "Marketplace sedang tidak tersedia sebentar" in body
        else:
            assert '"code":"service_unavailable"' in body.replace(" ", "")
    # the same processes served again after the restart
    assert app_alive
    assert [status for what, status, _, _ in answers if what == "page"][-1] == 200
    assert [status for what, status, _, _ in answers if what == "api"][-1] == 200
    # every buyer placed exactly one whole checkout
    assert len(placed) == BUYERS and {s[-1] for s in placed.values()} <= {200, 201}, placed
    assert any(503 in s for s in placed.values()), placed  # someone's placement met the outage and was retried
    with psycopg.connect(own_postgres.url) as db:
        checkouts = db.execute("SELECT count(*), count(DISTINCT idempotency_key) FROM orders_checkout").fetchone()
        assert checkouts == (BUYERS, BUYERS)
        assert db.execute("""SELECT count(*) FROM orders_checkout c WHERE NOT EXISTS (
                                 SELECT 1 FROM orders_order o JOIN orders_orderline l ON l.order_id = o.id
                                 WHERE o.checkout_id = c.id)""").fetchone() == (0,)
        held = dict(db.execute("SELECT product_id, sum(quantity) FROM orders_orderline GROUP BY product_id").fetchall())
        reserved = dict(db.execute("SELECT product_id, reserved FROM catalog_productstock WHERE reserved > 0").fetchall())
        assert reserved == held == {pk: sum(range(1, BUYERS + 1)) for pk in held}
        assert db.execute("SELECT count(*) FROM orders_cartline").fetchone() == (0,)
