"""Tell a buyer organisation's owners what an officer decided about its registration, by email.

As in ``orders/notifications.py``, services send nothing themselves: the status change calls
``registration_notify_after_commit``, which enqueues ``buyer_registration_notify_task`` once the
transaction has committed (nothing is sent for a rolled-back change). The task writes each
message in its recipient's language and queues one email per owner (each retried on its own).
"""
from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from buyers.models import BuyerRegistration, BuyerRegistrationEvent
from market.accounts.models import Membership


def registration_notify_after_commit(*, event_id: int) -> None:
    """Email the owners about the registration event ``event_id`` once the current transaction commits."""
    from buyers.tasks import buyer_registration_notify_task

    buyer_registration_notify_task.delay_on_commit(event_id)


def _message(event: BuyerRegistrationEvent) -> tuple[str, str]:
    registration = event.registration
    link = settings.SITE_URL.rstrip("/") + reverse("frontend:buyer-organisation")
    values = {"name": registration.legal_name, "link": link, "reason": event.reason}
    if event.to_status == BuyerRegistration.Status.VERIFIED:
        return (_("%(name)s is a verified buyer") % values,
                _("A programme officer verified the registration of %(name)s. Producers now see your "
                  "organisation as a verified buyer.\n\n%(link)s") % values)
    return (_("The registration of %(name)s needs a correction") % values,
            _("A programme officer could not verify the registration of %(name)s.\n\nReason: %(reason)s\n\n"
              "Correct the details and submit them again: %(link)s") % values)


def buyer_registration_notify(*, event_id: int) -> int:
    """Queue the email about a verification or refusal to every active owner; return how many."""
    from market.core.tasks import email_send_task

    event = (BuyerRegistrationEvent.objects.select_related("registration").filter(
        pk=event_id, to_status__in=[BuyerRegistration.Status.VERIFIED, BuyerRegistration.Status.REFUSED]).first())
    if event is None:
        return 0
    owners = [m.user for m in Membership.objects.filter(
        organisation_id=event.registration.organisation_id, role=Membership.Role.OWNER).select_related("user")
        .order_by("pk") if m.user.is_active and m.user.email]
    for user in owners:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = _message(event)
        email_send_task.delay(subject=subject, body=body, to=[user.email])
    return len(owners)
