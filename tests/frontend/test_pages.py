import pytest

from market.accounts.models import Organisation, Role
from market.regions.services import region_import_file
from tests.factories import MembershipFactory, OrganisationFactory
from tests.fixtures import force_login_mfa

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_programme_area_in_indonesian(client):
    region_import_file()

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in html
    assert "Kabupaten Jember" in html
    assert "<dd>31</dd>" in html and "<dd>248</dd>" in html
    assert 'href="#main"' in html and '<main id="main"' in html  # skip link and landmark
    assert "/static/django_htmx/htmx-2.min.js" in html  # served by the project, no CDN


def test_navigation_is_role_aware(client, make_user):
    anonymous = client.get("/").content.decode()
    assert "/accounts/signup/" in anonymous and "/admin/" not in anonymous

    assert 'href="/cart/"' in anonymous and 'href="/orders/"' not in anonymous  # a visitor's cart joins the account

    client.force_login(make_user(role=Role.BUYER))
    buyer = client.get("/").content.decode()
    assert "/dashboard/" in buyer and "/admin/" not in buyer and "/accounts/signup/" not in buyer
    assert 'href="/cart/"' in buyer and 'href="/orders/"' in buyer

    client.force_login(make_user(role=Role.PRODUCER))
    producer = client.get("/").content.decode()
    assert 'href="/cart/"' not in producer and 'href="/orders/"' not in producer


@pytest.mark.parametrize(("role", "links"), [
    (Role.BUYER, ["/search/", "/cart/", "/orders/", "/dashboard/buyer/invoices/"]),
    (Role.CONSUMER, ["/products/", "/cart/", "/orders/"]),
    (Role.INVESTOR, ["/villages/", "/search/"]),
])
def test_each_dashboard_leads_to_the_pages_of_its_role(client, make_user, role, links):
    user = make_user(role=role)
    if role == Role.BUYER:  # retail buyers sign up with their organisation
        MembershipFactory(user=user, organisation=OrganisationFactory(kind=Organisation.Kind.BUYER))
    client.force_login(user)

    response = client.get(f"/dashboard/{role}/")

    html = response.content.decode()
    assert response.status_code == 200
    for link in links:
        assert f'href="{link}"' in html
        assert client.get(link).status_code == 200


def test_officer_navigation_offers_administration(client, make_user, totp_for):
    officer = make_user(role=Role.OFFICER)
    totp_for(officer)
    force_login_mfa(client, officer)

    assert 'href="/admin/"' in client.get("/").content.decode()


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_account_pages_use_the_site_layout(client, path):
    html = client.get(path).content.decode()

    assert 'class="auth-card"' in html
    assert "/static/frontend/site.css" in html


def test_pages_404_in_the_site_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "/static/frontend/site.css" in response.content.decode()
