"""bench/seed.py at a tiny scale: a throwaway database that the project's own rules read as intended.

The seed runs as a separate process (as people run it), over the bundled Jember regions, into
``kampung_bench_seed_pytest_<pid>``,
created from this session's migrated test database (``--template``: ``migrate`` has nothing to do);
the checks read it with plain SQL, the public catalogue's count with ``product_list_public``'s own SQL.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "bench" / "seed.py"
REGIONS = ROOT / "market" / "regions" / "data" / "jember.csv"  # the bundled regency: the country takes 10-20 s
PRODUCTS, PRODUCERS, ORDERS = 300, 40, 50
# The mark makes pytest-django create the session's test database, the template of the seeded one.
pytestmark = pytest.mark.django_db
SERVER = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0]


def _run(*args: str, media: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "market.settings.local", "MEDIA_ROOT": str(media),
           "DATABASE_URL": f"{SERVER}/postgres"}
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def _drop(name: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed a throwaway database once for the module; yield its name and the script's output."""
    with django_db_blocker.unblock():
        template = connection.settings_dict["NAME"]
        connections.close_all()  # CREATE DATABASE ... TEMPLATE needs the template without sessions
    name = f"kampung_bench_seed_pytest_{os.getpid()}"
    _drop(name)
    result = _run("--products", str(PRODUCTS), "--producers", str(PRODUCERS), "--orders", str(ORDERS),
                  "--db", name, "--template", template, "--regions", str(REGIONS),
                  media=tmp_path_factory.mktemp("media"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    try:
        yield name, result.stdout
    finally:
        _drop(name)


def _one(name: str, sql: str, params=()) -> tuple:
    with psycopg.connect(f"{SERVER}/{name}") as conn:
        return conn.execute(sql, params).fetchone()


def test_every_product_is_on_sale_by_the_catalogues_own_rules(seeded):
    from catalog.selectors import product_list_public

    name, output = seeded
    sql, params = product_list_public().order_by().values("pk").query.sql_with_params()

    # then: the listed products are exactly what product_list_public returns
    listed = _one(name, "SELECT count(*) FROM catalog_product WHERE listed AND status = 'approved'")[0]
    public = _one(name, f"SELECT count(*) FROM ({sql}) AS public", params)[0]
    assert listed == PRODUCTS
    assert public == PRODUCTS
    assert "rows/s" in output and "seed without the search index" in output
    # the snapshot carries the tiers and photos the rows hold
    mismatched = _one(name, """
        SELECT count(*) FROM catalog_product p
        WHERE jsonb_array_length(p.approved_snapshot->'price_tiers')
              <> (SELECT count(*) FROM catalog_productpricetier t WHERE t.product_id = p.id)
           OR jsonb_array_length(p.approved_snapshot->'photos')
              <> (SELECT count(*) FROM catalog_productphoto f WHERE f.product_id = p.id)
           OR (p.approved_snapshot->>'retail_price')::bigint <> p.retail_price""")[0]
    assert mismatched == 0
    assert _one(name, "SELECT count(*) FROM catalog_productstock")[0] == PRODUCTS


def test_orders_add_up_and_have_their_events(seeded):
    name, _output = seeded

    assert _one(name, "SELECT count(*) FROM orders_order")[0] == ORDERS
    # every order's totals are the sum of its lines, every checkout's the sum of its orders
    assert _one(name, """
        SELECT count(*) FROM orders_order o
        WHERE o.subtotal <> (SELECT sum(l.line_total) FROM orders_orderline l WHERE l.order_id = o.id)
           OR o.total <> o.subtotal + o.delivery_fee""")[0] == 0
    assert _one(name, """
        SELECT count(*) FROM orders_checkout c
        WHERE c.subtotal <> (SELECT sum(o.subtotal) FROM orders_order o WHERE o.checkout_id = c.id)
           OR c.delivery_total <> (SELECT sum(o.delivery_fee) FROM orders_order o WHERE o.checkout_id = c.id)""")[0] == 0
    # every order has its placement event and an event that moved it to its current status
    assert _one(name, """
        SELECT count(*) FROM orders_order o
        WHERE NOT EXISTS (SELECT 1 FROM orders_orderevent e WHERE e.order_id = o.id AND e.kind = 'status'
                          AND e.from_status = '')
           OR NOT EXISTS (SELECT 1 FROM orders_orderevent e WHERE e.order_id = o.id AND e.kind = 'status'
                          AND e.to_status = o.status)""")[0] == 0
    # a paid card or transfer checkout has its succeeded payment with an event
    assert _one(name, """
        SELECT count(*) FROM orders_checkout c
        WHERE c.status = 'paid' AND NOT EXISTS (
            SELECT 1 FROM payments_payment p JOIN payments_paymentevent e ON e.payment_id = p.id
            WHERE p.checkout_id = c.id AND p.status = 'succeeded' AND p.amount = c.total
              AND e.to_status = 'succeeded')""")[0] == 0
    # open orders hold their units in stock
    assert _one(name, """
        SELECT count(*) FROM catalog_productstock s
        WHERE s.reserved <> COALESCE((SELECT sum(l.quantity) FROM orders_orderline l JOIN orders_order o
                                       ON o.id = l.order_id WHERE l.product_id = s.product_id
                                       AND o.status IN ('awaiting_payment', 'placed', 'accepted', 'packed')), 0)
        """)[0] == 0
    # the sequences continue after the written ids
    next_order = _one(name, "SELECT nextval(pg_get_serial_sequence('orders_order', 'id'))")[0]
    assert next_order == _one(name, "SELECT max(id) FROM orders_order")[0] + 1


def test_the_search_index_has_every_product(seeded):
    name, _output = seeded

    missing = _one(name, """SELECT count(*) FROM catalog_product p
                            WHERE NOT EXISTS (SELECT 1 FROM search_productentry e WHERE e.product_id = p.id)""")[0]
    assert missing == 0
    assert _one(name, "SELECT count(*) FROM search_productentry")[0] == PRODUCTS


def test_refuses_databases_it_did_not_create(seeded, tmp_path):
    name, _output = seeded
    foreign = f"kampung_bench_seed_pytest_{os.getpid()}_foreign"
    _drop(foreign)
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{foreign}"')
    try:
        with psycopg.connect(f"{SERVER}/{foreign}", autocommit=True) as conn:
            conn.execute("CREATE TABLE precious (value text)")
            conn.execute("INSERT INTO precious VALUES ('keep me')")

        # when: an existing database without the seed's marker, a name outside the prefix, an earlier seed
        refused_foreign = _run("--products", "10", "--producers", "2", "--orders", "0", "--db", foreign,
                               "--replace", media=tmp_path)
        refused_name = _run("--products", "10", "--producers", "2", "--orders", "0", "--db", "postgres",
                            media=tmp_path)
        refused_again = _run("--products", "10", "--producers", "2", "--orders", "0", "--db", name, media=tmp_path)

        # then: each is refused and nothing changed
        assert refused_foreign.returncode != 0
        assert "not created by bench/seed.py" in refused_foreign.stderr
        assert _one(foreign, "SELECT value FROM precious") == ("keep me",)
        assert refused_name.returncode != 0
        assert "seeded databases are named kampung_bench_seed_" in refused_name.stderr
        assert refused_again.returncode != 0
        assert "pass --replace" in refused_again.stderr
        assert _one(name, "SELECT count(*) FROM catalog_product")[0] == PRODUCTS
    finally:
        _drop(foreign)
