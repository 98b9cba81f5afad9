"""An organisation's people: roles, removal, at least one owner; the members page and the API."""
from __future__ import annotations

import re
import threading

import pytest
from django.core import mail
from django.db import connection

from market.accounts.exceptions import LastOwner, OwnerRequired
from market.accounts.members import membership_remove, membership_role_set
from market.accounts.models import Invitation, Membership, MembershipEvent, Organisation, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English."""


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def team(kind=Organisation.Kind.BUYER):
    """Return (organisation, owner, manager, member)."""
    organisation = OrganisationFactory(kind=kind, name="Toko Tani Makmur")
    people = []
    for role, email in (("owner", "owner@example.id"), ("manager", "manager@example.id"),
                        ("member", "member@example.id")):
        user = UserFactory(email=email, role=Role.BUYER if kind == Organisation.Kind.BUYER else Role.PRODUCER)
        MembershipFactory(user=user, organisation=organisation, role=role)
        people.append(user)
    return organisation, *people


def membership(user, organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=organisation)


# --- services ------------------------------------------------------------------------------


def test_an_owner_changes_roles_with_an_event():
    organisation, owner, manager, _member = team()

    membership_role_set(membership=membership(manager, organisation), role="owner", actor=owner)

    assert membership(manager, organisation).role == "owner"
    assert list(MembershipEvent.objects.values_list("kind", "user", "from_role", "to_role", "actor")) == [
        ("role_changed", manager.pk, "manager", "owner", owner.pk)]


def test_the_last_owner_cannot_be_demoted_or_removed():
    organisation, owner, _manager, _member = team()

    with pytest.raises(LastOwner):
        membership_role_set(membership=membership(owner, organisation), role="manager", actor=owner)
    with pytest.raises(LastOwner):
        membership_remove(membership=membership(owner, organisation), actor=owner)

    assert membership(owner, organisation).role == "owner"
    assert not MembershipEvent.objects.exists()


def test_with_two_owners_one_may_step_down_and_then_the_other_is_the_last():
    organisation, owner, manager, _member = team()
    membership_role_set(membership=membership(manager, organisation), role="owner", actor=owner)

    membership_role_set(membership=membership(owner, organisation), role="member", actor=owner)

    with pytest.raises(LastOwner):
        membership_remove(membership=membership(manager, organisation), actor=manager)
    assert list(Membership.objects.filter(organisation=organisation, role="owner").values_list("user", flat=True)) == [
        manager.pk]


def test_only_owners_change_roles_and_remove_others_but_anyone_may_leave():
    organisation, owner, manager, member = team()
    outsider = UserFactory()

    for person in (manager, member, outsider):
        with pytest.raises(OwnerRequired):
            membership_role_set(membership=membership(member, organisation), role="owner", actor=person)
    for person in (manager, outsider):
        with pytest.raises(OwnerRequired):
            membership_remove(membership=membership(member, organisation), actor=person)
    assert membership(member, organisation).role == "member"

    membership_remove(membership=membership(member, organisation), actor=member)  # leaving
    membership_remove(membership=membership(manager, organisation), actor=owner)

    assert list(Membership.objects.filter(organisation=organisation).values_list("user", flat=True)) == [owner.pk]
    assert list(MembershipEvent.objects.order_by("pk").values_list("kind", "user", "actor")) == [
        ("removed", member.pk, member.pk), ("removed", manager.pk, owner.pk)]


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner():
    """The organisation's row lock serialises the two: the second sees that only one owner is left."""
    organisation, owner, manager, _member = team()
    Membership.objects.filter(user=manager).update(role="owner")
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def demote(actor, target):
        try:
            barrier.wait(timeout=5)
            membership_role_set(membership=membership(target, organisation), role="member", actor=actor)
        except Exception as exc:  # noqa: BLE001 - the test reports what each thread met
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=demote, args=(owner, manager)),
               threading.Thread(target=demote, args=(manager, owner))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Membership.objects.filter(organisation=organisation, role="owner").count() == 1
    assert len(errors) == 1 and isinstance(errors[0], (LastOwner, OwnerRequired))


# --- pages ---------------------------------------------------------------------------------


def test_the_members_page_explains_roles_and_shows_owners_their_tools(client):
    organisation, owner, manager, _member = team()
    client.force_login(owner)

    page = text(client.get(f"/account/organisations/{organisation.pk}/members/"))

    assert "People of Toko Tani Makmur" in page
    assert "Manages members, outlets and spending limits" in page
    assert "Places orders and approves orders that members submit." in page
    assert "Builds carts and submits them for a manager's approval." in page
    for email in ("owner@example.id", "manager@example.id", "member@example.id"):
        assert email in page
    assert "Send the invitation" in page and "Change role" in page


def test_producer_roles_tell_the_truth_about_what_members_can_do(client):
    organisation, owner, _manager, member = team(kind=Organisation.Kind.PRODUCER)
    client.force_login(member)

    page = text(client.get(f"/account/organisations/{organisation.pk}/members/"))

    assert "every person of a producer business can edit products, stock, orders and the business details" in page
    assert "Send the invitation" not in page and "Change role" not in page  # members read, owners manage
    assert "Leave the organisation" in page


def test_the_dashboard_links_to_the_members_page(client):
    organisation, owner, _manager, _member = team()
    client.force_login(owner)
    page = text(client.get("/dashboard/buyer/"))
    assert f'href="/account/organisations/{organisation.pk}/members/"' in page


def test_strangers_get_404_and_non_owners_403(client):
    organisation, _owner, manager, member = team()
    base = f"/account/organisations/{organisation.pk}"
    client.force_login(UserFactory())
    assert client.get(f"{base}/members/").status_code == 404
    assert client.post(f"{base}/members/invite/", {"email": "a@example.id", "role": "member"}).status_code == 404

    client.force_login(manager)
    assert client.get(f"{base}/members/").status_code == 200
    assert client.post(f"{base}/members/invite/", {"email": "a@example.id", "role": "member"}).status_code == 403
    target = membership(member, organisation)
    assert client.post(f"{base}/members/{target.pk}/role/", {"role": "owner"}).status_code == 403
    assert client.post(f"{base}/members/{target.pk}/remove/").status_code == 403

    assert Invitation.objects.count() == 0 and mail.outbox == []
    assert membership(member, organisation).role == "member"


def test_an_owner_invites_revokes_and_changes_roles_through_the_page(client, django_capture_on_commit_callbacks):
    organisation, owner, manager, member = team()
    base = f"/account/organisations/{organisation.pk}"
    client.force_login(owner)

    bad = client.post(f"{base}/members/invite/", {"email": "not-an-email", "role": "member"})
    assert bad.status_code == 400 and Invitation.objects.count() == 0
    taken = client.post(f"{base}/members/invite/", {"email": "manager@example.id", "role": "member"})
    assert taken.status_code == 400 and "already a member" in text(taken)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"{base}/members/invite/", {"email": "baru@example.id", "role": "manager"}, follow=True)
    assert "Invitation sent to baru@example.id" in text(sent) and "baru@example.id" in text(sent)
    assert [m.to for m in mail.outbox] == [["baru@example.id"]]
    invitation = Invitation.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{base}/invitations/{invitation.pk}/resend/")
    assert len(mail.outbox) == 2
    client.post(f"{base}/invitations/{invitation.pk}/revoke/")
    assert Invitation.objects.get().status == "revoked"

    client.post(f"{base}/members/{membership(manager, organisation).pk}/role/", {"role": "member"})
    assert membership(manager, organisation).role == "member"
    last = client.post(f"{base}/members/{membership(owner, organisation).pk}/role/", {"role": "member"}, follow=True)
    assert "at least one owner" in text(last) and membership(owner, organisation).role == "owner"
    client.post(f"{base}/members/{membership(member, organisation).pk}/remove/")
    assert not Membership.objects.filter(user=member).exists()


# --- API -----------------------------------------------------------------------------------


def test_api_lists_members_and_owners_manage_them(api_client):
    organisation, owner, manager, member = team()
    url = f"/api/v1/organisations/{organisation.pk}/members/"
    api_client.force_authenticate(member)

    listed = api_client.get(url)
    assert listed.status_code == 200
    assert [(m["email"], m["role"]) for m in listed.data] == [
        ("owner@example.id", "owner"), ("manager@example.id", "manager"), ("member@example.id", "member")]
    target = f"{url}{membership(manager, organisation).pk}/"
    refused = api_client.patch(target, {"role": "member"}, format="json")
    assert refused.status_code == 403 and refused.data["code"] == "owner_required"

    api_client.force_authenticate(owner)
    changed = api_client.patch(target, {"role": "owner"}, format="json")
    assert changed.status_code == 200 and changed.data["role"] == "owner"
    assert api_client.delete(target).status_code == 204
    last = api_client.patch(f"{url}{membership(owner, organisation).pk}/", {"role": "member"}, format="json")
    assert last.status_code == 409 and last.data["code"] == "last_owner"
    assert api_client.patch(target, {"role": "owner"}, format="json").status_code == 404  # gone

    api_client.force_authenticate(UserFactory())
    assert api_client.get(url).status_code == 404
