from celery import shared_task

from market.core.services import email_send


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_send_task(*, subject: str, body: str, to: list[str], html_body: str | None = None,
                    from_email: str | None = None, headers: dict | None = None) -> None:
    """Send an email outside the request; SMTP hiccups are retried with backoff."""
    email_send(subject=subject, body=body, to=to, html_body=html_body, from_email=from_email, headers=headers)


@shared_task
def task_outbox_flush_task() -> int:
    """Every minute: send the tasks kept while the broker was down."""
    from market.core.services import task_outbox_flush

    return task_outbox_flush()
