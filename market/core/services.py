"""Kernel services every app may call."""
from __future__ import annotations

from django.core.mail import EmailMultiAlternatives


def email_send(*, subject: str, body: str, to: list[str], html_body: str | None = None,
               from_email: str | None = None, headers: dict | None = None) -> None:
    """Send one email now (called by ``email_send_task``; use the task from services)."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to, headers=headers)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
