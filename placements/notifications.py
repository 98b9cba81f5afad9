"""Tell the other side of a placement what changed, by email.

Services send nothing themselves: a proposal or a status change calls ``placement_notify_after_commit``
with its event, which enqueues ``placement_notify_task`` once the transaction commits (nothing leaves for
a rolled-back change). The task writes each message in its recipient's language and queues one email per
person: the producer's people when the chain acted, the chain's owners and managers when the producer
acted (members of a chain do not decide placements).
"""
from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from market.accounts.models import Membership
from placements.models import EndReason, Placement, PlacementEvent, Side, Terms
from placements.selectors import BUYER_MANAGER_ROLES

Status = Placement.Status


def placement_notify_after_commit(*, event_id: int) -> None:
    """Email the other side about the placement event ``event_id`` once the current transaction commits."""
    from placements.tasks import placement_notify_task

    placement_notify_task.delay_on_commit(event_id)


def _subject_and_lead(event: PlacementEvent, values: dict) -> tuple[str, str]:
    to = event.to_status
    if to == Status.PROPOSED:
        return (_("New placement proposal: %(product)s at %(outlet)s") % values,
                _("%(actor_side)s proposes %(product)s at %(outlet)s (%(terms)s).") % values)
    if to == Status.AGREED:
        return (_("Placement agreed: %(product)s at %(outlet)s") % values,
                _("%(actor_side)s agreed to place %(product)s at %(outlet)s (%(terms)s).") % values)
    if to == Status.DECLINED:
        return (_("Placement declined: %(product)s at %(outlet)s") % values,
                _("%(actor_side)s declined the placement of %(product)s at %(outlet)s.") % values)
    if to == Status.WITHDRAWN:
        return (_("Placement proposal withdrawn: %(product)s at %(outlet)s") % values,
                _("%(actor_side)s withdrew the proposal of %(product)s at %(outlet)s.") % values)
    if to == Status.ON_SHELF:
        return (_("On the shelf: %(product)s at %(outlet)s") % values,
                _("%(product)s is on the shelf at %(outlet)s.") % values)
    return (_("Placement ended: %(product)s at %(outlet)s") % values,
            _("%(actor_side)s ended the placement of %(product)s at %(outlet)s. Reason: %(reason)s.") % values)


def _message(event: PlacementEvent, *, recipient_side: str) -> tuple[str, str]:
    placement = event.placement
    name = "frontend:producer-placement" if recipient_side == Side.PRODUCER else "frontend:buyer-placement"
    values = {
        "product": placement.product.name,
        "outlet": f"{placement.outlet.name} ({placement.organisation.name})",
        "terms": Terms(placement.terms).label,
        "actor_side": placement.organisation.name if event.side == Side.BUYER else placement.producer.name,
        "reason": EndReason(event.reason).label if event.reason in EndReason.values else "",
        "link": settings.SITE_URL.rstrip("/") + reverse(name, kwargs={"pk": placement.pk}),
        "note": event.note,
    }
    subject, body = _subject_and_lead(event, values)
    if event.note:
        body += "\n\n" + _("Note: %(note)s") % values
    if event.to_status == Status.PROPOSED:
        body += "\n\n" + _("Agree or decline on the placement's page: %(link)s") % values
    else:
        body += "\n\n" + _("The placement: %(link)s") % values
    return subject, body


def placement_notify(*, event_id: int) -> int:
    """Queue one email per person of the side that did not act; return how many."""
    from market.core.tasks import email_send_task

    event = (PlacementEvent.objects.select_related("placement__product", "placement__outlet",
                                                   "placement__organisation", "placement__producer")
             .filter(pk=event_id, kind=PlacementEvent.Kind.STATUS).first())
    if event is None or event.side not in Side.values:
        return 0
    placement = event.placement
    if event.side == Side.BUYER:
        recipient_side = Side.PRODUCER
        memberships = Membership.objects.filter(organisation_id=placement.producer.organisation_id)
    else:
        recipient_side = Side.BUYER
        memberships = Membership.objects.filter(organisation_id=placement.organisation_id,
                                                role__in=BUYER_MANAGER_ROLES)
    users = [m.user for m in memberships.select_related("user").order_by("pk")
             if m.user.is_active and m.user.email and m.user_id != event.actor_id]
    for user in users:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = _message(event, recipient_side=recipient_side)
        email_send_task.delay(subject=subject, body=body, to=[user.email])
    return len(users)
