"""Content-Security-Policy, Permissions-Policy and Cross-Origin-Opener-Policy (market/core/security_headers.py).

Each page answers with the policy built from the settings, and its HTML holds nothing that policy blocks
(the same scan as tests/frontend/test_templates_csp.py, on the rendered page this time).
"""
from __future__ import annotations

import pytest
from django.core.files.storage import storages

from market.core import security_headers
from orders.selectors import shopper_get
from orders.services import cart_line_set
from tests.catalog.factories import ProducerFactory, owner_of
from tests.factories import OfficerFactory
from tests.fixtures import force_login_mfa
from tests.frontend.test_templates_csp import inline_code
from tests.orders.factories import consumer, on_sale
from tests.payments.conftest import checkout_of

pytestmark = pytest.mark.django_db

STRIPE_EMULATOR = "http://localhost:4567"
PAGE_POLICY = (
    "default-src 'self'; script-src 'self' https://js.stripe.com https://*.js.stripe.com; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self' https://api.stripe.com; "
    "frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
POLICY_WITHOUT_STRIPE = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)
PERMISSIONS_WITH_STRIPE = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), "
    "idle-detection=(), magnetometer=(), microphone=(), midi=(), payment=(self), screen-wake-lock=(), serial=(), "
    "usb=(), xr-spatial-tracking=()"
)


@pytest.fixture(autouse=True)
def _stripe(settings):
    """Card payments on, with Stripe's own addresses (whatever the environment says)."""
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_kampung", "pk_test_kampung"
    settings.STRIPE_JS_URL, settings.STRIPE_API_BASE = "https://js.stripe.com/v3/", None
    settings.CSP_REPORT_ONLY, settings.CSP_REPORT_URI = False, None


def home(client, totp_for):
    return "/"


def product_page(client, totp_for):
    return f"/products/{on_sale(name='Kopi Robusta 250 g').pk}/kopi-robusta-250-g/"


def checkout_page(client, totp_for):
    user, _address = consumer()
    cart_line_set(shopper=shopper_get(user=user), product_id=on_sale().pk, quantity=2)
    client.force_login(user)
    return "/checkout/"


def officer_page(client, totp_for):
    officer = OfficerFactory()
    totp_for(officer)  # officers need two-factor authentication to get in
    force_login_mfa(client, officer)
    return "/dashboard/officer/"


def producer_page(client, totp_for):
    client.force_login(owner_of(ProducerFactory()))
    return "/dashboard/producer/"


def assert_security_headers(response, policy: str = PAGE_POLICY) -> None:
    assert response["Content-Security-Policy"] == policy
    assert "Content-Security-Policy-Report-Only" not in response
    assert response["Permissions-Policy"] == PERMISSIONS_WITH_STRIPE
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("page", [home, product_page, checkout_page, officer_page, producer_page])
def test_pages_send_the_policy_and_hold_nothing_it_blocks(client, totp_for, page):
    response = client.get(page(client, totp_for))

    assert response.status_code == 200
    assert_security_headers(response)
    assert inline_code(response.content.decode()) == []


def test_the_pay_page_allows_the_configured_stripe_js_and_api_and_nothing_inline(client, settings):
    # given Stripe.js and the API at the local emulator, as in the browser journeys
    settings.STRIPE_JS_URL, settings.STRIPE_API_BASE = f"{STRIPE_EMULATOR}/js.stripe.com/v3/", STRIPE_EMULATOR
    checkout, _ = checkout_of(method="card")
    client.force_login(checkout.placed_by)

    # when the payer opens the pay page
    response = client.get(f"/checkout/{checkout.pk}/pay/")

    # then the card form's scripts, frames and calls may reach the emulator, and nothing else beyond the site
    html = response.content.decode()
    assert response.status_code == 200 and 'id="card-form"' in html
    assert f'<script src="{STRIPE_EMULATOR}/js.stripe.com/v3/"></script>' in html
    assert_security_headers(response, policy=(
        f"default-src 'self'; script-src 'self' {STRIPE_EMULATOR}; style-src 'self'; img-src 'self' data:; "
        f"font-src 'self'; connect-src 'self' {STRIPE_EMULATOR}; frame-src {STRIPE_EMULATOR}; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"))
    assert inline_code(html) == []


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_documentation_has_its_own_policy_with_inline_styles_but_no_inline_script(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src 'none'; worker-src 'self' blob:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'")
    assert response["Permissions-Policy"] == PERMISSIONS_WITH_STRIPE


def test_the_browsable_api_may_use_inline_styles_but_no_inline_script(client):
    response = client.get("/api/v1/regions/districts/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response["Content-Security-Policy"] == PAGE_POLICY.replace("style-src 'self'",
                                                                      "style-src 'self' 'unsafe-inline'")


def test_the_admin_sign_in_gets_the_page_policy(client):
    response = client.get("/admin/login/")

    assert response.status_code in (200, 302)
    assert_security_headers(response)
    assert inline_code(response.content.decode()) == []


def test_the_admin_gets_the_page_policy_and_runs_no_inline_code(client, totp_for):
    officer = OfficerFactory(is_superuser=True)
    totp_for(officer)
    force_login_mfa(client, officer)

    response = client.get("/admin/catalog/product/add/")

    assert response.status_code == 200
    assert_security_headers(response)
    # Django 5.2's admin keeps its data in <script src=... data-...> tags: nothing inline.
    assert inline_code(response.content.decode()) == []


def test_json_and_static_files_get_the_headers_too(client):
    api = client.get("/api/v1/regions/districts/", HTTP_ACCEPT="application/json")
    static = client.get("/static/frontend/site.css")

    assert api.status_code == 200 and api["Content-Security-Policy"] == PAGE_POLICY
    assert static.status_code == 200 and static["Content-Security-Policy"] == PAGE_POLICY
    assert static["Permissions-Policy"] == PERMISSIONS_WITH_STRIPE


def test_without_stripe_keys_no_stripe_origin_is_allowed_and_payment_is_off(client, settings):
    settings.STRIPE_SECRET_KEY = None

    response = client.get("/")

    assert response["Content-Security-Policy"] == POLICY_WITHOUT_STRIPE
    assert "payment=()" in response["Permissions-Policy"]
    assert "stripe" not in response["Permissions-Policy"] + response["Content-Security-Policy"]


def test_report_only_mode_sends_the_same_policy_without_enforcing_it(client, settings):
    settings.CSP_REPORT_ONLY = True
    settings.CSP_REPORT_URI = "https://reports.example.id/csp"

    response = client.get("/")

    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == (
        f"{PAGE_POLICY}; report-uri https://reports.example.id/csp")


def test_media_on_a_separate_domain_may_be_shown(client, settings):
    settings.MEDIA_URL = "https://media.example.id/uploads/"

    response = client.get("/")

    assert "img-src 'self' data: https://media.example.id;" in response["Content-Security-Policy"]


@pytest.mark.parametrize("options", [
    {"custom_domain": "media.kampung-industri.example.id"},
    {"endpoint_url": "https://s3.example.id"},
    {"region_name": "ap-southeast-3"},
    {},
])
def test_photos_on_s3_come_from_an_origin_the_policy_allows(settings, options):
    # given media on S3 (or an S3-compatible store), configured as market/settings/base.py does
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": "kampung-media", "region_name": None, "endpoint_url": None, "custom_domain": None,
        "default_acl": None, "querystring_auth": False, "file_overwrite": False, **options}}}

    # when the storage makes a photo's address (no network: the address is computed)
    url = storages.create_storage(settings.STORAGES["default"]).url("products/2025/01/ab12.webp")

    # then its origin is among the images the pages may show
    origin = "/".join(url.split("/")[:3])
    assert origin in security_headers.media_origins()
    assert f"img-src 'self' data: {origin}" in security_headers.content_security_policy()
