"""Helpers for the reviews tests: delivered orders played through the order services, photos."""
from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from orders.services import (
    cart_line_set,
    checkout_mark_paid,
    order_accept,
    order_mark_delivered,
    order_pack,
    order_ship,
)
from orders.states import Party
from tests.orders.factories import consumer_shopper, on_sale, owner_of, place, placed_order, verified_producer


def deliver(order, producer_person) -> None:
    """Move a paid order to delivered through the producer's services."""
    order_accept(order=order, actor=producer_person)
    order_pack(order=order, actor=producer_person)
    order_ship(order=order, actor=producer_person)
    order_mark_delivered(order=order, actor=producer_person)
    order.refresh_from_db()


def delivered_order(*, quantity: int = 4):
    """Return (order, line, product, people): a consumer's delivered order of one product."""
    order, product, people = placed_order(quantity=quantity)
    deliver(order, people[Party.PRODUCER])
    return order, order.lines.get(), product, people


def another_delivered_line(product, *, quantity: int = 1):
    """Return (line, buyer): another consumer's delivered order line of ``product``."""
    shopper, address = consumer_shopper()
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
    checkout = place(shopper, destination=address, method="card", delivery={product.producer_id: "pickup"})
    checkout_mark_paid(checkout=checkout, reference=f"pi_{checkout.pk}")
    order = checkout.orders.get()
    deliver(order, owner_of(product.producer))
    return order.lines.get(), shopper.user


def jpeg(name: str = "foto.jpg", size=(800, 600), exif: bool = False) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, "#7a4a1e")
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "KameraRahasia"  # Make
        kwargs["exif"] = data.tobytes()
    image.save(buffer, "JPEG", **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


__all__ = ["on_sale", "owner_of", "verified_producer"]
