"""A backup restores into a new database with the same orders, stock and ledger, and the same media."""
import datetime
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from market.core.backup import Database
from payments.services.bank_transfer import bank_transfer_record, bank_transfer_start
from tests.orders.factories import officer, placed_order
from tests.payments.conftest import checkout_of

pytestmark = pytest.mark.django_db(transaction=True)

TOTALS = {
    "orders": "SELECT count(*), coalesce(sum(total), 0) FROM orders_order",
    "order lines": "SELECT count(*), coalesce(sum(line_total), 0) FROM orders_orderline",
    "stock": "SELECT coalesce(sum(on_hand), 0), coalesce(sum(reserved), 0) FROM catalog_productstock",
    "ledger": "SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0) FROM payments_ledgerline",
}


def totals(db: Database) -> dict:
    with db.connect() as conn:
        return {name: conn.execute(sql).fetchone() for name, sql in TOTALS.items()}


@pytest.fixture
def empty_database():
    live = Database.from_settings(connection.settings_dict)
    name = f"restore_{uuid.uuid4().hex[:10]}"
    with live.connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    target = Database(name=name, user=live.user, password=live.password, host=live.host, port=live.port)
    host = live.host.replace("/", "%2F")
    yield target, f"postgres://{live.user}@{host}{':' + live.port if live.port else ''}/{name}"
    with live.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_the_same_orders_stock_ledger_and_media(tmp_path, empty_database):
    # given: paid orders (orders, reserved stock, ledger lines) and an uploaded file
    placed_order(method="bank_transfer", paid=False)
    checkout, _products = checkout_of(items=[(10000, 4), (35000, 1)])
    bank_transfer_record(officer=officer(), reference=bank_transfer_start(checkout=checkout).reference,
                         amount=checkout.total, bank_reference="BCA-0001", received_on=datetime.date(2026, 12, 1))
    photo = Path(settings.MEDIA_ROOT) / "products" / "kopi.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(b"\xff\xd8 a photo")
    live = Database.from_settings(connection.settings_dict)
    before = totals(live)
    assert before["orders"][0] == 3 and before["ledger"][0] > 0

    # when
    call_command("backup_create", str(tmp_path / "backup"), verbosity=0)
    target, url = empty_database
    restored_media = tmp_path / "restored-media"
    call_command("backup_restore", str(tmp_path / "backup"), database_url=url, media_root=restored_media,
                 verbosity=0)

    # then
    assert totals(target) == before
    assert (restored_media / "products" / "kopi.jpg").read_bytes() == b"\xff\xd8 a photo"


def test_a_restore_refuses_a_database_that_is_not_empty(tmp_path, empty_database):
    call_command("backup_create", str(tmp_path / "backup"), verbosity=0)
    target, url = empty_database
    with target.connect() as conn:
        conn.execute("CREATE TABLE something_else (id int)")

    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup_restore", str(tmp_path / "backup"), database_url=url, no_media=True, verbosity=0)

    assert totals(Database.from_settings(connection.settings_dict))["orders"][0] == 0
