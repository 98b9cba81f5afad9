"""The public catalogue pages: village directory and profiles, the product catalogue, product
pages and producer profiles. They show approved snapshots only, hide whatever is not public
(404, never listed), and cost a fixed number of queries whatever the page size."""
from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from catalog.demo import ean13_with_check_digit
from catalog.models import Product, Stage, VillagePhoto
from catalog.selectors.public import product_slug
from catalog.services import (
    ProductChanges,
    coaching_session_record,
    producer_verify,
    product_approve,
    product_price_tiers_set,
    product_submit_for_curation,
    product_update,
    survey_record,
    village_advance_stage,
    village_photo_add,
    village_profile_update,
)
from market.accounts.models import Role
from market.regions.models import District, Province, Regency
from tests.catalog.factories import (
    CategoryFactory,
    CommodityFactory,
    OfficerFactory,
    PermitFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
    VillageProfileFactory,
    owner_of,
    village,
)

pytestmark = pytest.mark.django_db

FAR_FUTURE = date(2030, 1, 1)
PAST = date(2024, 1, 1)


# --- helpers --------------------------------------------------------------------------------


@pytest.fixture
def en(english_pages):
    """A client that reads the pages in English, with English active while the test reads lazy labels."""
    return english_pages


@pytest.fixture
def officer():
    return OfficerFactory(full_name="Dewi Lestari")


def place(code: str, name: str, district: str):
    """Return village ``code`` in a district called ``district`` (Jember)."""
    province, _ = Province.objects.get_or_create(code="35", defaults={"name": "JAWA TIMUR"})
    regency, _ = Regency.objects.get_or_create(code="35.09", defaults={"province": province, "name": "KAB. JEMBER",
                                                                       "kind": Regency.Kind.REGENCY})
    District.objects.get_or_create(code=code[:8], defaults={"regency": regency, "name": district})
    return village(code, name)


def programme_village(code="35.09.01.2001", name="Padomasan", district="Jombang", stage=Stage.COACHING, **fields):
    return VillageProfileFactory(village=place(code, name, district), stage=stage, **fields)


def verified_producer(profile, officer, **fields):
    producer = ProducerFactory(village=profile.village, **fields)
    producer_verify(producer=producer, officer=officer)
    return producer


def approved_product(producer, officer, *, tiers=(), **fields) -> Product:
    """Create a product of ``producer`` and approve it (public when the producer and village are)."""
    product = ProductFactory(producer=producer, **fields)
    if tiers:
        product_price_tiers_set(product=product, tiers=list(tiers), actor=owner_of(producer))
    product_submit_for_curation(product=product, actor=owner_of(producer))
    product_approve(product=product, officer=officer)
    product.refresh_from_db()
    return product


def text(response) -> str:
    """Return the page's HTML with runs of whitespace collapsed."""
    return " ".join(response.content.decode().split())


def jpeg(size=(1200, 800)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 90, 40)).save(buffer, "JPEG", quality=90)
    buffer.seek(0)
    return buffer


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


# --- navigation and home --------------------------------------------------------------------


def test_everyone_gets_villages_and_products_in_the_navigation(en):
    html = text(en.get("/"))

    assert '<a href="/villages/">Villages</a>' in html
    assert '<a href="/products/">Products</a>' in html


# --- village directory ----------------------------------------------------------------------


def test_village_directory_lists_every_programme_village_with_its_counts(en, officer):
    coffee = CommodityFactory(name="Kopi robusta", name_en="Robusta coffee", slug="kopi-robusta")
    padomasan = programme_village(flagship_commodity=coffee)
    sukorejo = programme_village("35.09.02.2001", "Sukorejo", "Bangsalsari", stage=Stage.SURVEYED)
    place("35.09.02.2002", "Gambirono", "Bangsalsari")  # no profile: not in the programme
    maker = verified_producer(padomasan, officer)
    approved_product(maker, officer, name="Kopi Padomasan")
    approved_product(maker, officer, name="Kopi Padomasan Sangrai")
    ProductFactory(producer=maker, name="Draf")  # a draft is not counted
    ProducerFactory(village=padomasan.village)  # unverified: not counted
    approved_product(verified_producer(sukorejo, officer), officer, name="Kopi Sukorejo")  # village before coaching

    response = en.get("/villages/")

    rows = [(p.village.name, p.village.district.name, p.stage, p.flagship_label, p.producer_count, p.product_count)
            for p in response.context["page"].object_list]
    assert rows == [("Padomasan", "Jombang", "coaching", "Robusta coffee", 1, 2),
                    ("Sukorejo", "Bangsalsari", "surveyed", "", 1, 0)]
    html = text(response)
    assert "2 villages" in html and "Gambirono" not in html
    assert ('<span class="stage-badge stage-coaching"><span class="stage-badge-step">Stage 3/6</span> '
            "Coaching (incl. industrial management)</span>") in html
    assert '<a href="/villages/35.09.01.2001/">Padomasan</a>' in html
    assert "<dt>Flagship</dt><dd>Robusta coffee</dd>" in html
    assert "<dt>Producers</dt><dd>1</dd></div> <div><dt>Products</dt><dd>2</dd>" in html


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Padomasan", "Sukorejo", "Tisnogambar"]),
    ("?district=35.09.02", ["Sukorejo", "Tisnogambar"]),
    ("?stage=showcase_ready", ["Sukorejo"]),
    ("?commodity=bambu", ["Padomasan", "Tisnogambar"]),  # flagship or another commodity
    ("?district=35.09.02&commodity=bambu", ["Tisnogambar"]),
    ("?district=99.99.99&stage=nonsense", ["Padomasan", "Sukorejo", "Tisnogambar"]),  # bad values are ignored
])
def test_village_directory_filters_narrow_the_list(en, query, expected):
    coffee = CommodityFactory(slug="kopi-robusta")
    bamboo = CommodityFactory(slug="bambu")
    padomasan = programme_village(flagship_commodity=coffee)
    padomasan.other_commodities.add(bamboo)
    programme_village("35.09.02.2001", "Sukorejo", "Bangsalsari", stage=Stage.SHOWCASE_READY,
                      flagship_commodity=coffee)
    programme_village("35.09.02.2002", "Tisnogambar", "Bangsalsari", flagship_commodity=bamboo)

    response = en.get(f"/villages/{query}")

    assert [p.village.name for p in response.context["page"].object_list] == expected


def test_village_directory_filter_form_offers_programme_districts_and_commodities(en):
    programme_village(flagship_commodity=CommodityFactory(name="Kopi", name_en="Coffee", slug="kopi"))
    place("35.09.03.2001", "Kemuningsari", "Jenggawah")  # a district without programme villages
    CommodityFactory(name="Tembakau", slug="tembakau")  # no village has it

    form = en.get("/villages/").context["form"]

    assert list(form.fields["district"].choices) == [("", "All districts"), ("35.09.01", "Jombang")]
    assert list(form.fields["commodity"].choices) == [("", "All commodities"), ("kopi", "Coffee")]
    assert [value for value, _label in form.fields["stage"].choices] == ["", *Stage.values]


def test_village_directory_costs_the_same_queries_for_2_or_20_villages(en, django_assert_num_queries):
    def add(number: int) -> None:
        profile = programme_village(f"35.09.01.{2000 + number}", f"Desa {number:02d}", "Jombang",
                                    flagship_commodity=CommodityFactory())
        VillagePhoto.objects.create(profile=profile, image=f"villages/{number}.webp", width=640, height=480,
                                    thumbnails={"160": f"villages/{number}-160.webp"})

    for number in range(1, 3):
        add(number)
    few = queries(en, "/villages/")
    for number in range(3, 21):
        add(number)

    with django_assert_num_queries(few):
        response = en.get("/villages/")

    assert len(response.context["page"].object_list) == 20
    assert few == 5  # count, page, cover photos, and the filters' districts and commodities
    assert text(response).count('loading="lazy"') == 20


def test_village_directory_is_paginated(en):
    for number in range(1, 27):
        programme_village(f"35.09.01.{2000 + number}", f"Desa {number:02d}", "Jombang")

    first = en.get("/villages/")
    second = en.get("/villages/?page=2")

    assert [p.village.name for p in second.context["page"].object_list] == ["Desa 25", "Desa 26"]
    assert len(first.context["page"].object_list) == 24
    assert 'href="?page=2"' in text(first) and "Page 1 of 2" in text(first)


# --- village profile ------------------------------------------------------------------------


@pytest.fixture
def padomasan(officer, django_capture_on_commit_callbacks):
    """A village at the coaching stage (moved back once), surveyed twice, coached four times."""
    coffee = CommodityFactory(name="Kopi robusta", name_en="Robusta coffee", slug="kopi-robusta")
    bamboo = CommodityFactory(name="Bambu", name_en="Bamboo", slug="bambu")
    profile = programme_village(stage=Stage.SURVEYED)
    village_profile_update(profile=profile, officer=officer, story="Desa kopi di lereng Argopuro.",
                           flagship_commodity=coffee, other_commodities=[bamboo], contact_officer=officer)
    for to_stage, on, note, reason in [
        (Stage.SOCIALISATION, date(2025, 1, 5), "Sosialisasi di balai desa.", ""),
        (Stage.COACHING, date(2025, 3, 1), "Mulai pendampingan.", ""),
        (Stage.SOCIALISATION, date(2025, 4, 2), "", "Kelompok usaha bubar."),
        (Stage.COACHING, date(2025, 6, 9), "Kelompok baru terbentuk.", ""),
    ]:
        village_advance_stage(profile=profile, to_stage=to_stage, officer=officer, note=note, reason=reason, on=on)
    for surveyed_on, total in [(date(2024, 11, 1), 999), (date(2025, 2, 1), 370)]:
        survey_record(profile=profile, officer=officer, surveyed_on=surveyed_on, workforce_total=total,
                      workforce_women=150, workforce_youth=101, existing_businesses=18, road="good",
                      electricity="fair", internet="poor", water="good", needs="Pelatihan kemasan.",
                      commodities=[{"commodity": coffee, "estimated_production_per_month": Decimal("1250.50"),
                                    "unit": "kg"}])
    for day, topic in [(1, "Topik pertama"), (2, "Pembukuan"), (3, "Kemasan"), (4, "Foto produk")]:
        coaching_session_record(profile=profile, officer=officer, held_on=date(2025, 7, day), stage=Stage.COACHING,
                                topic=topic, trainer="Dinas")
    with django_capture_on_commit_callbacks(execute=True):  # the thumbnails
        village_photo_add(profile=profile, officer=officer, image=jpeg(), alt_text="Kebun kopi Padomasan")
    profile.refresh_from_db()
    return profile


def test_village_page_shows_profile_progress_survey_coaching_producers_and_products(en, officer, padomasan):
    maker = verified_producer(padomasan, officer, name="UMKM Kopi Padomasan")
    ProducerFactory(village=padomasan.village, name="UMKM Belum Diverifikasi")
    approved_product(maker, officer, name="Kopi Bubuk Padomasan", retail_price=35000)
    ProductFactory(producer=maker, name="Kopi Draf")

    response = en.get("/villages/35.09.01.2001/")

    html = text(response)
    assert response.status_code == 200
    assert "<h1>Padomasan</h1>" in html and "District Jombang" in html
    assert '<strong class="flagship">Robusta coffee</strong>' in html and "<li>Bamboo</li>" in html
    assert "<p>Desa kopi di lereng Argopuro.</p>" in html
    assert "Contact officer:</span> Dewi Lestari" in html and officer.email not in html
    # the photo: responsive, lazy, with its size and text
    assert re.search(r'srcset="[^"]+-160\.webp 160w, [^"]+-480\.webp 480w, [^"]+-960\.webp 960w, [^"]+ 1200w"', html)
    assert 'width="1200" height="800" alt="Kebun kopi Padomasan" loading="lazy"' in html
    # the stage and its history
    assert [(s["stage"], s["done"], s["current"]) for s in response.context["steps"]] == [
        ("surveyed", True, False), ("socialisation", True, False), ("coaching", False, True),
        ("commodity_management", False, False), ("packaging_design", False, False), ("showcase_ready", False, False)]
    assert '<li class="current" aria-current="step">' in html
    assert [(e.happened_on, e.from_stage, e.to_stage) for e in response.context["timeline"]] == [
        (date(2025, 1, 5), "surveyed", "socialisation"), (date(2025, 3, 1), "socialisation", "coaching"),
        (date(2025, 4, 2), "coaching", "socialisation"), (date(2025, 6, 9), "socialisation", "coaching")]
    assert '<time datetime="2025-04-02">2 Apr 2025</time>' in html
    assert "<strong>Reason for moving back:</strong> Kelompok usaha bubar." in html
    assert "<p>Sosialisasi di balai desa.</p>" in html
    # the latest survey only
    assert "Surveyed on 1 Feb 2025" in html and "<dd>999</dd>" not in html
    assert "<dt>Workforce</dt><dd>370</dd>" in html and "<dt>Women</dt><dd>150</dd>" in html
    assert "<dt>Youth</dt><dd>101</dd>" in html and "<dt>Businesses</dt><dd>18</dd>" in html
    assert '<dt>Internet</dt><dd class="infra infra-poor">Poor</dd>' in html
    assert '<td>Robusta coffee</td><td class="num">1,250.50 kg</td>' in html
    assert "<p>Pelatihan kemasan.</p>" in html
    # coaching: how many and the latest three
    assert "4 coaching sessions so far." in html
    assert [s.topic for s in response.context["coaching"]["latest"]] == ["Foto produk", "Kemasan", "Pembukuan"]
    assert "Topik pertama" not in html
    # verified producers and public products only
    assert [p.name for p in response.context["producers"]] == ["UMKM Kopi Padomasan"]
    assert "UMKM Belum Diverifikasi" not in html
    assert [p.name for p in response.context["products"]] == ["Kopi Bubuk Padomasan"]
    assert "Kopi Draf" not in html and "Rp 35.000" in html


def test_village_page_reads_only_the_products_it_shows_whatever_their_number(en, officer, django_assert_num_queries):
    # given: a village with 2 products on sale, then 20
    profile = programme_village()
    maker = verified_producer(profile, officer)
    for number in range(2):
        approved_product(maker, officer, name=f"Kopi {number:02d}")
    few = queries(en, "/villages/35.09.01.2001/")
    for number in range(2, 20):
        approved_product(maker, officer, name=f"Kopi {number:02d}")

    # when
    with django_assert_num_queries(few), CaptureQueriesContext(connection) as captured:
        response = en.get("/villages/35.09.01.2001/")

    # then: the first 8 by name, the count of all of them, and no query that reads every product
    assert [p.name for p in response.context["products"]] == [f"Kopi {number:02d}" for number in range(8)]
    assert response.context["product_count"] == 20
    listed = [q["sql"] for q in captured.captured_queries
              if q["sql"].startswith('SELECT "catalog_product"."id"') and 'ORDER BY "catalog_product"."name"' in q["sql"]]
    assert len(listed) == 1 and listed[0].endswith("LIMIT 8")


def test_village_page_before_coaching_lists_no_products(en, officer):
    profile = programme_village(stage=Stage.SOCIALISATION)
    approved_product(verified_producer(profile, officer), officer, name="Kopi Terlalu Awal")

    response = en.get("/villages/35.09.01.2001/")

    assert response.status_code == 200
    assert "Kopi Terlalu Awal" not in text(response)
    assert "Products of this village go on sale once it reaches the coaching stage." in text(response)


@pytest.mark.parametrize("code", ["35.09.01.2001", "35.09.99.9999", "bogus"])
def test_village_page_is_404_for_villages_outside_the_programme(en, code):
    place("35.09.01.2001", "Padomasan", "Jombang")  # exists, but has no profile

    assert en.get(f"/villages/{code}/").status_code == 404


# --- product catalogue ----------------------------------------------------------------------


@pytest.fixture
def catalogue(officer):
    """Three public products in two villages, and hidden ones of every kind."""
    food = CategoryFactory(name="Makanan & Minuman", name_en="Food & drink", slug="makanan",
                           requires_food_permits=True)
    coffee_category = CategoryFactory(name="Kopi", name_en="Coffee", slug="kopi", parent=food)
    craft = CategoryFactory(name="Kerajinan", name_en="Crafts", slug="kerajinan")
    coffee = CommodityFactory(name="Kopi robusta", name_en="Robusta coffee", slug="kopi-robusta")
    bamboo = CommodityFactory(name="Bambu", name_en="Bamboo", slug="bambu")
    padomasan = programme_village(flagship_commodity=coffee)
    sukorejo = programme_village("35.09.02.2001", "Sukorejo", "Bangsalsari", stage=Stage.SHOWCASE_READY,
                                 flagship_commodity=bamboo)
    gambirono = programme_village("35.09.02.2002", "Gambirono", "Bangsalsari", stage=Stage.SURVEYED)

    one = verified_producer(padomasan, officer, name="UMKM Kopi Padomasan")
    PermitFactory(producer=one, kind="halal", expires_on=FAR_FUTURE)
    PermitFactory(producer=one, kind="pirt", expires_on=FAR_FUTURE)
    two = verified_producer(sukorejo, officer, name="UD Sukorejo")
    PermitFactory(producer=two, kind="halal", expires_on=PAST)
    products = {
        "ready": approved_product(one, officer, name="Kopi Padomasan", name_en="Padomasan Coffee",
                                  category=coffee_category, commodity=coffee, certifications=["halal", "pirt"],
                                  barcode=ean13_with_check_digit("899100100001"), packaging_status="designed",
                                  shelf_life_days=365, stock=50, retail_price=48000, min_order_qty=12,
                                  order_multiple=12, tiers=[(12, 40800), (36, 38400)]),
        "craft": approved_product(two, officer, name="Anyaman Sukorejo", category=craft, commodity=bamboo,
                                  stock=0, retail_price=75000),
        "expired": approved_product(two, officer, name="Kopi Sukorejo", category=coffee_category,
                                    commodity=coffee, certifications=["halal"], shelf_life_days=365, stock=5,
                                    retail_price=30000),
    }
    draft = ProductFactory(producer=one, name="Kopi Draf", category=craft)
    rejected = ProductFactory(producer=one, name="Kopi Ditolak", category=craft)
    Product.objects.filter(pk=rejected.pk).update(status=Product.Status.REJECTED)
    early = approved_product(verified_producer(gambirono, officer), officer, name="Kopi Gambirono", category=craft)
    unverified = approved_product(ProducerFactory(village=padomasan.village), officer, name="Kopi Belum Verifikasi",
                                  category=craft)
    products["hidden"] = [draft, rejected, early, unverified]
    return products


HIDDEN_NAMES = ["Kopi Draf", "Kopi Ditolak", "Kopi Gambirono", "Kopi Belum Verifikasi"]


def test_catalogue_shows_public_products_from_their_snapshot(en, catalogue):
    response = en.get("/products/")

    html = text(response)
    assert [p.name for p in response.context["products"]] == ["Anyaman Sukorejo", "Padomasan Coffee",
                                                               "Kopi Sukorejo"]
    assert "3 products" in html
    for name in HIDDEN_NAMES:
        assert name not in html
    ready = catalogue["ready"]
    assert f'<a href="/products/{ready.pk}/{product_slug(ready.approved_snapshot["name"])}/">Padomasan Coffee</a>' in html
    assert "UMKM Kopi Padomasan<br>Padomasan" in html
    assert '<strong>Rp 48.000</strong><span class="price-unit"> / pack</span>' in html
    assert '<span class="stock stock-out">Out of stock</span>' in html  # the craft product
    assert '<span class="stock stock-low">Only 5 left</span>' in html


def test_catalogue_shows_indonesian_names_by_default(client, catalogue):
    response = client.get("/products/")
    names = [p.name for p in response.context["products"]]

    assert names == ["Anyaman Sukorejo", "Kopi Padomasan", "Kopi Sukorejo"]
    assert '<span class="price-unit"> / bungkus</span>' in response.content.decode()  # one pack: the price's unit


@pytest.mark.parametrize(("role", "wholesale"), [(None, False), (Role.CONSUMER, False), (Role.INVESTOR, False),
                                                 (Role.BUYER, True)])
def test_buyers_see_the_wholesale_from_price_and_moq_others_the_retail_price(en, catalogue, role, wholesale):
    if role:
        en.force_login(UserFactory(role=role))

    html = text(en.get("/products/?district=35.09.01"))

    if wholesale:
        assert ('<span class="price-label">Wholesale from</span> <strong>Rp 38.400</strong>'
                '<span class="price-unit"> / pack</span>') in html
        assert "Minimum order 12 packs" in html and "Rp 48.000" not in html
    else:
        assert '<strong>Rp 48.000</strong><span class="price-unit"> / pack</span>' in html
        assert "Rp 38.400" not in html and "Minimum order" not in html


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Anyaman Sukorejo", "Padomasan Coffee", "Kopi Sukorejo"]),
    ("?district=35.09.01", ["Padomasan Coffee"]),
    ("?district=35.09.02", ["Anyaman Sukorejo", "Kopi Sukorejo"]),
    ("?village=35.09.02.2001", ["Anyaman Sukorejo", "Kopi Sukorejo"]),
    ("?commodity=kopi-robusta", ["Padomasan Coffee", "Kopi Sukorejo"]),
    ("?category=makanan", ["Padomasan Coffee", "Kopi Sukorejo"]),  # a category includes its children
    ("?category=kerajinan", ["Anyaman Sukorejo"]),
    ("?certification=halal", ["Padomasan Coffee"]),  # Sukorejo's halal certificate has expired
    ("?retail_ready=on", ["Padomasan Coffee"]),
    ("?in_stock=on", ["Padomasan Coffee", "Kopi Sukorejo"]),
    ("?district=35.09.02&in_stock=on", ["Kopi Sukorejo"]),
    ("?village=35.09.02.2002", ["Anyaman Sukorejo", "Padomasan Coffee", "Kopi Sukorejo"]),  # not offered: ignored
    ("?category=nope&certification=nope&district=nope", ["Anyaman Sukorejo", "Padomasan Coffee", "Kopi Sukorejo"]),
])
def test_catalogue_filters_narrow_the_products(en, catalogue, query, expected):
    response = en.get(f"/products/{query}")

    assert [p.name for p in response.context["products"]] == expected
    for name in HIDDEN_NAMES:
        assert name not in text(response)


def test_catalogue_filter_form_offers_the_category_tree_and_public_villages(en, catalogue):
    response = en.get("/products/?in_stock=on&district=35.09.02")

    form = response.context["form"]
    assert list(form.fields["category"].choices) == [
        ("", "All categories"), ("kerajinan", "Crafts"), ("makanan", "Food & drink"),
        ("kopi", "\u00a0\u00a0\u00a0– Coffee")]
    # the chosen district's programme villages only (the whole programme's would be thousands)
    assert list(form.fields["village"].choices) == [("", "All villages"), ("35.09.02.2001", "Sukorejo")]
    assert [value for value, _label in form.fields["certification"].choices] == [
        "", "pirt", "halal", "bpom_md", "bpom_ml", "sni", "trademark"]
    assert [(chip["label"], chip["value"], chip["remove_url"]) for chip in response.context["active_filters"]] == [
        ("District (kecamatan)", "Bangsalsari", "?in_stock=on"), ("In stock", "", "?district=35.09.02")]


def test_catalogue_costs_the_same_queries_for_2_or_20_products(en, officer, django_assert_num_queries):
    profile = programme_village()
    maker = verified_producer(profile, officer)
    for number in range(2):
        approved_product(maker, officer, name=f"Kopi {number:02d}", stock=number)
    few = queries(en, "/products/")
    for number in range(2, 20):
        approved_product(maker, officer, name=f"Kopi {number:02d}", stock=number)

    with django_assert_num_queries(few):
        response = en.get("/products/")

    assert len(response.context["products"]) == 20
    # count, page, the cards' stars and sold counts (reviews.selectors.product_stats), and the filters' districts,
    # commodities and categories (no district: no villages)
    assert few == 6


def test_catalogue_offers_villages_once_a_district_is_chosen(en, catalogue):
    # given: no district chosen, the village filter asks for one and lists no village
    form = en.get("/products/").context["form"]
    assert list(form.fields["village"].choices) == [("", "Choose a district first")]
    # a link that names only a village still offers its district's villages, with it chosen
    form = en.get("/products/?village=35.09.02.2001").context["form"]
    assert (list(form.fields["village"].choices), form.cleaned_data["village"]) == (
        [("", "All villages"), ("35.09.02.2001", "Sukorejo")], "35.09.02.2001")

    # when: the district changes (htmx asks for that district's village select)
    response = en.get("/products/villages/?district=35.09.01")

    # then: the select of its programme villages, nothing else
    assert response.status_code == 200
    assert text(response) == ('<select name="village" id="id_village"> <option value="" selected>All villages</option> '
                              '<option value="35.09.01.2001">Padomasan</option> </select>')
    assert "Choose a district first" in text(en.get("/products/villages/?district=nope"))


# --- product page ---------------------------------------------------------------------------


def test_product_page_shows_the_approved_snapshot(en, catalogue):
    product = catalogue["ready"]
    Product.objects.filter(pk=product.pk).update(pack_size=Decimal("0.250"))  # not in the snapshot
    Product.objects.filter(pk=product.pk).update(
        approved_snapshot={**product.approved_snapshot, "pack_size": "0.250"})

    response = en.get(f"/products/{product.pk}/", follow=True)

    html = text(response)
    assert response.status_code == 200
    assert "<h1>Padomasan Coffee</h1>" in html
    assert "<p>Kopi robusta bubuk dari lereng Argopuro.</p>" in html
    assert '<strong>Rp 48.000</strong><span class="price-unit"> / pack</span>' in html
    assert '<td>from 12 packs</td><td class="num">Rp 40.800</td>' in html
    assert '<td>from 36 packs</td><td class="num">Rp 38.400</td>' in html
    assert "<dt>Minimum order</dt><dd>12 packs</dd>" in html
    assert "<dt>Order in multiples of</dt><dd>12 packs (case pack)</dd>" in html
    assert "<dt>Unit</dt><dd>packs</dd>" in html and "<dt>Pack size</dt><dd>0.25</dd>" in html
    assert "<dt>Weight</dt><dd>250 g</dd>" in html and "<dt>Shelf life</dt><dd>365 days</dd>" in html
    assert "<dt>Packaging</dt><dd>Designed</dd>" in html
    assert f'<span class="barcode">{ean13_with_check_digit("899100100001")}</span>' in html
    assert "<dt>Commodity</dt><dd>Robusta coffee</dd>" in html
    assert '<li class="tag-ok">Halal certificate</li>' in html
    assert '<li class="tag-ok">P-IRT (home-industry food permit)</li>' in html
    assert f'<a href="/producers/{product.producer_id}/">UMKM Kopi Padomasan</a>' in html
    assert '<a href="/villages/35.09.01.2001/">Padomasan</a>, District Jombang' in html
    assert '<a href="/products/?category=makanan">Food &amp; drink</a>' in html
    assert '<span class="stock stock-in">In stock</span>' in html
    assert "Yes: this product meets every requirement of modern retail." in html
    assert html.count('class="checklist-item ok"') == 6
    assert "You are viewing the public version" not in html


@pytest.mark.parametrize(("on_hand", "shown"), [
    (0, '<span class="stock stock-out">Out of stock</span>'),
    (3, '<span class="stock stock-low">Only 3 left</span>'),
    (10, '<span class="stock stock-in">In stock</span>'),
])
def test_product_page_says_how_much_stock_is_left(en, officer, on_hand, shown):
    product = approved_product(verified_producer(programme_village(), officer), officer, stock=on_hand)

    assert shown in text(en.get(f"/products/{product.pk}/", follow=True))


def test_product_page_checklist_shows_what_is_missing_for_modern_retail(en, catalogue):
    product = catalogue["expired"]  # food, halal claimed but expired, no barcode, no P-IRT, no packaging

    response = en.get(f"/products/{product.pk}/", follow=True)

    html = text(response)
    assert [(item.key, item.ok) for item in response.context["details"]["readiness"]] == [
        ("food_permit", False), ("halal", False), ("shelf_life", True), ("barcode", False), ("packaging", False),
        ("capacity", True)]
    assert "Not yet: some requirements of modern retail are missing." in html
    for key, message in [("food_permit", "Food and drink need a valid P-IRT or BPOM permit."),
                         ("halal", "Food and drink need a valid halal certificate."),
                         ("barcode", "Add an EAN-13 barcode."),
                         ("packaging", "Retail needs designed or retail-ready packaging.")]:
        assert (f'<li class="checklist-item missing" data-key="{key}"> <span class="checklist-icon" '
                f'aria-hidden="true">✗</span> <span><span class="visually-hidden">Missing: </span>{message}</span>'
                ) in html
    assert ('<li class="checklist-item ok" data-key="shelf_life"> <span class="checklist-icon" aria-hidden="true">'
            '✓</span> <span><span class="visually-hidden">In place: </span>Shelf life of at least 180 days.'
            '</span>') in html
    assert '<li class="tag-expired">Halal certificate <span class="tag-note">(not currently valid)</span></li>' in html


def test_pending_changes_leave_the_approved_version_on_the_pages(en, officer):
    product = approved_product(verified_producer(programme_village(), officer), officer, name="Kopi Lama",
                               retail_price=35000)
    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(
        name="Kopi Baru", retail_price=99000, description="Deskripsi baru."))
    product.refresh_from_db()
    assert (product.status, product.has_pending_changes, product.name) == ("submitted", True, "Kopi Baru")

    page = text(en.get(f"/products/{product.pk}/", follow=True))
    listing = text(en.get("/products/"))

    for html in (page, listing):
        assert "Kopi Lama" in html and "Rp 35.000" in html
        assert "Kopi Baru" not in html and "Rp 99.000" not in html
    assert "Kopi robusta bubuk dari lereng Argopuro." in page and "Deskripsi baru." not in page
    assert "You are viewing the public version" not in page


def test_members_of_the_producer_are_told_they_see_the_public_version(en, officer):
    product = approved_product(verified_producer(programme_village(), officer), officer, name="Kopi Lama")
    owner = owner_of(product.producer)
    en.force_login(owner)

    before = text(en.get(f"/products/{product.pk}/", follow=True))
    product_update(product=product, actor=owner, changes=ProductChanges(name="Kopi Baru"))
    after = text(en.get(f"/products/{product.pk}/", follow=True))

    assert "You are viewing the public version of your product." in before
    assert '<a href="/dashboard/producer/">Go to your dashboard</a>' in before
    assert "Your latest changes are waiting" not in before
    assert "Your latest changes are waiting for a programme officer's review" in after
    assert "<h1>Kopi Lama</h1>" in after


@pytest.mark.parametrize("hidden", range(4))
def test_hidden_products_are_404(en, catalogue, hidden):
    product = catalogue["hidden"][hidden]

    assert en.get(f"/products/{product.pk}/", follow=True).status_code == 404


def test_unknown_product_is_404(en):
    assert en.get("/products/987654/").status_code == 404


# --- producer page --------------------------------------------------------------------------


def test_producer_page_shows_capacity_permits_and_listed_products(en, officer, catalogue):
    producer = catalogue["ready"].producer
    PermitFactory(producer=producer, kind="nib", number="9120001234567", expires_on=None)
    PermitFactory(producer=producer, kind="sni", number="SNI-77", expires_on=PAST)

    response = en.get(f"/producers/{producer.pk}/")

    html = text(response)
    assert response.status_code == 200
    assert "<h1>UMKM Kopi Padomasan</h1>" in html
    assert '<a href="/villages/35.09.01.2001/">Padomasan</a> · District Jombang' in html
    assert "<dt>Capacity per month</dt><dd>500 kg</dd>" in html
    assert "<dt>Products on sale</dt><dd>1</dd>" in html
    assert [p.kind for p in response.context["permits"]] == ["halal", "nib", "pirt", "sni"]
    assert "<strong>NIB (business identification number)</strong> <span class=\"muted\">9120001234567</span> " \
           "<span>Does not expire</span>" in html
    assert "<span>Valid until 1 Jan 2030</span>" in html
    assert '<li class="permit-expired"> <strong>SNI (Indonesian national standard)</strong>' in html
    assert '<span class="badge badge-danger">Expired on 1 Jan 2024</span>' in html
    assert [p.name for p in response.context["products"]] == ["Padomasan Coffee"]
    assert "Kopi Draf" not in html and "Kopi Ditolak" not in html


def test_unverified_or_unknown_producers_are_404(en, officer, catalogue):
    unverified = catalogue["hidden"][3].producer

    assert en.get(f"/producers/{unverified.pk}/").status_code == 404
    assert en.get("/producers/987654/").status_code == 404


def test_catalogue_counts_at_most_its_cap_and_says_more_than(en, officer, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from frontend.views import catalog as catalog_views

    # given: five products on sale, and a cap of three (1,000 in production) with two per page
    maker = verified_producer(programme_village(), officer)
    for number in range(5):
        approved_product(maker, officer, name=f"Kopi {number:02d}")
    monkeypatch.setattr(catalog_views, "PRODUCT_LIST_CAP", 3)
    monkeypatch.setattr(catalog_views, "PRODUCTS_PER_PAGE", 2)

    # when
    with CaptureQueriesContext(connection) as queries:
        response = en.get("/products/")

    # then: the count reads at most cap + 1 rows, the page says "more than" and offers the pages up to the cap
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 4" in counts[0]
    html = text(response)
    assert "More than 3 products: choose a category, district or other filter to narrow them." in html
    assert "Page 1 of more than 2" in html
    assert [p.name for p in response.context["products"]] == ["Kopi 00", "Kopi 01"]
    assert [p.name for p in en.get("/products/?page=2").context["products"]] == ["Kopi 02"]
