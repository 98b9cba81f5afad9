"""Fixtures of the payments tests: checkouts to pay and, for card payments, a local Stripe emulator."""
from __future__ import annotations

import pytest
from django.utils import translation

from orders.services import cart_line_set
from tests.orders.factories import consumer_shopper, on_sale, place, verified_producer


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def checkout_of(*, method: str = "bank_transfer", items=((10000, 4),)):
    """Place a consumer's checkout (pickup) of one product per (retail price, quantity) pair, each from its
    own producer; return (checkout, products)."""
    shopper, address = consumer_shopper()
    products = []
    for price, quantity in items:
        product = on_sale(producer=verified_producer(), stock=50, retail_price=price)
        cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
        products.append(product)
    return place(shopper, destination=address, method=method), products


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_server():
    """Start the local Stripe emulator on a free port for the session; yield its base URL."""
    import shutil
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    from tests.conftest import require

    executable = shutil.which("localstripe") or str(Path(sys.executable).parent / "localstripe")
    require(Path(executable).exists(), "localstripe is not installed (requirements-dev.txt)")
    port = _free_port()
    process = subprocess.Popen([executable, "--port", str(port), "--from-scratch"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://localhost:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{base}/js.stripe.com/v3/", timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("localstripe did not start")
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def stripe_emulator(localstripe_server, settings):
    """Point the Stripe client at a freshly emptied emulator; yield its base URL."""
    import urllib.request

    request = urllib.request.Request(f"{localstripe_server}/_config/data", method="DELETE")
    urllib.request.urlopen(request, timeout=5).close()
    settings.STRIPE_API_BASE = localstripe_server
    settings.STRIPE_SECRET_KEY = "sk_test_kampung"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_kampung"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_kampung"
    yield localstripe_server


def card(number: str = "4242424242424242") -> str:
    """Create a card PaymentMethod at the emulator (what Stripe.js does in the browser); return its id."""
    from payments.stripe_client import client

    return client().v1.payment_methods.create(params={
        "type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}).id


def bank_account_set(producer, *, bank_name: str, account_number: str, account_holder: str):
    """Set a producer's payout bank account as its owner would: the owner, just after re-authenticating."""
    from payments.services.payouts import producer_bank_account_set
    from tests.catalog.factories import owner_of

    return producer_bank_account_set(actor=owner_of(producer), producer=producer, bank_name=bank_name,
                                     account_number=account_number, account_holder=account_holder,
                                     reauthenticated=True)
