"""Writes about an organisation's people: invitations by email, roles, removal.

Every change locks the organisation's row first (``_lock``), so two owners acting at once are
serialised: the "at least one owner" rule and the limit on open invitations are checked against
what is really there. Each change writes a ``MembershipEvent`` in its transaction; invitation emails
leave after commit (``email_send_task.delay_on_commit``) with links on ``SITE_URL``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from market.accounts.exceptions import (
    AlreadyMember,
    InvitationExpired,
    InvitationInvalid,
    InvitationNotOpen,
    InvitationRevoked,
    InvitationUsed,
    InvitationWrongEmail,
    LastOwner,
    OwnerRequired,
    TooManyInvitations,
)
from market.accounts.models import Invitation, Membership, MembershipEvent, Organisation, Role, User
from market.core.dates import datetime_display
from market.core.errors import NotFound, ValidationFailed

# A bound on what one organisation can have outstanding: an owner's typo loop or a stolen session
# cannot turn the platform into a mail cannon.
MAX_OPEN_INVITATIONS = 50
# People who signed up as consumers take the organisation's role when they join one (a consumer
# invited into a producer business gets the producer pages); other roles are kept.
# The invitation link being followed, kept in the session while its person signs up (``forms.SignupForm``).
INVITATION_SESSION_KEY = "invitation_token"
ROLE_FOR_KIND: dict[str, str] = {Organisation.Kind.PRODUCER: Role.PRODUCER, Organisation.Kind.BUYER: Role.BUYER}


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # the link's secret: in the email only, never stored


def _lock(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _require_owner(actor: User, organisation: Organisation) -> None:
    if not (actor.is_authenticated and actor.is_active and Membership.objects.filter(
            user=actor, organisation=organisation, role=Membership.Role.OWNER).exists()):
        raise OwnerRequired()


def _check_role(role: str) -> None:
    if role not in Membership.Role.values:
        raise ValidationFailed(fields={"role": [_("Choose owner, manager or member.")]})


def _open(organisation: Organisation):
    return Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True)


def invitation_url(token: str) -> str:
    """Return the absolute link of an invitation (on ``SITE_URL``, never the request's host)."""
    return settings.SITE_URL + reverse("frontend:invitation-accept", kwargs={"token": token})


def _send_invitation_email(invitation: Invitation, token: str) -> None:
    from market.core.tasks import email_send_task

    inviter = invitation.invited_by
    language = (inviter.language if inviter is not None else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "inviter": str(inviter) if inviter is not None else _("The owner"),
            "organisation": invitation.organisation.name,
            "role": Membership.Role(invitation.role).label,
            "url": invitation_url(token),
            "date": datetime_display(invitation.expires_at),
        }
        subject = _("%(inviter)s invites you to %(organisation)s on Kampung Industri") % context
        body = "\n\n".join([
            _("%(inviter)s invites you to join %(organisation)s on Kampung Industri as %(role)s.") % context,
            _("Open this link to accept (it works once, until %(date)s):") % context + "\n" + context["url"],
            _("If you have no account yet, you can create one from that page with this email address. "
              "If you did not expect this invitation, ignore this email."),
        ])
    email_send_task.delay_on_commit(subject=str(subject), body=body, to=[invitation.email])


@transaction.atomic
def invitation_create(*, organisation: Organisation, email: str, role: str, invited_by: User,
                      now: datetime | None = None) -> IssuedInvitation:
    """Invite ``email`` to ``organisation`` with ``role`` (owners only) and email the link after commit.

    An open invitation to the same address is replaced (revoked, with its event): the newest link is
    the only one that works. Refuse people who are already members, and more than
    ``MAX_OPEN_INVITATIONS`` pending invitations.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    _check_role(role)
    organisation = _lock(organisation)
    _require_owner(invited_by, organisation)
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise AlreadyMember(fields={"email": [str(AlreadyMember.default_message)]})
    for previous in _open(organisation).annotate(email_lower=Lower("email")).filter(email_lower=email):
        previous.revoked_at, previous.revoked_by = now, invited_by
        previous.save(update_fields=["revoked_at", "revoked_by"])
        MembershipEvent.objects.create(organisation=organisation, kind=MembershipEvent.Kind.INVITATION_REVOKED,
                                       actor=invited_by, email=previous.email, invitation=previous,
                                       to_role=previous.role, created_at=now)
    if _open(organisation).filter(expires_at__gt=now).count() >= MAX_OPEN_INVITATIONS:
        raise TooManyInvitations()
    token = Invitation.generate_token()
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=role, invited_by=invited_by,
        token_hash=Invitation.hash_token(token), created_at=now, sent_at=now,
        expires_at=now + timedelta(days=Invitation.TTL_DAYS))
    MembershipEvent.objects.create(organisation=organisation, kind=MembershipEvent.Kind.INVITED, actor=invited_by,
                                   email=email, invitation=invitation, to_role=role, created_at=now)
    _send_invitation_email(invitation, token)
    return IssuedInvitation(invitation=invitation, token=token)


def _open_invitation_locked(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("organisation", "invited_by").get(
        pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvitationNotOpen()
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User, now: datetime | None = None) -> IssuedInvitation:
    """Send an open invitation again with a new link (the old link stops working) and a new expiry."""
    now = now or timezone.now()
    _lock(invitation.organisation)
    _require_owner(actor, invitation.organisation)
    invitation = _open_invitation_locked(invitation)
    token = Invitation.generate_token()
    invitation.token_hash = Invitation.hash_token(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=Invitation.TTL_DAYS)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    MembershipEvent.objects.create(organisation=invitation.organisation, actor=actor, email=invitation.email,
                                   kind=MembershipEvent.Kind.INVITATION_RESENT, invitation=invitation,
                                   to_role=invitation.role, created_at=now)
    _send_invitation_email(invitation, token)
    return IssuedInvitation(invitation=invitation, token=token)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User, now: datetime | None = None) -> Invitation:
    """Withdraw an open invitation (owners only): its link then shows that it was revoked."""
    now = now or timezone.now()
    _lock(invitation.organisation)
    _require_owner(actor, invitation.organisation)
    invitation = _open_invitation_locked(invitation)
    invitation.revoked_at, invitation.revoked_by = now, actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    MembershipEvent.objects.create(organisation=invitation.organisation, actor=actor, email=invitation.email,
                                   kind=MembershipEvent.Kind.INVITATION_REVOKED, invitation=invitation,
                                   to_role=invitation.role, created_at=now)
    return invitation


def invitation_check(*, invitation: Invitation, now: datetime | None = None) -> None:
    """Raise why ``invitation`` cannot be accepted (used, revoked, expired); pass when it is open."""
    status = invitation.status_at(now)
    if status == Invitation.Status.ACCEPTED:
        raise InvitationUsed()
    if status == Invitation.Status.REVOKED:
        raise InvitationRevoked()
    if status == Invitation.Status.EXPIRED:
        raise InvitationExpired()


def user_has_email(*, user: User, email: str) -> bool:
    """Return whether ``email`` is ``user``'s sign-in address or one of their verified addresses."""
    return (user.email.lower() == email.lower()
            or EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists())


@transaction.atomic
def invitation_accept(*, token: str, user: User, now: datetime | None = None) -> Membership:
    """Make ``user`` a member with the invitation's role; the invitation is used up.

    The signed-in person must own the address it was sent to. A used, revoked, expired or unknown
    link changes nothing.
    """
    now = now or timezone.now()
    invitation = Invitation.objects.filter(token_hash=Invitation.hash_token(token or "")).first()
    if invitation is None or not user.is_authenticated or not user.is_active:
        raise InvitationInvalid()
    organisation = _lock(invitation.organisation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation_check(invitation=invitation, now=now)
    if not user_has_email(user=user, email=invitation.email):
        raise InvitationWrongEmail()
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise AlreadyMember()
    membership = Membership.objects.create(user=user, organisation=organisation, role=invitation.role)
    invitation.accepted_at, invitation.accepted_by = now, user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    MembershipEvent.objects.create(organisation=organisation, kind=MembershipEvent.Kind.JOINED, actor=user, user=user,
                                   email=invitation.email, invitation=invitation, to_role=invitation.role,
                                   created_at=now)
    if user.role == Role.CONSUMER:
        user.role = ROLE_FOR_KIND[organisation.kind]
        user.save(update_fields=["role"])
    _send_joined_email(invitation, user)
    return membership


def _send_joined_email(invitation: Invitation, user: User) -> None:
    """Tell whoever sent the invitation that it was accepted (after commit)."""
    from market.core.tasks import email_send_task

    inviter = invitation.invited_by
    if inviter is None or not inviter.is_active:
        return
    with translation.override(inviter.language or settings.LANGUAGE_CODE):
        context = {"person": str(user), "email": user.email, "organisation": invitation.organisation.name,
                   "role": Membership.Role(invitation.role).label,
                   "url": settings.SITE_URL + reverse("frontend:organisation-members",
                                                      kwargs={"pk": invitation.organisation_id})}
        subject = _("%(person)s joined %(organisation)s") % context
        body = (_("%(person)s (%(email)s) accepted your invitation and joined %(organisation)s as %(role)s.")
                % context + "\n\n" + _("See your organisation's people: %(url)s") % context)
    email_send_task.delay_on_commit(subject=str(subject), body=body, to=[inviter.email])


def _membership_locked(membership: Membership) -> tuple[Organisation, Membership]:
    organisation = _lock(membership.organisation)
    try:
        membership = Membership.objects.select_for_update().select_related("user").get(
            pk=membership.pk, organisation=organisation)
    except Membership.DoesNotExist:
        raise NotFound(_("This person is no longer a member.")) from None
    return organisation, membership


def _other_owners(membership: Membership) -> bool:
    return Membership.objects.filter(organisation_id=membership.organisation_id, role=Membership.Role.OWNER).exclude(
        pk=membership.pk).exists()


@transaction.atomic
def membership_role_set(*, membership: Membership, role: str, actor: User,
                        now: datetime | None = None) -> Membership:
    """Change a member's role (owners only); the last owner cannot step down."""
    _check_role(role)
    organisation, membership = _membership_locked(membership)
    _require_owner(actor, organisation)
    if membership.role == role:
        return membership
    if membership.role == Membership.Role.OWNER and not _other_owners(membership):
        raise LastOwner()
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    MembershipEvent.objects.create(organisation=organisation, kind=MembershipEvent.Kind.ROLE_CHANGED, actor=actor,
                                   user=membership.user, email=membership.user.email, from_role=previous,
                                   to_role=role, created_at=now or timezone.now())
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User, now: datetime | None = None) -> None:
    """Remove a member (owners), or leave (anyone, for themself); the last owner cannot go.

    The person's carts for the organisation are kept (they belong to the person and the
    organisation); pages stop acting for it at the next request (``frontend.acting``).
    """
    organisation, membership = _membership_locked(membership)
    if membership.user_id != actor.pk:
        _require_owner(actor, organisation)
    if membership.role == Membership.Role.OWNER and not _other_owners(membership):
        raise LastOwner()
    MembershipEvent.objects.create(organisation=organisation, kind=MembershipEvent.Kind.REMOVED, actor=actor,
                                   user=membership.user, email=membership.user.email, from_role=membership.role,
                                   created_at=now or timezone.now())
    membership.delete()
