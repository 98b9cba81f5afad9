"""Carts, checkouts split by producer, orders and their fulfilment, problems and refunds.

Writes go through ``orders.services``; reads through ``orders.selectors``. Money is integer
rupiah. What matters for money and stock is kept by the database as well (``CheckConstraint``,
``UniqueConstraint``); every change of status or money writes an ``OrderEvent``.

A ``Checkout`` is what a shopper placed in one go (one payment, one invoice number); it holds one
``Order`` per producer (one purchase order number each), which the producer fulfils on its own.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from market.core.models import TimeStampedModel

MAX_LINE_QUANTITY = 100_000  # units of one product in one cart line or order line
MAX_CART_LINES = 50
PROBLEM_WINDOW_DAYS = 7  # a buyer reports damaged, missing or wrong items within this many days of delivery
AUTO_COMPLETE_DAYS = 7  # a delivered order completes by itself after this many days


class Audience(models.TextChoices):
    """Who is buying, which decides the price: consumers pay retail, buyer organisations wholesale tiers."""

    CONSUMER = "consumer", _("Consumer")
    BUSINESS = "business", _("Buyer organisation")


class Channel(models.TextChoices):
    """How an order came in, recorded when it is placed (the programme cockpit reports sales by it)."""

    CONSUMER_ONLINE = "consumer_online", _("Consumers online")
    WHOLESALE = "wholesale", _("Wholesale to buyer organisations")
    CONSIGNMENT = "consignment", _("Consignment")
    SHOWCASE = "showcase", _("From a product showcase")


class DeliveryOption(models.TextChoices):
    PRODUCER = "producer", _("Delivery by the producer")
    COURIER = "courier", _("Courier")
    PICKUP = "pickup", _("Pickup at the village")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    INVOICE = "invoice", _("Invoice on terms")


# --- delivery fee rules ---------------------------------------------------------------------


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ProducerDeliveryRule(TimeStampedModel):
    """How a producer gets its goods to buyers; without a rule a producer offers pickup only.

    - Pickup at the village (``offers_pickup``, free, with ``pickup_hours``).
    - Delivery by the producer (``offers_delivery``): a fee per destination district
      (``ProducerDeliveryArea``; a row without a district covers every other destination), nothing
      from ``free_delivery_from`` (order subtotal) upwards, on ``delivery_days`` (empty: any day).
    - Courier (``offers_courier``): a fee table by destination regency or province and weight band
      (``ProducerCourierRate``), ``courier_lead_days`` days on the way.

    ``orders.pricing.delivery_offer`` is the one function that reads these rows.
    """

    producer = models.OneToOneField("catalog.Producer", on_delete=models.CASCADE, related_name="delivery_rule",
                                    verbose_name=_("producer"))
    offers_pickup = models.BooleanField(_("pickup at the village"), default=True)
    pickup_hours = models.CharField(_("pickup hours"), max_length=100, blank=True)
    offers_delivery = models.BooleanField(_("delivers itself"), default=False)
    free_delivery_from = models.PositiveBigIntegerField(_("free delivery from (rupiah)"), null=True, blank=True)
    delivery_days = ArrayField(models.PositiveSmallIntegerField(choices=Weekday.choices), blank=True, default=list,
                               verbose_name=_("delivery days"))
    offers_courier = models.BooleanField(_("sends by courier"), default=False)
    courier_lead_days = models.PositiveSmallIntegerField(_("courier lead time (days)"), default=2)

    class Meta:
        verbose_name = _("delivery rule")
        verbose_name_plural = _("delivery rules")
        constraints = [models.CheckConstraint(condition=Q(courier_lead_days__lte=60),
                                              name="deliveryrule_lead_days_range")]

    def __str__(self) -> str:
        return str(self.producer)


class ProducerDeliveryArea(models.Model):
    """The producer's own delivery fee to one destination district (no district: any other destination)."""

    rule = models.ForeignKey(ProducerDeliveryRule, on_delete=models.CASCADE, related_name="areas")
    district = models.ForeignKey("regions.District", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    fee = models.PositiveBigIntegerField(_("fee (rupiah)"))

    class Meta:
        verbose_name = _("delivery area")
        verbose_name_plural = _("delivery areas")
        ordering = ["rule_id", "district_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["rule", "district"], nulls_distinct=False,
                                               name="deliveryarea_one_per_district")]

    def __str__(self) -> str:
        return f"{self.district or '*'}: {self.fee}"


class ProducerCourierRate(models.Model):
    """A courier fee to a regency or a province (neither: anywhere) for orders up to ``max_grams`` (none: any weight)."""

    rule = models.ForeignKey(ProducerDeliveryRule, on_delete=models.CASCADE, related_name="courier_rates")
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("regency or city"))
    province = models.ForeignKey("regions.Province", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("province"))
    max_grams = models.PositiveIntegerField(_("up to (grams)"), null=True, blank=True)
    fee = models.PositiveBigIntegerField(_("fee (rupiah)"))

    class Meta:
        verbose_name = _("courier rate")
        verbose_name_plural = _("courier rates")
        ordering = ["rule_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(regency__isnull=True) | Q(province__isnull=True),
                                   name="courierrate_one_area"),
            models.CheckConstraint(condition=Q(max_grams__isnull=True) | Q(max_grams__gte=1),
                                   name="courierrate_max_grams_positive"),
            models.UniqueConstraint(fields=["rule", "regency", "province", "max_grams"], nulls_distinct=False,
                                    name="courierrate_one_per_area_and_band"),
        ]

    def __str__(self) -> str:
        return f"{self.regency or self.province or '*'} ≤{self.max_grams or '∞'} g: {self.fee}"


# --- carts ----------------------------------------------------------------------------------


class Cart(TimeStampedModel):
    """One cart per shopper context: a person for themself, a member acting for a buyer
    organisation, or an anonymous visitor (``anonymous_token``, kept in the session's data)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="carts")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="carts")
    anonymous_token = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(user__isnull=False, organisation__isnull=True),
                                    name="cart_one_per_person"),
            models.UniqueConstraint(fields=["user", "organisation"], condition=Q(organisation__isnull=False),
                                    name="cart_one_per_member_and_organisation"),
            models.UniqueConstraint(fields=["anonymous_token"], condition=~Q(anonymous_token=""),
                                    name="cart_one_per_anonymous_token"),
            models.CheckConstraint(
                condition=Q(user__isnull=False, anonymous_token="")
                | Q(user__isnull=True, organisation__isnull=True) & ~Q(anonymous_token=""),
                name="cart_owner_xor_anonymous"),
        ]

    def __str__(self) -> str:
        return f"cart {self.pk}"


class CartLine(models.Model):
    """A product and quantity in a cart, with the unit price the shopper saw when setting it.

    Pricing compares ``unit_price_seen`` with the current price, so a change is shown to the
    shopper (and must be accepted) instead of being applied silently.
    """

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_seen = models.PositiveBigIntegerField(_("unit price seen (rupiah)"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cartline_cart_product_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1, quantity__lte=MAX_LINE_QUANTITY),
                                   name="cartline_quantity_range"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"


# --- checkouts and orders -------------------------------------------------------------------


class Checkout(TimeStampedModel):
    """What a shopper placed at once: one payment, one invoice/receipt number, one order per producer."""

    # Not a column: ``order_place`` sets it on a checkout it found by its idempotency key (a replay).
    replayed = False

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        ON_TERMS = "on_terms", _("Invoiced on terms")
        EXPIRED = "expired", _("Expired unpaid")
        CANCELLED = "cancelled", _("Cancelled")

    # Numbers are given last in the placing transaction (``orders.documents``); blank until then.
    number = models.CharField(_("invoice number"), max_length=32, blank=True, default="", editable=False)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkouts",
                                  verbose_name=_("placed by"))
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="checkouts", verbose_name=_("buyer organisation"))
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    request_fingerprint = models.CharField(max_length=64, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    payment_method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod.choices)
    reservation_expires_at = models.DateTimeField(_("reservation expires at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=128, blank=True)
    outlet = models.ForeignKey("buyers.Outlet", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="checkouts", verbose_name=_("outlet"))
    address = models.ForeignKey("buyers.Address", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="checkouts", verbose_name=_("address"))
    delivery_address = models.JSONField(_("delivery address"), default=dict)
    note = models.TextField(_("note"), blank=True, max_length=1000)
    subtotal = models.PositiveBigIntegerField(_("subtotal (rupiah)"))
    delivery_total = models.PositiveBigIntegerField(_("delivery (rupiah)"))
    total = models.PositiveBigIntegerField(_("total (rupiah)"))

    class Meta:
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["placed_by", "idempotency_key"], name="checkout_idempotency_unique"),
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="checkout_number_unique"),
            models.CheckConstraint(condition=Q(total=F("subtotal") + F("delivery_total")), name="checkout_total_sum"),
            models.CheckConstraint(condition=Q(status__in=["awaiting_payment", "paid", "on_terms", "expired",
                                                           "cancelled"]), name="checkout_status_valid"),
            models.CheckConstraint(condition=Q(payment_method__in=["card", "bank_transfer", "invoice"]),
                                   name="checkout_payment_method_valid"),
            # Unpaid reservations always run out; an invoice on terms is never awaiting payment.
            models.CheckConstraint(condition=~Q(status="awaiting_payment") | Q(reservation_expires_at__isnull=False),
                                   name="checkout_awaiting_payment_expires"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(paid_at__isnull=False), name="checkout_paid_at"),
            models.CheckConstraint(condition=Q(outlet__isnull=True) | Q(address__isnull=True),
                                   name="checkout_one_destination"),
        ]
        indexes = [models.Index(fields=["status", "reservation_expires_at"], name="checkout_expiry_idx")]

    def __str__(self) -> str:
        return self.number or f"checkout {self.pk}"


class Order(TimeStampedModel):
    """One producer's part of a checkout, fulfilled by that producer (``orders.services.fulfilment``)."""

    viewer: str  # not a field: the party the reader acts as, set by ``orders.selectors.access_order``

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PLACED = "placed", _("Placed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="orders")
    producer = models.ForeignKey("catalog.Producer", on_delete=models.PROTECT, related_name="orders",
                                 verbose_name=_("producer"))
    number = models.CharField(_("purchase order number"), max_length=32, blank=True, default="", editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    status_changed_at = models.DateTimeField(_("status changed at"))
    delivery_option = models.CharField(_("delivery"), max_length=16, choices=DeliveryOption.choices)
    # What the producer needs to deliver, copied so that it never needs the checkout (nor sees it).
    buyer_name = models.CharField(_("buyer"), max_length=200)
    delivery_address = models.JSONField(_("delivery address"), default=dict)
    note = models.TextField(_("note"), blank=True, max_length=1000)
    subtotal = models.PositiveBigIntegerField(_("subtotal (rupiah)"))
    delivery_fee = models.PositiveBigIntegerField(_("delivery fee (rupiah)"))
    total = models.PositiveBigIntegerField(_("total (rupiah)"))
    courier = models.CharField(_("courier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.CONSUMER_ONLINE,
                               editable=False)
    source = models.CharField(_("source"), max_length=100, blank=True, editable=False)  # e.g. a showcase's key
    # The showcase meeting the order came from (``showcases``' report counts orders through it).
    showcase_meeting = models.ForeignKey("showcases.Meeting", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="orders", db_index=False, editable=False,
                                         verbose_name=_("showcase meeting"))

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["checkout", "producer"], name="order_one_per_producer_per_checkout"),
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="order_number_unique"),
            models.CheckConstraint(condition=Q(total=F("subtotal") + F("delivery_fee")), name="order_total_sum"),
            models.CheckConstraint(condition=Q(status__in=["awaiting_payment", "placed", "accepted", "declined",
                                                           "packed", "shipped", "delivered", "completed",
                                                           "cancelled"]), name="order_status_valid"),
            models.CheckConstraint(condition=Q(delivery_option__in=["producer", "courier", "pickup"]),
                                   name="order_delivery_option_valid"),
            models.CheckConstraint(condition=~Q(status="declined") | ~Q(decline_reason=""),
                                   name="order_declined_has_reason"),
            models.CheckConstraint(condition=~Q(status__in=["delivered", "completed"]) | Q(delivered_at__isnull=False),
                                   name="order_delivered_at"),
        ]
        indexes = [
            models.Index(fields=["producer", "status"], name="order_producer_status_idx"),
            models.Index(fields=["status", "delivered_at"], name="order_status_delivered_idx"),
            models.Index(fields=["showcase_meeting"], condition=Q(showcase_meeting__isnull=False),
                         name="order_showcase_meeting_idx"),
        ]

    def __str__(self) -> str:
        return self.number or f"order {self.pk}"


class OrderLine(models.Model):
    """A product in an order at the unit price frozen when the order was placed."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="order_lines")
    product_name = models.CharField(_("product"), max_length=200)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    unit = models.CharField(_("unit"), max_length=8)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.PositiveBigIntegerField(_("unit price (rupiah)"))
    line_total = models.PositiveBigIntegerField(_("line total (rupiah)"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="orderline_order_product_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1, quantity__lte=MAX_LINE_QUANTITY),
                                   name="orderline_quantity_range"),
            models.CheckConstraint(condition=Q(line_total=F("unit_price") * F("quantity")), name="orderline_total"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_name}"


class OrderEvent(models.Model):
    """One thing that happened to an order: a change of status, a payment, a problem, a refund."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status changed")
        PAYMENT = "payment", _("Payment received")
        PROBLEM_REPORTED = "problem_reported", _("Problem reported")
        PROBLEM_ANSWERED = "problem_answered", _("Producer answered")
        REFUND_DECIDED = "refund_decided", _("Refund decided")
        REFUND_DONE = "refund_done", _("Refund paid")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STATUS)
    from_status = models.CharField(_("from status"), max_length=20, choices=Order.Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=Order.Status.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))  # None: the system (a task, a payment)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # Set when a programme officer (``actor``) moved the order in an assist session for its producer.
    on_behalf_of = models.ForeignKey("catalog.Producer", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+", verbose_name=_("on behalf of"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        if self.kind == self.Kind.STATUS:
            return f"{self.order}: {self.from_status or '-'} → {self.to_status}"
        return f"{self.order}: {self.get_kind_display()}"


# --- purchase requests: a member's order waiting for a manager's approval --------------------


class PurchaseRequest(TimeStampedModel):
    """A cart frozen for approval: a member of a buyer organisation ordered above the organisation's
    approval limit (``buyers.BuyerProfile.approval_limit``); an owner or manager approves it (which
    places it through ``order_place``) or rejects it with a reason; the member may withdraw it.

    The lines keep the unit price the member saw; the approver sees them re-priced now.
    """

    replayed = False  # not a column: set on a request found by its idempotency key (a repeated submit)
    restored = 0  # not a column: how many lines ``purchase_request_withdraw`` put back into the member's cart

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="purchase_requests", verbose_name=_("buyer organisation"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="purchase_requests", verbose_name=_("requested by"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    outlet = models.ForeignKey("buyers.Outlet", on_delete=models.PROTECT, related_name="purchase_requests",
                               verbose_name=_("outlet"))
    delivery = models.JSONField(_("delivery per producer"), default=dict)  # {"<producer id>": "<option>"}
    payment_method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod.choices)
    note = models.TextField(_("note"), blank=True, max_length=1000)
    subtotal = models.PositiveBigIntegerField(_("subtotal seen (rupiah)"))
    delivery_total = models.PositiveBigIntegerField(_("delivery seen (rupiah)"))
    total = models.PositiveBigIntegerField(_("total seen (rupiah)"))
    approval_limit = models.PositiveBigIntegerField(_("approval limit when submitted (rupiah)"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=1000)
    checkout = models.OneToOneField(Checkout, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="purchase_request", verbose_name=_("order placed"))

    class Meta:
        verbose_name = _("purchase request")
        verbose_name_plural = _("purchase requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["requested_by", "idempotency_key"],
                                    name="purchaserequest_idempotency_unique"),
            models.CheckConstraint(condition=Q(status__in=["submitted", "approved", "rejected", "withdrawn"]),
                                   name="purchaserequest_status_valid"),
            models.CheckConstraint(condition=Q(payment_method__in=["card", "bank_transfer", "invoice"]),
                                   name="purchaserequest_payment_method_valid"),
            models.CheckConstraint(condition=Q(total=F("subtotal") + F("delivery_total")),
                                   name="purchaserequest_total_sum"),
            # Approved means placed; a decision names who and when; a rejection says why.
            models.CheckConstraint(condition=Q(status="approved", checkout__isnull=False)
                                   | ~Q(status="approved") & Q(checkout__isnull=True),
                                   name="purchaserequest_approved_has_checkout"),
            models.CheckConstraint(condition=~Q(status__in=["approved", "rejected"])
                                   | Q(decided_by__isnull=False, decided_at__isnull=False),
                                   name="purchaserequest_decision_recorded"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reason=""),
                                   name="purchaserequest_rejected_has_reason"),
        ]
        indexes = [models.Index(fields=["organisation", "status", "created_at"],
                                name="purchaserequest_queue_idx")]

    def __str__(self) -> str:
        return f"purchase request {self.pk}"

    def delivery_by_producer(self) -> dict[int, str]:
        """Return the delivery option chosen per producer id."""
        return {int(producer_id): option for producer_id, option in (self.delivery or {}).items()}


class PurchaseRequestLine(models.Model):
    """A product and quantity of a purchase request, with the name and unit price the member saw."""

    purchase_request = models.ForeignKey(PurchaseRequest, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(_("product"), max_length=200)
    unit = models.CharField(_("unit"), max_length=8)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_seen = models.PositiveBigIntegerField(_("unit price seen (rupiah)"))
    line_total = models.PositiveBigIntegerField(_("line total seen (rupiah)"))

    class Meta:
        verbose_name = _("purchase request line")
        verbose_name_plural = _("purchase request lines")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["purchase_request", "product"], name="purchaserequestline_product_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1, quantity__lte=MAX_LINE_QUANTITY),
                                   name="purchaserequestline_quantity_range"),
            models.CheckConstraint(condition=Q(line_total=F("unit_price_seen") * F("quantity")),
                                   name="purchaserequestline_total"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_name}"


class PurchaseRequestEvent(models.Model):
    """One change of a purchase request's status: who, when, why (a rejection's reason), what was placed."""

    purchase_request = models.ForeignKey(PurchaseRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from status"), max_length=16, choices=PurchaseRequest.Status.choices,
                                   blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=PurchaseRequest.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("purchase request event")
        verbose_name_plural = _("purchase request events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.purchase_request}: {self.from_status or '-'} → {self.to_status}"


# --- problems after delivery and refunds ----------------------------------------------------


class OrderProblem(TimeStampedModel):
    """Damaged, missing or wrong items reported by the buyer; answered by the producer, decided by an officer."""

    class Kind(models.TextChoices):
        DAMAGED = "damaged", _("Damaged items")
        MISSING = "missing", _("Missing items")
        WRONG = "wrong", _("Wrong items")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the producer")
        ANSWERED = "answered", _("Waiting for an officer")
        DECIDED = "decided", _("Decided")

    class Decision(models.TextChoices):
        FULL_REFUND = "full_refund", _("Full refund")
        PARTIAL_REFUND = "partial_refund", _("Partial refund")
        NO_REFUND = "no_refund", _("No refund")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="problems")
    kind = models.CharField(_("problem"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("what is wrong"), max_length=2000)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("producer's answer"), blank=True, max_length=2000)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    refund_amount = models.PositiveBigIntegerField(_("refund (rupiah)"), default=0)
    decision_note = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("order problem")
        verbose_name_plural = _("order problems")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["damaged", "missing", "wrong"]), name="orderproblem_kind"),
            models.CheckConstraint(
                condition=Q(status="decided", decided_at__isnull=False) & ~Q(decision="")
                | ~Q(status="decided") & Q(decision="", refund_amount=0),
                name="orderproblem_decision_when_decided"),
            models.CheckConstraint(condition=~Q(decision="no_refund") | Q(refund_amount=0),
                                   name="orderproblem_no_refund_is_zero"),
            models.CheckConstraint(condition=~Q(decision__in=["full_refund", "partial_refund"])
                                   | Q(refund_amount__gt=0), name="orderproblem_refund_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order}: {self.get_kind_display()}"


class OrderProblemPhoto(models.Model):
    """A photo of a reported problem, stored normalised (``catalog.images``)."""

    problem = models.ForeignKey(OrderProblem, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to="problems/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("problem photo")
        verbose_name_plural = _("problem photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.image.name


class OrderRefund(TimeStampedModel):
    """Money owed back to the buyer for (part of) an order: requested here, paid by the payments app.

    Written in the same transaction as what caused it (a decline, a cancellation after payment, an
    officer's decision on a problem), so a refund is never forgotten; ``orders.hooks`` tells the
    payment provider after commit, which marks it done (``order_refund_mark_done``).
    """

    class Reason(models.TextChoices):
        DECLINED = "declined", _("Declined by the producer")
        CANCELLED = "cancelled", _("Cancelled after payment")
        PROBLEM = "problem", _("Problem after delivery")
        LATE_TRANSFER = "late_transfer", _("Transfer arrived after the order expired")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        DONE = "done", _("Refunded")

    class Settlement(models.TextChoices):
        """How the money went back: the provider's API (card), a transfer an officer made and recorded,
        or a credit note that reduced an unpaid invoice on terms."""

        PROVIDER = "provider", _("Paid back through the payment provider")
        TRANSFER = "transfer", _("Bank transfer by an officer")
        CREDIT_NOTE = "credit_note", _("Credit note on the unpaid invoice")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    problem = models.OneToOneField(OrderProblem, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="refund")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    payment_method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    reference = models.CharField(_("provider reference"), max_length=128, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    settlement = models.CharField(_("paid back by"), max_length=16, choices=Settlement.choices, blank=True)
    # A transfer recorded by an officer: the day the bank made it, its proof (normalised), and who recorded it.
    transferred_on = models.DateField(_("transferred on"), null=True, blank=True)
    proof = models.ImageField(_("proof of transfer"), upload_to="refunds/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="orderrefund_amount_positive"),
            # A declined or cancelled order is refunded once; each problem decision at most once.
            models.UniqueConstraint(fields=["order"], condition=Q(reason__in=["declined", "cancelled"]),
                                    name="orderrefund_one_automatic_per_order"),
            models.CheckConstraint(condition=Q(reason="problem", problem__isnull=False)
                                   | ~Q(reason="problem") & Q(problem__isnull=True), name="orderrefund_problem"),
            models.CheckConstraint(condition=~Q(status="done") | Q(refunded_at__isnull=False),
                                   name="orderrefund_done_at"),
            models.CheckConstraint(condition=~Q(settlement="transfer") | Q(transferred_on__isnull=False),
                                   name="orderrefund_transfer_has_date"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="orderrefund_status_idx")]

    def __str__(self) -> str:
        return f"{self.order}: {self.amount} ({self.get_reason_display()})"


# --- documents and notifications ------------------------------------------------------------


class DocumentCounter(models.Model):
    """The last number given in a series (invoices, purchase orders) in a year.

    Incremented under its row lock inside the transaction that places the order, so a rolled
    back placement gives its number back and the numbers have no gaps (``orders.documents``).
    """

    series = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="documentcounter_series_year_unique")]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last_number}"


class Notification(models.Model):
    """The natural key of a sent notification, so a retried task never sends one twice."""

    event = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["event", "key", "user", "channel"],
                                               name="notification_once")]

    def __str__(self) -> str:
        return f"{self.event} {self.key} → {self.user_id} ({self.channel})"
