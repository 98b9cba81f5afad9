"""Officer-assisted mode: a programme officer acts on behalf of a producer who cannot work the site.

The officer starts a session from the producer's page with a reason; it lasts until the officer ends
it or ``ASSIST_SESSION_DURATION`` passes. While it is active ``require_producer_editor`` (the one check
of every producer service) accepts the officer for that producer only, and records each action in the
session; the producer's people are emailed when a session starts and see every action on their
dashboard. Bank account, members and payouts are not producer services: they stay with the producer.
"""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.exceptions import AssistSessionNotFound, CatalogInvalid
from catalog.models import AssistSession, Producer
from catalog.services._auth import require_officer
from market.accounts.models import User
from market.core.dates import datetime_display
from market.core.tasks import email_send_task

ASSIST_SESSION_DURATION = timedelta(hours=2)
REASON_MAX = 300


def _close_open(*, officer: User, now) -> None:
    """End the officer's open session (at most one): an expired one at its expiry, an active one now."""
    for session in AssistSession.objects.select_for_update().filter(officer=officer, ended_at__isnull=True):
        session.ended_at = min(now, session.expires_at)
        session.save(update_fields=["ended_at"])


@transaction.atomic
def assist_session_start(*, officer: User, producer: Producer, reason: str) -> AssistSession:
    """Start acting on behalf of ``producer`` for ``ASSIST_SESSION_DURATION``; end the officer's other session.

    The officer's way in already passed TOTP (``OfficerMfaRequiredMiddleware`` for pages, the token
    authentication for the API). The producer's people are emailed after commit.
    """
    require_officer(officer)
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise CatalogInvalid(fields={"reason": [_("Say why you act for this producer (e.g. “asked at the visit "
                                                  "on Monday, no smartphone”).")]})
    if len(reason) > REASON_MAX:
        raise CatalogInvalid(fields={"reason": [_("At most %(count)s characters.") % {"count": REASON_MAX}]})
    now = timezone.now()
    _close_open(officer=officer, now=now)
    session = AssistSession.objects.create(officer=officer, producer=producer, reason=reason, started_at=now,
                                           expires_at=now + ASSIST_SESSION_DURATION)
    _notify_producer(session)
    return session


@transaction.atomic
def assist_session_end(*, officer: User, session: AssistSession) -> AssistSession:
    """End the officer's own session now (ending an ended or expired session changes nothing)."""
    require_officer(officer)
    locked = AssistSession.objects.select_for_update().filter(pk=session.pk, officer=officer).first()
    if locked is None:
        raise AssistSessionNotFound()
    if locked.ended_at is None:
        locked.ended_at = min(timezone.now(), locked.expires_at)
        locked.save(update_fields=["ended_at"])
    session.ended_at = locked.ended_at
    return locked


def _notify_producer(session: AssistSession) -> None:
    """Tell the producer's people, after commit, that an officer now acts on their behalf and why."""
    recipients = sorted({m.user.email for m in session.producer.organisation.memberships.select_related("user")
                         if m.user.is_active and m.user.email})
    if not recipients:
        return
    officer_name = session.officer.get_full_name() or session.officer.email
    subject = _("A programme officer is acting on behalf of %(producer)s") % {"producer": session.producer.name}
    body = _("%(officer)s started to act on behalf of %(producer)s on Kampung Industri at %(start)s, until "
             "%(end)s at the latest.\n\nReason: %(reason)s\n\nEverything the officer does (products, stock, "
             "orders) is listed on your dashboard under “Actions by officers on your behalf”. Your bank "
             "account and your members stay yours alone. If you did not ask for this, contact the programme "
             "officers.") % {
        "officer": officer_name, "producer": session.producer.name,
        "start": datetime_display(session.started_at),
        "end": datetime_display(session.expires_at), "reason": session.reason}
    email_send_task.delay_on_commit(subject=str(subject), body=str(body), to=recipients)
