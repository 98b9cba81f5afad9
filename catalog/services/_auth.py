"""Who may do what: officers run the programme, members act for their producer.

An officer acts for a producer only in an active assist session for it (officer-assisted mode,
``catalog.services.assist``): ``require_producer_editor`` is the one check every producer service
makes, and it records what the officer did in that session, so a service cannot let an officer in
without the session nor forget to tell the producer.
"""
from __future__ import annotations

from catalog.exceptions import AssistSessionRequired, OfficerRequired, ProducerMemberRequired
from catalog.models import AssistAction, Producer, Product
from catalog.selectors.assist import assist_session_active
from market.accounts.models import Membership, User


def require_officer(user: User | None) -> None:
    if user is None or not user.is_active or not user.is_officer:
        raise OfficerRequired()


def is_producer_member(user: User | None, producer: Producer) -> bool:
    if user is None or not user.is_active:
        return False
    return Membership.objects.filter(user=user, organisation_id=producer.organisation_id).exists()


def require_producer_member(user: User | None, producer: Producer) -> None:
    """Refuse anyone but the producer's own people."""
    if not is_producer_member(user, producer):
        raise ProducerMemberRequired()


def require_producer_editor(user: User | None, producer: Producer, *, action: str, subject: str = "",
                            product: Product | None = None) -> AssistAction | None:
    """Refuse anyone but the producer's people and an officer in an active assist session for ``producer``.

    For an assisting officer, record ``action`` (an ``AssistAction.Kind``) on ``subject`` in the session
    and return that row (callers set ``on_behalf_of`` on their event rows from it); for the producer's
    own people return ``None``. Call it inside the service's transaction: a refused or failed change
    leaves no record.
    """
    if is_producer_member(user, producer):
        return None
    if user is None or not user.is_active or not user.is_officer:
        raise ProducerMemberRequired()
    session = assist_session_active(officer=user, producer=producer)
    if session is None:
        raise AssistSessionRequired()
    return AssistAction.objects.create(session=session, kind=action, subject=subject[:300], product=product)


def on_behalf_of(assisted: AssistAction | None) -> Producer | None:
    """Return the producer an assisting officer acted for (``None``: the producer's own people acted)."""
    return assisted.session.producer if assisted is not None else None
