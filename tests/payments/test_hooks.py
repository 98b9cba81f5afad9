"""How payments plugs into orders: hidden methods without keys, amounts refused at placing."""
import pytest
from django.test import override_settings

from orders.models import Checkout
from orders.selectors import checkout_payment_methods
from orders.services import cart_line_set
from payments.exceptions import AmountOutOfRange
from payments.providers import PROVIDERS, PaymentProvider, provider_for_method
from tests.orders.factories import business_shopper, consumer_shopper, on_sale, place

pytestmark = pytest.mark.django_db


def test_every_provider_implements_the_interface():
    assert all(isinstance(provider, PaymentProvider) for provider in PROVIDERS.values())
    assert provider_for_method("card").code == "stripe"
    assert provider_for_method("bank_transfer").code == "bank_transfer"
    assert provider_for_method("invoice") is None


def test_the_card_is_offered_only_with_both_stripe_keys():
    shopper, _ = consumer_shopper()
    organisation_shopper, _ = business_shopper()

    assert checkout_payment_methods(shopper=shopper) == ["card", "bank_transfer"]
    with override_settings(STRIPE_SECRET_KEY=None):
        assert checkout_payment_methods(shopper=shopper) == ["bank_transfer"]
        assert checkout_payment_methods(shopper=organisation_shopper) == ["bank_transfer", "invoice"]
    with override_settings(STRIPE_PUBLISHABLE_KEY=""):
        assert checkout_payment_methods(shopper=shopper) == ["bank_transfer"]


def test_a_card_total_below_stripes_minimum_is_refused_at_placing_and_nothing_is_written():
    shopper, address = consumer_shopper()
    product = on_sale(stock=10, retail_price=5000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)

    with pytest.raises(AmountOutOfRange) as error:
        place(shopper, destination=address, method="card")

    assert error.value.message == "Card payments start at Rp 10.000."
    assert Checkout.objects.count() == 0
    product.stock.refresh_from_db()
    assert product.stock.reserved == 0
    # the same cart is fine by bank transfer
    assert place(shopper, destination=address, method="bank_transfer").total == 5000
