"""Pages: reviews and ratings (issue 17). Writing or changing a review of a delivered order line, a
product's reviews, reporting one, the producer's reviews and replies, and the officers' moderation queue.

Reads go through ``reviews.selectors``, writes through one ``reviews.services`` function each; an
``ApplicationError`` is shown beside the input it concerns (or as a message) and nothing changes.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog.exceptions import ProductNotFound
from catalog.selectors import product_get_public, product_public_view
from frontend.forms.errors import form_add_application_error
from frontend.forms.reviews import ModerateForm, ReplyForm, ReportForm, ReviewForm
from frontend.views.common import next_url, not_found_as_404
from market.core.errors import ApplicationError
from market.core.pagecache import cache_public_page
from reviews.selectors import (
    REVIEWABLE_STATUSES,
    Queue,
    access_review_for_producer,
    access_review_line,
    product_stats_get,
    review_can_edit,
    review_get_for_officer,
    review_get_visible,
    review_list_for_officers,
    review_list_for_producer,
    review_list_for_product,
    review_map_for_order,
    review_waiting_count,
)
from reviews.services import review_edit, review_moderate, review_reply, review_report, review_write

REVIEWS_PER_PAGE = 10


def _post_and_return(request, form, *, back: str, invalid: str, act, done: str):
    """Run ``act(cleaned_data)`` for a valid one-field form, say how it went, and go ``back``."""
    if not form.is_valid():
        messages.error(request, invalid)
    else:
        try:
            act(form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, done)
    return redirect(back)


def _officer(request) -> None:
    if not (request.user.is_active and request.user.is_officer):
        raise PermissionDenied(_("Only programme officers can open this page."))


# --- writing a review --------------------------------------------------------------------------


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def review_write_view(request, pk: int, line_pk: int):
    """Write the review of one delivered line of one's order, or change it within the edit window."""
    line = access_review_line(user=request.user, pk=line_pk)
    if line.order_id != pk:
        raise Http404
    order = line.order
    review = review_map_for_order(order=order).get(line.pk)
    back = reverse("frontend:order-detail", kwargs={"pk": order.pk})
    delivered = order.status in REVIEWABLE_STATUSES
    editable = review is None or review_can_edit(review=review)
    photos = list(review.photos.all()) if review is not None else []
    initial = {"rating": review.rating, "text": review.text} if review is not None else None
    form = ReviewForm(request.POST or None, request.FILES or None, initial=initial, photos=photos)
    status = 200
    if request.method == "POST" and delivered and editable:
        if form.is_valid():
            data = form.cleaned_data
            try:
                if review is None:
                    review_write(order_line_id=line.pk, author=request.user, rating=data["rating"], text=data["text"],
                                 photos=request.FILES.getlist("photos"))
                else:
                    review_edit(review=review, author=request.user, rating=data["rating"], text=data["text"],
                                photos=request.FILES.getlist("photos"),
                                remove_photo_ids=[int(pk) for pk in data.get("remove_photos") or []])
            except ApplicationError as exc:
                form_add_application_error(form, exc, field_for=lambda key: "photos" if key == "image" else key)
            else:
                messages.success(request, _("Thank you: your review is published.") if review is None
                                 else _("Your review is changed."))
                return redirect(back)
        status = 400
    elif request.method == "POST":
        status = 409
    return render(request, "frontend/reviews/review_form.html", {
        "form": form, "line": line, "order": order, "review": review, "delivered": delivered,
        "editable": editable, "photos": photos, "back_url": back}, status=status)


# --- a product's reviews -------------------------------------------------------------------------


@require_safe
@cache_public_page
def product_reviews(request, pk: int):
    """Every visible review of a product on sale, newest first, ten a page."""
    try:
        product = product_get_public(pk=pk)
    except ProductNotFound:
        raise Http404(ProductNotFound.default_message) from None
    page = Paginator(review_list_for_product(product_id=product.pk), REVIEWS_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "frontend/reviews/product_reviews.html", {
        "product": product_public_view(product), "rating": product_stats_get(product_id=product.pk),
        "page": page, "reviews": page.object_list, "report_form": ReportForm()})


@login_required
@not_found_as_404
@require_POST
def review_report_view(request, pk: int):
    """Report a visible review to the programme officers (once per person)."""
    review = review_get_visible(pk=pk)
    return _post_and_return(
        request, ReportForm(request.POST),
        back=next_url(request, reverse("frontend:product-reviews", kwargs={"pk": review.product_id})),
        invalid=_("Say what is wrong in at most 500 characters."),
        act=lambda data: review_report(review=review, reporter=request.user, reason=data["reason"]),
        done=_("Thank you: the programme officers will look at this review."))


# --- the producer's reviews ------------------------------------------------------------------------


@login_required
@require_safe
def producer_reviews(request):
    """The reviews of the producer's products, newest first, each with its reply form."""
    from frontend.views.orders import _board_producer

    producer = _board_producer(request)
    unanswered = request.GET.get("unanswered") == "1"
    page = Paginator(review_list_for_producer(producer_id=producer.pk, unanswered=unanswered),
                     REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/reviews/producer_reviews.html", {
        "producer": producer, "page": page, "reviews": page.object_list, "unanswered": unanswered,
        "section": "reviews", "board_url": request.get_full_path()})


@login_required
@not_found_as_404
@require_POST
def review_reply_view(request, pk: int):
    """The producer's reply to a review of its product (a second one changes it)."""
    review = access_review_for_producer(user=request.user, pk=pk)
    return _post_and_return(
        request, ReplyForm(request.POST),
        back=next_url(request, reverse("frontend:producer-reviews") + f"?producer={review.producer_id}"),
        invalid=_("Write your reply (at most 1000 characters)."),
        act=lambda data: review_reply(review=review, actor=request.user, text=data["reply"]),
        done=_("Your reply is published; the reviewer is told by email."))


# --- officers' moderation ------------------------------------------------------------------------


@login_required
@require_safe
def officer_reviews(request):
    """The moderation queue: new and edited reviews, reported ones, and the hidden ones."""
    _officer(request)
    queue = request.GET.get("queue", Queue.WAITING)
    queue = queue if queue in Queue.ALL else Queue.WAITING
    page = Paginator(review_list_for_officers(queue=queue), REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/reviews/officer_reviews.html", {
        "page": page, "reviews": page.object_list, "queue": queue, "waiting": review_waiting_count(),
        "queues": [(Queue.WAITING, _("Waiting")), (Queue.REPORTED, _("Reported")), (Queue.HIDDEN, _("Hidden"))],
        "section": "reviews", "form": ModerateForm()})


@login_required
@not_found_as_404
@require_POST
def officer_review_moderate(request, pk: int):
    """Hide (with a reason), restore or keep one review."""
    _officer(request)
    review = review_get_for_officer(user=request.user, pk=pk)
    back = next_url(request, reverse("frontend:officer-reviews"))
    form = ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose hide, restore or keep."))
        return redirect(back)
    try:
        review_moderate(review=review, officer=request.user, action=form.cleaned_data["action"],
                        reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        for errors in (exc.fields or {}).values():
            for error in errors:
                messages.error(request, str(error))
        if not exc.fields:
            messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Review %(number)s: done.") % {"number": review.pk})
    return redirect(back)


urlpatterns = [
    path("orders/<int:pk>/lines/<int:line_pk>/review/", review_write_view, name="review-write"),
    path("products/<int:pk>/reviews/", product_reviews, name="product-reviews"),
    path("reviews/<int:pk>/report/", review_report_view, name="review-report"),
    path("reviews/<int:pk>/reply/", review_reply_view, name="review-reply"),
    path("dashboard/producer/reviews/", producer_reviews, name="producer-reviews"),
    path("dashboard/officer/reviews/", officer_reviews, name="officer-reviews"),
    path("dashboard/officer/reviews/<int:pk>/moderate/", officer_review_moderate, name="officer-review-moderate"),
]
