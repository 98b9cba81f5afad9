"""Background work of the reviews app (sent after commit by the services)."""
from __future__ import annotations

from celery import shared_task
from django.db import transaction

from reviews.notifications import review_hidden_notify, review_reply_notify


@shared_task
def review_reply_notify_task(review_id: int) -> bool:
    """After the producer replies: email the review's author."""
    with transaction.atomic():  # a failure rolls back its own work only, never a caller's open transaction
        return review_reply_notify(review_id=review_id)


@shared_task
def review_hidden_notify_task(review_id: int) -> bool:
    """After an officer hides a review: email its author why."""
    with transaction.atomic():
        return review_hidden_notify(review_id=review_id)
