"""Acting for: the header's choice (themself or one of their buyer organisations) that pages follow.

The cart, prices, checkout, orders and invoices follow the choice; a choice that is not the person's
is refused and shows nothing of that organisation; a membership that ends falls back to themself.
"""
from __future__ import annotations

import re

import pytest

from frontend.acting import ACTING_SESSION_KEY
from market.accounts.members import membership_remove
from market.accounts.models import Membership, Role
from orders.models import Cart
from orders.selectors import shopper_get
from orders.services import cart_line_set
from tests.factories import MembershipFactory, UserFactory
from tests.orders.factories import buyer_organisation, on_sale, owner_of, place, verified_producer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English."""


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def switch(client, value, next_url="/cart/"):
    return client.post("/acting-for/", {"acting_for": str(value), "next": next_url})


@pytest.fixture
def two_orgs():
    """A buyer who belongs to organisation A (owner) and B (member), and a product with a wholesale tier."""
    org_a, buyer, outlet_a = buyer_organisation()
    org_b, _owner_b, outlet_b = buyer_organisation()
    MembershipFactory(user=buyer, organisation=org_b, role=Membership.Role.MEMBER)
    product = on_sale(retail_price=10000, tiers=[(10, 8000)], name="Kopi Robusta Silo")
    return {"buyer": buyer, "a": org_a, "b": org_b, "outlet_a": outlet_a, "outlet_b": outlet_b, "product": product}


def test_the_header_offers_self_and_each_buyer_organisation(client, two_orgs):
    client.force_login(two_orgs["buyer"])

    page = client.get("/cart/").content.decode()

    select = re.search(r'<select name="acting_for" id="id_acting_for">(.*?)</select>', page, re.S).group(1)
    options = re.findall(r'<option value="([^"]+)"( selected)?>([^<]+)</option>', select)
    # A retail buyer without a choice acts for their first organisation, as the pages always did.
    first, second = sorted([two_orgs["a"], two_orgs["b"]], key=lambda o: (o.name, o.pk))
    assert options == [("self", "", "Myself (personal shopping)"), (str(first.pk), " selected", first.name),
                       (str(second.pk), "", second.name)]


def test_producers_and_consumers_without_a_buyer_organisation_see_no_switcher(client):
    producer = verified_producer()
    client.force_login(owner_of(producer))
    assert 'name="acting_for"' not in client.get("/").content.decode()
    client.force_login(UserFactory(role=Role.CONSUMER))
    assert 'name="acting_for"' not in client.get("/cart/").content.decode()


def test_carts_and_prices_are_separate_for_self_and_each_organisation(client, two_orgs):
    buyer, product = two_orgs["buyer"], two_orgs["product"]
    client.force_login(buyer)

    switch(client, two_orgs["a"].pk)
    client.post("/cart/add/", {"product": product.pk, "quantity": "10"})
    switch(client, "self")
    client.post("/cart/add/", {"product": product.pk, "quantity": "2"})
    switch(client, two_orgs["b"].pk)
    empty_b = text(client.get("/cart/"))

    assert f"Cart of {two_orgs['b'].name}." in empty_b and "Kopi Robusta Silo" not in empty_b
    switch(client, two_orgs["a"].pk)
    cart_a = text(client.get("/cart/"))
    assert "Kopi Robusta Silo" in cart_a and "Rp 80.000" in cart_a  # the wholesale tier: 10 × Rp 8.000
    switch(client, "self")
    mine = text(client.get("/cart/"))
    assert "Your personal cart." in mine and "Rp 20.000" in mine  # the retail price: 2 × Rp 10.000
    carts = {(c.organisation_id, tuple(c.lines.values_list("quantity", flat=True)))
             for c in Cart.objects.filter(user=buyer)}
    assert carts == {(two_orgs["a"].pk, (10,)), (None, (2,))}


def test_an_organisation_one_does_not_belong_to_is_refused_and_nothing_of_it_shows(client, two_orgs):
    org_c, owner_c, outlet_c = buyer_organisation()
    shopper_c = shopper_get(user=owner_c, organisation=org_c)
    cart_line_set(shopper=shopper_c, product_id=two_orgs["product"].pk, quantity=12)
    secret = on_sale(retail_price=5000, name="Tape Singkong Rahasia")
    cart_line_set(shopper=shopper_c, product_id=secret.pk, quantity=3)
    order_c = place(shopper_c, destination=outlet_c).orders.first()
    cart_line_set(shopper=shopper_c, product_id=secret.pk, quantity=3)
    client.force_login(two_orgs["buyer"])
    switch(client, two_orgs["a"].pk)

    for value in (org_c.pk, "999999", "abc", ""):
        assert switch(client, value).status_code == 403
    assert client.session[ACTING_SESSION_KEY] == two_orgs["a"].pk  # the choice did not move

    cart = text(client.get("/cart/"))
    orders = text(client.get("/orders/"))
    assert "Tape Singkong Rahasia" not in cart and org_c.name not in cart
    assert order_c.number not in orders
    assert client.get(f"/orders/{order_c.pk}/").status_code == 404
    assert client.get(f"/checkout/{order_c.checkout_id}/").status_code == 404
    # the API's header is refused the same way
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(two_orgs["buyer"])
    assert api.get("/api/v1/cart/", HTTP_X_BUYER_ORGANISATION=str(org_c.pk)).status_code == 403


def test_orders_follow_the_choice_and_the_detail_offers_the_switch(client, two_orgs):
    buyer = two_orgs["buyer"]
    shopper_b = shopper_get(user=buyer, organisation=two_orgs["b"])
    cart_line_set(shopper=shopper_b, product_id=two_orgs["product"].pk, quantity=10)
    order_b = place(shopper_b, destination=two_orgs["outlet_b"]).orders.get()
    client.force_login(buyer)

    switch(client, two_orgs["a"].pk)
    listed_a = text(client.get("/orders/"))
    detail_under_a = text(client.get(f"/orders/{order_b.pk}/"))
    switch(client, two_orgs["b"].pk)
    listed_b = text(client.get("/orders/"))
    detail_under_b = client.get(f"/orders/{order_b.pk}/")

    assert order_b.number not in listed_a and f"Orders placed for {two_orgs['a'].name}." in listed_a
    assert f"Act for {two_orgs['b'].name}" in detail_under_a and "Kopi Robusta Silo" not in detail_under_a
    assert order_b.number in listed_b
    assert detail_under_b.status_code == 200 and "Kopi Robusta Silo" in text(detail_under_b)


def test_checkout_places_for_the_organisation_acted_for(client, two_orgs):
    buyer, product = two_orgs["buyer"], two_orgs["product"]
    client.force_login(buyer)
    switch(client, two_orgs["b"].pk)
    client.post("/cart/add/", {"product": product.pk, "quantity": "10"})

    page = client.get("/checkout/")

    assert page.status_code == 200
    assert two_orgs["outlet_b"].name in text(page)
    form = page.context["form"]
    assert [value for value, _label in form.fields["destination"].choices] == [two_orgs["outlet_b"].pk]


def test_a_removed_membership_falls_back_to_self(client, two_orgs):
    buyer = two_orgs["buyer"]
    org_b = two_orgs["b"]
    cart_line_set(shopper=shopper_get(user=buyer, organisation=org_b), product_id=two_orgs["product"].pk,
                  quantity=10)
    client.force_login(buyer)
    switch(client, org_b.pk)
    owner_b = Membership.objects.get(organisation=org_b, role="owner").user

    membership_remove(membership=Membership.objects.get(user=buyer, organisation=org_b), actor=owner_b)
    page = text(client.get("/cart/"))

    assert "Your personal cart." in page and "Kopi Robusta Silo" not in page
    assert client.session[ACTING_SESSION_KEY] == "self"
    assert f'<option value="{org_b.pk}"' not in page


def test_buyer_invoices_follow_the_choice(client, two_orgs):
    client.force_login(two_orgs["buyer"])
    switch(client, two_orgs["b"].pk)
    page = text(client.get("/dashboard/buyer/invoices/"))
    assert two_orgs["b"].name in page and two_orgs["a"].name not in page.split("</header>", 1)[1]

    switch(client, "self")
    assert client.get("/dashboard/buyer/invoices/").status_code == 404


def test_a_consumer_invited_into_an_organisation_keeps_shopping_for_themself_until_they_switch(client):
    organisation, _owner, _outlet = buyer_organisation()
    person = UserFactory(role=Role.CONSUMER)
    MembershipFactory(user=person, organisation=organisation, role=Membership.Role.MEMBER)
    client.force_login(person)

    assert "Your personal cart." in text(client.get("/cart/"))
    response = switch(client, organisation.pk, next_url="/orders/")
    assert response.status_code == 302 and response["Location"] == "/orders/"
    assert f"Cart of {organisation.name}." in text(client.get("/cart/"))
    # an unsafe next falls back to the cart
    assert switch(client, "self", next_url="https://evil.example/").headers["Location"] == "/cart/"


def test_product_prices_follow_the_choice(client, two_orgs):
    client.force_login(two_orgs["buyer"])

    as_organisation = text(client.get("/products/"))
    switch(client, "self")
    as_myself = text(client.get("/products/"))

    assert "Wholesale from" in as_organisation and "Rp 8.000" in as_organisation
    assert "Wholesale from" not in as_myself and "Rp 10.000" in as_myself
