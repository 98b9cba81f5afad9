"""Bank transfers: a unique reference per checkout, officers record what arrived, paid in full → placed."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from market.accounts.models import User
from orders.exceptions import CheckoutAlreadyPaid, CheckoutNotPayable
from orders.models import Checkout, PaymentMethod
from orders.services import checkout_mark_paid
from payments.exceptions import (
    BankAccountNotConfigured,
    PaymentForbidden,
    PaymentInvalid,
    PaymentNotFound,
    PaymentNotPossible,
)
from payments.models import BankTransferReceipt, Payment, PaymentEvent, Provider, TermsInvoice, TransferProof
from payments.services.late_transfers import late_transfer_note
from payments.services.ledger import checkout_allocation_post, payment_receipt_post
from payments.services.status import payment_status_change

_REFERENCE = re.compile(r"^KI\d{8}$")


def _luhn_digit(digits: str) -> int:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 0:
            n = n * 2 - 9 if n * 2 > 9 else n * 2
        total += n
    return (10 - total % 10) % 10


def bank_reference_for(checkout_pk: int) -> str:
    """Return the transfer reference of a checkout: ``KI`` + 7 digits of its id + a Luhn check digit.

    Unique because the id is; the check digit catches a mistyped digit when an officer records it.
    """
    if not 0 < checkout_pk < 10_000_000:
        raise ValueError(f"checkout id out of range for a reference: {checkout_pk}")
    digits = f"{checkout_pk:07d}"
    return f"KI{digits}{_luhn_digit(digits)}"


def bank_reference_valid(reference: str) -> bool:
    return bool(_REFERENCE.match(reference)) and _luhn_digit(reference[2:9]) == int(reference[9])


@dataclass(frozen=True)
class TransferInstructions:
    reference: str
    amount: int
    bank_name: str
    account_number: str
    account_name: str
    pay_before: datetime | None


def bank_account_configured() -> bool:
    """Return whether the programme's bank account is configured (``PAYMENTS_BANK_*``); none has a default."""
    return all(str(getattr(settings, name, "") or "").strip() for name in
               ("PAYMENTS_BANK_NAME", "PAYMENTS_BANK_ACCOUNT_NUMBER", "PAYMENTS_BANK_ACCOUNT_NAME"))


def bank_transfer_payment_open(*, checkout: Checkout) -> Payment:
    """Create the pending transfer payment of a checkout paid by transfer (once), with its reference.

    Runs in the placing transaction (``orders.hooks.checkout_placed``), so the officers' list of transfers
    awaiting money shows the checkout from the moment it is placed. Composes inside the caller's transaction.
    """
    if checkout.payment_method != PaymentMethod.BANK_TRANSFER:
        raise PaymentNotPossible(_("This order is not paid by bank transfer."))
    payment, _created = Payment.objects.get_or_create(
        idempotency_key=f"bank_transfer:checkout:{checkout.pk}",
        defaults={"checkout": checkout, "provider": Provider.BANK_TRANSFER, "amount": checkout.total,
                  "reference": bank_reference_for(checkout.pk)})
    return payment


def bank_transfer_start(*, checkout: Checkout) -> TransferInstructions:
    """Return what the buyer needs to pay a checkout by transfer; its payment row is created once.

    Raise ``BankAccountNotConfigured`` rather than show an account that is not the programme's.
    """
    payment = bank_transfer_payment_open(checkout=checkout)
    if not bank_account_configured():
        raise BankAccountNotConfigured()
    return TransferInstructions(reference=payment.reference, amount=payment.amount,
                                bank_name=settings.PAYMENTS_BANK_NAME,
                                account_number=settings.PAYMENTS_BANK_ACCOUNT_NUMBER,
                                account_name=settings.PAYMENTS_BANK_ACCOUNT_NAME,
                                pay_before=checkout.reservation_expires_at)


def payment_due(*, payment: Payment) -> int:
    """Return what a transfer payment must receive in all: its amount less credit notes on its invoice on terms."""
    credited = (TermsInvoice.objects.filter(payment=payment).values_list("credited", flat=True).first() or 0)
    return max(payment.amount - credited, 0)


def _mark_paid(*, payment: Payment, actor: User | None) -> None:
    """Mark the LOCKED payment's checkout paid and allocate the money, or leave it in deposits to refund."""
    from payments.services.refunds import credit_notes_post

    try:
        with transaction.atomic():
            checkout_mark_paid(checkout=payment.checkout, reference=payment.reference, actor=actor)
            checkout_allocation_post(checkout=payment.checkout)
            credit_notes_post(checkout=payment.checkout)
    except (CheckoutNotPayable, CheckoutAlreadyPaid) as error:
        # The money arrived after the reservation ran out (or twice): it stays in deposits, owed back.
        payment.failure_code, payment.failure_message = error.code, str(error.message)[:255]
        return
    payment.applied = True
    payment.failure_code = payment.failure_message = ""


def payment_settle(*, payment: Payment, actor: User | None, note: str) -> None:
    """Everything due arrived on the LOCKED payment: mark it succeeded, its checkout paid, the money allocated.

    Composes inside the caller's transaction; the caller saves ``applied`` and the failure fields.
    """
    payment_status_change(payment=payment, to_status=Payment.Status.SUCCEEDED, source=PaymentEvent.Source.TRANSFER,
                          actor=actor, note=note)
    _mark_paid(payment=payment, actor=actor)


@transaction.atomic
def bank_transfer_record(*, officer: User, reference: str, amount: int, bank_reference: str,
                         received_on: date) -> Payment:
    """Record a transfer that arrived (partial or full) against its payment reference.

    Idempotent by the bank statement's reference: recording the same line again changes nothing.
    When everything is received (less credit notes on an invoice on terms), the checkout is marked
    paid and the money allocated. Money that arrives for an expired or cancelled checkout is kept
    in deposits and matched to it as a ``LateTransfer`` for an officer to decide (re-open the
    checkout or refund); it is never applied here.
    """
    if not getattr(officer, "is_officer", False):
        raise PaymentForbidden()
    reference = (reference or "").strip().upper().replace(" ", "")
    bank_reference = (bank_reference or "").strip()
    errors: dict[str, list[str]] = {}
    if not bank_reference_valid(reference):
        errors["reference"] = [_("Enter a payment reference like KI00001234.")]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        errors["amount"] = [_("Enter the amount received in whole rupiah.")]
    if not bank_reference or len(bank_reference) > 100:
        errors["bank_reference"] = [_("Enter the bank statement reference (at most 100 characters).")]
    if not isinstance(received_on, date) or received_on > timezone.localdate():
        errors["received_on"] = [_("Enter the date the money arrived (not in the future).")]
    if errors:
        raise PaymentInvalid(fields=errors)
    payment = (Payment.objects.select_for_update().select_related("checkout")
               .filter(provider=Provider.BANK_TRANSFER, reference=reference).first())
    if payment is None:
        raise PaymentNotFound(fields={"reference": [_("No order waits for a transfer with this reference.")]})
    earlier = BankTransferReceipt.objects.filter(bank_reference=bank_reference).first()
    if earlier is not None:
        if earlier.payment_id == payment.pk and earlier.amount == amount:
            return payment
        raise PaymentInvalid(fields={"bank_reference": [_("This bank statement line was already recorded.")]})
    receipt = BankTransferReceipt.objects.create(payment=payment, amount=amount, bank_reference=bank_reference,
                                                 received_on=received_on, recorded_by=officer)
    payment_receipt_post(key=f"receipt:bank_transfer:{receipt.pk}", provider=Provider.BANK_TRANSFER,
                         amount=amount, checkout=payment.checkout, memo=bank_reference)
    payment.received += amount
    fields = ["received", "updated_at"]
    if payment.checkout.status in (Checkout.Status.EXPIRED, Checkout.Status.CANCELLED) and not payment.applied:
        # Too late for the reservation: kept for an officer to decide (re-open or refund), never applied here.
        late_transfer_note(payment=payment, amount=amount)
        if payment.received >= payment.amount:
            payment_status_change(payment=payment, to_status=Payment.Status.SUCCEEDED,
                                  source=PaymentEvent.Source.TRANSFER, actor=officer, note=bank_reference)
            payment.failure_code = CheckoutNotPayable.code
            payment.failure_message = str(CheckoutNotPayable.default_message)[:255]
            fields += ["failure_code", "failure_message"]
    elif payment.received >= payment_due(payment=payment) and not payment.applied:
        payment_settle(payment=payment, actor=officer, note=bank_reference)
        fields += ["applied", "failure_code", "failure_message"]
    payment.save(update_fields=fields)
    return payment


MAX_TRANSFER_PROOFS = 5


@transaction.atomic(durable=True)
def bank_transfer_proof_add(*, checkout: Checkout, user: User, image: IO[bytes] | None,
                            note: str = "") -> TransferProof:
    """Keep the buyer's photo of their transfer receipt for the officers who match transfers.

    Only the checkout's buyer, while it waits for a transfer; at most ``MAX_TRANSFER_PROOFS``. The photo is
    checked and re-encoded (``catalog.images``) before it is stored; a bad one changes nothing.
    """
    from catalog.images import ImageInvalid, image_validate_and_normalise
    from orders.selectors import checkout_parties
    from orders.states import Party

    if Party.BUYER not in checkout_parties(checkout=checkout, user=user):
        raise PaymentForbidden(_("Only the buyer sends the proof of their transfer."))
    if checkout.payment_method != PaymentMethod.BANK_TRANSFER or checkout.status != Checkout.Status.AWAITING_PAYMENT:
        raise PaymentNotPossible(_("This order is not waiting for a transfer."))
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if image is None:
        errors["proof"] = [_("Add a photo or screenshot of the transfer receipt.")]
    if len(note) > 200:
        errors["note"] = [_("Write at most 200 characters.")]
    if errors:
        raise PaymentInvalid(fields=errors)
    payment = bank_transfer_payment_open(checkout=checkout)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.proofs.count() >= MAX_TRANSFER_PROOFS:
        raise PaymentInvalid(fields={"proof": [_("You have sent %(count)s proofs already; an officer checks them.")
                                               % {"count": MAX_TRANSFER_PROOFS}]})
    try:
        normalised = image_validate_and_normalise(upload=image)  # type: ignore[arg-type]  # checked above
    except ImageInvalid as error:
        raise PaymentInvalid(str(error.message), fields={"proof": [str(error.message)]}) from None
    proof = TransferProof(payment=payment, uploaded_by=user, note=note)
    proof.image.save(normalised.content.name, normalised.content, save=False)
    proof.save()
    return proof
