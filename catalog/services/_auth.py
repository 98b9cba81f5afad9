"""Who may do what: officers run the programme, members act for their producer."""
from __future__ import annotations

from catalog.exceptions import OfficerRequired, ProducerMemberRequired
from catalog.models import Producer
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


def require_producer_editor(user: User | None, producer: Producer) -> None:
    """Refuse anyone but the producer's people and programme officers (who assist coached producers)."""
    if user is not None and user.is_active and user.is_officer:
        return
    require_producer_member(user, producer)
