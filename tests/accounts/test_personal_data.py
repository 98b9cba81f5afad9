"""A person downloads everything the marketplace keeps about them, and nobody else's, without secrets."""
import json

import pytest

from market.accounts.services import api_token_create
from tests.fixtures import force_login_mfa
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_with_an_order(totp_for):
    order, _product, people = placed_order(method="bank_transfer", paid=False)
    someone_else, _p, _people = placed_order(method="bank_transfer", paid=False)
    user = order.checkout.placed_by
    api_token_create(user=user, name="Kasir toko")
    totp_for(user)
    return user, order, someone_else


def test_the_page_offers_the_download_and_the_file_holds_the_persons_data(client, person_with_an_order):
    user, order, someone_else = person_with_an_order
    force_login_mfa(client, user)

    page = client.get("/account/data/")
    assert page.status_code == 200
    assert 'href="/account/data/download/"' in page.content.decode()

    response = client.get("/account/data/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="kampung-industri-data-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert set(data) == {"exported_at", "profile", "email_addresses", "organisations", "api_tokens",
                         "two_factor_methods", "addresses", "orders", "reviews"}
    assert data["profile"]["email"] == user.email
    assert [a["name"] for a in data["addresses"]] == ["Rumah"]
    assert [(c["number"], [o["number"] for o in c["orders"]]) for c in data["orders"]["checkouts"]] == [
        (order.checkout.number, [order.number])]
    assert someone_else.checkout.number not in response.content.decode()
    assert [t["name"] for t in data["api_tokens"]] == ["Kasir toko"]
    assert data["two_factor_methods"] == ["totp"]
    text = response.content.decode()
    assert "key_hash" not in text and "secret" not in text and "password" not in text


def test_the_api_gives_the_same_data(api_client, person_with_an_order):
    user, order, _someone_else = person_with_an_order
    api_client.force_authenticate(user)

    data = api_client.get("/api/v1/me/data/").json()

    assert data["profile"]["email"] == user.email
    assert data["orders"]["checkouts"][0]["total"] == order.checkout.total


def test_anonymous_people_get_nothing(client, api_client):
    assert client.get("/account/data/download/")["Location"].startswith("/accounts/login/")
    assert api_client.get("/api/v1/me/data/").status_code == 401
