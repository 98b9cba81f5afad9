"""Reviews of delivered order lines: stars, text and photos, the producer's reply, officers' moderation.

Writes go through ``reviews.services``; reads through ``reviews.selectors``. A review belongs to one
order line (``OneToOneField``: one per line, kept by the database), whose order was delivered or
completed; its author is the consumer who placed the order or a member of the buyer organisation.
Every write records a ``ReviewEvent`` in the same transaction (written, edited, replied, reported,
hidden, restored, kept). ``ProductRating`` is the running count and sum of stars of a product's
visible reviews, updated in the same transaction as the review, so product lists read it with a join
instead of averaging reviews on each page.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from market.core.models import TimeStampedModel

MAX_TEXT = 2000
MAX_REPLY = 1000
MAX_REASON = 500
MAX_PHOTOS = 3
EDIT_WINDOW_DAYS = 30  # a reviewer may change the review this many days after writing it


class Review(TimeStampedModel):
    """One buyer's stars, words and photos about one delivered order line."""

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden by an officer")

    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="review",
                                      verbose_name=_("order line"))
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="reviews",
                                verbose_name=_("product"))
    producer = models.ForeignKey("catalog.Producer", on_delete=models.PROTECT, related_name="reviews",
                                 verbose_name=_("producer"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews",
                               verbose_name=_("author"))
    # The name shown with the review, frozen when it is written ("Sari W."): never the email.
    author_name = models.CharField(_("shown as"), max_length=100)
    rating = models.PositiveSmallIntegerField(_("stars"))
    text = models.TextField(_("review"), max_length=MAX_TEXT, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.VISIBLE)
    hidden_reason = models.TextField(_("reason for hiding"), max_length=MAX_REASON, blank=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # When an officer last looked at it (kept, hid or restored); empty: new or edited since, in the queue.
    checked_at = models.DateTimeField(_("checked by an officer at"), null=True, blank=True)
    reply = models.TextField(_("producer's reply"), max_length=MAX_REPLY, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("replied by"))
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    open_reports = models.PositiveIntegerField(_("open reports"), default=0)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_range"),
            models.CheckConstraint(condition=Q(status__in=["visible", "hidden"]), name="review_status_valid"),
            models.CheckConstraint(condition=~Q(status="hidden") | ~Q(hidden_reason=""),
                                   name="review_hidden_has_reason"),
            models.CheckConstraint(condition=Q(reply="") | Q(replied_at__isnull=False),
                                   name="review_reply_has_time"),
        ]
        indexes = [
            models.Index(fields=["product", "status", "-created_at"], name="review_product_idx"),
            models.Index(fields=["producer", "-created_at"], name="review_producer_idx"),
            models.Index(fields=["created_at"], condition=Q(checked_at__isnull=True) | Q(open_reports__gt=0),
                         name="review_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.rating}★ by {self.author_name}"


class ReviewPhoto(models.Model):
    """A photo of a review, stored normalised (``catalog.images``) with a small thumbnail made at upload."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to="reviews/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    thumbnail = models.ImageField(_("thumbnail"), upload_to="reviews/%Y/%m/")
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.image.name


class ReviewReport(models.Model):
    """Someone signed in says a review breaks the rules; once per person and review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("reported by"))
    reason = models.TextField(_("what is wrong"), max_length=MAX_REASON, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["review", "reporter"], name="reviewreport_once_per_person")]

    def __str__(self) -> str:
        return f"report of review {self.review_id}"


class ReviewEvent(models.Model):
    """One thing that happened to a review: who, when, what (the history is data)."""

    class Kind(models.TextChoices):
        WRITTEN = "written", _("Written")
        EDITED = "edited", _("Edited")
        REPLIED = "replied", _("Producer replied")
        REPLY_EDITED = "reply_edited", _("Reply edited")
        REPORTED = "reported", _("Reported")
        HIDDEN = "hidden", _("Hidden")
        RESTORED = "restored", _("Restored")
        KEPT = "kept", _("Checked and kept")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"review {self.review_id}: {self.kind}"


class ProductRating(models.Model):
    """The count and sum of stars of a product's visible reviews (average = total / count)."""

    product = models.OneToOneField("catalog.Product", on_delete=models.CASCADE, primary_key=True,
                                   related_name="rating", verbose_name=_("product"))
    review_count = models.PositiveIntegerField(_("visible reviews"), default=0)
    star_total = models.PositiveIntegerField(_("sum of stars"), default=0)

    class Meta:
        verbose_name = _("product rating")
        verbose_name_plural = _("product ratings")
        constraints = [models.CheckConstraint(condition=Q(star_total__gte=models.F("review_count"))
                                              & Q(star_total__lte=models.F("review_count") * 5),
                                              name="productrating_total_in_range")]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.star_total}/{self.review_count}"

    @property
    def average(self) -> float | None:
        return round(self.star_total / self.review_count, 1) if self.review_count else None
