"""The producer dashboard: business, products and their curation, price tiers, photos, stock, permits."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from catalog.models import (
    Producer,
    ProducerPermit,
    Product,
    ProductCurationEvent,
    ProductPhoto,
    ProductPriceTier,
    ProductStock,
    StockMovement,
)
from catalog.services import (
    ProductChanges,
    producer_verify,
    product_approve,
    product_price_tiers_set,
    product_reject,
    product_submit_for_curation,
    product_update,
    stock_restock,
    stock_threshold_set,
)
from market.accounts.models import Membership, Organisation, Role
from tests.catalog.factories import (
    CategoryFactory,
    CommodityFactory,
    OfficerFactory,
    PermitFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
    owner_of,
    village,
)
from tests.fixtures import force_login_mfa

pytestmark = pytest.mark.django_db

HOME = "/dashboard/producer/"


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English (``english_pages``)."""


@pytest.fixture
def producer():
    return ProducerFactory(name="UMKM Kopi Padomasan")


@pytest.fixture
def owner(producer):
    return owner_of(producer)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def html(response) -> str:
    return response.content.decode()


class _ElementText(HTMLParser):
    """Collect the text inside the element with a given id, a space between blocks (as it reads)."""

    VOID = {"input", "img", "br", "meta", "link"}
    BLOCKS = {"li", "p", "div", "h1", "h2", "h3", "td", "th", "ul", "ol", "dt", "dd", "br", "section", "tr"}

    def __init__(self, element_id: str):
        super().__init__()
        self.element_id, self.depth, self.parts, self.found = element_id, 0, [], False

    def handle_starttag(self, tag, attrs):
        if self.depth:
            if tag in self.BLOCKS:
                self.parts.append(" ")
            if tag not in self.VOID:
                self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if tag in self.BLOCKS:
                self.parts.append(" ")

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(response, element_id: str) -> str:
    """Return the whitespace-normalised text of the element ``element_id`` (``AssertionError`` if absent)."""
    parser = _ElementText(element_id)
    parser.feed(html(response))
    assert parser.found, f"no element #{element_id}"
    return " ".join("".join(parser.parts).split())


def row_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="product-(\d+)"', html(response))]


def product_post(**overrides) -> dict:
    data = {
        "category": CategoryFactory(name="Kopi bubuk").pk, "commodity": "", "name": "Kopi Robusta Bubuk 250 g",
        "description": "Kopi robusta petik merah, sangrai medium.", "name_en": "", "description_en": "",
        "unit": "pack", "pack_size": "1", "weight_grams": "250", "shelf_life_days": "365",
        "packaging_status": "designed", "sku": "KOPI-250", "barcode": "", "retail_price": "Rp 35.000",
        "min_order_qty": "12", "order_multiple": "6",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def png_bytes(size=(64, 48), colour=(200, 120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def tiers_post(rows, *, initial: int = 0, **extra) -> dict:
    data = {"tiers-TOTAL_FORMS": str(len(rows)), "tiers-INITIAL_FORMS": str(initial),
            "tiers-MIN_NUM_FORMS": "0", "tiers-MAX_NUM_FORMS": "20"}
    for index, (quantity, price) in enumerate(rows):
        data[f"tiers-{index}-min_quantity"] = str(quantity)
        data[f"tiers-{index}-unit_price"] = str(price)
    data.update(extra)
    return data


def listed(product, officer) -> Product:
    product_submit_for_curation(product=product, actor=owner_of(product.producer))
    product_approve(product=product, officer=officer)
    product.refresh_from_db()
    return product


# --- access ----------------------------------------------------------------------------------


def test_anonymous_people_sign_in_first(client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", [Role.BUYER, Role.CONSUMER, Role.INVESTOR])
def test_other_roles_get_403(client, role):
    client.force_login(UserFactory(role=role))

    assert client.get(HOME).status_code == 403
    assert client.get(f"{HOME}products/new/").status_code == 403


def test_another_producers_product_is_404_and_its_post_changes_nothing(owner_client):
    theirs = ProductFactory(name="Tape Bondowoso", sku="TAPE-1", retail_price=20000)
    before = Product.objects.values().get(pk=theirs.pk)
    base = f"{HOME}products/{theirs.pk}"

    assert owner_client.get(f"{base}/").status_code == 404
    assert owner_client.get(f"{base}/stock/").status_code == 404
    assert owner_client.post(f"{base}/", product_post(name="Diambil alih", sku="TAPE-1")).status_code == 404
    assert owner_client.post(f"{base}/submit/").status_code == 404
    assert owner_client.post(f"{base}/tiers/", tiers_post([(1, 100)])).status_code == 404
    assert owner_client.post(f"{base}/stock/restock/", {"quantity": "5"}).status_code == 404
    assert owner_client.post(f"{base}/photos/", {"image": SimpleUploadedFile("a.png", png_bytes())}).status_code == 404

    assert Product.objects.values().get(pk=theirs.pk) == before
    assert list(ProductPriceTier.objects.all()) == []
    assert ProductStock.objects.get(product=theirs).on_hand == 0
    assert StockMovement.objects.count() == 0 and ProductPhoto.objects.count() == 0
    assert ProductCurationEvent.objects.count() == 0


def test_another_producers_dashboard_is_404(owner_client):
    other = ProducerFactory(name="UMKM Lain")

    assert owner_client.get(f"{HOME}?producer={other.pk}").status_code == 404
    assert owner_client.get(f"{HOME}business/?producer={other.pk}").status_code == 404
    response = owner_client.post(f"{HOME}business/permits/?producer={other.pk}",
                                 {"kind": "nib", "number": "123", "expires_on": ""})
    assert response.status_code == 404
    assert ProducerPermit.objects.count() == 0


def test_officer_opens_a_producers_dashboard_by_id(client, producer, totp_for):
    officer = OfficerFactory()
    totp_for(officer)
    force_login_mfa(client, officer)
    ProductFactory(producer=producer, name="Kopi Dibantu Petugas")

    assert client.get(HOME).status_code == 403  # an officer says which producer
    response = client.get(f"{HOME}?producer={producer.pk}")

    assert response.status_code == 200
    assert "Kopi Dibantu Petugas" in html(response)
    assert "You are viewing UMKM Kopi Padomasan as a programme officer" in html(response)  # assisted mode is off


def test_a_member_of_several_producers_picks_one(client, producer, owner):
    second = ProducerFactory(name="UMKM Batik Padomasan", owner=owner)
    first_product = ProductFactory(producer=producer)
    second_product = ProductFactory(producer=second)
    client.force_login(owner)

    default = client.get(HOME)
    chosen = client.get(f"{HOME}?producer={second.pk}")

    assert row_ids(default) == [second_product.pk]  # the first by name: "UMKM Batik..." < "UMKM Kopi..."
    assert row_ids(chosen) == [second_product.pk]
    assert row_ids(client.get(f"{HOME}?producer={producer.pk}")) == [first_product.pk]
    assert 'name="producer"' in html(default)  # the switcher


# --- dashboard -------------------------------------------------------------------------------


def test_dashboard_lists_exactly_the_producers_products_with_badges_and_low_stock(owner_client, producer, owner):
    officer = OfficerFactory()
    draft = ProductFactory(producer=producer, name="A Draf", retail_price=15000, stock=3)
    stock_threshold_set(product=draft, low_stock_threshold=5, actor=owner)
    submitted = ProductFactory(producer=producer, name="B Diajukan", stock=40)
    product_submit_for_curation(product=submitted, actor=owner)
    on_sale = listed(ProductFactory(producer=producer, name="C Dijual", stock=8), officer)
    stock_threshold_set(product=on_sale, low_stock_threshold=8, actor=owner)  # exactly at the threshold
    pending = listed(ProductFactory(producer=producer, name="D Diubah", stock=50), officer)
    product_update(product=pending, actor=owner, changes=ProductChanges(retail_price=41000))
    rejected = ProductFactory(producer=producer, name="E Ditolak", stock=20)
    product_submit_for_curation(product=rejected, actor=owner)
    product_reject(product=rejected, officer=officer, reasons=["photos"], note="Foto buram.")
    ProductFactory(name="Milik produsen lain")

    response = owner_client.get(HOME)

    assert response.status_code == 200
    assert row_ids(response) == [draft.pk, submitted.pk, on_sale.pk, pending.pk, rejected.pk]
    assert "Milik produsen lain" not in html(response)
    assert text_of(response, f"product-{draft.pk}") == (
        "No photo A Draf Draft Retail price Rp 15.000 · SKU " + draft.sku + " Low stock Available 3 On hand 3 Reserved 0 "
        "Edit A Draf Stock A Draf")
    assert "Submitted for review" in text_of(response, f"product-{submitted.pk}")
    assert "Low stock" not in text_of(response, f"product-{submitted.pk}")
    assert "Approved · on sale Retail price Rp 35.000" in text_of(response, f"product-{on_sale.pk}")
    assert "Low stock Available 8" in text_of(response, f"product-{on_sale.pk}")
    assert "On sale (approved version) Changes waiting for review Retail price Rp 41.000" in text_of(
        response, f"product-{pending.pk}")
    assert "Rejected" in text_of(response, f"product-{rejected.pk}")
    assert "1 product is low on stock." not in html(response)
    assert "2 products are low on stock." in html(response)


def test_rejected_product_shows_why(owner_client, producer, owner):
    product = ProductFactory(producer=producer, name="Keripik Tempe")
    product_submit_for_curation(product=product, actor=owner)
    product_reject(product=product, officer=OfficerFactory(), reasons=["photos", "price"],
                   note="Fotonya gelap; harga grosir terlalu rendah.")

    dashboard = owner_client.get(HOME)
    edit = owner_client.get(f"{HOME}products/{product.pk}/")

    assert ("Why it was rejected: Photos are missing or unclear The price or price tiers are not realistic "
            "Officer's note: Fotonya gelap; harga grosir terlalu rendah.") in text_of(dashboard, f"product-{product.pk}")
    assert text_of(edit, "rejection") == (
        "Why it was rejected Photos are missing or unclear The price or price tiers are not realistic "
        "Officer's note: Fotonya gelap; harga grosir terlalu rendah. "
        "Fix what is asked below, then send the product for review again.")
    assert "Send for review" in html(edit)


def test_business_shows_verification_and_permit_expiry(owner_client, producer):
    today = timezone.localdate()
    PermitFactory(producer=producer, kind="nib", number="NIB-1", expires_on=None)
    PermitFactory(producer=producer, kind="pirt", number="PIRT-1", expires_on=today + timedelta(days=10))
    PermitFactory(producer=producer, kind="halal", number="HAL-1", expires_on=today - timedelta(days=1))

    response = owner_client.get(HOME)

    page = html(response)
    assert "Waiting for an officer to verify" in page
    assert "Expires in 10 days" in page
    assert "Expired" in page and "Does not expire" in page
    assert "1 permit has expired or expires soon." not in page and "2 permits have expired or expire soon." in page

    producer_verify(producer=producer, officer=OfficerFactory())
    assert "Verified by the programme" in html(owner_client.get(HOME))


def test_dashboard_queries_do_not_grow_with_the_products(owner_client, producer, owner):
    officer = OfficerFactory()
    PermitFactory(producer=producer, kind="pirt")

    def make(count):
        for index in range(count):
            product = ProductFactory(producer=producer, stock=index)
            if index % 3 == 1:
                product_submit_for_curation(product=product, actor=owner)
                product_reject(product=product, officer=officer, reasons=["photos"], note="")
            elif index % 3 == 2:
                listed(product, officer)

    make(2)
    with CaptureQueriesContext(connection) as two:
        assert owner_client.get(HOME).status_code == 200
    make(18)
    with CaptureQueriesContext(connection) as twenty:
        response = owner_client.get(HOME)

    assert len(row_ids(response)) == 20
    assert len(twenty.captured_queries) == len(two.captured_queries)


# --- registering a business ------------------------------------------------------------------


def test_a_producer_account_with_an_organisation_registers_its_business(client):
    user = UserFactory(role=Role.PRODUCER)
    organisation = Organisation.objects.create(name="KWT Sumber Rejeki", kind=Organisation.Kind.PRODUCER)
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.OWNER)
    padomasan = village()
    client.force_login(user)

    form = client.get(HOME)  # the dashboard of an account without a registered business is the form
    assert form.status_code == 200
    assert "Register your business" in html(form) and "KWT Sumber Rejeki" in html(form)
    assert f'<option value="{padomasan.code}">Padomasan</option>' in html(form)
    assert '<optgroup label="Jombang">' in html(form)
    assert 'value="KWT Sumber Rejeki"' in html(form)  # the business name starts as the organisation's

    response = client.post(f"{HOME}register/", {"name": "Kopi Sumber Rejeki", "village": padomasan.code,
                                                "phone": "0812", "whatsapp": "", "capacity_per_month": "300",
                                                "capacity_unit": "kg"})

    producer = Producer.objects.get()
    assert (producer.organisation, producer.name, producer.village, producer.phone, producer.capacity_per_month,
            producer.verified_at) == (organisation, "Kopi Sumber Rejeki", padomasan, "0812", 300, None)
    assert response["Location"] == f"{HOME}?producer={producer.pk}"


def test_a_producer_account_without_an_organisation_gets_one_with_its_business(client):
    user = UserFactory(role=Role.PRODUCER)
    padomasan = village()
    client.force_login(user)

    page = client.get(f"{HOME}register/")
    assert "Your account is not linked to a business yet." in html(page)
    client.post(f"{HOME}register/", {"name": "Tape Manis", "village": padomasan.code, "capacity_per_month": "0",
                                     "capacity_unit": "kg"})

    producer = Producer.objects.get()
    assert producer.organisation.name == "Tape Manis" and producer.organisation.kind == "producer"
    assert list(producer.organisation.memberships.values_list("user", "role")) == [(user.pk, "owner")]


def test_registering_needs_a_village(client):
    user = UserFactory(role=Role.PRODUCER)
    village()
    client.force_login(user)

    response = client.post(f"{HOME}register/", {"name": "Tape Manis", "village": "", "capacity_per_month": "5",
                                                "capacity_unit": "kg"})

    assert response.status_code == 400
    assert "This field is required." in html(response)
    assert 'value="Tape Manis"' in html(response)
    assert Producer.objects.count() == 0 and Organisation.objects.count() == 0


# --- business details and permits ------------------------------------------------------------


def test_contact_and_capacity_are_updated(owner_client, producer):
    response = owner_client.post(f"{HOME}business/?producer={producer.pk}", {
        "phone": "0331 123", "whatsapp": "0812 555", "capacity_per_month": "750", "capacity_unit": "pack"})

    producer.refresh_from_db()
    assert (producer.phone, producer.whatsapp, producer.capacity_per_month, producer.capacity_unit) == (
        "0331 123", "0812 555", 750, "pack")
    assert response["Location"] == f"{HOME}business/?producer={producer.pk}"
    assert "Your business details are saved." in html(owner_client.get(response["Location"]))


def test_permits_are_added_renewed_and_removed(owner_client, producer):
    url = f"{HOME}business/permits/?producer={producer.pk}"

    added = owner_client.post(url, {"kind": "halal", "number": "ID-HAL-1", "expires_on": "2029-05-01"})
    owner_client.post(url, {"kind": "halal", "number": "ID-HAL-2", "expires_on": "2031-05-01"})
    owner_client.post(url, {"kind": "nib", "number": "9120001", "expires_on": ""})

    assert added.status_code == 302
    assert sorted(ProducerPermit.objects.values_list("kind", "number", "expires_on")) == [
        ("halal", "ID-HAL-2", date(2031, 5, 1)), ("nib", "9120001", None)]
    halal = ProducerPermit.objects.get(kind="halal")
    removed = owner_client.post(f"{HOME}business/permits/{halal.pk}/delete/?producer={producer.pk}")
    assert removed.status_code == 302
    assert list(ProducerPermit.objects.values_list("kind", flat=True)) == ["nib"]
    assert "Halal certificate is removed." in html(owner_client.get(removed["Location"]))


def test_a_permit_without_expiry_is_refused(owner_client, producer):
    response = owner_client.post(f"{HOME}business/permits/?producer={producer.pk}",
                                 {"kind": "pirt", "number": "P-IRT 2063509010123-28", "expires_on": ""})

    assert response.status_code == 400
    assert "Enter the expiry date." in html(response)
    assert 'value="P-IRT 2063509010123-28"' in html(response)
    assert ProducerPermit.objects.count() == 0


# --- creating and editing products ----------------------------------------------------------


def test_create_product(owner_client, producer):
    commodity = CommodityFactory(name="Kopi robusta")

    response = owner_client.post(f"{HOME}products/new/?producer={producer.pk}",
                                 product_post(commodity=commodity.pk, name_en="Robusta ground coffee",
                                              barcode="8991001000019", pack_size="0,25".replace(",", ".")))

    product = Product.objects.get()
    assert response["Location"] == f"{HOME}products/{product.pk}/"
    assert (product.producer, product.name, product.commodity, product.name_en, product.unit, product.pack_size,
            product.weight_grams, product.shelf_life_days, product.packaging_status, product.sku, product.barcode,
            product.retail_price, product.min_order_qty, product.order_multiple, product.status,
            product.certifications) == (
        producer, "Kopi Robusta Bubuk 250 g", commodity, "Robusta ground coffee", "pack", Decimal("0.250"), 250, 365,
        "designed", "KOPI-250", "8991001000019", 35000, 12, 6, "draft", [])
    assert ProductStock.objects.get(product=product).on_hand == 0
    page = owner_client.get(response["Location"])
    assert "Kopi Robusta Bubuk 250 g is saved as a draft." in html(page)
    assert 'value="0.25"' in html(page)  # not "0.250"


def test_create_product_with_bad_input_keeps_it_and_writes_nothing(owner_client, producer):
    response = owner_client.post(f"{HOME}products/new/?producer={producer.pk}",
                                 product_post(name="", retail_price="tiga puluh ribu", description="Enak sekali."))

    assert response.status_code == 400
    page = html(response)
    assert "Please correct the errors below; nothing was saved yet." in page
    assert "This field is required." in page
    assert "Enter a price in whole rupiah, e.g. 35000." in page
    assert 'value="tiga puluh ribu"' in page and "Enak sekali.</textarea>" in page and 'value="KOPI-250"' in page
    assert Product.objects.count() == 0 and ProductStock.objects.count() == 0


def test_service_refusals_appear_next_to_the_fields(owner_client, producer):
    response = owner_client.post(f"{HOME}products/new/?producer={producer.pk}",
                                 product_post(barcode="8991001000010", certifications=["halal"]))

    assert response.status_code == 400
    page = html(response)
    assert "8991001000010 is not a valid EAN-13 barcode." in page
    assert "Record the producer&#x27;s permit first: Halal certificate." in page
    assert "Halal certificate — no permit recorded" in page
    assert 'value="8991001000010"' in page
    assert Product.objects.count() == 0


def test_a_repeated_create_is_refused_by_the_sku(owner_client, producer):
    url = f"{HOME}products/new/?producer={producer.pk}"
    data = product_post()

    owner_client.post(url, data)
    again = owner_client.post(url, data)

    assert again.status_code == 400
    assert "Another of your products already has this SKU." in html(again)
    assert Product.objects.count() == 1


def test_certifications_can_claim_a_held_permit(owner_client, producer, owner):
    PermitFactory(producer=producer, kind="halal", number="H-1")
    product = ProductFactory(producer=producer, sku="KOPI-250")
    data = product_post(certifications=["halal"], category=product.category.pk)

    response = owner_client.post(f"{HOME}products/{product.pk}/", data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.certifications == ["halal"]
    assert product.name == "Kopi Robusta Bubuk 250 g"


def test_editing_an_approved_product_sends_the_changes_to_review(owner_client, producer):
    product = listed(ProductFactory(producer=producer, retail_price=35000), OfficerFactory())
    data = product_post(category=product.category.pk, name=product.name, description=product.description,
                        sku=product.sku, weight_grams="250", shelf_life_days="", packaging_status="none",
                        unit="pack", min_order_qty="1", order_multiple="1", retail_price="37.500")

    response = owner_client.post(f"{HOME}products/{product.pk}/", data)

    product.refresh_from_db()
    assert (product.status, product.listed, product.has_pending_changes, product.retail_price) == (
        "submitted", True, True, 37500)
    assert product.approved_snapshot["retail_price"] == 35000
    assert "An officer reviews the changes; until then buyers see the approved version." in html(
        owner_client.get(response["Location"]))


def test_the_edit_page_shows_the_retail_readiness_of_the_working_copy(owner_client, producer):
    food = CategoryFactory(name="Makanan", requires_food_permits=True)
    product = ProductFactory(producer=producer, category=food, barcode="", shelf_life_days=90)

    page = owner_client.get(f"{HOME}products/{product.pk}/")

    assert text_of(page, "readiness") == (
        "Ready for modern retail? Supermarkets and minimarkets check these before they list a product: "
        "! To do: Food and drink need a valid P-IRT or BPOM permit. ! To do: Food and drink need a valid halal "
        "certificate. ! To do: Retailers need a shelf life of at least 180 days. ! To do: Add an EAN-13 barcode. "
        "! To do: Retail needs designed or retail-ready packaging. ✓ In place: Monthly capacity recorded.")


# --- price tiers -----------------------------------------------------------------------------


def test_price_tiers_are_saved_in_quantity_order(owner_client, producer):
    product = ProductFactory(producer=producer, min_order_qty=12, retail_price=35000)

    response = owner_client.post(f"{HOME}products/{product.pk}/tiers/",
                                 tiers_post([(48, "30.000"), (12, 33000), ("", "")]))

    assert response["Location"] == f"{HOME}products/{product.pk}/#tiers"
    assert list(product.price_tiers.values_list("min_quantity", "unit_price")) == [(12, 33000), (48, 30000)]


def test_invalid_price_tiers_are_refused_and_nothing_changes(owner_client, producer, owner):
    product = ProductFactory(producer=producer, min_order_qty=12)
    product_price_tiers_set(product=product, tiers=[(12, 33000)], actor=owner)

    rising = owner_client.post(f"{HOME}products/{product.pk}/tiers/",
                               tiers_post([(12, 33000), (48, 34000)], initial=1))
    below_moq = owner_client.post(f"{HOME}products/{product.pk}/tiers/", tiers_post([(6, 33000)], initial=1))
    half = owner_client.post(f"{HOME}products/{product.pk}/tiers/", tiers_post([(24, "")], initial=1))

    assert rising.status_code == 400
    assert "A larger quantity cannot have a higher unit price." in html(rising)
    assert "The price tiers are not valid." in html(rising)
    assert 'value="34000"' in html(rising)
    assert "The first tier must start at or above the minimum order quantity (12)." in html(below_moq)
    assert "Enter both the quantity and the unit price, or leave both empty." in html(half)
    assert list(product.price_tiers.values_list("min_quantity", "unit_price")) == [(12, 33000)]


def test_a_price_tier_is_removed_and_a_row_added(owner_client, producer, owner):
    product = ProductFactory(producer=producer, min_order_qty=1)
    product_price_tiers_set(product=product, tiers=[(10, 30000), (50, 28000)], actor=owner)

    more = owner_client.post(f"{HOME}products/{product.pk}/tiers/",
                             tiers_post([(10, 30000), (50, 28000)], initial=2, add_row="1"))
    removed = owner_client.post(f"{HOME}products/{product.pk}/tiers/",
                                tiers_post([(10, 30000), (50, 28000)], initial=2, **{"tiers-1-DELETE": "on"}))

    assert more.status_code == 200 and 'name="tiers-2-min_quantity"' in html(more)
    assert removed.status_code == 302
    assert list(product.price_tiers.values_list("min_quantity", "unit_price")) == [(10, 30000)]


# --- photos ----------------------------------------------------------------------------------


def test_a_photo_from_the_phone_is_added(owner_client, producer):
    product = ProductFactory(producer=producer)
    page = owner_client.get(f"{HOME}products/{product.pk}/")
    assert 'accept="image/jpeg,image/png,image/webp"' in html(page) and 'capture="environment"' in html(page)

    response = owner_client.post(f"{HOME}products/{product.pk}/photos/", {
        "image": SimpleUploadedFile("IMG_0001.png", png_bytes(), content_type="image/png"),
        "alt_text": "Kemasan depan"})

    photo = ProductPhoto.objects.get()
    assert response["Location"] == f"{HOME}products/{product.pk}/#photos"
    assert (photo.product, photo.alt_text, photo.width, photo.height) == (product, "Kemasan depan", 64, 48)
    assert not photo.image.name.endswith(".png")  # re-encoded
    edit = owner_client.get(response["Location"])
    assert "The photo is added." in html(edit)
    assert f'src="/media/{photo.image.name}"' in html(edit) or f"/media/{photo.thumbnails.get('160')}" in html(edit)


def test_a_file_that_is_not_a_photo_is_refused_and_the_description_kept(owner_client, producer):
    product = ProductFactory(producer=producer)

    response = owner_client.post(f"{HOME}products/{product.pk}/photos/", {
        "image": SimpleUploadedFile("price-list.png", b"<html>not a photo</html>", content_type="image/png"),
        "alt_text": "Daftar harga"})

    assert response.status_code == 400
    assert "This file is not a photo we can use. Send a JPEG, PNG or WebP photo." in html(response)
    assert 'value="Daftar harga"' in html(response)
    assert ProductPhoto.objects.count() == 0


def test_a_photo_is_removed(owner_client, producer):
    product = ProductFactory(producer=producer)
    owner_client.post(f"{HOME}products/{product.pk}/photos/", {"image": SimpleUploadedFile("a.png", png_bytes())})
    photo = ProductPhoto.objects.get()
    other = ProductFactory()

    assert owner_client.post(f"{HOME}products/{other.pk}/photos/{photo.pk}/delete/").status_code == 404
    response = owner_client.post(f"{HOME}products/{product.pk}/photos/{photo.pk}/delete/")

    assert response.status_code == 302
    assert ProductPhoto.objects.count() == 0


# --- curation --------------------------------------------------------------------------------


def test_submit_for_curation(owner_client, producer, owner):
    product = ProductFactory(producer=producer, name="Kopi Lengkap")

    response = owner_client.post(f"{HOME}products/{product.pk}/submit/")

    product.refresh_from_db()
    assert product.status == "submitted"
    assert list(ProductCurationEvent.objects.values_list("from_status", "to_status", "actor")) == [
        ("draft", "submitted", owner.pk)]
    assert response["Location"] == f"{HOME}?producer={producer.pk}"
    assert "Kopi Lengkap is sent to the programme officers for review." in html(owner_client.get(response["Location"]))


def test_an_incomplete_product_shows_what_is_missing(owner_client, producer):
    food = CategoryFactory(requires_food_permits=True)
    product = ProductFactory(producer=producer, category=food, weight_grams=None, shelf_life_days=None,
                             retail_price=0)

    response = owner_client.post(f"{HOME}products/{product.pk}/submit/")

    assert response.status_code == 400
    assert text_of(response, "incomplete") == (
        "Complete the product before submitting it for curation. Retail price (rupiah): Set a retail price. "
        "Weight (grams): This field is required for curation. Shelf life (days): Food and drink need a shelf life.")
    product.refresh_from_db()
    assert product.status == "draft"
    assert ProductCurationEvent.objects.count() == 0


def test_a_submitted_product_cannot_be_submitted_twice(owner_client, producer, owner):
    product = ProductFactory(producer=producer)
    product_submit_for_curation(product=product, actor=owner)

    response = owner_client.post(f"{HOME}products/{product.pk}/submit/", follow=True)

    assert "This product cannot make that change in its current status." in html(response)
    assert ProductCurationEvent.objects.count() == 1


# --- stock -----------------------------------------------------------------------------------


def test_restock_and_correct(owner_client, producer, owner):
    product = ProductFactory(producer=producer)
    base = f"{HOME}products/{product.pk}/stock"

    restocked = owner_client.post(f"{base}/restock/", {"quantity": "24", "note": "Produksi 12 Mei"})
    corrected = owner_client.post(f"{base}/correct/", {"on_hand": "21", "reason": "3 bungkus rusak"})
    threshold = owner_client.post(f"{base}/threshold/", {"low_stock_threshold": "25"})

    assert restocked["Location"] == corrected["Location"] == threshold["Location"] == f"{base}/"
    stock = ProductStock.objects.get(product=product)
    assert (stock.on_hand, stock.reserved, stock.low_stock_threshold) == (21, 0, 25)
    assert list(StockMovement.objects.order_by("pk").values_list("reason", "delta_on_hand", "reference", "actor")) == [
        ("restock", 24, "Produksi 12 Mei", owner.pk), ("correction", -3, "3 bungkus rusak", owner.pk)]
    page = owner_client.get(f"{base}/")
    assert "The low-stock warning level is saved." in html(page)
    assert text_of(page, "movements").startswith("Recent stock movements Date What happened On hand Reserved")
    assert "Correction after a count 3 bungkus rusak -3 –" in text_of(page, "movements")
    assert "Restock Produksi 12 Mei +24 –" in text_of(page, "movements")
    assert "Low stock" in html(page)


def test_bad_stock_input_changes_nothing(owner_client, producer, owner):
    product = ProductFactory(producer=producer)
    stock_restock(product=product, quantity=10, actor=owner)
    base = f"{HOME}products/{product.pk}/stock"

    zero = owner_client.post(f"{base}/restock/", {"quantity": "0", "note": "x"})
    no_reason = owner_client.post(f"{base}/correct/", {"on_hand": "4", "reason": ""})
    negative = owner_client.post(f"{base}/threshold/", {"low_stock_threshold": "-1"})

    assert (zero.status_code, no_reason.status_code, negative.status_code) == (400, 400, 400)
    assert "Ensure this value is greater than or equal to 1." in html(zero)
    assert "This field is required." in html(no_reason) and 'value="4"' in html(no_reason)
    stock = ProductStock.objects.get(product=product)
    assert (stock.on_hand, stock.low_stock_threshold) == (10, 0)
    assert StockMovement.objects.count() == 1


def test_a_count_below_the_reserved_units_is_refused(owner_client, producer, owner):
    from catalog.services import stock_reserve

    product = ProductFactory(producer=producer)
    stock_restock(product=product, quantity=10, actor=owner)
    stock_reserve(items=[(product.pk, 6)], reference="order 1")

    response = owner_client.post(f"{HOME}products/{product.pk}/stock/correct/", {"on_hand": "5", "reason": "hitung"})

    assert response.status_code == 400
    assert "6 units are reserved for orders." in html(response)
    assert ProductStock.objects.get(product=product).on_hand == 10
