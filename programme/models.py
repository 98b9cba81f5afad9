"""Stored aggregates of the programme cockpit: monthly sales per village, net of refunds, refreshed by a task.

The cockpit and the public results page read these small tables instead of scanning every order
(``programme.services.programme_facts_refresh``); ``FactRefresh`` says as of when they are true.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommerceMonthFact(models.Model):
    """Sales placed in one month with the producers of one village, through one channel."""

    month = models.DateField(_("month"))  # its first day
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=16)  # orders.Channel, recorded when the order was placed
    orders = models.PositiveIntegerField(_("orders"))
    revenue = models.PositiveBigIntegerField(_("revenue (rupiah)"))  # net of the refunds paid back
    refunded = models.PositiveBigIntegerField(_("refunded (rupiah)"), default=0)  # taken off ``revenue``

    class Meta:
        verbose_name = _("monthly sales of a village")
        verbose_name_plural = _("monthly sales of villages")
        constraints = [models.UniqueConstraint(fields=["month", "village", "channel"], name="commerce_fact_key")]
        indexes = [models.Index(fields=["month"], name="commerce_fact_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.village_id} {self.channel}"


class CommodityMonthFact(models.Model):
    """Sales of one commodity's products placed in one month with the producers of one village."""

    month = models.DateField(_("month"))
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    commodity = models.ForeignKey("catalog.Commodity", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")  # null: products without a commodity
    orders = models.PositiveIntegerField(_("orders"))
    revenue = models.PositiveBigIntegerField(_("revenue (rupiah)"))  # net of its share of the refunds paid back
    refunded = models.PositiveBigIntegerField(_("refunded (rupiah)"), default=0)

    class Meta:
        verbose_name = _("monthly sales of a commodity")
        verbose_name_plural = _("monthly sales of commodities")
        constraints = [models.UniqueConstraint(fields=["month", "village", "commodity"], nulls_distinct=False,
                                               name="commodity_fact_key")]
        indexes = [models.Index(fields=["month"], name="commodity_fact_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.village_id} {self.commodity_id}"


class FactRefresh(models.Model):
    """One run of the refresh: the orders changed since ``since`` were re-counted into the months listed."""

    started_at = models.DateTimeField(_("started at"))  # the next run counts changes from here
    finished_at = models.DateTimeField(_("finished at"))
    since = models.DateTimeField(_("changes since"), null=True, blank=True)  # null: a full refresh
    months = models.JSONField(_("months refreshed"), default=list)

    class Meta:
        verbose_name = _("refresh of the programme figures")
        verbose_name_plural = _("refreshes of the programme figures")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
