"""Invitations: owners invite by email; links are single-use, expire, can be revoked, and need the right address."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from market.accounts.exceptions import (
    AlreadyMember,
    InvitationExpired,
    InvitationInvalid,
    InvitationNotOpen,
    InvitationRevoked,
    InvitationUsed,
    InvitationWrongEmail,
    OwnerRequired,
    TooManyInvitations,
)
from market.accounts.members import (
    MAX_OPEN_INVITATIONS,
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from market.accounts.models import Invitation, Membership, MembershipEvent, Organisation, Role
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages, messages and emails in English."""


def organisation_with_owner(kind=Organisation.Kind.BUYER):
    organisation = OrganisationFactory(kind=kind, name="Swalayan Sinar Jember")
    owner = UserFactory(role=Role.BUYER if kind == Organisation.Kind.BUYER else Role.PRODUCER, full_name="Bu Ratna")
    MembershipFactory(user=owner, organisation=organisation, role=Membership.Role.OWNER)
    return organisation, owner


def link_in(message) -> str:
    return re.search(re.escape(settings.SITE_URL) + r"(/invitations/[^/\s]+/)", message.body).group(1)


def token_of(message) -> str:
    return link_in(message).rstrip("/").rsplit("/", 1)[1]


def invite(organisation, owner, email="budi@example.id", role=Membership.Role.MANAGER, *, capture):
    with capture(execute=True):
        return invitation_create(organisation=organisation, email=email, role=role, invited_by=owner)


# --- services ------------------------------------------------------------------------------


def test_an_owner_invites_by_email_after_commit_with_a_hashed_single_use_link(django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issued = invitation_create(organisation=organisation, email=" Budi@Example.ID ", role="manager",
                                   invited_by=owner)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()

    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by, invitation.status) == (
        "budi@example.id", "manager", owner, "pending")
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert invitation.token_hash == Invitation.hash_token(issued.token) and issued.token not in invitation.token_hash
    [message] = mail.outbox
    assert message.to == ["budi@example.id"]
    assert message.subject == "Bu Ratna invites you to Swalayan Sinar Jember on Kampung Industri"
    assert link_in(message) == f"/invitations/{issued.token}/"
    assert "as Manager" in message.body
    assert list(MembershipEvent.objects.values_list("kind", "email", "to_role", "actor")) == [
        ("invited", "budi@example.id", "manager", owner.pk)]


def test_accepting_makes_a_member_once_and_the_link_is_then_used(django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    issued = invite(organisation, owner, capture=django_capture_on_commit_callbacks)
    budi = UserFactory(email="budi@example.id", role=Role.CONSUMER)

    membership = invitation_accept(token=issued.token, user=budi)

    assert (membership.organisation, membership.user, membership.role) == (organisation, budi, "manager")
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == budi and invitation.accepted_at is not None and invitation.status == "accepted"
    budi.refresh_from_db()
    assert budi.role == Role.BUYER  # a consumer who joins a buyer organisation gets the buyer pages
    assert MembershipEvent.objects.filter(kind="joined", user=budi, to_role="manager").count() == 1

    with pytest.raises(InvitationUsed):
        invitation_accept(token=issued.token, user=budi)
    other = UserFactory(email="other@example.id")
    with pytest.raises(InvitationUsed):
        invitation_accept(token=issued.token, user=other)
    assert Membership.objects.filter(organisation=organisation).count() == 2


def test_the_inviter_is_told_after_commit_when_someone_joins(django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    issued = invite(organisation, owner, capture=django_capture_on_commit_callbacks)
    budi = UserFactory(email="budi@example.id", full_name="Budi Santoso")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(token=issued.token, user=budi)

    [message] = mail.outbox
    assert message.to == [owner.email] and message.subject == "Budi Santoso joined Swalayan Sinar Jember"
    assert "accepted your invitation and joined Swalayan Sinar Jember as Manager" in message.body
    assert f"{settings.SITE_URL}/account/organisations/{organisation.pk}/members/" in message.body


def test_an_expired_link_changes_nothing(django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    issued = invite(organisation, owner, capture=django_capture_on_commit_callbacks)
    budi = UserFactory(email="budi@example.id")

    with pytest.raises(InvitationExpired):
        invitation_accept(token=issued.token, user=budi, now=timezone.now() + timedelta(days=7, seconds=1))

    assert not Membership.objects.filter(user=budi).exists()
    assert Invitation.objects.get().accepted_at is None
    assert not MembershipEvent.objects.filter(kind="joined").exists()


def test_a_revoked_link_changes_nothing(django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    issued = invite(organisation, owner, capture=django_capture_on_commit_callbacks)
    invitation_revoke(invitation=issued.invitation, actor=owner)
    budi = UserFactory(email="budi@example.id")

    with pytest.raises(InvitationRevoked):
        invitation_accept(token=issued.token, user=budi)
    with pytest.raises(InvitationNotOpen):
        invitation_revoke(invitation=issued.invitation, actor=owner)

    assert not Membership.objects.filter(user=budi).exists()
    invitation = Invitation.objects.get()
    assert invitation.revoked_by == owner and invitation.status == "revoked"
    assert list(MembershipEvent.objects.order_by("pk").values_list("kind", flat=True)) == [
        "invited", "invitation_revoked"]


def test_the_wrong_person_cannot_accept(django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    issued = invite(organisation, owner, capture=django_capture_on_commit_callbacks)
    stranger = UserFactory(email="siti@example.id")

    with pytest.raises(InvitationWrongEmail):
        invitation_accept(token=issued.token, user=stranger)
    with pytest.raises(InvitationInvalid):
        invitation_accept(token="not-a-token", user=stranger)

    assert not Membership.objects.filter(user=stranger).exists()
    assert Invitation.objects.get().status == "pending"


def test_a_verified_second_address_may_accept(django_capture_on_commit_callbacks):
    from allauth.account.models import EmailAddress

    organisation, owner = organisation_with_owner()
    issued = invite(organisation, owner, email="kantor@example.id", capture=django_capture_on_commit_callbacks)
    budi = UserFactory(email="budi@example.id")
    EmailAddress.objects.create(user=budi, email="kantor@example.id", verified=False, primary=False)
    with pytest.raises(InvitationWrongEmail):  # not verified yet
        invitation_accept(token=issued.token, user=budi)
    EmailAddress.objects.filter(email="kantor@example.id").update(verified=True)

    assert invitation_accept(token=issued.token, user=budi).user == budi


def test_only_owners_invite_resend_and_revoke(django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    manager = UserFactory()
    MembershipFactory(user=manager, organisation=organisation, role=Membership.Role.MANAGER)
    outsider = UserFactory()
    issued = invite(organisation, owner, capture=django_capture_on_commit_callbacks)
    mail.outbox.clear()

    for person in (manager, outsider):
        with pytest.raises(OwnerRequired):
            invitation_create(organisation=organisation, email="x@example.id", role="member", invited_by=person)
        with pytest.raises(OwnerRequired):
            invitation_revoke(invitation=issued.invitation, actor=person)
        with pytest.raises(OwnerRequired):
            invitation_resend(invitation=issued.invitation, actor=person)

    assert Invitation.objects.count() == 1 and Invitation.objects.get().status == "pending"
    assert mail.outbox == []


def test_members_are_not_invited_again(django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    with pytest.raises(AlreadyMember):
        invite(organisation, owner, email=owner.email.upper(), capture=django_capture_on_commit_callbacks)
    assert Invitation.objects.count() == 0 and mail.outbox == []


def test_inviting_again_replaces_the_open_invitation(django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    first = invite(organisation, owner, role="member", capture=django_capture_on_commit_callbacks)
    second = invite(organisation, owner, email="BUDI@example.id", role="manager",
                    capture=django_capture_on_commit_callbacks)
    budi = UserFactory(email="budi@example.id")

    with pytest.raises(InvitationRevoked):
        invitation_accept(token=first.token, user=budi)
    assert invitation_accept(token=second.token, user=budi).role == "manager"
    assert len(mail.outbox) == 2


def test_resending_gives_a_new_link_and_a_new_expiry(django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    issued = invite(organisation, owner, capture=django_capture_on_commit_callbacks)
    later = timezone.now() + timedelta(days=8)  # the first link has expired

    with django_capture_on_commit_callbacks(execute=True):
        again = invitation_resend(invitation=issued.invitation, actor=owner, now=later)

    assert again.token != issued.token
    assert token_of(mail.outbox[-1]) == again.token and len(mail.outbox) == 2
    budi = UserFactory(email="budi@example.id")
    with pytest.raises(InvitationInvalid):  # the old link no longer exists
        invitation_accept(token=issued.token, user=budi, now=later)
    assert invitation_accept(token=again.token, user=budi, now=later + timedelta(days=6)).role == "manager"


def test_open_invitations_are_limited(django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    now = timezone.now()
    Invitation.objects.bulk_create([
        Invitation(organisation=organisation, email=f"p{i}@example.id", role="member", invited_by=owner,
                   token_hash=Invitation.hash_token(f"t{i}"), created_at=now, sent_at=now,
                   expires_at=now + timedelta(days=7))
        for i in range(MAX_OPEN_INVITATIONS)])

    with pytest.raises(TooManyInvitations):
        invite(organisation, owner, capture=django_capture_on_commit_callbacks)

    assert Invitation.objects.count() == MAX_OPEN_INVITATIONS and mail.outbox == []


# --- the link on the website ---------------------------------------------------------------


def test_the_invitee_signs_in_from_the_link_and_joins(client, django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    issued = invite(organisation, owner, capture=django_capture_on_commit_callbacks)
    budi = UserFactory(email="budi@example.id", role=Role.CONSUMER)
    link = link_in(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200 and "Join Swalayan Sinar Jember" in page.content.decode()
    login = f"/accounts/login/?next=%2Finvitations%2F{issued.token}%2F"
    assert login in page.content.decode()
    response = client.post(login, {"login": "budi@example.id", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == link

    assert client.get(link).status_code == 200  # showing the link changes nothing (mail scanners follow links)
    assert not Membership.objects.filter(user=budi).exists()
    response = client.post(link)

    assert response.status_code == 302 and response["Location"] == f"/account/organisations/{organisation.pk}/members/"
    assert Membership.objects.get(user=budi).role == "manager"
    used = client.get(link)
    assert used.status_code == 409 and "already been used" in used.content.decode()


def test_a_new_person_signs_up_from_the_link_without_founding_an_organisation(client,
                                                                                django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner(kind=Organisation.Kind.PRODUCER)
    issued = invite(organisation, owner, email="anak@example.id", role="member",
                    capture=django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    mail.outbox.clear()
    client.get(link)

    signup = client.get(f"/accounts/signup/?next={link}")
    form = signup.context["form"]
    assert "role" not in form.fields and "organisation_name" not in form.fields
    assert 'value="anak@example.id"' in signup.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/accounts/signup/?next={link}", {
            "full_name": "Anak Pak Slamet", "email": "anak@example.id", "password1": PASSWORD,
            "password2": PASSWORD, "next": link})

    # The address came with the link: no confirmation email, signed in, straight back to the invitation.
    assert response.status_code == 302 and response["Location"] == link
    assert mail.outbox == []
    from market.accounts.models import User

    anak = User.objects.get(email="anak@example.id")
    assert anak.role == Role.PRODUCER and not anak.memberships.exists()
    client.post(link)
    assert list(anak.memberships.values_list("organisation", "role")) == [(organisation.pk, "member")]
    assert Organisation.objects.count() == 1
    assert Invitation.objects.get(pk=issued.invitation.pk).accepted_by == anak


def test_signed_in_with_another_address_the_link_refuses_and_changes_nothing(client,
                                                                             django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    invite(organisation, owner, capture=django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    siti = UserFactory(email="siti@example.id")
    client.force_login(siti)

    page = client.get(link)
    assert page.status_code == 403 and "sent to budi@example.id" in page.content.decode()
    assert client.post(link).status_code == 403
    assert not Membership.objects.filter(user=siti).exists()
    assert Invitation.objects.get().status == "pending"


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown"])
def test_a_dead_link_shows_a_clear_page(client, django_capture_on_commit_callbacks, state):
    organisation, owner = organisation_with_owner()
    issued = invite(organisation, owner, capture=django_capture_on_commit_callbacks)
    budi = UserFactory(email="budi@example.id")
    client.force_login(budi)
    token = issued.token
    if state == "revoked":
        invitation_revoke(invitation=issued.invitation, actor=owner)
    elif state == "expired":
        Invitation.objects.update(created_at=timezone.now() - timedelta(days=9),
                                  expires_at=timezone.now() - timedelta(days=1))
    else:
        token = "x" * 43

    response = client.post(f"/invitations/{token}/")

    expected = {"revoked": (409, "withdrawn"), "expired": (410, "has expired"), "unknown": (404, "not valid")}[state]
    assert response.status_code == expected[0] and expected[1] in response.content.decode()
    assert "This invitation cannot be used" in response.content.decode()
    assert not Membership.objects.filter(user=budi).exists()


# --- the API ---------------------------------------------------------------------------------


def test_api_invite_list_revoke_and_accept(api_client, django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    api_client.force_authenticate(owner)
    url = f"/api/v1/organisations/{organisation.pk}/invitations/"

    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post(url, {"email": "budi@example.id", "role": "member"}, format="json")
    assert created.status_code == 201
    assert {k: created.data[k] for k in ("email", "role", "status", "invited_by")} == {
        "email": "budi@example.id", "role": "member", "status": "pending", "invited_by": owner.email}
    assert [i["email"] for i in api_client.get(url).data] == ["budi@example.id"]
    token = token_of(mail.outbox[0])

    budi = UserFactory(email="budi@example.id")
    api_client.force_authenticate(budi)
    accepted = api_client.post("/api/v1/invitations/accept/", {"token": token}, format="json")
    assert accepted.status_code == 200
    assert accepted.data == {"organisation_id": organisation.pk, "organisation_name": "Swalayan Sinar Jember",
                             "organisation_kind": "buyer", "role": "member"}
    again = api_client.post("/api/v1/invitations/accept/", {"token": token}, format="json")
    assert again.status_code == 409 and again.data["code"] == "invitation_used"

    # a member (not an owner) may not invite or list invitations
    assert api_client.post(url, {"email": "x@example.id"}, format="json").status_code == 403
    assert api_client.get(url).status_code == 403
    api_client.force_authenticate(owner)
    with django_capture_on_commit_callbacks(execute=True):
        second = api_client.post(url, {"email": "siti@example.id", "role": "manager"}, format="json")
    revoked = api_client.delete(f"{url}{second.data['id']}/")
    assert revoked.status_code == 204 and api_client.get(url).data == []


def test_api_strangers_get_404_and_wrong_address_403(api_client, django_capture_on_commit_callbacks):
    organisation, owner = organisation_with_owner()
    issued = invite(organisation, owner, capture=django_capture_on_commit_callbacks)
    stranger = UserFactory()
    api_client.force_authenticate(stranger)

    listed = api_client.get(f"/api/v1/organisations/{organisation.pk}/invitations/")
    invited = api_client.post(f"/api/v1/organisations/{organisation.pk}/invitations/", {"email": "a@example.id"},
                              format="json")
    accepted = api_client.post("/api/v1/invitations/accept/", {"token": issued.token}, format="json")

    assert (listed.status_code, invited.status_code) == (404, 404)
    assert accepted.status_code == 403 and accepted.data["code"] == "invitation_wrong_email"
    assert Invitation.objects.count() == 1 and not Membership.objects.filter(user=stranger).exists()
