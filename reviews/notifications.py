"""Emails of the reviews app: the author is told when the producer replies and when an officer hides
the review (with the reason). Sent by tasks after commit, written in the recipient's language, once
per change (a retried task checks ``orders.Notification``'s natural key)."""
from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from orders.models import Notification
from reviews.models import Review


def _order_link(review: Review) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("frontend:order-detail", kwargs={"pk": review.order_line.order_id})


def _send_once(*, event: str, key: str, review: Review, subject_body) -> bool:
    from market.core.tasks import email_send_task

    user = review.author
    if not (user.is_active and user.email):
        return False
    try:
        with transaction.atomic():
            Notification.objects.create(event=event, key=key, user=user, channel="email")
    except IntegrityError:
        return False  # sent already (a retried task)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject, body = subject_body()
    email_send_task.delay(subject=subject, body=body, to=[user.email])
    return True


def review_reply_notify(*, review_id: int) -> bool:
    """Email the author the producer's (new or changed) reply; return whether an email left."""
    review = Review.objects.select_related("author", "order_line", "producer").filter(pk=review_id).first()
    if review is None or not review.reply or review.replied_at is None:
        return False

    def compose():
        values = {"producer": review.producer.name, "product": review.order_line.product_name,
                  "reply": review.reply, "link": _order_link(review)}
        return (_("%(producer)s replied to your review") % values,
                _("%(producer)s replied to your review of %(product)s:\n\n%(reply)s\n\nYour review: %(link)s")
                % values)

    return _send_once(event="review_replied", key=f"review:{review.pk}:{review.replied_at.timestamp():.6f}",
                      review=review, subject_body=compose)


def review_hidden_notify(*, review_id: int) -> bool:
    """Email the author that an officer hid the review, and why."""
    review = Review.objects.select_related("author", "order_line").filter(pk=review_id).first()
    if review is None or review.status != Review.Status.HIDDEN:
        return False

    def compose():
        values = {"product": review.order_line.product_name, "reason": review.hidden_reason,
                  "link": _order_link(review)}
        return (_("Your review of %(product)s was hidden") % values,
                _("A programme officer hid your review of %(product)s: %(reason)s\n\nYou can change it within "
                  "30 days of writing it: %(link)s") % values)

    return _send_once(event="review_hidden", key=f"review:{review.pk}:{review.updated_at.timestamp():.6f}",
                      review=review, subject_body=compose)
