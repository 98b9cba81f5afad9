"""Review pages: "Write a review" on a delivered order, the form (stars, text, photos), the product page's
stars, reviews and JSON-LD, stars and sold counts on cards with a fixed query count, the producer's replies
and the officers' queue."""
from __future__ import annotations

import json
import re

import pytest

from orders.states import Party
from reviews.models import Review, ReviewEvent
from reviews.services import review_moderate, review_report, review_write
from tests.fixtures import force_login_mfa
from tests.orders.factories import OfficerFactory, on_sale, placed_order
from tests.reviews.helpers import another_delivered_line, delivered_order, jpeg

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def json_ld(page: str) -> list[dict]:
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)]


def test_the_delivered_order_page_offers_a_review_per_line_to_its_buyer_only(client):
    order, line, product, people = delivered_order()
    write_url = f"/orders/{order.pk}/lines/{line.pk}/review/"

    client.force_login(people[Party.BUYER])
    buyer_page = text(client.get(f"/orders/{order.pk}/"))
    client.force_login(people[Party.PRODUCER])
    producer_page = text(client.get(f"/orders/{order.pk}/"))

    assert f'href="{write_url}">Write a review</a>' in buyer_page
    assert write_url not in producer_page


def test_an_order_not_delivered_offers_no_review_and_refuses_one(client):
    order, product, people = placed_order()
    line = order.lines.get()
    client.force_login(people[Party.BUYER])

    page = text(client.get(f"/orders/{order.pk}/"))
    response = client.post(f"/orders/{order.pk}/lines/{line.pk}/review/", {"rating": "5", "text": "Mantap"})

    assert "/review/" not in page
    assert response.status_code == 409 and "once its order has been delivered" in text(response)
    assert Review.objects.count() == 0


def test_the_buyer_writes_a_review_with_a_photo_and_changes_it(client):
    order, line, product, people = delivered_order()
    client.force_login(people[Party.BUYER])
    url = f"/orders/{order.pk}/lines/{line.pk}/review/"

    form = client.get(url)
    response = client.post(url, {"rating": "4", "text": "Kopinya harum", "photos": [jpeg()]})

    assert form.status_code == 200 and 'name="rating"' in text(form)
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
    review = Review.objects.get()
    assert (review.rating, review.text, review.photos.count()) == (4, "Kopinya harum", 1)
    page = text(client.get(f"/orders/{order.pk}/"))
    assert "Change my review" in page and "★★★★☆" in page

    photo = review.photos.get()
    response = client.post(url, {"rating": "5", "text": "Lebih enak lagi", "remove_photos": [str(photo.pk)]})

    review.refresh_from_db()
    assert response.status_code == 302
    assert (review.rating, review.text, review.photos.count()) == (5, "Lebih enak lagi", 0)
    assert list(ReviewEvent.objects.filter(review=review).values_list("kind", flat=True)) == ["written", "edited"]


def test_a_bad_photo_is_shown_beside_its_input_and_nothing_is_written(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    order, line, product, people = delivered_order()
    client.force_login(people[Party.BUYER])

    response = client.post(f"/orders/{order.pk}/lines/{line.pk}/review/", {
        "rating": "5", "photos": [SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")]})

    assert response.status_code == 400
    assert response.context["form"].errors["photos"]
    assert Review.objects.count() == 0


def test_someone_else_cannot_open_the_review_form(client):
    order, line, product, people = delivered_order()
    for who in ("stranger", Party.PRODUCER):
        client.force_login(people[who])
        assert client.get(f"/orders/{order.pk}/lines/{line.pk}/review/").status_code == 404
        assert client.post(f"/orders/{order.pk}/lines/{line.pk}/review/", {"rating": "1"}).status_code == 404
    assert Review.objects.count() == 0


def test_the_product_page_shows_rating_reviews_reply_and_valid_json_ld(client, settings):
    settings.SITE_URL = "https://kampung-industri.example.id"
    order, line, product, people = delivered_order(quantity=3)
    buyer = people[Party.BUYER]
    buyer.full_name = "Ayu Lestari"
    buyer.save()
    review = review_write(order_line_id=line.pk, author=buyer, rating=4, text="Harum sekali", photos=[jpeg()])
    from reviews.services import review_reply

    review_reply(review=review, actor=people[Party.PRODUCER], text="Terima kasih, Kak Ayu")
    line_b, buyer_b = another_delivered_line(product, quantity=2)
    hidden = review_write(order_line_id=line_b.pk, author=buyer_b, rating=1, text="Kata-kata kasar")
    review_moderate(review=hidden, officer=OfficerFactory(), action="hide", reason="Kasar")

    page = text(client.get(f"/products/{product.pk}/", follow=True))

    assert "Harum sekali" in page and "Terima kasih, Kak Ayu" in page and "Verified purchase" in page
    assert "Ayu L." in page and "Kata-kata kasar" not in page
    assert '<span class="rating-average">4.0</span>' in page and "(1 review)" in page and "5 sold" in page
    photo = review.photos.get()
    assert f'<a href="{photo.image.url}"><img src="{photo.thumbnail.url}" width="80" height="80"' in page
    item = next(d for d in json_ld(page) if d["@type"] == "Product")
    assert item["aggregateRating"] == {"@type": "AggregateRating", "ratingValue": "4.0", "reviewCount": 1,
                                       "bestRating": "5", "worstRating": "1"}
    assert item["review"] == [{"@type": "Review", "reviewRating": {"@type": "Rating", "ratingValue": "4",
                                                                  "bestRating": "5", "worstRating": "1"},
                               "author": {"@type": "Person", "name": "Ayu L."},
                               "datePublished": review.created_at.astimezone(
                                   __import__("zoneinfo").ZoneInfo("Asia/Jakarta")).date().isoformat(),
                               "reviewBody": "Harum sekali"}]


def test_a_product_without_reviews_has_no_rating_in_its_json_ld(client):
    product = on_sale()

    page = text(client.get(f"/products/{product.pk}/", follow=True))

    item = next(d for d in json_ld(page) if d["@type"] == "Product")
    assert "aggregateRating" not in item and "review" not in item
    assert "No reviews yet." in page


def test_the_reviews_page_is_paginated_newest_first(client):
    order, line, product, people = delivered_order()
    review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=3, text="Pertama")
    for number in range(10):
        other_line, buyer = another_delivered_line(product)
        review_write(order_line_id=other_line.pk, author=buyer, rating=5, text=f"Ulasan {number}")

    first = client.get(f"/products/{product.pk}/reviews/")
    second = client.get(f"/products/{product.pk}/reviews/?page=2")

    assert [r.text for r in first.context["reviews"]] == [f"Ulasan {n}" for n in range(9, -1, -1)]
    assert [r.text for r in second.context["reviews"]] == ["Pertama"]
    assert "(11 reviews)" in text(first)


def test_cards_show_stars_and_sold_count_and_the_catalogue_keeps_its_query_count(client, django_assert_num_queries):
    order, line, product, people = delivered_order(quantity=3)
    review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=5)
    for _ in range(2):
        on_sale(producer=product.producer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/products/")
    for _ in range(8):
        other_line, buyer = another_delivered_line(on_sale(producer=product.producer))
        review_write(order_line_id=other_line.pk, author=buyer, rating=4)

    with django_assert_num_queries(len(few.captured_queries)):
        page = text(client.get("/products/"))

    assert page.count('class="rating rating-compact"') == 9
    card = re.search(rf'href="/products/{product.pk}/[^"]+">.*?</article>', page).group(0)
    assert '<span class="rating-average">5.0</span>' in card and "(1)" in card and "3 sold" in card


def test_the_producer_replies_from_its_reviews_page(client, mailoutbox, django_capture_on_commit_callbacks):
    order, line, product, people = delivered_order()
    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=4, text="Enak")
    client.force_login(people[Party.PRODUCER])

    page = text(client.get(f"/dashboard/producer/reviews/?producer={product.producer_id}"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reviews/{review.pk}/reply/", {"reply": "Terima kasih"})

    assert "Enak" in page and f'action="/reviews/{review.pk}/reply/"' in page
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.reply == "Terima kasih"
    assert [m.to for m in mailoutbox if "replied" in m.subject] == [[people[Party.BUYER].email]]


def test_another_producer_cannot_reply(client):
    order, line, product, people = delivered_order()
    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=4)
    client.force_login(people["other producer"])

    assert client.post(f"/reviews/{review.pk}/reply/", {"reply": "Hmm"}).status_code == 404
    review.refresh_from_db()
    assert review.reply == ""


def test_a_signed_in_person_reports_a_review_once_from_the_product_page(client):
    order, line, product, people = delivered_order()
    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=1, text="Spam")
    client.force_login(people["stranger"])

    first = client.post(f"/reviews/{review.pk}/report/", {"reason": "Iklan", "next": "/"}, follow=True)
    second = client.post(f"/reviews/{review.pk}/report/", {"reason": "Lagi", "next": "/"}, follow=True)

    review.refresh_from_db()
    assert review.open_reports == 1
    assert "the programme officers will look at this review" in text(first)
    assert "You have already reported this review." in text(second)


def test_anonymous_people_sign_in_before_reporting(client):
    order, line, product, people = delivered_order()
    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=1)

    response = client.post(f"/reviews/{review.pk}/report/", {"reason": "Iklan"})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert review.reports.count() == 0


def test_officers_hide_a_reported_review_from_their_queue(client, totp_for):
    order, line, product, people = delivered_order()
    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=1, text="Kasar sekali")
    review_report(review=review, reporter=people["stranger"], reason="Kata kasar")
    officer = OfficerFactory()
    totp_for(officer)
    force_login_mfa(client, officer)

    queue = text(client.get("/dashboard/officer/reviews/?queue=reported"))
    response = client.post(f"/dashboard/officer/reviews/{review.pk}/moderate/",
                           {"action": "hide", "reason": "Melanggar aturan"})

    assert "Kasar sekali" in queue and "Kata kasar" in queue
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.hidden_reason) == ("hidden", "Melanggar aturan")
    client.force_login(people[Party.BUYER])
    assert "Melanggar aturan" in text(client.get(f"/orders/{order.pk}/"))


def test_people_other_than_officers_cannot_moderate(client):
    order, line, product, people = delivered_order()
    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=1)
    client.force_login(people[Party.PRODUCER])

    assert client.get("/dashboard/officer/reviews/").status_code == 403
    assert client.post(f"/dashboard/officer/reviews/{review.pk}/moderate/",
                       {"action": "hide", "reason": "x"}).status_code == 403
    review.refresh_from_db()
    assert review.status == "visible"
