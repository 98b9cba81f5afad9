"""The edges of payments/services/payouts.py that mutation testing found unguarded (docs/testing.md).

The bank account change email word for word (first account, a change; owner, officer), who gets
it (active staff officers with an address; one email per address, whatever its case), how many
were sent, and the reads it takes.
"""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from payments.exceptions import PaymentInvalid, PaymentNotPossible
from payments.models import BankAccountChange
from payments.services.payouts import bank_account_change_notify, payout_batch_create
from tests.catalog.factories import OfficerFactory, UserFactory, owner_of
from tests.orders.factories import officer, verified_producer
from tests.payments.conftest import bank_account_set

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 2, 1, 5, tzinfo=UTC)  # 08:05 in Jember (WIB)


@pytest.fixture(autouse=True)
def _english_officers():
    with translation.override("en"):
        yield


def _change(producer, **account):
    bank_account_set(producer, **account)
    change = BankAccountChange.objects.filter(producer=producer).latest("pk")
    BankAccountChange.objects.filter(pk=change.pk).update(created_at=WHEN)
    return change


def _notify(change) -> tuple[int, dict]:
    mail.outbox.clear()
    sent = bank_account_change_notify(change_id=change.pk)
    return sent, {message.to[0]: message for message in mail.outbox}


def test_the_first_account_and_a_change_are_announced_word_for_word():
    producer = verified_producer(name="UD Kopi Argopuro")
    owner = owner_of(producer)
    owner.full_name, owner.language = "Pak Darto", "en"
    owner.save()
    finance = OfficerFactory(email="rina@disperindag.id", language="en")
    first = _change(producer, bank_name="Bank Jatim", account_number="0123456789", account_holder="UD Kopi")

    _sent, emails = _notify(first)

    assert emails[owner.email].subject == "The bank account for payouts of UD Kopi Argopuro was changed"
    assert emails[owner.email].body == (
        "The bank account that receives the payouts of UD Kopi Argopuro was changed on 2 Mar 2026, 08:05 WIB by "
        "Pak Darto.\n\nBefore: none (set for the first time)\nNow: Bank Jatim ******6789 (UD Kopi)\n\n"
        "If you did not make this change, sign in, change your password and contact the programme officers at "
        "once, before the next payout is transferred."
    )

    second = _change(producer, bank_name="BRI", account_number="555000111222", account_holder="Bu Sri")
    _sent, emails = _notify(second)

    assert emails[finance.email].body == (
        "The bank account that receives the payouts of UD Kopi Argopuro was changed on 2 Mar 2026, 08:05 WIB by "
        "Pak Darto.\n\nBefore: Bank Jatim ******6789 (UD Kopi)\nNow: BRI ********1222 (Bu Sri)\n\n"
        "Before the next payout to UD Kopi Argopuro is transferred, confirm the new account with the producer by "
        "phone or in person (not by replying to an email). The payout batch marks the change."
    )


def test_only_active_staff_officers_with_an_address_are_told_once_per_address():
    producer = verified_producer()
    owner = owner_of(producer)
    verifiers = set(
        UserFactory._meta.model.objects.filter(role="officer", is_staff=True, is_active=True).values_list(
            "email", flat=True
        )
    )
    # the owner is also a programme officer (owners come first, so the officers' list repeats them): one email
    owner.email, owner.role, owner.is_staff = "pemilik@example.id", "officer", True
    owner.save()
    later = OfficerFactory(email="budi@disperindag.id")  # after the repeated person: still told
    OfficerFactory(email="", is_active=True)  # no address
    OfficerFactory(email="tanpa-staf@disperindag.id", is_staff=False)  # an officer role without staff access
    change = _change(producer, bank_name="BNI", account_number="12345678", account_holder="Pak Adi")

    sent, emails = _notify(change)

    expected = {"pemilik@example.id", later.email} | verifiers
    assert set(emails) == expected
    assert sent == len(mail.outbox) == len(expected)


def test_the_change_is_read_with_its_producer_and_actor_in_one_query():
    producer = verified_producer()
    change = _change(producer, bank_name="BNI", account_number="12345678", account_holder="Pak Adi")

    with CaptureQueriesContext(connection) as queries:
        bank_account_change_notify(change_id=change.pk)

    first = queries.captured_queries[0]["sql"]
    assert '"payments_bankaccountchange"' in first.split(" FROM ")[1]
    assert '"catalog_producer"' in first and '"accounts_user"' in first.split(" FROM ")[1]
    assert not any(
        q["sql"].startswith("SELECT") and ' FROM "catalog_producer"' in q["sql"] for q in queries.captured_queries[1:]
    )


@pytest.mark.parametrize("minimum", [0, -1, 1.5, "10", True, None])
def test_a_payout_minimum_is_a_whole_number_of_rupiah_from_one(minimum):
    with pytest.raises(PaymentInvalid) as error:
        payout_batch_create(officer=officer(), minimum=minimum)

    assert error.value.fields == {"minimum": ["Enter the minimum payout in whole rupiah."]}


def test_a_minimum_of_one_rupiah_is_accepted_and_finds_nothing_to_pay():
    with pytest.raises(PaymentNotPossible) as error:
        payout_batch_create(officer=officer(), minimum=1)

    assert error.value.message == "No producer has at least the minimum available."


@pytest.mark.parametrize("who", ["anonymous", "producer owner"])
def test_only_officers_run_payouts_and_are_told_so(who):
    from django.contrib.auth.models import AnonymousUser

    from payments.exceptions import PaymentForbidden

    user = AnonymousUser() if who == "anonymous" else owner_of(verified_producer())

    with pytest.raises(PaymentForbidden) as error:
        payout_batch_create(officer=user, minimum=1)

    assert error.value.message == "Only finance officers run payouts."


@pytest.mark.parametrize(
    ("number", "valid"),
    [("12345", True), ("1234", False), ("1" * 34, True), ("1" * 35, False), ("12 34 5", True), (None, False)],
)
def test_an_account_number_has_five_to_thirty_four_digits(number, valid):
    from payments.services.payouts import producer_bank_account_set

    producer = verified_producer()
    set_it = dict(
        actor=owner_of(producer),
        producer=producer,
        bank_name="BRI",
        account_number=number,
        account_holder="Bu Sri",
        reauthenticated=True,
    )
    if valid:
        assert producer_bank_account_set(**set_it).account_number == number.replace(" ", "")
        return
    with pytest.raises(PaymentInvalid) as error:
        producer_bank_account_set(**set_it)
    assert error.value.fields == {"account_number": ["Enter the account number (digits only)."]}


@pytest.mark.parametrize("bank_name", [None, "", "   "])
def test_a_bank_name_is_required(bank_name):
    from payments.services.payouts import producer_bank_account_set

    producer = verified_producer()
    with pytest.raises(PaymentInvalid) as error:
        producer_bank_account_set(
            actor=owner_of(producer),
            producer=producer,
            bank_name=bank_name,
            account_number="12345678",
            account_holder="Bu Sri",
            reauthenticated=True,
        )

    assert error.value.fields == {"bank_name": ["Enter the bank's name."]}


# --- what the services showed once their transaction decorators no longer hid them from mutmut ----------


def _paid_producers(items):
    from tests.payments.test_payouts import _paid_and_completed

    return _paid_and_completed(items)


def test_a_batch_skips_producers_below_the_minimum_and_pays_everyone_from_exactly_the_minimum():
    from payments.models import LedgerEntry, Payout
    from payments.selectors import producer_balance

    # given: four producers with 9.500, 19.000, 38.000 and 9.500 available, each with a bank account
    producers = _paid_producers([(10000, 1), (10000, 2), (10000, 4), (10000, 1)])
    for number, producer in enumerate(producers):
        bank_account_set(producer, bank_name="BRI", account_number=f"55500011{number}", account_holder=f"UD {number}")

    with CaptureQueriesContext(connection) as queries:
        batch = payout_batch_create(officer=officer(), minimum=19_000)

    # then: the two below the minimum wait, the one at exactly the minimum and the one above are paid
    assert sorted(Payout.objects.filter(batch=batch).values_list("producer_id", "amount")) == sorted(
        [(producers[1].pk, 19_000), (producers[2].pk, 38_000)])
    assert batch.total == 57_000 and type(batch).objects.get(pk=batch.pk).total == 57_000
    assert [producer_balance(producer_id=p.pk).available for p in producers] == [9_500, 0, 0, 9_500]
    assert set(LedgerEntry.objects.filter(kind="payout").values_list("memo", flat=True)) == {f"batch {batch.pk}"}
    # the bank accounts come with the locked ledger accounts, not one query per producer
    assert not [q for q in queries.captured_queries if q["sql"].startswith("SELECT")
                and 'FROM "payments_producerbankaccount"' in q["sql"]]


def test_marking_a_batch_paid_posts_its_transfer_under_the_batch():
    from payments.models import LedgerEntry
    from payments.services.payouts import payout_batch_mark_paid

    (producer,) = _paid_producers([(10000, 4)])
    bank_account_set(producer, bank_name="BRI", account_number="555000111", account_holder="Bu Sri")
    finance = officer()
    batch = payout_batch_create(officer=finance, minimum=1)

    payout_batch_mark_paid(batch=batch, officer=finance)

    assert LedgerEntry.objects.get(key=f"payout_batch:{batch.pk}").memo == f"batch {batch.pk}"


def test_a_first_bank_account_records_that_there_was_none_before():
    producer = verified_producer()

    bank_account_set(producer, bank_name="Bank Jatim", account_number="0123456789", account_holder="UD Kopi")

    change = BankAccountChange.objects.get(producer=producer)
    assert (change.old_bank_name, change.old_account_number, change.old_account_holder) == ("", "", "")
    assert (change.new_bank_name, change.new_account_holder) == ("Bank Jatim", "UD Kopi")


def test_a_bank_account_is_never_set_inside_another_transaction():
    from django.db import transaction

    producer = verified_producer()

    # durable: a caller that could still roll back (or fail after) the change is refused before anything is written
    with pytest.raises(RuntimeError), transaction.atomic():
        bank_account_set(producer, bank_name="BRI", account_number="555000111", account_holder="Bu Sri")
    assert not BankAccountChange.objects.filter(producer=producer).exists()
