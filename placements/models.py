"""Placements on shelves: a village product at a buyer organisation's outlet, and consignment stock.

``Placement`` (a product at an outlet, on outright or consignment terms) moves through one
validating function (``placements.services.placement_transition``), each change a
``PlacementEvent``. Consignment stock is counted on the placement itself (``delivered``, ``sold``,
``shrinkage``) so that the database refuses sales beyond what was delivered
(``placement_sold_within_delivered``); ``ConsignmentDelivery`` and ``SalesReport`` are the movements,
``ConsignmentSettlement`` the money (one balanced ledger entry per sales report).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from market.core.models import TimeStampedModel


class Terms(models.TextChoices):
    OUTRIGHT = "outright", _("Outright purchase")
    CONSIGNMENT = "consignment", _("Consignment")


class Side(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    PRODUCER = "producer", _("Producer")


class EndReason(models.TextChoices):
    SLOW_SALES = "slow_sales", _("Sales too slow")
    QUALITY = "quality", _("Quality or packaging problem")
    SUPPLY = "supply", _("Producer cannot supply")
    RANGE_CHANGE = "range_change", _("Outlet changed its range")
    DISCONTINUED = "discontinued", _("Product discontinued")
    OTHER = "other", _("Other reason")


class Placement(TimeStampedModel):
    """A product on (or proposed for) the shelf of one outlet of a buyer organisation.

    Statuses (``placements.services.placement_transition`` is the one place that moves them):
    proposed → agreed → on shelf → ended; proposed → declined (by the other side) or withdrawn (by
    the side that proposed); agreed → ended. ``organisation`` and ``producer`` repeat the outlet's
    and the product's so that every list filters on one table.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        ON_SHELF = "on_shelf", _("On shelf")
        ENDED = "ended", _("Ended")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="placements",
                                     verbose_name=_("buyer organisation"))
    outlet = models.ForeignKey("buyers.Outlet", on_delete=models.PROTECT, related_name="placements",
                               verbose_name=_("outlet"))
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="placements",
                                verbose_name=_("product"))
    producer = models.ForeignKey("catalog.Producer", on_delete=models.PROTECT, related_name="placements",
                                 verbose_name=_("producer"))
    terms = models.CharField(_("terms"), max_length=16, choices=Terms.choices)
    shelf_price = models.PositiveBigIntegerField(_("shelf price (rupiah)"))
    consignment_price = models.PositiveBigIntegerField(
        _("consignment price to the producer (rupiah per unit)"), null=True, blank=True,
        help_text=_("What the chain pays for each unit sold; consignment only."))
    start_date = models.DateField(_("start date"))
    facings = models.PositiveSmallIntegerField(_("facings"), default=1,
                                               help_text=_("Units side by side at the front of the shelf."))
    low_stock_threshold = models.PositiveIntegerField(
        _("low stock at the outlet"), default=0,
        help_text=_("Consignment: at or below this many units the producer is told to deliver more."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED,
                              editable=False)
    proposed_by = models.CharField(_("proposed by"), max_length=16, choices=Side.choices, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    note = models.TextField(_("note"), blank=True, max_length=1000)
    showcase_meeting = models.ForeignKey(
        "showcases.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="placements",
        verbose_name=_("showcase meeting"), editable=False,
        help_text=_("The gelar produk meeting this placement came from (the showcase report counts it)."))
    end_reason = models.CharField(_("reason"), max_length=16, choices=EndReason.choices, blank=True,
                                  editable=False)
    status_note = models.TextField(_("reason given"), blank=True, editable=False)
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True, editable=False)
    # consignment stock at the outlet: delivered − sold − shrinkage
    delivered = models.PositiveIntegerField(_("units delivered"), default=0, editable=False)
    sold = models.PositiveIntegerField(_("units sold"), default=0, editable=False)
    shrinkage = models.PositiveIntegerField(_("units lost (stock counts)"), default=0, editable=False)

    OPEN_STATUSES = (Status.PROPOSED, Status.AGREED, Status.ON_SHELF)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["outlet", "product"], condition=Q(status__in=["proposed", "agreed",
                                                                                          "on_shelf"]),
                                    name="placement_one_open_per_outlet_product"),
            models.CheckConstraint(condition=Q(terms="outright", consignment_price__isnull=True)
                                   | Q(terms="consignment", consignment_price__gte=1),
                                   name="placement_consignment_price_by_terms"),
            models.CheckConstraint(condition=Q(shelf_price__gte=1), name="placement_shelf_price_positive"),
            models.CheckConstraint(condition=Q(facings__gte=1, facings__lte=100), name="placement_facings_range"),
            models.CheckConstraint(condition=Q(sold__lte=F("delivered") - F("shrinkage")),
                                   name="placement_sold_within_delivered"),
            models.CheckConstraint(condition=Q(terms="consignment") | Q(delivered=0, sold=0, shrinkage=0),
                                   name="placement_stock_consignment_only"),
            models.CheckConstraint(condition=~Q(status="ended") | ~Q(end_reason=""),
                                   name="placement_ended_has_reason"),
        ]
        indexes = [models.Index(fields=["status", "organisation"], name="placement_status_org"),
                   models.Index(fields=["producer", "status"], name="placement_producer_status")]

    def __str__(self) -> str:
        return f"{self.product} @ {self.outlet}"

    @property
    def stock_at_outlet(self) -> int:
        return self.delivered - self.sold - self.shrinkage

    @property
    def is_consignment(self) -> bool:
        return self.terms == Terms.CONSIGNMENT

    @property
    def sell_through(self) -> float | None:
        """Return the share of delivered units sold (0..1), ``None`` before any delivery."""
        return self.sold / self.delivered if self.delivered else None

    @property
    def is_low_stock(self) -> bool:
        return (self.is_consignment and self.status == self.Status.ON_SHELF
                and self.stock_at_outlet <= self.low_stock_threshold)


class PlacementEvent(models.Model):
    """A change of a placement: its status (from, to, reason) or its consignment stock and money."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status changed")
        DELIVERY = "delivery", _("Stock delivered")
        SALES = "sales", _("Sales reported")
        SETTLEMENT = "settlement", _("Settled")
        PAYMENT = "payment", _("Paid by the chain")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="events",
                                  verbose_name=_("placement"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STATUS)
    from_status = models.CharField(_("from"), max_length=16, choices=Placement.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Placement.Status.choices, blank=True)
    side = models.CharField(_("side"), max_length=16, choices=Side.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    reason = models.CharField(_("reason"), max_length=16, choices=EndReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    quantity = models.IntegerField(_("units"), null=True, blank=True)
    amount = models.BigIntegerField(_("amount (rupiah)"), null=True, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("placement event")
        verbose_name_plural = _("placement events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.kind} {self.from_status} → {self.to_status}"


class ConsignmentDelivery(models.Model):
    """Stock a producer brought to an outlet on consignment; its delivery note is ``number``."""

    number = models.CharField(_("delivery note number"), max_length=32, unique=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("buyer organisation"))
    outlet = models.ForeignKey("buyers.Outlet", on_delete=models.PROTECT, related_name="consignment_deliveries",
                               verbose_name=_("outlet"))
    producer = models.ForeignKey("catalog.Producer", on_delete=models.PROTECT,
                                 related_name="consignment_deliveries", verbose_name=_("producer"))
    delivered_on = models.DateField(_("delivered on"))
    note = models.TextField(_("note"), blank=True, max_length=1000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consignment delivery")
        verbose_name_plural = _("consignment deliveries")
        ordering = ["-delivered_on", "-pk"]

    def __str__(self) -> str:
        return self.number


class ConsignmentDeliveryLine(models.Model):
    delivery = models.ForeignKey(ConsignmentDelivery, on_delete=models.CASCADE, related_name="lines")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="delivery_lines")
    quantity = models.PositiveIntegerField(_("units"))

    class Meta:
        verbose_name = _("consignment delivery line")
        verbose_name_plural = _("consignment delivery lines")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "placement"], name="deliveryline_once_per_placement"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="deliveryline_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.placement_id} × {self.quantity}"


class SalesReport(models.Model):
    """What one outlet sold (and counted) of its consignment placements in a period ending ``period_end``."""

    class Source(models.TextChoices):
        FORM = "form", _("Form")
        CSV = "csv", _("CSV upload")

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("buyer organisation"))
    outlet = models.ForeignKey("buyers.Outlet", on_delete=models.PROTECT, related_name="sales_reports",
                               verbose_name=_("outlet"))
    period_end = models.DateField(_("period ending"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.FORM)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reported by"))
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sales report")
        verbose_name_plural = _("sales reports")
        ordering = ["-period_end", "-pk"]
        constraints = [models.UniqueConstraint(fields=["outlet", "period_end"], name="salesreport_once_per_period")]

    def __str__(self) -> str:
        return f"{self.outlet} · {self.period_end}"


class SalesReportLine(models.Model):
    """Units of one placement sold in the period; ``counted`` is the stock count at the period's end if taken,
    ``shrinkage`` the units the count found missing (recorded as lost)."""

    report = models.ForeignKey(SalesReport, on_delete=models.CASCADE, related_name="lines")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="sales_lines")
    sold = models.PositiveIntegerField(_("units sold"))
    counted = models.PositiveIntegerField(_("units counted"), null=True, blank=True)
    shrinkage = models.PositiveIntegerField(_("units lost"), default=0)

    class Meta:
        verbose_name = _("sales report line")
        verbose_name_plural = _("sales report lines")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["report", "placement"], name="salesline_once_per_placement")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.placement_id} sold {self.sold}"


class OutletRange(TimeStampedModel):
    """How many products (SKUs) an outlet carries in all, as the chain reports it: the denominator of
    the share of village products on its shelves."""

    outlet = models.OneToOneField("buyers.Outlet", on_delete=models.CASCADE, related_name="range",
                                  verbose_name=_("outlet"))
    total_skus = models.PositiveIntegerField(_("products carried (SKUs)"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("outlet range")
        verbose_name_plural = _("outlet ranges")
        constraints = [models.CheckConstraint(condition=Q(total_skus__gte=1), name="outletrange_positive")]

    def __str__(self) -> str:
        return f"{self.outlet_id}: {self.total_skus}"


class ConsignmentSettlement(models.Model):
    """The money of one sales report: what the chain owes, what each producer is owed, the platform's fee.

    One per report (the natural key of its ledger entry, ``consignment:report:<id>``).
    """

    report = models.OneToOneField(SalesReport, on_delete=models.PROTECT, related_name="settlement",
                                  verbose_name=_("sales report"))
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("buyer organisation"))
    ledger_entry = models.OneToOneField("payments.LedgerEntry", on_delete=models.PROTECT, related_name="+")
    gross = models.PositiveBigIntegerField(_("owed by the chain (rupiah)"))
    fee = models.PositiveBigIntegerField(_("platform fee (rupiah)"))
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("settled by"))
    created_at = models.DateTimeField(_("settled at"), auto_now_add=True)
    # The chain's transfer, recorded by an officer: until then the producers' shares are held.
    payment_entry = models.OneToOneField("payments.LedgerEntry", on_delete=models.PROTECT, related_name="+",
                                         null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    bank_reference = models.CharField(_("bank statement reference"), max_length=100, blank=True)
    paid_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                         null=True, blank=True, verbose_name=_("payment recorded by"))

    class Meta:
        verbose_name = _("consignment settlement")
        verbose_name_plural = _("consignment settlements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(fee__lte=F("gross")), name="settlement_fee_within_gross"),
            models.CheckConstraint(condition=Q(paid_on__isnull=True, payment_entry__isnull=True, bank_reference="")
                                   | Q(paid_on__isnull=False, payment_entry__isnull=False) & ~Q(bank_reference=""),
                                   name="settlement_paid_whole"),
            models.UniqueConstraint(fields=["bank_reference"], condition=~Q(bank_reference=""),
                                    name="settlement_bank_reference_once"),
        ]

    def __str__(self) -> str:
        return f"settlement of report {self.report_id}"

    @property
    def net(self) -> int:
        return self.gross - self.fee

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None

    @property
    def payment_reference(self) -> str:
        """The reference the chain writes on its transfer (``KS`` and the settlement's number)."""
        return f"KS{self.pk:07d}"


class ConsignmentSettlementLine(models.Model):
    """One placement's part of a settlement: units sold × agreed price, the fee at its rate, the producer's net."""

    settlement = models.ForeignKey(ConsignmentSettlement, on_delete=models.CASCADE, related_name="lines")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="settlement_lines")
    producer = models.ForeignKey("catalog.Producer", on_delete=models.PROTECT, related_name="+")
    sold = models.PositiveIntegerField(_("units sold"))
    unit_price = models.PositiveBigIntegerField(_("agreed price (rupiah)"))
    gross = models.PositiveBigIntegerField(_("amount (rupiah)"))
    fee_rate = models.DecimalField(_("fee rate"), max_digits=5, decimal_places=4)
    fee = models.PositiveBigIntegerField(_("fee (rupiah)"))

    class Meta:
        verbose_name = _("consignment settlement line")
        verbose_name_plural = _("consignment settlement lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(gross=F("sold") * F("unit_price")), name="settlementline_gross"),
            models.CheckConstraint(condition=Q(fee__lte=F("gross")), name="settlementline_fee_within_gross"),
        ]

    def __str__(self) -> str:
        return f"{self.settlement_id}: {self.placement_id}"

    @property
    def net(self) -> int:
        return self.gross - self.fee
