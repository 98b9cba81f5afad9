"""Writes of the reviews app: one function per use case, each in its own transaction.

- ``review_write``: the buyer of a delivered order line rates it (1–5 stars), says why, adds up to
  three photos. Photos are checked and re-encoded (``catalog.images``) before the transaction.
- ``review_edit``: the author changes it within ``EDIT_WINDOW_DAYS``; it goes back to the officers' queue.
- ``review_reply``: the producer's people answer once (the answer may be edited); the author is
  emailed after commit.
- ``review_report``: anyone signed in flags a review once.
- ``review_moderate``: an officer hides a review (with a reason the author sees), restores it, or
  keeps it (checked; its reports are resolved).

Every write records a ``ReviewEvent``; every change of what counts in a product's average moves its
``ProductRating`` row (locked) in the same transaction, and makes cached public pages stale.

Each is a top-level action, but not durable: the demo loader plays them inside its one transaction.

Locks: the review row (or, for a new review, the order line's order row), then the product's rating row.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import IO

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.images import image_thumbnail_make, image_validate_and_normalise
from market.accounts.models import User
from market.core.pagecache import public_pages_changed
from reviews.exceptions import (
    ReviewAlreadyReported,
    ReviewEditWindowClosed,
    ReviewExists,
    ReviewInvalid,
    ReviewModerationInvalid,
    ReviewNotAllowed,
    ReviewNotDelivered,
    ReviewNotFound,
)
from reviews.models import (
    EDIT_WINDOW_DAYS,
    MAX_PHOTOS,
    MAX_REASON,
    MAX_REPLY,
    MAX_TEXT,
    ProductRating,
    Review,
    ReviewEvent,
    ReviewPhoto,
    ReviewReport,
)
from reviews.selectors import REVIEWABLE_STATUSES, access_review_line, review_author_name

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
THUMBNAIL_SIDE = 160

Status = Review.Status


class ModerationAction:
    HIDE = "hide"
    RESTORE = "restore"
    KEEP = "keep"
    ALL = ("hide", "restore", "keep")


@dataclass(frozen=True)
class _Photo:
    image: ContentFile
    thumbnail: ContentFile


# --- validation (a table per field, the same for pages and API) ------------------------------------


def _text(value, *, field: str, max_length: int, required: bool = False) -> str:
    if not isinstance(value, str):
        raise ReviewInvalid(fields={field: [_("Enter text.")]})
    value = value.strip()
    if required and not value:
        raise ReviewInvalid(fields={field: [_("This field is required.")]})
    if len(value) > max_length:
        raise ReviewInvalid(fields={field: [_("At most %(count)s characters.") % {"count": max_length}]})
    return value


def _rating(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ReviewInvalid(fields={"rating": [_("Choose from 1 to 5 stars.")]})
    return value


def _photos(photos: Sequence[IO[bytes]], *, already: int = 0) -> list[_Photo]:
    """Check and re-encode the photos (outside any transaction: decoding takes a moment)."""
    if already + len(photos) > MAX_PHOTOS:
        raise ReviewInvalid(fields={"photos": [_("At most %(count)s photos.") % {"count": MAX_PHOTOS}]})
    result = []
    for upload in photos:
        normalised = image_validate_and_normalise(upload=upload, max_bytes=PHOTO_MAX_BYTES, max_side=PHOTO_MAX_SIDE)
        data = normalised.content.read()
        normalised.content.seek(0)
        result.append(_Photo(image=normalised.content, thumbnail=image_thumbnail_make(source=data,
                                                                                      size=THUMBNAIL_SIDE)))
    return result


def _photos_store(review: Review, photos: list[_Photo], *, start: int = 0) -> None:
    for offset, photo in enumerate(photos):
        ReviewPhoto.objects.create(review=review, image=photo.image, thumbnail=photo.thumbnail,
                                   position=start + offset)


# --- the product's rating ------------------------------------------------------------------------


def _rating_move(*, product_id: int, count: int, stars: int) -> None:
    """Add ``count`` reviews and ``stars`` stars to the product's visible total (negative: take away)."""
    ProductRating.objects.get_or_create(product_id=product_id)
    ProductRating.objects.filter(product_id=product_id).update(review_count=F("review_count") + count,
                                                               star_total=F("star_total") + stars)
    public_pages_changed()


def _event(review: Review, kind: str, actor: User, *, note: str = "", data: dict | None = None) -> ReviewEvent:
    return ReviewEvent.objects.create(review=review, kind=kind, actor=actor, note=note, data=data or {})


def _lock(review: Review | int) -> Review:
    pk = review if isinstance(review, int) else review.pk
    try:
        return Review.objects.select_for_update(of=("self",)).select_related("product").get(pk=pk)
    except Review.DoesNotExist:
        raise ReviewNotFound() from None


# --- writing and editing -------------------------------------------------------------------------


def review_write(*, order_line_id: int, author: User, rating: int, text: str = "",
                 photos: Sequence[IO[bytes]] = ()) -> Review:
    """Write the one review of a delivered order line as its buyer; return it.

    Someone who is not the line's buyer gets ``ReviewLineNotFound`` (the line's existence is not
    told); a line whose order is not delivered or completed ``ReviewNotDelivered``; a second review
    of the same line ``ReviewExists``. Bad stars, text or photos: ``ReviewInvalid``/``ImageInvalid``,
    nothing written.
    """
    rating, text = _rating(rating), _text(text, field="text", max_length=MAX_TEXT)
    line = access_review_line(user=author, pk=order_line_id)
    if line.order.status not in REVIEWABLE_STATUSES:
        raise ReviewNotDelivered()
    if Review.objects.filter(order_line_id=line.pk).exists():
        raise ReviewExists()
    stored = _photos(photos)
    with transaction.atomic():
        # The order's row lock orders two reviews of the same line (a double click): one wins, one is told.
        from orders.models import Order

        order = Order.objects.select_for_update().get(pk=line.order_id)
        if order.status not in REVIEWABLE_STATUSES:
            raise ReviewNotDelivered()
        try:
            with transaction.atomic():
                review = Review.objects.create(order_line=line, product_id=line.product_id,
                                               producer_id=order.producer_id, author=author,
                                               author_name=review_author_name(author), rating=rating, text=text)
        except IntegrityError:
            raise ReviewExists() from None
        _photos_store(review, stored)
        _event(review, ReviewEvent.Kind.WRITTEN, author, data={"rating": rating, "photos": len(stored)})
        _rating_move(product_id=review.product_id, count=1, stars=rating)
    return review


def review_edit(*, review: Review, author: User, rating: int, text: str = "",
                photos: Sequence[IO[bytes]] = (), remove_photo_ids: Sequence[int] = (), now=None) -> Review:
    """Change one's own review within ``EDIT_WINDOW_DAYS`` of writing it: stars, text, photos.

    The change goes back to the officers' queue; a hidden review stays hidden (its new stars count
    once an officer restores it).
    """
    now = now or timezone.now()
    rating, text = _rating(rating), _text(text, field="text", max_length=MAX_TEXT)
    if review.author_id != author.pk:
        raise ReviewNotFound()
    if now > review.created_at + timedelta(days=EDIT_WINDOW_DAYS):
        raise ReviewEditWindowClosed()
    kept = review.photos.exclude(pk__in=list(remove_photo_ids)).count()
    stored = _photos(photos, already=kept)
    with transaction.atomic():
        locked = _lock(review)
        before = {"rating": locked.rating, "text": locked.text}
        removed = list(locked.photos.filter(pk__in=list(remove_photo_ids)).values_list("pk", flat=True))
        ReviewPhoto.objects.filter(review=locked, pk__in=removed).delete()
        last = locked.photos.order_by("-position").values_list("position", flat=True).first()
        _photos_store(locked, stored, start=(last + 1) if last is not None else 0)
        if locked.status == Status.VISIBLE and locked.rating != rating:
            _rating_move(product_id=locked.product_id, count=0, stars=rating - locked.rating)
        elif locked.status == Status.VISIBLE:
            public_pages_changed()
        locked.rating, locked.text, locked.edited_at, locked.checked_at = rating, text, now, None
        locked.save(update_fields=["rating", "text", "edited_at", "checked_at", "updated_at"])
        _event(locked, ReviewEvent.Kind.EDITED, author,
               data={"before": before, "photos_added": len(stored), "photos_removed": removed})
    return locked


# --- the producer's reply ------------------------------------------------------------------------


def review_reply(*, review: Review, actor: User, text: str) -> Review:
    """Answer a review of one's own product (the producer's people); a second call edits the answer.

    The author is emailed after commit (the first reply and each change).
    """
    from catalog.selectors import user_is_producer_member

    text = _text(text, field="reply", max_length=MAX_REPLY, required=True)
    if not user_is_producer_member(user=actor, producer_id=review.producer_id):
        raise ReviewNotAllowed()
    with transaction.atomic():
        locked = _lock(review)
        first = not locked.reply
        locked.reply, locked.replied_by, locked.replied_at = text, actor, timezone.now()
        locked.save(update_fields=["reply", "replied_by", "replied_at", "updated_at"])
        _event(locked, ReviewEvent.Kind.REPLIED if first else ReviewEvent.Kind.REPLY_EDITED, actor)
        if locked.status == Status.VISIBLE:
            public_pages_changed()
        from reviews.tasks import review_reply_notify_task

        review_reply_notify_task.delay_on_commit(locked.pk)
    return locked


# --- reports and moderation ----------------------------------------------------------------------


def review_report(*, review: Review, reporter: User, reason: str = "") -> ReviewReport:
    """Flag a visible review for the officers, once per person (``ReviewAlreadyReported`` the second time)."""
    reason = _text(reason, field="reason", max_length=MAX_REASON)
    if not (reporter.is_authenticated and reporter.is_active):
        raise ReviewNotAllowed()
    with transaction.atomic():
        locked = _lock(review)
        if locked.status != Status.VISIBLE:
            raise ReviewNotFound()
        if ReviewReport.objects.filter(review=locked, reporter=reporter).exists():
            raise ReviewAlreadyReported()
        report = ReviewReport.objects.create(review=locked, reporter=reporter, reason=reason)
        Review.objects.filter(pk=locked.pk).update(open_reports=F("open_reports") + 1)
        _event(locked, ReviewEvent.Kind.REPORTED, reporter, note=reason)
    return report


def review_moderate(*, review: Review, officer: User, action: str, reason: str = "", now=None) -> Review:
    """An officer hides a visible review (``reason`` shown to its author), restores a hidden one, or
    keeps a visible one as it is. Each resolves the review's open reports and takes it off the queue."""
    if not (officer.is_active and officer.is_officer):
        raise ReviewNotAllowed()
    if action not in ModerationAction.ALL:
        raise ReviewInvalid(fields={"action": [_("Choose hide, restore or keep.")]})
    reason = _text(reason, field="reason", max_length=MAX_REASON, required=action == ModerationAction.HIDE)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(review)
        if action == ModerationAction.HIDE:
            if locked.status != Status.VISIBLE:
                raise ReviewModerationInvalid()
            locked.status, locked.hidden_reason = Status.HIDDEN, reason
            _rating_move(product_id=locked.product_id, count=-1, stars=-locked.rating)
            kind = ReviewEvent.Kind.HIDDEN
        elif action == ModerationAction.RESTORE:
            if locked.status != Status.HIDDEN:
                raise ReviewModerationInvalid()
            locked.status, locked.hidden_reason = Status.VISIBLE, ""
            _rating_move(product_id=locked.product_id, count=1, stars=locked.rating)
            kind = ReviewEvent.Kind.RESTORED
        else:
            if locked.status != Status.VISIBLE:
                raise ReviewModerationInvalid()
            kind = ReviewEvent.Kind.KEPT
        resolved = ReviewReport.objects.filter(review=locked, resolved_at__isnull=True).update(resolved_at=now)
        locked.checked_at, locked.open_reports = now, 0
        locked.save(update_fields=["status", "hidden_reason", "checked_at", "open_reports", "updated_at"])
        _event(locked, kind, officer, note=reason, data={"reports_resolved": resolved})
        if kind == ReviewEvent.Kind.HIDDEN:
            from reviews.tasks import review_hidden_notify_task

            review_hidden_notify_task.delay_on_commit(locked.pk)
    return locked


def review_erase_for_account_closure(user: User) -> int:
    """Take a closing person's name off their reviews (shown as "a buyer" from now on) and delete their
    reviews' photos; the stars and words stay (they are about the product). Return how many reviews.
    Composes in ``account_close``."""
    photos = ReviewPhoto.objects.filter(review__author=user)
    for photo in photos:
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
    photos.delete()
    changed = Review.objects.filter(author=user).update(author_name="")
    if changed:
        public_pages_changed()
    return changed
