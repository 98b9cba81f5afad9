"""The catalogue API for producers' own products: create, edit, photos, curation, stock."""
from __future__ import annotations

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.demo import ean13_with_check_digit
from catalog.models import Category, Product, ProductCurationEvent, ProductPhoto, StockMovement
from catalog.services import (
    producer_permit_set,
    producer_verify,
    product_photo_add,
    product_submit_for_curation,
    stock_reserve,
)
from tests.catalog.factories import (
    CategoryFactory,
    CommodityFactory,
    MembershipFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
    VillageProfileFactory,
    owner_of,
)
from tests.catalog.test_api import (  # noqa: F401 -- client_fixture and officer_fixture are fixtures
    as_user,
    assert_error,
    client_fixture,
    jpeg,
    listed,
    officer_fixture,
    snapshot_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def producer():
    VillageProfileFactory(stage="coaching")
    return ProducerFactory(name="UMKM Kopi Argopuro")


@pytest.fixture
def owner(client, producer):
    user = owner_of(producer)
    as_user(client, user)
    return user


def create(client, producer, **fields):
    category = fields.pop("category", None) or Category.objects.filter(slug="kopi").first() or CategoryFactory(
        name="Kopi", name_en="Coffee", slug="kopi")
    payload = {"producer": producer.pk, "category": category.slug, "name": "Kopi bubuk",
               "description": "Robusta dari lereng Argopuro.", "sku": "KB-250", **fields}
    return client.post("/api/v1/products/", payload, format="json")


def test_a_member_creates_a_draft_product(client, producer, owner):
    commodity = CommodityFactory(name="Kopi robusta", slug="kopi-robusta")

    response = create(client, producer, commodity="kopi-robusta", unit="pack", pack_size="0.25", weight_grams=250,
                      retail_price=35000, min_order_qty=10, certifications=[])

    assert response.status_code == 201, response.content
    product = Product.objects.get()
    assert response["Location"] == f"/api/v1/products/{product.pk}/working-copy/"
    body = response.json()
    assert body["updated_at"] and body.pop("updated_at")
    assert body == {
        "id": product.pk, "producer": {"id": producer.pk, "name": "UMKM Kopi Argopuro"}, "status": "draft",
        "listed": False, "has_pending_changes": False, "rejection": None,
        "category": {"id": product.category_id, "slug": "kopi", "name": "Kopi", "name_en": "Coffee"},
        "commodity": {"id": commodity.pk, "slug": "kopi-robusta", "name": "Kopi robusta",
                      "name_en": commodity.name_en},
        "name": "Kopi bubuk", "name_en": "", "description": "Robusta dari lereng Argopuro.", "description_en": "",
        "unit": "pack", "pack_size": "0.250", "weight_grams": 250, "shelf_life_days": None, "certifications": [],
        "packaging_status": "none", "sku": "KB-250", "barcode": "", "retail_price": 35000, "min_order_qty": 10,
        "order_multiple": 1, "price_tiers": [], "photos": [],
        "stock": {"on_hand": 0, "reserved": 0, "available": 0, "low_stock_threshold": 0, "low": True},
        "approved_at": None,
        "readiness": [
            {"key": "barcode", "ok": False, "message": "Add an EAN-13 barcode."},
            {"key": "packaging", "ok": False, "message": "Retail needs designed or retail-ready packaging."},
            {"key": "capacity", "ok": True, "message": "Monthly capacity recorded."},
        ],
    }
    # A draft is not public, not even to its owner.
    assert_error(client.get(f"/api/v1/products/{product.pk}/"), 404, "product_not_found")


def test_create_reports_every_bad_field_and_creates_nothing(client, producer, owner):
    ProductFactory(producer=producer, sku="KB-250")

    edge = create(client, producer, category=CategoryFactory(), unit="ton", min_order_qty=0, barcode="12")
    service = create(client, producer, barcode="1234567890123", certifications=["halal"])

    body = assert_error(edge, 400, "invalid")
    assert sorted(body["fields"]) == ["min_order_qty", "unit"]
    body = assert_error(service, 400, "catalog_invalid")
    assert body["fields"] == {
        "barcode": ["1234567890123 is not a valid EAN-13 barcode."],
        "certifications": ["Record the producer's permit first: Halal certificate."],
        "sku": ["Another of your products already has this SKU."],
    }
    assert Product.objects.count() == 1


def test_an_officer_may_create_for_a_producer_they_assist_a_consumer_for_none(client, producer, officer):
    from catalog.services import assist_session_start

    as_user(client, officer)
    assert_error(create(client, producer), 403, "assist_session_required")
    assist_session_start(officer=officer, producer=producer, reason="Kunjungan")
    assert create(client, producer).status_code == 201

    as_user(client, UserFactory())
    body = assert_error(create(client, producer, sku="other"), 400, "invalid")
    assert list(body["fields"]) == ["producer"]
    assert Product.objects.count() == 1


def test_patch_edits_the_working_copy_and_sends_an_approved_product_back_to_review(client, officer, owner,
                                                                                  producer):
    product = listed(officer, producer=producer, name="Kopi bubuk", retail_price=35000)

    response = client.patch(f"/api/v1/products/{product.pk}/", {"name": "Kopi bubuk premium", "retail_price": 40000},
                            format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["retail_price"], body["status"], body["listed"], body["has_pending_changes"]) == (
        "Kopi bubuk premium", 40000, "submitted", True, True)
    public = client.get(f"/api/v1/products/{product.pk}/").json()
    assert (public["name"], public["retail_price"]) == ("Kopi bubuk", 35000)


def test_patch_with_bad_input_changes_nothing(client, officer, owner, producer):
    product = listed(officer, producer=producer)
    ProductFactory(producer=producer, sku="TAKEN")
    before = snapshot_of(product)

    edge = client.patch(f"/api/v1/products/{product.pk}/", {"retail_price": -1, "name": "   "}, format="json")
    service = client.patch(f"/api/v1/products/{product.pk}/", {"name": "Baru", "sku": "TAKEN"}, format="json")

    assert sorted(assert_error(edge, 400, "invalid")["fields"]) == ["name", "retail_price"]
    assert_error(service, 400, "catalog_invalid", {"sku": ["Another of your products already has this SKU."]})
    assert snapshot_of(product) == before


def test_price_tiers_are_replaced_and_checked(client, owner, producer):
    product = ProductFactory(producer=producer, min_order_qty=10)
    url = f"/api/v1/products/{product.pk}/price-tiers/"

    ok = client.put(url, {"tiers": [{"min_quantity": 10, "unit_price": 32000},
                                    {"min_quantity": 50, "unit_price": 30000}]}, format="json")
    before = snapshot_of(product)
    refused = client.put(url, {"tiers": [{"min_quantity": 10, "unit_price": 30000},
                                         {"min_quantity": 50, "unit_price": 31000}]}, format="json")

    assert ok.status_code == 200
    assert ok.json()["price_tiers"] == [{"min_quantity": 10, "unit_price": 32000},
                                        {"min_quantity": 50, "unit_price": 30000}]
    assert_error(refused, 400, "price_tiers_invalid", {"tier 2": ["A larger quantity cannot have a higher unit price."]})
    assert snapshot_of(product) == before


def test_photos_are_uploaded_with_thumbnails_and_removed(client, owner, producer, django_capture_on_commit_callbacks):
    product = ProductFactory(producer=producer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/products/{product.pk}/photos/", {"image": jpeg((1200, 800)),
                                                                         "alt_text": "Kemasan depan"},
                               format="multipart")

    assert response.status_code == 201, response.content
    photo = ProductPhoto.objects.get()
    body = response.json()
    assert (body["id"], body["alt"], body["width"], body["height"]) == (photo.pk, "Kemasan depan", 1200, 800)
    assert body["url"] == f"http://testserver/media/{photo.image.name}"
    working = client.get(f"/api/v1/products/{product.pk}/working-copy/").json()
    thumbs = working["photos"][0]["thumbnails"]
    assert thumbs == {size: f"http://testserver/media/{photo.thumbnails[size]}" for size in ("160", "480", "960")}
    assert all(default_storage.exists(name) for name in photo.thumbnails.values())

    deleted = client.delete(f"/api/v1/products/{product.pk}/photos/{photo.pk}/")
    again = client.delete(f"/api/v1/products/{product.pk}/photos/{photo.pk}/")

    assert deleted.status_code == 204
    assert_error(again, 404, "photo_not_found")
    assert ProductPhoto.objects.count() == 0


@pytest.mark.parametrize(("content", "code"), [
    (b"<html><script>alert(1)</script></html>", "image_type_not_allowed"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image_corrupt"),
])
def test_bad_photos_are_refused_with_their_code(client, owner, producer, content, code):
    import io

    product = ProductFactory(producer=producer)
    upload = io.BytesIO(content)
    upload.name = "kopi.jpg"

    response = client.post(f"/api/v1/products/{product.pk}/photos/", {"image": upload}, format="multipart")

    body = assert_error(response, 400, code)
    assert list(body["fields"]) == ["image"]
    assert ProductPhoto.objects.count() == 0


def test_a_photo_of_another_product_is_not_found(client, owner, producer):
    mine = ProductFactory(producer=producer)
    other = ProductFactory()
    photo = product_photo_add(product=other, actor=owner_of(other.producer), image=jpeg())

    assert_error(client.delete(f"/api/v1/products/{mine.pk}/photos/{photo.pk}/"), 404, "photo_not_found")
    assert ProductPhoto.objects.filter(pk=photo.pk).exists()


def test_submit_then_officers_approve_and_the_product_goes_on_sale(client, officer, owner, producer):
    producer_verify(producer=producer, officer=officer)
    product = ProductFactory(producer=producer, weight_grams=None)

    incomplete = client.post(f"/api/v1/products/{product.pk}/submit/")
    assert_error(incomplete, 400, "product_incomplete", {"weight_grams": ["This field is required for curation."]})
    client.patch(f"/api/v1/products/{product.pk}/", {"weight_grams": 250}, format="json")
    submitted = client.post(f"/api/v1/products/{product.pk}/submit/")
    assert submitted.json()["status"] == "submitted"

    as_user(client, officer)
    queue = client.get("/api/v1/products/review-queue/").json()
    assert [(item["id"], item["status"], item["producer"]["name"], item["village"]["code"])
            for item in queue["results"]] == [(product.pk, "submitted", "UMKM Kopi Argopuro", "35.09.01.2001")]
    approved = client.post(f"/api/v1/products/{product.pk}/approve/", {"note": "Bagus"}, format="json")

    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["listed"]) == ("approved", True)
    as_user(client, None)
    assert client.get(f"/api/v1/products/{product.pk}/").status_code == 200
    assert client.get("/api/v1/products/review-queue/").status_code == 401


def test_a_rejection_shows_its_reasons_to_the_producer(client, officer, owner, producer):
    product = ProductFactory(producer=producer)
    product_submit_for_curation(product=product, actor=owner)
    as_user(client, officer)

    refused = client.post(f"/api/v1/products/{product.pk}/reject/", {"reasons": []}, format="json")
    other_without_note = client.post(f"/api/v1/products/{product.pk}/reject/", {"reasons": ["other"]}, format="json")
    rejected = client.post(f"/api/v1/products/{product.pk}/reject/",
                           {"reasons": ["photos", "price"], "note": "Foto buram."}, format="json")

    assert list(assert_error(refused, 400, "invalid")["fields"]) == ["reasons"]
    assert_error(other_without_note, 400, "catalog_invalid", {"note": ["Explain the other reason in the note."]})
    assert rejected.status_code == 200
    as_user(client, owner)
    [mine] = client.get("/api/v1/products/mine/").json()["results"]
    assert (mine["id"], mine["status"], mine["rejection"]) == (
        product.pk, "rejected", {"reasons": ["photos", "price"], "note": "Foto buram."})
    assert ProductCurationEvent.objects.filter(product=product).count() == 2


def test_delisting_takes_a_product_off_sale(client, officer, producer):
    product = listed(officer, producer=producer)
    as_user(client, officer)

    response = client.post(f"/api/v1/products/{product.pk}/delist/", {"reasons": ["permits"], "note": "P-IRT habis"},
                           format="json")
    again = client.post(f"/api/v1/products/{product.pk}/delist/", {"reasons": ["permits"]}, format="json")

    assert (response.status_code, response.json()["listed"], response.json()["status"]) == (200, False, "rejected")
    assert_error(again, 409, "product_status_invalid")
    as_user(client, None)
    assert_error(client.get(f"/api/v1/products/{product.pk}/"), 404, "product_not_found")


def test_deciding_on_a_product_not_in_review_conflicts(client, officer, producer):
    product = ProductFactory(producer=producer)
    before = snapshot_of(product)

    response = as_user(client, officer).post(f"/api/v1/products/{product.pk}/approve/")
    unknown = client.post("/api/v1/products/999999/approve/")

    assert_error(response, 409, "product_status_invalid")
    assert_error(unknown, 404, "product_not_found")
    assert snapshot_of(product) == before


def test_stock_restock_correct_and_threshold(client, owner, producer):
    product = ProductFactory(producer=producer)
    url = f"/api/v1/products/{product.pk}/stock"

    restocked = client.post(f"{url}/restock/", {"quantity": 30, "reference": "Panen Mei"}, format="json")
    stock_reserve(items=[(product.pk, 8)], reference="order 1")
    below_reserved = client.post(f"{url}/correct/", {"on_hand": 5, "reference": "Hitung ulang"}, format="json")
    corrected = client.post(f"{url}/correct/", {"on_hand": 25, "reference": "Hitung ulang"}, format="json")
    threshold = client.post(f"{url}/threshold/", {"low_stock_threshold": 20}, format="json")
    zero = client.post(f"{url}/restock/", {"quantity": 0}, format="json")

    assert restocked.json() == {"on_hand": 30, "reserved": 0, "available": 30, "low_stock_threshold": 0,
                                "low": False}
    assert_error(below_reserved, 400, "catalog_invalid", {"on_hand": ["8 units are reserved for orders."]})
    assert corrected.json() == {"on_hand": 25, "reserved": 8, "available": 17, "low_stock_threshold": 0,
                                "low": False}
    assert threshold.json() == {"on_hand": 25, "reserved": 8, "available": 17, "low_stock_threshold": 20,
                                "low": True}
    assert list(assert_error(zero, 400, "invalid")["fields"]) == ["quantity"]
    assert list(StockMovement.objects.filter(product=product).values_list("reason", "delta_on_hand")) == [
        ("restock", 30), ("order_reserved", 0), ("correction", -5)]


def test_members_of_a_producer_share_its_products_and_officers_see_them(client, officer, producer):
    colleague = MembershipFactory(organisation=producer.organisation, role="member").user
    product = ProductFactory(producer=producer, name="Kopi bubuk")
    ProductFactory(name="Bukan milik kami")

    for user in (colleague, officer):
        as_user(client, user)
        body = client.get(f"/api/v1/producers/{producer.pk}/products/").json()
        assert [item["id"] for item in body["results"]] == [product.pk]
        assert client.get(f"/api/v1/products/{product.pk}/working-copy/").status_code == 200
    as_user(client, colleague)
    assert [item["id"] for item in client.get("/api/v1/products/mine/").json()["results"]] == [product.pk]
    as_user(client, officer)
    assert client.get("/api/v1/products/mine/").json()["results"] == []  # officers belong to no producer


def test_certifications_need_the_producers_permit(client, owner, producer):
    producer_permit_set(producer=producer, actor=owner, kind="halal", number="H-9", expires_on=date(2030, 1, 1))
    product = ProductFactory(producer=producer)

    response = client.patch(f"/api/v1/products/{product.pk}/", {"certifications": ["halal", "halal"],
                                                                "barcode": ean13_with_check_digit("899000000077")},
                            format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["certifications"], response.json()["barcode"]) == (
        ["halal"], ean13_with_check_digit("899000000077"))


def test_public_list_costs_the_same_queries_for_2_or_20_products(client, officer, django_assert_num_queries):
    # given: 2 products on sale, then 20, of several producers
    makers = [ProducerFactory(name=f"UMKM {number}") for number in range(2)]
    for number in range(2):
        listed(officer, producer=makers[number % 2], name=f"Kopi {number:02d}", sku=f"K-{number}")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/products/", {"page_size": 50}).status_code == 200
    few = len(captured.captured_queries)
    for number in range(2, 20):
        listed(officer, producer=makers[number % 2], name=f"Kopi {number:02d}", sku=f"K-{number}")

    # when
    with django_assert_num_queries(few) as captured:
        body = client.get("/api/v1/products/", {"page_size": 50}).json()

    # then
    assert body["count"] == 20
    assert [row["name"] for row in body["results"]] == [f"Kopi {number:02d}" for number in range(20)]
    # the count and the page; the others are the anonymous throttle's (the test settings' database cache)
    assert [q["sql"].split(" ", 2)[:2] for q in captured.captured_queries if q["sql"].startswith("SELECT")
            and "core_cache" not in q["sql"]] == [["SELECT", "COUNT(*)"], ["SELECT", "\"catalog_product\".\"id\","]]


def test_the_public_list_counts_at_most_its_cap(client, officer, monkeypatch):
    from market.core.pagination import CappedPaginator

    # given: more products on sale than the cap (10,000 in production; 3 here)
    maker = ProducerFactory(name="UMKM Kopi")
    for number in range(5):
        listed(officer, producer=maker, name=f"Kopi {number:02d}", sku=f"K-{number}")
    monkeypatch.setattr(CappedPaginator, "cap", 3)

    # when / then: the count stops at the cap and says so; pages past the cap are not served
    with CaptureQueriesContext(connection) as captured:
        first = client.get("/api/v1/products/", {"page_size": 2}).json()
    assert (first["count"], first["count_is_exact"], len(first["results"])) == (3, False, 2)
    (count_sql,) = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"] and "core_cache" not in q["sql"]]
    assert count_sql.endswith("LIMIT 4) subquery")
    assert len(client.get("/api/v1/products/", {"page_size": 2, "page": 2}).json()["results"]) == 1
    assert client.get("/api/v1/products/", {"page_size": 2, "page": 3}).status_code == 404
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    assert client.get("/api/v1/products/", {"page_size": 2}).json()["count_is_exact"] is True
