"""The catalogue API: what the public sees, who may touch what, and what lists cost.

Helpers here (``listed``, ``assert_error``, ``counted_queries``...) are shared by the other
``test_api_*`` modules.
"""
from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image
from rest_framework.test import APIClient

from catalog.demo import ean13_with_check_digit
from catalog.models import Product, ProductCurationEvent, ProductPhoto, ProductPriceTier, StockMovement
from catalog.services import (
    ProductChanges,
    producer_permit_set,
    producer_verify,
    product_approve,
    product_delist,
    product_photo_add,
    product_price_tiers_set,
    product_reject,
    product_submit_for_curation,
    product_update,
    stock_restock,
)
from market.accounts.models import Role
from market.regions.models import District
from tests.catalog.factories import (
    CategoryFactory,
    CommodityFactory,
    OfficerFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
    VillageProfileFactory,
    owner_of,
    village,
)

pytestmark = pytest.mark.django_db


# --- helpers (used by the other test_api_* modules too) -----------------------------------------


@pytest.fixture(name="client")
def client_fixture():
    """An API client that asks for English messages."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(name="officer")
def officer_fixture():
    return OfficerFactory(full_name="Bu Ratna")


def as_user(client: APIClient, user) -> APIClient:
    client.force_authenticate(user)
    return client


def assert_error(response, status: int, code: str, fields=None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    if fields is not None:
        assert body["fields"] == fields
    return body


def counted_queries(queries) -> int:
    """Count the queries of a request, leaving out throttling (the cache is the database in tests)."""
    return len([q for q in queries if "core_cache" not in q["sql"]
                and not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])


def request_queries(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200, response.content
    return counted_queries(queries), response


def in_village(code: str = "35.09.01.2001", name: str = "Padomasan", *, stage: str = "coaching",
               district_name: str | None = None):
    """Return the village ``code`` with a programme profile at ``stage``."""
    result = village(code, name)
    if district_name:
        District.objects.filter(code=code[:8]).update(name=district_name)
    VillageProfileFactory(village=result, stage=stage)
    return result


def listed(officer, *, producer=None, **fields) -> Product:
    """Return a product on sale with ``fields``, of a verified producer in a coached village."""
    producer = producer or ProducerFactory()
    VillageProfileFactory(village=producer.village, stage="coaching")
    if not producer.is_verified:
        producer_verify(producer=producer, officer=officer)
    product = ProductFactory(producer=producer, **fields)
    product_submit_for_curation(product=product, actor=owner_of(producer))
    product_approve(product=product, officer=officer)
    return Product.objects.get(pk=product.pk)


def jpeg(size=(640, 480)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 90, 40)).save(buffer, "JPEG", quality=90)
    buffer.seek(0)
    buffer.name = "kopi.jpg"
    return buffer


def snapshot_of(product: Product) -> dict:
    product.refresh_from_db()
    return {"status": product.status, "listed": product.listed, "snapshot": product.approved_snapshot,
            "fields": {f.name: getattr(product, f.name) for f in Product._meta.concrete_fields
                       if f.name not in ("updated_at",)},
            "tiers": list(ProductPriceTier.objects.filter(product=product).values_list("min_quantity", "unit_price")),
            "photos": list(ProductPhoto.objects.filter(product=product).values_list("pk", flat=True)),
            "events": ProductCurationEvent.objects.filter(product=product).count(),
            "stock": (product.stock.on_hand, product.stock.reserved, product.stock.low_stock_threshold),
            "movements": StockMovement.objects.filter(product=product).count()}


# --- the public list renders the approved version ---------------------------------------------


def test_public_list_item_is_the_approved_snapshot(client, officer, settings):
    settings.MEDIA_URL = "/media/"
    category = CategoryFactory(name="Kopi", name_en="Coffee", slug="kopi")
    commodity = CommodityFactory(name="Kopi robusta", name_en="Robusta coffee", slug="kopi-robusta")
    in_village(district_name="Jombang")
    producer = ProducerFactory(name="UMKM Kopi Argopuro")
    product = ProductFactory(producer=producer, category=category, commodity=commodity, name="Kopi bubuk",
                             name_en="Ground coffee", unit="pack", pack_size="0.250", weight_grams=250,
                             shelf_life_days=365, retail_price=35000, min_order_qty=10, order_multiple=5,
                             barcode=ean13_with_check_digit("899123456789"), packaging_status="designed",
                             sku="KB-250")
    owner = owner_of(producer)
    product_price_tiers_set(product=product, tiers=[(10, 32000), (50, 30000)], actor=owner)
    photo = product_photo_add(product=product, actor=owner, image=jpeg(), alt_text="Kemasan")
    stock_restock(product=product, quantity=40, actor=owner)
    producer_verify(producer=producer, officer=officer)
    product_submit_for_curation(product=product, actor=owner)
    product_approve(product=product, officer=officer)
    # A later edit waits for curation: the public keeps seeing the approved version.
    product_update(product=product, actor=owner, changes=ProductChanges(name="Kopi bubuk baru", retail_price=99000))

    response = client.get("/api/v1/products/", {"producer": producer.pk, "commodity": "kopi-robusta"})

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    image = photo.image.name
    assert body["results"] == [{
        "id": product.pk,
        "name": "Kopi bubuk",
        "name_en": "Ground coffee",
        "description": "Kopi robusta bubuk dari lereng Argopuro.",
        "description_en": "",
        "category": {"id": category.pk, "slug": "kopi", "name": "Kopi", "name_en": "Coffee"},
        "commodity": {"id": commodity.pk, "slug": "kopi-robusta", "name": "Kopi robusta",
                      "name_en": "Robusta coffee"},
        "unit": "pack",
        "pack_size": "0.250",
        "weight_grams": 250,
        "shelf_life_days": 365,
        "certifications": [],
        "packaging_status": "designed",
        "barcode": ean13_with_check_digit("899123456789"),
        "retail_price": 35000,
        "min_order_qty": 10,
        "order_multiple": 5,
        "price_tiers": [{"min_quantity": 10, "unit_price": 32000}, {"min_quantity": 50, "unit_price": 30000}],
        "photos": [{"url": f"http://testserver/media/{image}", "alt": "Kemasan", "width": 640, "height": 480,
                    "thumbnails": {"160": f"http://testserver/media/{image}",
                                   "480": f"http://testserver/media/{image}",
                                   "960": f"http://testserver/media/{image}"}}],
        "producer": {"id": producer.pk, "name": "UMKM Kopi Argopuro"},
        "village": {"code": "35.09.01.2001", "name": "Padomasan"},
        "district": {"code": "35.09.01", "name": "Jombang"},
        "stage": "coaching",
        "retail_ready": True,
        "available": 40,
    }]


# --- the public never sees what is not on sale ------------------------------------------------


@pytest.fixture
def hidden_and_shown(officer):
    """Return ``(shown, hidden)``: one product on sale and one of each kind that must stay hidden."""
    shown = listed(officer, name="Tampil")
    hidden = {}
    hidden["draft"] = ProductFactory(producer=shown.producer, name="Draf")
    submitted = ProductFactory(producer=shown.producer, name="Diajukan")
    product_submit_for_curation(product=submitted, actor=owner_of(shown.producer))
    hidden["submitted"] = submitted
    rejected = ProductFactory(producer=shown.producer, name="Ditolak")
    product_submit_for_curation(product=rejected, actor=owner_of(rejected.producer))
    product_reject(product=rejected, officer=officer, reasons=["photos"])
    hidden["rejected"] = rejected
    delisted = listed(officer, producer=shown.producer, name="Diturunkan")
    product_delist(product=delisted, officer=officer, reasons=["permits"])
    hidden["delisted"] = delisted
    unverified = ProducerFactory()  # same coached village, never verified
    product = ProductFactory(producer=unverified, name="Belum diverifikasi")
    product_submit_for_curation(product=product, actor=owner_of(unverified))
    product_approve(product=product, officer=officer)
    hidden["unverified producer"] = product
    for code, stage in (("35.09.02.2001", "surveyed"), ("35.09.02.2002", "socialisation")):
        in_village(code, f"Desa {stage}", stage=stage)
        early = ProducerFactory(village=village(code))
        hidden[f"village {stage}"] = listed(officer, producer=early, name=f"Desa {stage}")
        assert (early.is_verified, early.village.profile.stage) == (True, stage)
    return shown, hidden


@pytest.mark.parametrize("viewer", ["anonymous", "consumer", "buyer", "other producer"])
def test_public_list_and_detail_show_only_products_on_sale(client, hidden_and_shown, viewer):
    shown, hidden = hidden_and_shown
    if viewer != "anonymous":
        role = {"consumer": Role.CONSUMER, "buyer": Role.BUYER, "other producer": Role.PRODUCER}[viewer]
        user = UserFactory(role=role)
        if viewer == "other producer":
            ProducerFactory(owner=user)
        as_user(client, user)

    response = client.get("/api/v1/products/", {"page_size": 100})

    assert response.status_code == 200
    assert [(item["id"], item["name"]) for item in response.json()["results"]] == [(shown.pk, "Tampil")]
    assert client.get(f"/api/v1/products/{shown.pk}/").status_code == 200
    for product in hidden.values():
        assert_error(client.get(f"/api/v1/products/{product.pk}/"), 404, "product_not_found", {})
        assert_error(client.get(f"/api/v1/products/{product.pk}/working-copy/"),
                     401 if viewer == "anonymous" else 404,
                     "not_authenticated" if viewer == "anonymous" else "product_not_found")


def test_the_public_detail_shows_the_approved_version_with_its_retail_checklist(client, officer):
    food = CategoryFactory(name="Minuman", slug="minuman", requires_food_permits=True)
    producer = ProducerFactory()
    producer_permit_set(producer=producer, actor=owner_of(producer), kind="pirt", number="P-1",
                        expires_on=date(2030, 1, 1))
    product = listed(officer, producer=producer, category=food, certifications=["pirt"], shelf_life_days=90)
    product_update(product=product, actor=owner_of(producer), changes=ProductChanges(
        shelf_life_days=400))  # not approved yet

    body = client.get(f"/api/v1/products/{product.pk}/").json()

    assert (body["shelf_life_days"], body["certifications"], body["retail_ready"]) == (90, ["pirt"], False)
    assert body["readiness"] == [
        {"key": "food_permit", "ok": True, "message": "Food permit (P-IRT or BPOM) in place."},
        {"key": "halal", "ok": False, "message": "Food and drink need a valid halal certificate."},
        {"key": "shelf_life", "ok": False, "message": "Retailers need a shelf life of at least 180 days."},
        {"key": "barcode", "ok": False, "message": "Add an EAN-13 barcode."},
        {"key": "packaging", "ok": False, "message": "Retail needs designed or retail-ready packaging."},
        {"key": "capacity", "ok": True, "message": "Monthly capacity recorded."},
    ]


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def catalogue(officer):
    """Three products on sale in two districts, with different data to filter on."""
    drinks = CategoryFactory(name="Minuman", slug="minuman")
    coffee = CategoryFactory(name="Kopi", slug="kopi", parent=drinks)
    crafts = CategoryFactory(name="Kerajinan", slug="kerajinan")
    robusta = CommodityFactory(name="Kopi robusta", slug="kopi-robusta")
    bamboo = CommodityFactory(name="Bambu", slug="bambu")
    in_village("35.09.01.2001", "Padomasan", stage="coaching", district_name="Jombang")
    in_village("35.09.02.2002", "Sukamakmur", stage="showcase_ready", district_name="Kencong")
    coffee_maker = ProducerFactory(name="Kopi Argopuro", village=village("35.09.01.2001"))
    producer_permit_set(producer=coffee_maker, actor=owner_of(coffee_maker), kind="halal", number="H-1",
                        expires_on=date(2030, 1, 1))
    weaver = ProducerFactory(name="Anyaman Kencong", village=village("35.09.02.2002"))
    products = {
        "kopi": listed(officer, producer=coffee_maker, name="Kopi bubuk", category=coffee, commodity=robusta,
                       certifications=["halal"]),
        "minuman": listed(officer, producer=coffee_maker, name="Wedang", category=drinks),
        "tas": listed(officer, producer=weaver, name="Tas anyaman", category=crafts, commodity=bamboo,
                      barcode=ean13_with_check_digit("899000000001"), packaging_status="retail_ready"),
    }
    stock_restock(product=products["tas"], quantity=5, actor=owner_of(weaver))
    return products


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["Kopi bubuk", "Tas anyaman", "Wedang"]),
    ({"district": "35.09.02"}, ["Tas anyaman"]),
    ({"village": "35.09.01.2001"}, ["Kopi bubuk", "Wedang"]),
    ({"commodity": "kopi-robusta"}, ["Kopi bubuk"]),
    ({"category": "minuman"}, ["Kopi bubuk", "Wedang"]),  # with its subcategory
    ({"category": "kopi"}, ["Kopi bubuk"]),
    ({"stage": "showcase_ready"}, ["Tas anyaman"]),
    ({"certification": "halal"}, ["Kopi bubuk"]),
    ({"retail_ready": "true"}, ["Tas anyaman"]),
    ({"retail_ready": "false"}, ["Kopi bubuk", "Wedang"]),
    ({"in_stock": "true"}, ["Tas anyaman"]),
    ({"in_stock": "false"}, ["Kopi bubuk", "Wedang"]),
    ({"category": "minuman", "village": "35.09.02.2002"}, []),
    ({"commodity": "no-such-commodity"}, []),
])
def test_public_list_filters(client, catalogue, params, expected):
    response = client.get("/api/v1/products/", params)

    assert response.status_code == 200
    assert [item["name"] for item in response.json()["results"]] == expected


def test_public_list_filter_by_producer_and_retail_ready_per_item(client, catalogue):
    weaver = catalogue["tas"].producer

    body = client.get("/api/v1/products/", {"producer": weaver.pk}).json()

    assert [(item["name"], item["retail_ready"], item["available"]) for item in body["results"]] == [
        ("Tas anyaman", True, 5)]


def test_bad_filter_values_are_reported(client, catalogue):
    response = client.get("/api/v1/products/", {"district": "Jombang", "stage": "famous", "retail_ready": "maybe",
                                                "certification": "nobel"})

    body = assert_error(response, 400, "invalid")
    assert sorted(body["fields"]) == ["certification", "district", "retail_ready", "stage"]


# --- object-level permissions: a producer cannot touch another producer's product ---------------


def test_a_producer_cannot_touch_another_producers_product(client, officer):
    theirs = listed(officer)
    owner = owner_of(theirs.producer)
    product_price_tiers_set(product=theirs, tiers=[(5, 30000)], actor=owner)
    photo = product_photo_add(product=theirs, actor=owner, image=jpeg())
    stock_restock(product=theirs, quantity=10, actor=owner)
    before = snapshot_of(theirs)
    intruder = owner_of(ProducerFactory())
    as_user(client, intruder)
    url = f"/api/v1/products/{theirs.pk}"

    responses = [
        client.get(f"{url}/working-copy/"),
        client.patch(f"{url}/", {"name": "Punyaku", "retail_price": 1}, format="json"),
        client.put(f"{url}/price-tiers/", {"tiers": []}, format="json"),
        client.post(f"{url}/photos/", {"image": jpeg()}, format="multipart"),
        client.delete(f"{url}/photos/{photo.pk}/"),
        client.post(f"{url}/submit/"),
        client.post(f"{url}/stock/restock/", {"quantity": 5}, format="json"),
        client.post(f"{url}/stock/correct/", {"on_hand": 0, "reference": "count"}, format="json"),
        client.post(f"{url}/stock/threshold/", {"low_stock_threshold": 3}, format="json"),
        client.get(f"/api/v1/producers/{theirs.producer_id}/products/"),
    ]

    assert [r.status_code for r in responses] == [404] * 10
    assert [r.json()["code"] for r in responses] == ["product_not_found"] * 9 + ["producer_not_found"]
    assert snapshot_of(theirs) == before
    # Nor can they create a product for that producer.
    response = client.post("/api/v1/products/", {"producer": theirs.producer_id, "category": theirs.category.slug,
                                                 "name": "Palsu", "description": "x", "sku": "X-1"}, format="json")
    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["producer"]
    assert Product.objects.filter(name="Palsu").count() == 0


def test_anonymous_writes_need_authentication(client, officer):
    product = listed(officer)
    before = snapshot_of(product)

    for response in (client.patch(f"/api/v1/products/{product.pk}/", {"name": "x"}, format="json"),
                     client.post(f"/api/v1/products/{product.pk}/approve/"),
                     client.post("/api/v1/products/", {}, format="json"),
                     client.post(f"/api/v1/products/{product.pk}/stock/restock/", {"quantity": 1}, format="json")):
        assert_error(response, 401, "not_authenticated", {})
    assert snapshot_of(product) == before


@pytest.mark.parametrize("action", ["approve", "reject", "delist"])
def test_officer_actions_refuse_everyone_else(client, officer, action):
    product = ProductFactory()
    product_submit_for_curation(product=product, actor=owner_of(product.producer))
    before = snapshot_of(product)

    for user in (owner_of(product.producer), UserFactory(role=Role.BUYER)):
        response = as_user(client, user).post(f"/api/v1/products/{product.pk}/{action}/",
                                              {"reasons": ["photos"]}, format="json")
        assert_error(response, 403, "officer_required", {})
    assert_error(as_user(client, owner_of(product.producer)).get("/api/v1/products/review-queue/"), 403,
                 "officer_required")
    assert snapshot_of(product) == before


# --- query budgets: lists cost the same whatever their size -------------------------------------


def _more_products(officer, count: int) -> None:
    producer = ProducerFactory()
    for index in range(count):
        product = listed(officer, producer=producer, name=f"Produk {index:02d}",
                         category=CategoryFactory(), commodity=CommodityFactory())
        product_photo_add(product=product, actor=owner_of(producer), image=jpeg((64, 64)))


def test_public_product_list_costs_two_queries_whatever_its_size(client, officer):
    _more_products(officer, 2)
    small, response = request_queries(lambda: client.get("/api/v1/products/", {"retail_ready": "false"}))
    assert response.json()["count"] == 2
    _more_products(officer, 20)

    large, response = request_queries(lambda: client.get("/api/v1/products/", {"page_size": 100}))

    assert response.json()["count"] == 22
    assert small == large == 2  # count + page (snapshot category, commodity and readiness are in the page query)


def test_working_copy_lists_cost_the_same_whatever_their_size(client, officer):
    producer = ProducerFactory()
    owner = owner_of(producer)

    def add(count):
        for _index in range(count):
            product = ProductFactory(producer=producer)
            product_price_tiers_set(product=product, tiers=[(1, 1000), (10, 900)], actor=owner)
            product_submit_for_curation(product=product, actor=owner)
            product_reject(product=product, officer=officer, reasons=["price"], note="Terlalu mahal")

    add(2)
    counts = {}
    for size in ("small", "large"):
        for who, url in ((owner, "/api/v1/products/mine/"), (owner, f"/api/v1/producers/{producer.pk}/products/"),
                         (officer, f"/api/v1/producers/{producer.pk}/products/")):
            as_user(client, who)
            counts[(size, who.pk, url)], response = request_queries(lambda u=url: client.get(u, {"page_size": 100}))
            assert response.json()["count"] == (2 if size == "small" else 22)
        if size == "small":
            add(20)

    assert counts[("small", owner.pk, "/api/v1/products/mine/")] == counts[
        ("large", owner.pk, "/api/v1/products/mine/")] == 4  # count, page, photos, price tiers
    for who in (owner, officer):
        url = f"/api/v1/producers/{producer.pk}/products/"
        assert counts[("small", who.pk, url)] == counts[("large", who.pk, url)] == 5  # + the producer's access


def test_review_queue_costs_the_same_whatever_its_size(client, officer):
    def add(count):
        for _index in range(count):
            product = ProductFactory()
            product_submit_for_curation(product=product, actor=owner_of(product.producer))

    as_user(client, officer)
    add(2)
    small, response = request_queries(lambda: client.get("/api/v1/products/review-queue/"))
    assert response.json()["count"] == 2
    add(20)

    large, response = request_queries(lambda: client.get("/api/v1/products/review-queue/"))

    assert response.json()["count"] == 22
    assert small == large == 2
