"""The chain's payment of a consignment settlement: the producers' shares wait for it, officers record it once."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from payments.models import LedgerEntry, LedgerLine
from payments.selectors import account_balance, ledger_unbalanced_entries, producer_balance
from payments.services.ledger import receivable_account_code
from placements.exceptions import PlacementSideRequired, SettlementPaymentInvalid
from placements.models import ConsignmentSettlement, PlacementEvent
from placements.services import SalesLineInput, consignment_settle, consignment_settlement_pay, sales_report_submit
from tests.factories import OfficerFactory
from tests.fixtures import force_login_mfa
from tests.placements.factories import on_shelf_with_stock

pytestmark = pytest.mark.django_db


def settled(sold: int = 7, *, price: int = 10000) -> ConsignmentSettlement:
    placement = on_shelf_with_stock(20, consignment_price=price)
    owner = placement.organisation.memberships.get(role="owner").user
    report = sales_report_submit(actor=owner, outlet=placement.outlet, period_end=date.today(),
                                 lines=[SalesLineInput(placement.pk, sold)])
    return consignment_settle(report=report, actor=owner)


@pytest.fixture(autouse=True)
def _five_percent(settings):
    settings.PLATFORM_COMMISSION_RATE = "0.05"


def test_the_producers_share_is_pending_until_the_chains_payment_is_recorded():
    settlement = settled(7)  # 70.000 owed, 3.500 fee, 66.500 to the producer
    line = settlement.lines.get()
    officer = OfficerFactory()
    assert producer_balance(producer_id=line.producer_id) == (66500, 0)

    paid = consignment_settlement_pay(settlement=settlement, officer=officer, amount=70000,
                                      bank_reference="BCA 0512 TRF SWALAYAN", paid_on=timezone.localdate())

    assert producer_balance(producer_id=line.producer_id) == (0, 66500)
    assert account_balance(code=receivable_account_code(settlement.organisation_id)) == 0
    assert account_balance(code="cash:consignment") == 70000
    entry = LedgerEntry.objects.get(key=f"consignment:paid:{settlement.pk}")
    assert entry.kind == "consignment_paid" and paid.payment_entry_id == entry.pk
    assert sorted((x.account.code, x.debit, x.credit, x.held) for x in LedgerLine.objects.filter(entry=entry)) == [
        ("cash:consignment", 70000, 0, False),
        (f"producer:{line.producer_id}", 0, 66500, False),
        (f"producer:{line.producer_id}", 66500, 0, True),
        (receivable_account_code(settlement.organisation_id), 0, 70000, False),
    ]
    assert ledger_unbalanced_entries() == []
    assert (paid.paid_on, paid.bank_reference, paid.paid_recorded_by) == (
        timezone.localdate(), "BCA 0512 TRF SWALAYAN", officer)
    event = PlacementEvent.objects.get(kind=PlacementEvent.Kind.PAYMENT)
    assert (event.placement_id, event.amount, event.quantity, event.note) == (
        line.placement_id, 70000, 7, "BCA 0512 TRF SWALAYAN")


def test_recording_the_same_statement_line_twice_changes_nothing():
    settlement = settled(3)
    officer = OfficerFactory()
    first = consignment_settlement_pay(settlement=settlement, officer=officer, amount=30000,
                                       bank_reference="TRF-1", paid_on=timezone.localdate())
    again = consignment_settlement_pay(settlement=settlement, officer=officer, amount=30000,
                                       bank_reference="TRF-1", paid_on=timezone.localdate())
    assert first.pk == again.pk
    assert LedgerEntry.objects.filter(kind="consignment_paid").count() == 1
    assert producer_balance(producer_id=settlement.lines.get().producer_id) == (0, 28500)
    with pytest.raises(SettlementPaymentInvalid) as error:
        consignment_settlement_pay(settlement=settlement, officer=officer, amount=30000, bank_reference="TRF-2",
                                   paid_on=timezone.localdate())
    assert error.value.fields == {"bank_reference": ["This settlement was paid already (statement TRF-1)."]}


@pytest.mark.parametrize(("amount", "reference", "days", "field"), [
    (69999, "TRF-9", 0, "amount"),  # not the whole amount
    (70001, "TRF-9", 0, "amount"),
    (True, "TRF-9", 0, "amount"),
    (70000, "  ", 0, "bank_reference"),
    (70000, "x" * 101, 0, "bank_reference"),
    (70000, "TRF-9", 1, "paid_on"),  # in the future
    (70000, "TRF-9", -1, "paid_on"),  # before the settlement
])
def test_a_bad_payment_is_refused_by_field_and_nothing_changes(amount, reference, days, field):
    settlement = settled(7)
    with pytest.raises(SettlementPaymentInvalid) as error:
        consignment_settlement_pay(settlement=settlement, officer=OfficerFactory(), amount=amount,
                                   bank_reference=reference, paid_on=timezone.localdate() + timedelta(days=days))
    assert list(error.value.fields) == [field]
    settlement.refresh_from_db()
    assert settlement.paid_on is None and settlement.bank_reference == ""
    assert not LedgerEntry.objects.filter(kind="consignment_paid").exists()
    assert producer_balance(producer_id=settlement.lines.get().producer_id) == (66500, 0)


def test_a_statement_line_pays_one_settlement_only_and_only_officers_record():
    first, second = settled(1), settled(2)
    officer = OfficerFactory()
    consignment_settlement_pay(settlement=first, officer=officer, amount=10000, bank_reference="TRF-1",
                               paid_on=timezone.localdate())
    with pytest.raises(SettlementPaymentInvalid) as error:
        consignment_settlement_pay(settlement=second, officer=officer, amount=20000, bank_reference="TRF-1",
                                   paid_on=timezone.localdate())
    assert error.value.fields == {"bank_reference": ["This bank statement line was already recorded."]}
    owner = second.organisation.memberships.get(role="owner").user
    with pytest.raises(PlacementSideRequired):
        consignment_settlement_pay(settlement=second, officer=owner, amount=20000, bank_reference="TRF-2",
                                   paid_on=timezone.localdate())
    second.refresh_from_db()
    assert second.paid_on is None


def test_officers_record_the_payment_on_their_finance_page(client, totp_for):
    settlement = settled(7)
    officer = OfficerFactory()
    totp_for(officer)  # officers must have two-factor authentication
    force_login_mfa(client, officer)
    url = "/dashboard/officer/finance/consignment/"
    page = client.get(url).content.decode()
    assert f"KS{settlement.pk:07d}" in page and settlement.organisation.name in page

    bad = client.post(f"{url}{settlement.pk}/pay/", {f"s{settlement.pk}-amount": "50.000",
                                                     f"s{settlement.pk}-bank_reference": "TRF-7",
                                                     f"s{settlement.pk}-paid_on": timezone.localdate().isoformat()})
    assert bad.status_code == 400
    assert "Record the whole amount owed, Rp 70.000" in bad.content.decode()
    settlement.refresh_from_db()
    assert settlement.paid_on is None

    good = client.post(f"{url}{settlement.pk}/pay/", {f"s{settlement.pk}-amount": "70.000",
                                                      f"s{settlement.pk}-bank_reference": "TRF-7",
                                                      f"s{settlement.pk}-paid_on": timezone.localdate().isoformat()})
    assert good.status_code == 302 and good["Location"] == url
    settlement.refresh_from_db()
    assert settlement.bank_reference == "TRF-7"
    after = client.get(url).content.decode()
    assert f'data-paid-settlement="{settlement.pk}"' in after and f'data-settlement="{settlement.pk}"' not in after


def test_the_chain_sees_what_to_transfer_and_the_api_records_it(client, settings, totp_for):
    settings.PAYMENTS_BANK_NAME, settings.PAYMENTS_BANK_ACCOUNT_NUMBER = "Bank Jatim", "0011223344"
    settings.PAYMENTS_BANK_ACCOUNT_NAME = "Disperindag Kabupaten Jember"
    settlement = settled(7)
    owner = settlement.organisation.memberships.get(role="owner").user
    client.force_login(owner)
    page = client.get("/dashboard/buyer/invoices/").content.decode()
    assert f"KS{settlement.pk:07d}" in page and "waiting for your transfer" in page and "0011223344" in page

    forbidden = client.post(f"/api/v1/consignment-settlements/{settlement.pk}/pay/",
                            {"amount": 70000, "bank_reference": "TRF-8", "paid_on": timezone.localdate().isoformat()},
                            content_type="application/json")
    assert forbidden.status_code == 403
    officer = OfficerFactory()
    totp_for(officer)
    force_login_mfa(client, officer)
    answer = client.post(f"/api/v1/consignment-settlements/{settlement.pk}/pay/",
                         {"amount": 70000, "bank_reference": "TRF-8", "paid_on": timezone.localdate().isoformat()},
                         content_type="application/json")
    assert answer.status_code == 200
    assert (answer.json()["payment_reference"], answer.json()["bank_reference"]) == (f"KS{settlement.pk:07d}", "TRF-8")
