"""A person closes their own account: anonymised, signed out everywhere, records kept (issue 19)."""
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from buyers.models import Address
from market.accounts.exceptions import AccountClosureBlocked, AccountClosureWrongPassword, OfficerCannotClose
from market.accounts.models import AccountClosure, ApiToken, Invitation, Membership, MembershipEvent
from market.accounts.services import account_close, api_token_create
from orders.models import Cart, Checkout, Order, OrderRefund
from orders.services import order_decline
from orders.services.fulfilment import order_accept, order_complete, order_mark_delivered, order_pack, order_ship
from orders.states import Party
from payments.models import LedgerEntry, LedgerLine
from payments.selectors import ledger_check, ledger_unbalanced_entries
from payments.services import bank_transfer_record, bank_transfer_start
from tests.factories import PASSWORD, MembershipFactory, OfficerFactory, OrganisationFactory, UserFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db
User = get_user_model()


def completed_order():
    """Return (order, buyer): a consumer's paid order, delivered and completed through the real services."""
    order, _product, people = placed_order(method="bank_transfer", paid=False)
    reference = bank_transfer_start(checkout=order.checkout).reference
    bank_transfer_record(officer=people[Party.OFFICER], reference=reference, amount=order.checkout.total,
                         bank_reference="BRI-1", received_on=timezone.localdate())
    producer_member = people[Party.PRODUCER]
    Membership.objects.filter(user=producer_member).update(role="owner")
    buyer = order.checkout.placed_by
    for step in (order_accept, order_pack, order_ship, order_mark_delivered):
        step(order=order, actor=producer_member)
    order_complete(order=order, actor=buyer)
    return order, buyer


def snapshot(order):
    order.refresh_from_db()
    checkout = Checkout.objects.get(pk=order.checkout_id)
    return {"order": (order.status, order.total, order.buyer_name, order.delivery_address),
            "checkout": (checkout.number, checkout.status, checkout.total, checkout.delivery_address,
                         checkout.placed_by_id),
            "ledger": (LedgerEntry.objects.count(), LedgerLine.objects.count()),
            "ledger_check": ledger_check()}


def test_closing_anonymises_the_person_and_keeps_orders_and_the_ledger(django_capture_on_commit_callbacks,
                                                                         mailoutbox, totp_for):
    # given a consumer with a completed order, a token, TOTP, an organisation of their own without records
    order, user = completed_order()
    old_email = user.email
    issued = api_token_create(user=user, name="Kasir")
    totp_for(user)
    organisation = OrganisationFactory(kind="buyer")
    MembershipFactory(user=user, organisation=organisation, role="owner")
    invitation_org = OrganisationFactory(kind="buyer")
    MembershipFactory(user=user, organisation=invitation_org, role="owner")
    MembershipFactory(organisation=invitation_org, role="owner")
    from market.accounts.members import invitation_create
    invitation_create(organisation=invitation_org, invited_by=user, email="teman@example.id", role="member")
    before = snapshot(order)
    assert before["ledger"][0] > 0
    assert Address.objects.filter(user=user).count() == 1

    # when
    with django_capture_on_commit_callbacks(execute=True):
        closure = account_close(user=user, password=PASSWORD)

    # then the person is anonymised
    user.refresh_from_db()
    assert (user.email, user.full_name, user.phone, user.is_active) == (f"closed-{user.pk}@invalid", "", "", False)
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not Address.objects.filter(user=user).exists()
    assert not Cart.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user).exists()
    assert list(ApiToken.objects.filter(user=user).values_list("revoked_reason", flat=True)) == [
        "account_deactivated"]
    assert Invitation.objects.get(email="teman@example.id").revoked_by == user
    assert MembershipEvent.objects.filter(user=user, kind="removed").count() == 2
    assert closure.removed == {"email_addresses": 1, "authenticators": 1, "api_tokens": 1, "invitations": 1,
                               "memberships": 2, "addresses": 1, "carts": 1, "reviews": 0}
    assert AccountClosure.objects.get().user_id == user.pk
    # and orders, the checkout's copied delivery address and the ledger are untouched and balanced
    after = snapshot(order)
    assert after == before
    assert ledger_unbalanced_entries() == []
    assert Checkout.objects.get(pk=order.checkout_id).address_id is None
    # and a confirmation went to the old address
    assert [m.to for m in mailoutbox] == [[old_email]]

    # and the person can no longer sign in nor use the token
    from django.test import Client
    client = Client()
    response = client.post("/accounts/login/", {"login": old_email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    from rest_framework.test import APIClient
    api = APIClient()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {issued.key}").status_code == 401


def nothing_changed(user):
    user.refresh_from_db()
    assert user.is_active and user.has_usable_password() and "@invalid" not in user.email
    assert EmailAddress.objects.filter(user=user).exists()
    assert not AccountClosure.objects.exists()


def test_an_open_order_refuses_and_changes_nothing(mailoutbox):
    order, _product, _people = placed_order(method="bank_transfer", paid=True)
    user = order.checkout.placed_by

    with pytest.raises(AccountClosureBlocked) as exc, translation.override("en"):
        account_close(user=user, password=PASSWORD)

    assert [b.code for b in exc.value.blockers] == ["open_order"]
    assert exc.value.fields == {"open_order": [f"Order {order.number} is not completed yet (Placed)."]}
    nothing_changed(user)
    assert Address.objects.filter(user=user).count() == 1
    assert mailoutbox == []


def test_a_refund_owed_refuses():
    order, _product, people = placed_order(method="bank_transfer", paid=True)
    user = order.checkout.placed_by
    Membership.objects.filter(user=people[Party.PRODUCER]).update(role="owner")
    order_decline(order=order, actor=people[Party.PRODUCER], reason="Stok habis")
    assert OrderRefund.objects.filter(order=order, status="requested").count() == 1

    with pytest.raises(AccountClosureBlocked) as exc:
        account_close(user=user, password=PASSWORD)

    assert [b.code for b in exc.value.blockers] == ["refund_owed"]
    nothing_changed(user)


def test_the_last_owner_of_an_organisation_with_members_must_hand_over_first():
    owner = UserFactory(role="buyer")
    organisation = OrganisationFactory(kind="buyer", name="Toko Makmur")
    MembershipFactory(user=owner, organisation=organisation, role="owner")
    MembershipFactory(organisation=organisation, role="member")

    with pytest.raises(AccountClosureBlocked) as exc:
        account_close(user=owner, password=PASSWORD)

    assert [b.code for b in exc.value.blockers] == ["last_owner"]
    assert "Toko Makmur" in exc.value.blockers[0].message
    nothing_changed(owner)
    assert Membership.objects.filter(user=owner).count() == 1


def test_a_producer_alone_in_a_business_with_products_refuses():
    order, product, _people = placed_order(method="bank_transfer", paid=False)
    owner = UserFactory(role="producer")
    Membership.objects.filter(organisation=product.producer.organisation).delete()
    MembershipFactory(user=owner, organisation=product.producer.organisation, role="owner")

    with pytest.raises(AccountClosureBlocked) as exc:
        account_close(user=owner, password=PASSWORD)

    assert [b.code for b in exc.value.blockers] == ["organisation_records"]
    nothing_changed(owner)


def test_a_wrong_password_refuses():
    user = UserFactory()

    with pytest.raises(AccountClosureWrongPassword):
        account_close(user=user, password="salah")

    nothing_changed(user)


def test_officers_cannot_close_their_account_this_way():
    officer = OfficerFactory()

    with pytest.raises(OfficerCannotClose):
        account_close(user=officer, password=PASSWORD)

    nothing_changed(officer)


def test_the_page_explains_lists_blockers_and_closes(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    force_login_mfa(client, user)
    assert 'href="/account/close/"' in client.get("/account/data/").content.decode()

    page = client.get("/account/close/")
    assert page.status_code == 200
    assert 'name="password"' in page.content.decode()

    unconfirmed = client.post("/account/close/", {"password": PASSWORD})
    assert (unconfirmed.status_code, list(unconfirmed.context["form"].errors)) == (200, ["confirm"])
    wrong = client.post("/account/close/", {"password": "salah", "confirm": "on"})
    assert (wrong.status_code, list(wrong.context["form"].errors)) == (200, ["password"])
    nothing_changed(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/close/", {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302 and response["Location"] == "/"
    user.refresh_from_db()
    assert user.email == f"closed-{user.pk}@invalid"
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1


def test_the_page_lists_blockers_with_links(client):
    order, _product, _people = placed_order(method="bank_transfer", paid=True)
    user = order.checkout.placed_by
    force_login_mfa(client, user)

    page = client.get("/account/close/").content.decode()

    assert 'data-blocker="open_order"' in page
    assert f'href="/orders/{order.pk}/"' in page
    assert 'name="password"' not in page


def test_the_api_closes_the_account(api_client):
    user = UserFactory()
    issued = api_token_create(user=user)
    auth = {"HTTP_AUTHORIZATION": f"Token {issued.key}"}

    refused = api_client.post("/api/v1/me/close/", {"password": "salah", "confirm": True}, format="json", **auth)
    unconfirmed = api_client.post("/api/v1/me/close/", {"password": PASSWORD, "confirm": False}, format="json",
                                  **auth)
    assert (refused.status_code, refused.json()["code"]) == (403, "wrong_password")
    assert (unconfirmed.status_code, unconfirmed.json()["code"]) == (400, "closure_not_confirmed")
    nothing_changed(user)

    response = api_client.post("/api/v1/me/close/", {"password": PASSWORD, "confirm": True}, format="json", **auth)

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email == f"closed-{user.pk}@invalid"
    assert api_client.get("/api/v1/me/", **auth).status_code == 401


def test_the_api_lists_blockers():
    from rest_framework.test import APIClient
    order, _product, _people = placed_order(method="bank_transfer", paid=True)
    api = APIClient()
    api.force_authenticate(order.checkout.placed_by)

    response = api.post("/api/v1/me/close/", {"password": PASSWORD, "confirm": True}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "account_closure_blocked"
    assert list(response.json()["fields"]) == ["open_order"]
    assert Order.objects.get(pk=order.pk).status == "placed"
