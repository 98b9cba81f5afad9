"""The demo's reviews: delivered and completed demo orders reviewed through the services.

Called from ``catalog.demo._Loader.run`` after the orders exist (inside its transaction). The story: the
consumer rates her completed order five stars with a photo and its producer replies; she rates the
delivered order whose pack arrived torn three stars; the chain's owner rates each of its completed orders'
first product, one of them two stars in harsh words, which that order's producer reports to the officers
(it waits in their queue).
"""
from __future__ import annotations

import io
from dataclasses import dataclass


@dataclass
class ReviewsDemoResult:
    reviews: int = 0
    replies: int = 0
    reports: int = 0


def _photo(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), "#f3e6d0")
    draw = ImageDraw.Draw(image)
    draw.ellipse((170, 90, 470, 390), fill="#6b3e1f")  # a cup of coffee, from above
    draw.ellipse((210, 130, 430, 350), fill="#3b2010")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def reviews_demo_load(*, photos: bool = True) -> ReviewsDemoResult:
    """Review the demo's delivered and completed orders; reply to one review and report another."""
    from catalog.demo import BUYER_EMAIL, CONSUMER_EMAIL
    from market.accounts.models import Membership, User
    from orders.models import Order
    from reviews.services import review_reply, review_report, review_write

    result = ReviewsDemoResult()
    consumer = User.objects.filter(email=CONSUMER_EMAIL).first()
    owner = User.objects.filter(email=BUYER_EMAIL).first()
    if consumer is None or owner is None:
        return result
    reviewed = Order.objects.filter(status__in=[Order.Status.DELIVERED, Order.Status.COMPLETED]).order_by("pk")

    def producer_person(order):
        membership = (Membership.objects.filter(organisation_id=order.producer.organisation_id, role="owner")
                      .select_related("user").order_by("pk").first())
        return membership.user if membership else None

    for order in reviewed.filter(checkout__placed_by=consumer).select_related("producer"):
        line = order.lines.order_by("pk").first()
        if order.status == Order.Status.COMPLETED:
            review = review_write(order_line_id=line.pk, author=consumer, rating=5,
                                  text="Aromanya harum sekali, pengemasannya rapi dan sampai lebih cepat dari "
                                       "perkiraan. Pasti pesan lagi!",
                                  photos=[_photo("ulasan-konsumen.jpg")] if photos else [])
            if (person := producer_person(order)) is not None:
                review_reply(review=review, actor=person,
                             text="Terima kasih banyak, Kak Ayu! Ditunggu pesanan berikutnya.")
                result.replies += 1
        else:
            review_write(order_line_id=line.pk, author=consumer, rating=3,
                         text="Rasanya enak, tapi satu bungkus sobek di perjalanan. Produsen cepat menanggapi "
                              "laporan saya.")
        result.reviews += 1
    harsh = True
    for order in reviewed.filter(checkout__placed_by=owner, status=Order.Status.COMPLETED).select_related("producer"):
        line = order.lines.order_by("pk").first()
        if harsh:
            review = review_write(order_line_id=line.pk, author=owner, rating=2,
                                  text="Kardusnya penyok semua, penjualnya tidak becus! Jangan beli di sini.")
            if (person := producer_person(order)) is not None:
                review_report(review=review, reporter=person,
                              reason="Kardus sudah kami ganti dan pembeli sudah setuju; kata-katanya kasar.")
                result.reports += 1
            harsh = False
        else:
            review_write(order_line_id=line.pk, author=owner, rating=4,
                         text="Laris di toko kami, pembeli suka. Stok untuk Lebaran aman.")
        result.reviews += 1
    return result
