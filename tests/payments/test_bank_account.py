"""Where payouts go: only the owner, only after re-authenticating, every change recorded, announced and flagged."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.core import mail

from market.accounts.models import Membership, User
from payments.exceptions import BankAccountForbidden, PaymentInvalid, ReauthenticationRequired
from payments.models import BankAccountChange, Payout, PayoutBatch, ProducerBankAccount
from payments.selectors import (
    bank_account_change_list_since_last_payout,
    payout_batch_csv,
    payout_list_for_batch,
    producer_bank_account_settable,
)
from payments.services.payouts import account_number_mask, producer_bank_account_set
from tests.catalog.factories import MembershipFactory, OfficerFactory, UserFactory, owner_of
from tests.orders.factories import verified_producer
from tests.payments.conftest import bank_account_set

pytestmark = pytest.mark.django_db


def _account(producer) -> tuple[str, str, str]:
    account = ProducerBankAccount.objects.get(producer=producer)
    return account.bank_name, account.account_number, account.account_holder


def _set(producer, actor, *, reauthenticated=True, number="99001122", holder="Pak Maling"):
    return producer_bank_account_set(actor=actor, producer=producer, bank_name="Bank Lain", account_number=number,
                                     account_holder=holder, reauthenticated=reauthenticated)


def test_account_numbers_are_masked_but_their_last_four_digits():
    assert account_number_mask("0123456789") == "******6789"
    assert account_number_mask("55500") == "*5500"
    assert account_number_mask("1234") == "****"
    assert account_number_mask("") == ""


def test_the_owner_changes_the_account_and_the_change_is_recorded_and_announced(django_capture_on_commit_callbacks):
    # given a producer paid into Bank Jatim, and two programme officers (one inactive)
    producer = verified_producer()
    owner = owner_of(producer)
    bank_account_set(producer, bank_name="Bank Jatim", account_number="0123 4567 89", account_holder="UD Kopi")
    first = BankAccountChange.objects.get()
    verifier = User.objects.get(role="officer")  # the officer who verified the producer
    rina, budi = OfficerFactory(email="rina@disperindag.id"), OfficerFactory(email="budi@disperindag.id")
    OfficerFactory(email="pensiun@disperindag.id", is_active=False)
    MembershipFactory(organisation=producer.organisation, role=Membership.Role.MEMBER,
                      user=UserFactory(role="producer", email="anggota@example.id"))

    # when the owner, having just confirmed the password, moves the payouts to BRI
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        account = producer_bank_account_set(actor=owner, producer=producer, bank_name=" BRI ",
                                            account_number="5550 0011 1222", account_holder="Bu Sri",
                                            reauthenticated=True)

    # then the account changed and one event row says from what to what, by whom, numbers masked
    assert _account(producer) == ("BRI", "555000111222", "Bu Sri")
    assert account.pk == ProducerBankAccount.objects.get().pk
    assert (first.old_account_number, first.new_account_number, first.replaced_an_account) == (
        "", "******6789", False)
    change = BankAccountChange.objects.exclude(pk=first.pk).get()
    assert (change.producer, change.actor) == (producer, owner)
    assert (change.old_bank_name, change.old_account_number, change.old_account_holder) == (
        "Bank Jatim", "******6789", "UD Kopi")
    assert (change.new_bank_name, change.new_account_number, change.new_account_holder) == (
        "BRI", "********1222", "Bu Sri")
    assert change.replaced_an_account
    # and, after commit only, the owner and each active officer get one email (not members, not the inactive)
    assert len(callbacks) == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted([owner.email, verifier.email, rina.email, budi.email])
    assert all(len(message.to) == 1 for message in mail.outbox)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    to_owner, to_officer = by_recipient[owner.email], by_recipient[rina.email]
    assert to_owner.subject == f"The bank account for payouts of {producer.name} was changed"
    assert "Before: Bank Jatim ******6789 (UD Kopi)\nNow: BRI ********1222 (Bu Sri)" in to_owner.body
    assert f"by {owner.full_name}." in to_owner.body
    assert "If you did not make this change, sign in, change your password" in to_owner.body
    assert "confirm the new account with the producer by phone or in person" in to_officer.body
    assert "0123456789" not in to_owner.body and "555000111222" not in to_officer.body  # never the full numbers


def _catalogue_has(msgid: str) -> bool:
    from django.utils import translation

    with translation.override("id"):
        return translation.gettext(msgid) != msgid


@pytest.mark.skipif(not _catalogue_has("The bank account for payouts of %(producer)s was changed"),
                    reason="the new strings wait in locale/pending/money.po until they are merged and compiled")
def test_the_email_is_in_each_recipients_language(django_capture_on_commit_callbacks):
    producer = verified_producer()
    bank_account_set(producer, bank_name="Bank Jatim", account_number="0123456789", account_holder="UD Kopi")
    officer = OfficerFactory(language="id")

    with django_capture_on_commit_callbacks(execute=True):
        _set(producer, owner_of(producer))

    to_officer = next(message for message in mail.outbox if message.to == [officer.email])
    assert to_officer.subject == f"Rekening bank untuk pencairan dana {producer.name} telah diubah"


def test_a_stolen_session_without_a_fresh_password_changes_nothing(django_capture_on_commit_callbacks):
    # given the owner's account, and someone holding the owner's session but not the password
    producer = verified_producer()
    bank_account_set(producer, bank_name="Bank Jatim", account_number="0123456789", account_holder="UD Kopi")
    OfficerFactory()
    changes = BankAccountChange.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ReauthenticationRequired) as refused:
            _set(producer, owner_of(producer), reauthenticated=False)

    assert (refused.value.code, refused.value.http_status) == ("reauthentication_required", 403)
    assert _account(producer) == ("Bank Jatim", "0123456789", "UD Kopi")
    assert BankAccountChange.objects.count() == changes
    assert callbacks == [] and mail.outbox == []


@pytest.mark.parametrize("who", ["officer", "manager", "member", "another_owner", "inactive_owner"])
def test_only_the_owner_may_redirect_a_producers_money(who, django_capture_on_commit_callbacks):
    # given a producer with its account set, and someone who is not its active owner
    producer = verified_producer()
    bank_account_set(producer, bank_name="Bank Jatim", account_number="0123456789", account_holder="UD Kopi")
    if who == "officer":
        actor = OfficerFactory()
    elif who in ("manager", "member"):
        actor = MembershipFactory(organisation=producer.organisation, role=who,
                                  user=UserFactory(role="producer")).user
    elif who == "another_owner":
        actor = owner_of(verified_producer())
    else:
        actor = owner_of(producer)
        actor.is_active = False
        actor.save(update_fields=["is_active"])
    changes = BankAccountChange.objects.count()

    # when they try, even after re-authenticating
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(BankAccountForbidden) as refused:
            _set(producer, actor)

    # then nothing changed and nobody was told anything
    assert refused.value.code == "bank_account_forbidden"
    assert producer_bank_account_settable(user=actor, producer=producer) is False
    assert _account(producer) == ("Bank Jatim", "0123456789", "UD Kopi")
    assert BankAccountChange.objects.count() == changes
    assert callbacks == [] and mail.outbox == []


def test_invalid_details_and_the_same_account_again_change_and_send_nothing(django_capture_on_commit_callbacks):
    producer = verified_producer()
    owner = owner_of(producer)
    bank_account_set(producer, bank_name="Bank Jatim", account_number="0123456789", account_holder="UD Kopi")
    OfficerFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(PaymentInvalid) as invalid:
            producer_bank_account_set(actor=owner, producer=producer, bank_name="BRI", account_number="12AB5678",
                                      account_holder="", reauthenticated=True)
        same = producer_bank_account_set(actor=owner, producer=producer, bank_name="Bank Jatim",
                                         account_number="0123 4567 89", account_holder="UD Kopi",
                                         reauthenticated=True)

    assert invalid.value.fields == {"account_number": ["Enter the account number (digits only)."],
                                    "account_holder": ["Enter the account holder's name."]}
    assert (same.bank_name, same.account_number) == ("Bank Jatim", "0123456789")
    assert BankAccountChange.objects.count() == 1  # the first setting only
    assert callbacks == [] and mail.outbox == []


# --- payout batches warn about changed accounts --------------------------------------------------


def _at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def _batch(officer, *, made: datetime, paid: bool, payouts: list[tuple]) -> PayoutBatch:
    batch = PayoutBatch.objects.create(minimum=1000, total=sum(p[1] for p in payouts), created_by=officer,
                                       status="paid" if paid else "open", paid_by=officer if paid else None,
                                       paid_at=made if paid else None)
    PayoutBatch.objects.filter(pk=batch.pk).update(created_at=made)
    for producer, amount in payouts:
        account = ProducerBankAccount.objects.get(producer=producer)
        Payout.objects.create(batch=batch, producer=producer, amount=amount, bank_name=account.bank_name,
                              account_number=account.account_number, account_holder=account.account_holder)
    batch.refresh_from_db()
    return batch


def _set_at(producer, when: datetime, **values) -> None:
    bank_account_set(producer, **values)
    BankAccountChange.objects.filter(pk=BankAccountChange.objects.latest("pk").pk).update(created_at=when)


def test_a_batch_marks_each_payout_whose_account_changed_since_the_producers_last_paid_payout():
    finance = OfficerFactory()
    changed, steady, new_changed, new_steady, late = (verified_producer() for _ in range(5))
    # given: paid on 2 March to their first accounts
    _set_at(changed, _at(1), bank_name="BRI", account_number="11110001", account_holder="A")
    _set_at(steady, _at(1), bank_name="BRI", account_number="11110002", account_holder="B")
    _set_at(late, _at(1), bank_name="BRI", account_number="11110005", account_holder="E")
    _batch(finance, made=_at(2), paid=True, payouts=[(changed, 5000), (steady, 5000), (late, 5000)])
    # a change after that paid payout; a never-paid producer who replaced its account; one who only set it
    _set_at(changed, _at(4), bank_name="Bank Lain", account_number="99990001", account_holder="Pak Maling")
    _set_at(new_changed, _at(1), bank_name="BNI", account_number="22220003", account_holder="C")
    _set_at(new_changed, _at(3), bank_name="BNI", account_number="22229993", account_holder="C")
    _set_at(new_steady, _at(1), bank_name="BNI", account_number="22220004", account_holder="D")

    # when a batch is made on 5 March (and ``late`` changes its account only after that)
    batch = _batch(finance, made=_at(5), paid=False, payouts=[(p, 7000) for p in
                                                              (changed, steady, new_changed, new_steady, late)])
    _set_at(late, _at(6), bank_name="Bank Lain", account_number="99990005", account_holder="E")

    # then exactly the payouts going to a replaced account carry the date of the change
    rows = {payout.producer_id: payout.account_changed_at for payout in payout_list_for_batch(batch=batch)}
    assert rows == {changed.pk: _at(4), steady.pk: None, new_changed.pk: _at(3), new_steady.pk: None,
                    late.pk: None}
    # and before the next batch the officers see every account changed since its last paid payout
    assert [(account.producer_id, account.changed_at) for account in bank_account_change_list_since_last_payout()
            ] == [(late.pk, _at(6)), (changed.pk, _at(4)), (new_changed.pk, _at(3))]

    # once that batch is paid, the accounts it paid are trusted again; ``late``'s later change is not
    PayoutBatch.objects.filter(pk=batch.pk).update(status="paid", paid_by=finance, paid_at=_at(5, 12))
    assert [(account.producer_id, account.changed_at) for account in bank_account_change_list_since_last_payout()
            ] == [(late.pk, _at(6))]


def test_the_batch_reads_its_warnings_in_one_query(django_assert_num_queries):
    finance = OfficerFactory()
    producers = [verified_producer() for _ in range(6)]
    for producer in producers:
        _set_at(producer, _at(1), bank_name="BRI", account_number=f"1111{producer.pk:04d}", account_holder="X")
    batch = _batch(finance, made=_at(5), paid=False, payouts=[(p, 1000) for p in producers])

    with django_assert_num_queries(1):
        rows = list(payout_list_for_batch(batch=batch))

    assert [(row.producer.name, row.account_changed_at) for row in rows] == [(p.name, None) for p in producers]


# --- the bank file ----------------------------------------------------------------------------------


def test_the_bank_file_neutralises_formulas_from_people_and_keeps_amounts_numbers():
    # given payouts whose bank and holder (typed by producers) start like spreadsheet formulas
    finance = OfficerFactory()
    hostile = ['=HYPERLINK("http://evil.example","x")', "+62 Kopi", "-Kopi Lestari", "@SUM(A1:A9)",
               "\tBu Sri", "\rPak Adi", "Bu Sri = Pak Adi"]
    producers = [verified_producer() for _ in hostile]
    batch = PayoutBatch.objects.create(minimum=1000, total=0, created_by=finance)
    payouts = [Payout.objects.create(batch=batch, producer=producer, amount=38000 + n, bank_name=f"+BRI {n}",
                                     account_number="0123456789", account_holder=holder)
               for n, (producer, holder) in enumerate(zip(producers, hostile, strict=True))]

    text = payout_batch_csv(batch=batch)

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["bank_name", "account_number", "account_holder", "amount", "reference"]
    assert [row[2] for row in rows[1:]] == [
        '\'=HYPERLINK("http://evil.example","x")', "'+62 Kopi", "'-Kopi Lestari", "'@SUM(A1:A9)", "'\tBu Sri",
        "'\rPak Adi", "Bu Sri = Pak Adi"]
    assert [row[0] for row in rows[1:]] == [f"'+BRI {n}" for n in range(len(hostile))]
    assert [row[3] for row in rows[1:]] == [str(38000 + n) for n in range(len(hostile))]  # numbers, unquoted
    assert [row[4] for row in rows[1:]] == [f"KI-PAYOUT-{batch.pk}-{p.pk}" for p in payouts]
    assert text.splitlines()[1] == (
        f'\'+BRI 0,0123456789,"\'=HYPERLINK(""http://evil.example"",""x"")",38000,KI-PAYOUT-{batch.pk}-'
        f"{payouts[0].pk}")
