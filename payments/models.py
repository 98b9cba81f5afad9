"""Payments, received transfers, Stripe events and the double-entry ledger.

The ledger is the one place money is counted: every payment, commission, refund and payout is
a ``LedgerEntry`` whose ``LedgerLine`` debits equal its credits (``payments.services.ledger``
refuses anything else). A producer's balance, pending or available, is derived from the lines
of its account; it is never stored.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from market.core.models import TimeStampedModel


class Provider(models.TextChoices):
    STRIPE = "stripe", _("Stripe")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")


class Payment(TimeStampedModel):
    """One attempt to take a checkout's money through one provider.

    ``idempotency_key`` is derived from our records (checkout and attempt number) and stored
    before the provider is called, so a retried call can never charge twice. ``reference`` is
    what the provider knows the payment by: the PaymentIntent id, or the bank transfer reference
    the buyer writes on the transfer.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the money")
        REQUIRES_ACTION = "requires_action", _("Waiting for the card holder")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    checkout = models.ForeignKey("orders.Checkout", on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("provider"), max_length=32, choices=Provider.choices)
    attempt = models.PositiveSmallIntegerField(default=1)
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    received = models.PositiveBigIntegerField(_("received (rupiah)"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(max_length=100, unique=True)
    reference = models.CharField(_("reference"), max_length=128, blank=True)
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.CharField(max_length=255, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    applied = models.BooleanField(default=False, help_text="Checkout marked paid and the money allocated.")
    # The card (Stripe PaymentMethod id) the attempt was started with, stored with the key before Stripe is
    # called: a create that timed out is repeated by the reconciliation with the same key and parameters.
    payment_method_ref = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], condition=~Q(reference=""),
                                    name="payment_provider_reference_unique"),
            models.UniqueConstraint(fields=["checkout", "provider", "attempt"], name="payment_attempt_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=~Q(status="succeeded") | Q(succeeded_at__isnull=False),
                                   name="payment_succeeded_at"),
        ]
        indexes = [models.Index(fields=["provider", "status"], name="payment_provider_status_idx")]

    def __str__(self) -> str:
        return self.reference or self.idempotency_key


class PaymentEvent(models.Model):
    """One change of a payment's status and what caused it: the history is data.

    Written only by ``payments.services.status.payment_status_change``, in the transaction that
    changes the status, after it checked the move against ``payments.states.TRANSITIONS``. A
    payment starts ``pending``; every later status is one row here. ``provider_event_id`` is the
    webhook event that caused the change (a replayed event finds it and writes nothing).
    """

    class Source(models.TextChoices):
        START = "start", _("Payment started")  # our own call to the provider (confirm, decline)
        RETURN = "return", _("Buyer returned")  # the browser back from 3-D Secure asks the provider
        WEBHOOK = "webhook", _("Provider webhook")
        RECONCILE = "reconcile", _("Reconciliation")  # the periodic task asking about pending payments
        TRANSFER = "transfer", _("Transfer recorded")  # a finance officer recorded money that arrived
        CANCEL = "cancel", _("Checkout expired or cancelled")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("from status"), max_length=20, choices=Payment.Status.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=Payment.Status.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))  # None: the provider or a task
    provider_event_id = models.CharField(_("provider event"), max_length=255, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=F("to_status")), name="paymentevent_changes_status"),
            # One webhook event moves one payment once, however often it is delivered.
            models.UniqueConstraint(fields=["payment", "provider_event_id"], condition=~Q(provider_event_id=""),
                                    name="paymentevent_provider_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.payment}: {self.from_status} → {self.to_status}"


class BankTransferReceipt(models.Model):
    """A transfer an officer saw arrive on the platform's bank account, recorded against a payment."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="receipts")
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    bank_reference = models.CharField(_("bank statement reference"), max_length=100)
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("received transfer")
        verbose_name_plural = _("received transfers")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="banktransferreceipt_amount_positive"),
            # One bank statement line is recorded once, however often the form is sent.
            models.UniqueConstraint(fields=["bank_reference"], name="banktransferreceipt_bank_reference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.payment}: {self.amount}"


class PaymentMismatch(models.Model):
    """A provider's payment whose amount or currency is not what the checkout asks: flagged for officers.

    Written by ``payment_intent_apply`` (once per payment and PaymentIntent, however often the
    webhook or the reconciliation brings it) instead of marking anything paid; the payment stays
    waiting. The finance overview lists the open ones; the officer settles it at the provider
    (refund the intent, ask the buyer to pay again) and marks it resolved in the admin.
    """

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="mismatches")
    reference = models.CharField(_("reference"), max_length=128)
    expected_amount = models.PositiveBigIntegerField(_("expected (rupiah)"))
    received_amount = models.BigIntegerField(_("received (provider's minor units)"))
    received_currency = models.CharField(_("received currency"), max_length=8)
    source = models.CharField(_("source"), max_length=16, choices=PaymentEvent.Source.choices)
    provider_event_id = models.CharField(_("provider event"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment that does not match its order")
        verbose_name_plural = _("payments that do not match their orders")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["payment", "reference"], name="paymentmismatch_once")]

    def __str__(self) -> str:
        return f"{self.payment}: {self.received_amount} {self.received_currency}"


class LateTransfer(TimeStampedModel):
    """Money that arrived for a checkout already expired or cancelled: matched to it, kept, decided once.

    ``bank_transfer_record`` writes it (or adds to the payment's open one) instead of applying the
    money, which stays in ``deposits``. An officer decides once, under this row's lock
    (``late_transfer_decide``): re-open the checkout (its stock reserved again, then paid) or refund
    the money (refunds owed on the checkout's orders, transferred and recorded like any other).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("To decide")
        REOPENED = "reopened", _("Order re-opened")
        REFUNDED = "refunded", _("Refund owed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="late_transfers")
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=1000)

    class Meta:
        verbose_name = _("late transfer")
        verbose_name_plural = _("late transfers")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="latetransfer_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=["open", "reopened", "refunded"]),
                                   name="latetransfer_status_valid"),
            # Receipts for one payment add up in its one open row until an officer decides it.
            models.UniqueConstraint(fields=["payment"], condition=Q(status="open"), name="latetransfer_one_open"),
            models.CheckConstraint(condition=Q(status="open", decided_at__isnull=True)
                                   | ~Q(status="open") & Q(decided_at__isnull=False, decided_by__isnull=False),
                                   name="latetransfer_decided"),
        ]

    def __str__(self) -> str:
        return f"{self.payment}: {self.amount} ({self.status})"


class StripeEvent(models.Model):
    """A webhook event, recorded once by its id: a replay finds it and changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255, blank=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class CommissionRate(models.Model):
    """The platform's commission on goods of one category; other categories pay the default rate."""

    category = models.OneToOneField("catalog.Category", on_delete=models.CASCADE, related_name="commission_rate")
    rate = models.DecimalField(_("rate"), max_digits=5, decimal_places=4, help_text=_("0.0500 is 5%."))

    class Meta:
        verbose_name = _("commission rate")
        verbose_name_plural = _("commission rates")
        constraints = [models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=1), name="commissionrate_range")]

    def __str__(self) -> str:
        return f"{self.category}: {self.rate}"


class LedgerAccount(models.Model):
    class Kind(models.TextChoices):
        ASSET = "asset", _("Asset")
        LIABILITY = "liability", _("Liability")
        REVENUE = "revenue", _("Revenue")

    code = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    producer = models.OneToOneField("catalog.Producer", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="ledger_account")

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class LedgerEntry(models.Model):
    """One balanced movement of money; ``key`` (natural, e.g. ``payment:12``) makes it happen once."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Money received")
        ALLOCATION = "allocation", _("Payment allocated to producers and commission")
        REFUND = "refund", _("Refund")
        CREDIT_NOTE = "credit_note", _("Credit note on an invoice on terms")
        PAYOUT = "payout", _("Payout")
        CONSIGNMENT = "consignment", _("Consignment sales settled")
        CONSIGNMENT_PAID = "consignment_paid", _("Consignment sales paid by the chain")

    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    checkout = models.ForeignKey("orders.Checkout", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="ledger_entries")
    memo = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.key


class LedgerLine(models.Model):
    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="lines")
    # The producer order this money belongs to: pending until that order completes.
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    debit = models.PositiveBigIntegerField(default=0)
    credit = models.PositiveBigIntegerField(default=0)
    # Money owed to a producer that waits for someone else's payment (a chain's consignment settlement):
    # pending, like an order not completed, until a later entry releases it.
    held = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(debit=0, credit__gt=0) | Q(credit=0, debit__gt=0),
                                   name="ledgerline_one_side"),
        ]

    def __str__(self) -> str:
        return f"{self.account}: +{self.debit} -{self.credit}"


class ProducerBankAccount(TimeStampedModel):
    """Where a producer's payouts are transferred (Stripe cannot pay out to Indonesian accounts here)."""

    producer = models.OneToOneField("catalog.Producer", on_delete=models.CASCADE, related_name="bank_account")
    bank_name = models.CharField(_("bank"), max_length=100)
    account_number = models.CharField(_("account number"), max_length=34)
    account_holder = models.CharField(_("account holder"), max_length=200)

    class Meta:
        verbose_name = _("producer bank account")
        verbose_name_plural = _("producer bank accounts")

    def __str__(self) -> str:
        return f"{self.producer}: {self.bank_name} {self.account_number}"


class BankAccountChange(models.Model):
    """One setting or change of a producer's payout bank account, with who made it: the history is data.

    Written by ``producer_bank_account_set`` in the transaction that changes the account. Account
    numbers are kept masked (``******6789``): the row says that the money was redirected, and
    when, without becoming a second copy of the numbers. An empty ``old_account_number`` means
    the account was set for the first time.
    """

    producer = models.ForeignKey("catalog.Producer", on_delete=models.PROTECT, related_name="bank_account_changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("changed by"))
    old_bank_name = models.CharField(_("previous bank"), max_length=100, blank=True)
    old_account_number = models.CharField(_("previous account number (masked)"), max_length=34, blank=True)
    old_account_holder = models.CharField(_("previous account holder"), max_length=200, blank=True)
    new_bank_name = models.CharField(_("new bank"), max_length=100)
    new_account_number = models.CharField(_("new account number (masked)"), max_length=34)
    new_account_holder = models.CharField(_("new account holder"), max_length=200)
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank account change")
        verbose_name_plural = _("bank account changes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["producer", "-created_at"], name="bankaccountchange_producer_idx")]

    def __str__(self) -> str:
        return f"{self.producer_id}: {self.old_account_number or '-'} → {self.new_account_number}"

    @property
    def replaced_an_account(self) -> bool:
        return bool(self.old_account_number)


class PayoutBatch(TimeStampedModel):
    """Available balances an officer transfers to producers in one go, exported as a bank CSV file."""

    class Status(models.TextChoices):
        OPEN = "open", _("To transfer")
        PAID = "paid", _("Paid")

    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    minimum = models.PositiveBigIntegerField(_("minimum payout (rupiah)"))
    total = models.PositiveBigIntegerField(_("total (rupiah)"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payout batch")
        verbose_name_plural = _("payout batches")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(status="paid") | Q(paid_at__isnull=False),
                                              name="payoutbatch_paid_at")]

    def __str__(self) -> str:
        return f"payout batch {self.pk}"


class Payout(models.Model):
    """One producer's transfer in a batch, with the bank account as it was when the batch was made."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="payouts")
    producer = models.ForeignKey("catalog.Producer", on_delete=models.PROTECT, related_name="payouts")
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    bank_name = models.CharField(max_length=100)
    account_number = models.CharField(max_length=34)
    account_holder = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "producer"], name="payout_one_per_producer_per_batch"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.producer}: {self.amount}"


# --- invoices on terms ------------------------------------------------------------------------

# The largest credit limit an officer can set: far above any village-industry buyer's needs,
# small enough that a typing slip (an extra zero or three) is refused rather than trusted.
MAX_CREDIT_LIMIT = 5_000_000_000


class CreditTerms(TimeStampedModel):
    """An approved buyer organisation's payment terms: pay each invoice within ``net_days``, owe at most the limit.

    One row per organisation, changed only through ``payments.services.terms``; every change
    writes a ``CreditTermsEvent``. The row is also the lock that serialises an organisation's
    placements on terms, so two checkouts at once can never pass the limit together.
    """

    class NetDays(models.IntegerChoices):
        NET_14 = 14, _("Net 14 days")
        NET_30 = 30, _("Net 30 days")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.PROTECT,
                                        related_name="credit_terms", limit_choices_to={"kind": "buyer"},
                                        verbose_name=_("buyer organisation"))
    net_days = models.PositiveSmallIntegerField(_("payment terms (days)"), choices=NetDays.choices)
    credit_limit = models.PositiveBigIntegerField(_("credit limit (rupiah)"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"))
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit terms")
        verbose_name_plural = _("credit terms")
        ordering = ["organisation__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(net_days__in=[14, 30]), name="creditterms_net_days_valid"),
            models.CheckConstraint(condition=Q(credit_limit__gt=0, credit_limit__lte=MAX_CREDIT_LIMIT),
                                   name="creditterms_limit_range"),
            models.CheckConstraint(condition=Q(status__in=["active", "suspended"]), name="creditterms_status_valid"),
            models.CheckConstraint(condition=~Q(status="suspended") | Q(suspended_at__isnull=False),
                                   name="creditterms_suspended_at"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: net {self.net_days}, {self.credit_limit}"


class CreditTermsEvent(models.Model):
    """One change of an organisation's terms, with who made it: the history is data."""

    class Kind(models.TextChoices):
        SET = "set", _("Terms set")
        SUSPENDED = "suspended", _("Terms suspended")

    terms = models.ForeignKey(CreditTerms, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    net_days = models.PositiveSmallIntegerField()
    credit_limit = models.PositiveBigIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credit terms change")
        verbose_name_plural = _("credit terms changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.terms_id} {self.kind}"


class TermsInvoice(models.Model):
    """A checkout placed on terms: when it is due, and the bank transfer payment it is paid through.

    Written in the placing transaction. What is paid so far is the payment's ``received``; the
    invoice is settled when its checkout is paid (``bank_transfer_record`` marks it so).
    """

    checkout = models.OneToOneField("orders.Checkout", on_delete=models.PROTECT, related_name="terms_invoice")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="terms_invoice")
    net_days = models.PositiveSmallIntegerField(_("payment terms (days)"))
    due_on = models.DateField(_("due date"))
    # Refunds owed while the invoice was unpaid, taken off what is owed (credit notes): never transferred.
    credited = models.PositiveBigIntegerField(_("credited (rupiah)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invoice on terms")
        verbose_name_plural = _("invoices on terms")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["organisation", "due_on"], name="termsinvoice_org_due_idx")]

    def __str__(self) -> str:
        return f"{self.checkout}: {self.due_on}"


class TermsReminder(models.Model):
    """A payment reminder sent for an invoice; the unique kind makes each one go out once."""

    invoice = models.ForeignKey(TermsInvoice, on_delete=models.CASCADE, related_name="reminders")
    # ``before`` (days before the due date) or ``overdue:<n>`` (n days after it)
    kind = models.CharField(max_length=20)
    recipients = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["invoice", "kind"], name="termsreminder_once")]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.kind}"


class TransferProof(TimeStampedModel):
    """A photo or screenshot of the buyer's transfer receipt, sent from the pay page (issue 17).

    It helps the officers match a transfer on the bank statement; it pays nothing by itself (only
    ``bank_transfer_record`` does). Stored normalised (``catalog.images``) under ``transfer-proofs/``,
    which the public media view refuses: it is served only to the checkout's buyer and to officers.
    """

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="proofs")
    image = models.ImageField(_("proof of transfer"), upload_to="transfer-proofs/%Y/%m/", width_field="width",
                              height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("sent by"))

    class Meta:
        verbose_name = _("proof of transfer")
        verbose_name_plural = _("proofs of transfer")
        ordering = ["created_at", "pk"]
