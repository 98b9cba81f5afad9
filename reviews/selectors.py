"""Reads of the reviews app: who may review what, a product's reviews and rating, cards' stars and sold
counts, the producer's and the officers' lists.

What counts:

- **Reviewable**: an order line whose order is ``delivered`` or ``completed``, reviewed by its buyer
  (the consumer who placed it, or any member of the buyer organisation it was placed for).
- **Rating**: the visible reviews only (``ProductRating``, kept by the services); hidden ones never count.
- **Sold** ("N terjual"): units of order lines whose order is ``delivered`` or ``completed``, except
  orders whose problem an officer decided with a full refund (the goods went back, or never counted).
  Orders still on their way, declined, cancelled or unpaid are not sold. A partial refund does not
  take units away: it says nothing of how many.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from market.accounts.models import Membership, Organisation, User
from orders.models import Order, OrderLine, OrderProblem
from reviews.exceptions import ReviewLineNotFound, ReviewNotFound
from reviews.models import EDIT_WINDOW_DAYS, ProductRating, Review, ReviewEvent, ReviewPhoto, ReviewReport

REVIEWABLE_STATUSES = (Order.Status.DELIVERED, Order.Status.COMPLETED)
SOLD_STATUSES = (Order.Status.DELIVERED, Order.Status.COMPLETED)
PRODUCT_PAGE_REVIEWS = 5  # reviews shown on the product page; the rest on its reviews page

_PHOTOS = Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position", "pk"))
# The open reports of each review of the officers' queue, oldest first, in one query for the page.
_OPEN_REPORTS = Prefetch("reports", queryset=ReviewReport.objects.filter(resolved_at__isnull=True)
                         .order_by("created_at", "pk"), to_attr="report_rows")


# --- who may review what -------------------------------------------------------------------------


def _buyer_lines_q(user: User) -> Q:
    organisations = Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.BUYER).values(
        "organisation_id")
    return (Q(order__checkout__placed_by=user, order__checkout__organisation__isnull=True)
            | Q(order__checkout__organisation_id__in=organisations))


def access_review_line(*, user: User, pk: int) -> OrderLine:
    """Return the order line if ``user`` is its buyer (any status); else ``ReviewLineNotFound``."""
    if not (user.is_authenticated and user.is_active):
        raise ReviewLineNotFound()
    line = (OrderLine.objects.filter(_buyer_lines_q(user), pk=pk)
            .select_related("order__producer", "product").first())
    if line is None:
        raise ReviewLineNotFound()
    return line


def review_author_name(user: User) -> str:
    """Return how a review names its author: the first name and the initial of the last ("Ayu L.")."""
    words = (user.full_name or "").split()
    if not words:
        return ""
    return words[0] if len(words) == 1 else f"{words[0]} {words[-1][0]}."


def review_can_edit(*, review: Review, now=None) -> bool:
    """Return whether the review's author may still change it."""
    return (now or timezone.now()) <= review.created_at + timedelta(days=EDIT_WINDOW_DAYS)


def review_map_for_order(*, order: Order) -> dict[int, Review]:
    """Return the reviews of the order's lines by line id (one query)."""
    return {review.order_line_id: review for review in
            Review.objects.filter(order_line__order=order).prefetch_related(_PHOTOS)}


def access_own_review(*, user: User, pk: int) -> Review:
    """Return a review its author wrote; else ``ReviewNotFound``."""
    review = Review.objects.filter(pk=pk, author_id=user.pk).prefetch_related(_PHOTOS).first() \
        if user.is_authenticated else None
    if review is None:
        raise ReviewNotFound()
    return review


# --- public reads --------------------------------------------------------------------------------


def review_list_for_product(*, product_id: int) -> QuerySet[Review]:
    """Return the product's visible reviews, newest first, with their photos (two queries per page)."""
    return (Review.objects.filter(product_id=product_id, status=Review.Status.VISIBLE)
            .prefetch_related(_PHOTOS).order_by("-created_at", "-pk"))


def review_get_visible(*, pk: int) -> Review:
    review = Review.objects.filter(pk=pk, status=Review.Status.VISIBLE).first()
    if review is None:
        raise ReviewNotFound()
    return review


@dataclass(frozen=True)
class RatingSummary:
    """A product's stars (``average`` is ``None`` without visible reviews) and units sold."""

    average: float | None
    count: int
    sold: int

    @property
    def stars(self) -> int:
        """The average rounded to whole stars, for the drawn stars."""
        return int(self.average + 0.5) if self.average is not None else 0


_NONE = RatingSummary(average=None, count=0, sold=0)


def product_stats(*, product_ids: list[int]) -> dict[int, RatingSummary]:
    """Return each product's rating and units sold, in one query whatever the number of products
    (none for an empty list). Products without either are left out: read with ``.get(pk)``."""
    from catalog.models import Product

    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return {}
    refunded = OrderProblem.objects.filter(decision=OrderProblem.Decision.FULL_REFUND).values("order_id")
    sold = (OrderLine.objects.filter(product_id=OuterRef("pk"), order__status__in=SOLD_STATUSES)
            .exclude(order_id__in=refunded).order_by().values("product_id")
            .annotate(units=Sum("quantity")).values("units"))
    rows = (Product.objects.filter(pk__in=ids).order_by()
            .annotate(sold=Coalesce(Subquery(sold, output_field=IntegerField()), 0))
            .values_list("pk", "sold", "rating__review_count", "rating__star_total"))
    result = {}
    for pk, units, count, total in rows:
        if units or count:
            result[pk] = RatingSummary(average=round(total / count, 1) if count else None, count=count or 0,
                                       sold=int(units))
    return result


def product_stats_get(*, product_id: int) -> RatingSummary:
    """Return one product's rating and units sold (one query)."""
    return product_stats(product_ids=[product_id]).get(product_id, _NONE)


def product_rating_get(*, product_id: int) -> ProductRating | None:
    return ProductRating.objects.filter(product_id=product_id).first()


# --- the producer's reviews ----------------------------------------------------------------------


def review_list_for_producer(*, producer_id: int, unanswered: bool = False) -> QuerySet[Review]:
    """Return the reviews of the producer's products (hidden ones too, marked), newest first."""
    qs = (Review.objects.filter(producer_id=producer_id).select_related("order_line")
          .prefetch_related(_PHOTOS).order_by("-created_at", "-pk"))
    return qs.filter(reply="") if unanswered else qs


def access_review_for_producer(*, user: User, pk: int) -> Review:
    """Return a review of a product of one of ``user``'s producers; else ``ReviewNotFound``."""
    from catalog.selectors import producer_ids_for_user

    if not (user.is_authenticated and user.is_active):
        raise ReviewNotFound()
    review = Review.objects.filter(pk=pk, producer_id__in=producer_ids_for_user(user=user)).first()
    if review is None:
        raise ReviewNotFound()
    return review


# --- officers ------------------------------------------------------------------------------------


class Queue:
    WAITING = "waiting"  # new or edited since checked, or reported
    REPORTED = "reported"
    HIDDEN = "hidden"
    ALL = ("waiting", "reported", "hidden")


def review_list_for_officers(*, queue: str = Queue.WAITING) -> QuerySet[Review]:
    """Return the officers' moderation queue, oldest first (hidden: newest first), with product names
    and each review's open reports (``report_rows``)."""
    qs = (Review.objects.select_related("order_line", "author").prefetch_related(_PHOTOS, _OPEN_REPORTS)
          .annotate(report_count=Count("reports")))
    if queue == Queue.HIDDEN:
        return qs.filter(status=Review.Status.HIDDEN).order_by("-updated_at", "-pk")
    if queue == Queue.REPORTED:
        return qs.filter(open_reports__gt=0).order_by("created_at", "pk")
    return qs.filter(Q(checked_at__isnull=True) | Q(open_reports__gt=0)).order_by("created_at", "pk")


def review_waiting_count() -> int:
    return Review.objects.filter(Q(checked_at__isnull=True) | Q(open_reports__gt=0)).count()


def review_get_for_officer(*, user: User, pk: int) -> Review:
    if not (user.is_authenticated and user.is_active and user.is_officer):
        raise ReviewNotFound()
    review = Review.objects.filter(pk=pk).first()
    if review is None:
        raise ReviewNotFound()
    return review


def review_event_list(*, review: Review) -> QuerySet[ReviewEvent]:
    return ReviewEvent.objects.filter(review=review).select_related("actor").order_by("created_at", "pk")


def reviews_officer_decision_list(*, query, kinds: frozenset[str]) -> list:
    """Return officers' moderation of reviews (``review``), latest first, at most ``query.limit``
    (a ``market.core.audit.AuditQuery``), as ``AuditEntry`` values. One query."""
    from market.core.audit import AuditEntry, officer_label

    if "review" not in kinds:
        return []
    moderation = [ReviewEvent.Kind.HIDDEN, ReviewEvent.Kind.RESTORED, ReviewEvent.Kind.KEPT]
    events = (ReviewEvent.objects.filter(query.q(actor="actor", at="created_at"), kind__in=moderation)
              .select_related("actor", "review__order_line").order_by("-created_at", "-pk")[:query.limit])
    return [AuditEntry(event.created_at, event.actor_id, officer_label(event.actor), "review",
                       f"{event.review.order_line.product_name} ({event.review.rating}★)",
                       str(event.get_kind_display()) + (f": {event.note}" if event.note else ""))
            for event in events]


def review_list_for_author(*, user: User) -> QuerySet[Review]:
    """Return the reviews ``user`` wrote (hidden ones too, with the reason), newest first."""
    return Review.objects.filter(author_id=user.pk).prefetch_related(_PHOTOS).order_by("-created_at", "-pk")


def personal_data_reviews(user: User) -> list[dict]:
    """The reviews part of a person's data export: what they wrote, with its photos' addresses and replies."""
    return [{"product": review.order_line.product_name, "rating": review.rating, "text": review.text,
             "shown_as": review.author_name, "status": review.status, "written_at": review.created_at.isoformat(),
             "photos": [photo.image.name for photo in review.photos.all()], "reply": review.reply}
            for review in review_list_for_author(user=user).select_related("order_line")]
