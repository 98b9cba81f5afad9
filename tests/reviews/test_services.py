"""Reviews: who may write one, once per delivered line, the edit window, photos, replies, reports and
moderation, and the product's rating kept in step (hidden reviews never count)."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from catalog.images import ImageInvalid
from orders.services import cart_line_set, checkout_mark_paid
from orders.states import Party
from reviews.exceptions import (
    ReviewAlreadyReported,
    ReviewEditWindowClosed,
    ReviewExists,
    ReviewInvalid,
    ReviewLineNotFound,
    ReviewModerationInvalid,
    ReviewNotAllowed,
    ReviewNotDelivered,
)
from reviews.models import ProductRating, Review, ReviewEvent, ReviewPhoto, ReviewReport
from reviews.services import review_edit, review_moderate, review_reply, review_report, review_write
from tests.factories import UserFactory
from tests.orders.factories import OfficerFactory, business_shopper, place, placed_order
from tests.reviews.helpers import another_delivered_line, deliver, delivered_order, jpeg

pytestmark = pytest.mark.django_db


def rating_of(product) -> tuple[int, int]:
    row = ProductRating.objects.filter(product=product).first()
    return (row.review_count, row.star_total) if row else (0, 0)


def kinds(review) -> list[str]:
    return list(ReviewEvent.objects.filter(review=review).order_by("pk").values_list("kind", flat=True))


# --- writing ---------------------------------------------------------------------------------------


def test_the_buyer_of_a_delivered_line_writes_one_review_that_counts_in_the_rating():
    order, line, product, people = delivered_order()
    buyer = people[Party.BUYER]
    buyer.full_name = "Ayu Lestari Putri"
    buyer.save()

    review = review_write(order_line_id=line.pk, author=buyer, rating=4, text="  Harum, gilingannya pas.  ")

    review.refresh_from_db()
    assert (review.rating, review.text, review.author_name, review.status) == (4, "Harum, gilingannya pas.",
                                                                              "Ayu P.", "visible")
    assert (review.product_id, review.producer_id, review.checked_at) == (product.pk, order.producer_id, None)
    assert rating_of(product) == (1, 4)
    assert kinds(review) == ["written"]


def test_a_line_not_yet_delivered_cannot_be_reviewed():
    order, product, people = placed_order()  # paid, not delivered

    with pytest.raises(ReviewNotDelivered):
        review_write(order_line_id=order.lines.get().pk, author=people[Party.BUYER], rating=5)

    assert Review.objects.count() == 0 and rating_of(product) == (0, 0)


@pytest.mark.parametrize("who", ["stranger", Party.PRODUCER, Party.OFFICER])
def test_nobody_but_the_buyer_reviews_a_line(who):
    order, line, product, people = delivered_order()

    with pytest.raises(ReviewLineNotFound):
        review_write(order_line_id=line.pk, author=people[who], rating=1, text="Jelek")

    assert Review.objects.count() == 0 and ReviewEvent.objects.count() == 0 and rating_of(product) == (0, 0)


def test_a_line_is_reviewed_once():
    order, line, product, people = delivered_order()
    review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=5)

    with pytest.raises(ReviewExists):
        review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=1)

    assert Review.objects.count() == 1 and rating_of(product) == (1, 5)


def test_any_member_of_the_buyer_organisation_reviews_its_delivered_line_once():
    shopper, outlet = business_shopper()
    order, _line, product, people = delivered_order()  # a product on sale with its producer
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    checkout = place(shopper, destination=outlet, method="bank_transfer", delivery={product.producer_id: "pickup"})
    checkout_mark_paid(checkout=checkout, reference="transfer-1")
    business_order = checkout.orders.get()
    deliver(business_order, people[Party.PRODUCER])
    from market.accounts.models import Membership
    from tests.factories import MembershipFactory

    colleague = UserFactory(role="buyer")
    MembershipFactory(user=colleague, organisation=shopper.organisation, role=Membership.Role.MEMBER)
    line = business_order.lines.get()

    review = review_write(order_line_id=line.pk, author=colleague, rating=3, text="Cukup")
    with pytest.raises(ReviewExists):
        review_write(order_line_id=line.pk, author=shopper.user, rating=5)

    assert review.author_id == colleague.pk and rating_of(product) == (1, 3)


@pytest.mark.parametrize("rating", [0, 6, "5", True, None])
def test_stars_are_a_whole_number_from_1_to_5(rating):
    order, line, product, people = delivered_order()

    with pytest.raises(ReviewInvalid) as error:
        review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=rating)

    assert error.value.fields == {"rating": ["Choose from 1 to 5 stars."]}
    assert Review.objects.count() == 0


def test_text_longer_than_2000_characters_is_refused():
    order, line, product, people = delivered_order()

    with pytest.raises(ReviewInvalid) as error:
        review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=5, text="x" * 2001)

    assert error.value.fields == {"text": ["At most 2000 characters."]}
    assert Review.objects.count() == 0


# --- photos ----------------------------------------------------------------------------------------


def test_photos_are_re_encoded_without_metadata_with_a_small_thumbnail():
    order, line, product, people = delivered_order()

    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=5,
                          photos=[jpeg(size=(3000, 2000), exif=True), jpeg(name="dua.png")])

    photos = list(ReviewPhoto.objects.filter(review=review).order_by("position"))
    assert [(p.position, p.width, p.height) for p in photos] == [(0, 1600, 1067), (1, 800, 600)]
    with photos[0].image.open("rb") as stored:
        data = stored.read()
    assert b"KameraRahasia" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format in ("WEBP", "JPEG") and not image.getexif()
    with photos[0].thumbnail.open("rb") as thumb, Image.open(thumb) as image:
        assert max(image.size) == 160


def test_more_than_three_photos_are_refused_and_nothing_is_written():
    order, line, product, people = delivered_order()

    with pytest.raises(ReviewInvalid) as error:
        review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=5, photos=[jpeg() for _ in range(4)])

    assert error.value.fields == {"photos": ["At most 3 photos."]}
    assert (Review.objects.count(), ReviewPhoto.objects.count()) == (0, 0)


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_written():
    order, line, product, people = delivered_order()
    fake = SimpleUploadedFile("foto.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")

    with pytest.raises(ImageInvalid):
        review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=5, photos=[fake])

    assert (Review.objects.count(), ReviewPhoto.objects.count(), rating_of(product)) == (0, 0, (0, 0))


# --- editing ---------------------------------------------------------------------------------------


def test_the_author_changes_the_review_within_30_days_and_it_goes_back_to_the_queue():
    order, line, product, people = delivered_order()
    buyer = people[Party.BUYER]
    review = review_write(order_line_id=line.pk, author=buyer, rating=2, text="Kurang", photos=[jpeg()])
    review_moderate(review=review, officer=OfficerFactory(), action="keep")
    first_photo = review.photos.get()

    edited = review_edit(review=review, author=buyer, rating=5, text="Ternyata enak", photos=[jpeg(), jpeg()],
                         remove_photo_ids=[first_photo.pk], now=review.created_at + timedelta(days=29))

    assert (edited.rating, edited.text, edited.checked_at) == (5, "Ternyata enak", None)
    assert list(edited.photos.values_list("position", flat=True)) == [0, 1]
    assert rating_of(product) == (1, 5)
    assert kinds(review) == ["written", "kept", "edited"]
    event = ReviewEvent.objects.get(review=review, kind="edited")
    assert event.data == {"before": {"rating": 2, "text": "Kurang"}, "photos_added": 2,
                          "photos_removed": [first_photo.pk]}


def test_after_30_days_the_review_cannot_be_changed():
    order, line, product, people = delivered_order()
    buyer = people[Party.BUYER]
    review = review_write(order_line_id=line.pk, author=buyer, rating=2, text="Kurang")

    with pytest.raises(ReviewEditWindowClosed):
        review_edit(review=review, author=buyer, rating=5, now=review.created_at + timedelta(days=30, seconds=1))

    review.refresh_from_db()
    assert (review.rating, review.text, kinds(review), rating_of(product)) == (2, "Kurang", ["written"], (1, 2))


def test_only_the_author_changes_a_review():
    order, line, product, people = delivered_order()
    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=2)

    from reviews.exceptions import ReviewNotFound

    with pytest.raises(ReviewNotFound):
        review_edit(review=review, author=people["stranger"], rating=5)
    assert rating_of(product) == (1, 2)


# --- the producer's reply ------------------------------------------------------------------------------


def test_the_producer_replies_once_and_the_author_is_emailed_after_commit(django_capture_on_commit_callbacks,
                                                                          mailoutbox):
    order, line, product, people = delivered_order()
    buyer = people[Party.BUYER]
    review = review_write(order_line_id=line.pk, author=buyer, rating=4, text="Enak")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        review_reply(review=review, actor=people[Party.PRODUCER], text="Terima kasih, Kak!")
    with django_capture_on_commit_callbacks(execute=True):
        changed = review_reply(review=review, actor=people[Party.PRODUCER], text="Terima kasih banyak, Kak!")

    assert changed.reply == "Terima kasih banyak, Kak!" and changed.replied_by_id == people[Party.PRODUCER].pk
    assert kinds(review) == ["written", "replied", "reply_edited"]
    assert [m.to for m in mailoutbox] == [[buyer.email], [buyer.email]]
    assert mailoutbox[0].subject == f"{order.producer.name} replied to your review"
    assert "Terima kasih, Kak!" in mailoutbox[0].body and f"/orders/{order.pk}/" in mailoutbox[0].body


@pytest.mark.parametrize("who", ["stranger", "other producer", Party.BUYER, Party.OFFICER])
def test_nobody_but_the_producer_replies(who, mailoutbox, django_capture_on_commit_callbacks):
    order, line, product, people = delivered_order()
    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=4)
    mailoutbox.clear()

    with pytest.raises(ReviewNotAllowed), django_capture_on_commit_callbacks(execute=True):
        review_reply(review=review, actor=people[who], text="Bukan urusan saya")

    review.refresh_from_db()
    assert (review.reply, kinds(review), mailoutbox) == ("", ["written"], [])


# --- reports and moderation --------------------------------------------------------------------------


def test_anyone_signed_in_reports_a_review_once():
    order, line, product, people = delivered_order()
    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=1, text="Penipu!")

    review_report(review=review, reporter=people["stranger"], reason="Kata kasar")
    review_report(review=review, reporter=people[Party.PRODUCER])
    with pytest.raises(ReviewAlreadyReported):
        review_report(review=review, reporter=people["stranger"], reason="Lagi")

    review.refresh_from_db()
    assert review.open_reports == 2 and ReviewReport.objects.filter(review=review).count() == 2
    assert kinds(review) == ["written", "reported", "reported"]


def test_a_hidden_review_leaves_the_average_and_its_author_is_told_why(django_capture_on_commit_callbacks, mailoutbox):
    order, line, product, people = delivered_order()
    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=1, text="Penipu!")
    other_line, other_buyer = another_delivered_line(product)
    review_write(order_line_id=other_line.pk, author=other_buyer, rating=5)
    review_report(review=review, reporter=people["stranger"], reason="Kata kasar")
    officer = OfficerFactory()
    assert rating_of(product) == (2, 6)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        hidden = review_moderate(review=review, officer=officer, action="hide", reason="Menuduh tanpa bukti")

    assert (hidden.status, hidden.hidden_reason, hidden.open_reports) == ("hidden", "Menuduh tanpa bukti", 0)
    assert hidden.checked_at is not None
    assert rating_of(product) == (1, 5)
    assert ReviewReport.objects.get(review=review).resolved_at is not None
    assert kinds(review)[-1] == "hidden"
    assert [m.to for m in mailoutbox] == [[people[Party.BUYER].email]]
    assert "Menuduh tanpa bukti" in mailoutbox[0].body

    restored = review_moderate(review=review, officer=officer, action="restore")

    assert (restored.status, restored.hidden_reason) == ("visible", "")
    assert rating_of(product) == (2, 6)
    assert kinds(review)[-2:] == ["hidden", "restored"]


def test_hiding_needs_a_reason_and_changes_nothing_without_one():
    order, line, product, people = delivered_order()
    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=1)

    with pytest.raises(ReviewInvalid) as error:
        review_moderate(review=review, officer=OfficerFactory(), action="hide", reason="  ")

    review.refresh_from_db()
    assert error.value.fields == {"reason": ["This field is required."]}
    assert (review.status, rating_of(product), kinds(review)) == ("visible", (1, 1), ["written"])


def test_only_officers_moderate_and_a_visible_review_cannot_be_restored():
    order, line, product, people = delivered_order()
    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=3)

    with pytest.raises(ReviewNotAllowed):
        review_moderate(review=review, officer=people[Party.PRODUCER], action="hide", reason="Tidak suka")
    with pytest.raises(ReviewModerationInvalid):
        review_moderate(review=review, officer=OfficerFactory(), action="restore")

    review.refresh_from_db()
    assert (review.status, review.checked_at, kinds(review)) == ("visible", None, ["written"])


def test_keeping_a_reported_review_resolves_its_reports_and_takes_it_off_the_queue():
    from reviews.selectors import review_list_for_officers

    order, line, product, people = delivered_order()
    review = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=3)
    review_report(review=review, reporter=people["stranger"], reason="Iklan")
    assert [r.pk for r in review_list_for_officers(queue="reported")] == [review.pk]

    review_moderate(review=review, officer=OfficerFactory(), action="keep", now=timezone.now())

    assert list(review_list_for_officers(queue="waiting")) == []
    assert list(review_list_for_officers(queue="reported")) == []
    assert rating_of(product) == (1, 3)


def test_closing_the_account_takes_the_name_and_photos_off_the_reviews_and_the_export_lists_them():
    from market.accounts.hooks import personal_data_sections
    from reviews.services import review_erase_for_account_closure

    order, line, product, people = delivered_order()
    buyer = people[Party.BUYER]
    buyer.full_name = "Ayu Lestari"
    buyer.save()
    review = review_write(order_line_id=line.pk, author=buyer, rating=4, text="Enak", photos=[jpeg()])

    exported = personal_data_sections()["reviews"](buyer)
    erased = review_erase_for_account_closure(buyer)

    assert [(r["rating"], r["text"], r["shown_as"], len(r["photos"])) for r in exported] == [(4, "Enak", "Ayu L.", 1)]
    review.refresh_from_db()
    assert (erased, review.author_name, review.rating, review.photos.count()) == (1, "", 4, 0)
