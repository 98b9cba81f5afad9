"""The fixture catalogue of the search tests, built through the catalogue services.

Twelve public products in three coached villages of three districts, and five that curation keeps
out of sight (a draft, a rejected and a pending product, one of an unverified producer, one in a
village before the coaching stage). The keys (``"robusta"``, ``"luwak"``...) name them in tests.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from catalog.models import Category, Commodity, Product, Stage
from catalog.services import (
    ProductChanges,
    producer_permit_set,
    producer_verify,
    product_approve,
    product_create,
    product_price_tiers_set,
    product_reject,
    product_submit_for_curation,
    stock_restock,
    village_advance_stage,
    village_profile_get_or_create,
    village_profile_update,
)
from market.regions.models import District, Province, Regency, Village
from search.models import Synonym
from search.services import synonym_create
from tests.catalog.factories import OfficerFactory, ProducerFactory, owner_of

DISTRICTS = {"35.09.30": "SILO", "35.09.14": "PANTI", "35.09.20": "KALIWATES", "35.09.31": "SUMBERJAMBE"}
VILLAGES = {  # code: (name, stage, flagship commodity, story)
    "35.09.30.2009": ("SIDOMULYO", Stage.SHOWCASE_READY, "kopi-robusta",
                      "Desa kopi di lereng Gunung Raung; para petani memetik kopi merah."),
    "35.09.14.2005": ("SUCI", Stage.COACHING, "madu", "Desa lebah madu dan anyaman bambu."),
    "35.09.20.1001": ("KEPATIHAN", Stage.PACKAGING_DESIGN, "", "Kampung batik tulis dan jajanan khas Jember."),
    "35.09.31.2006": ("SUMBERJAMBE", Stage.SOCIALISATION, "kopi-robusta", "Desa tembakau dan kopi di kaki gunung."),
}
SYNONYMS = [["kopi", "coffee"], ["hp", "handphone", "ponsel"], ["singkong", "ketela pohon", "telo"],
            ["keripik", "kripik"]]
PERMIT_EXPIRY = date(2030, 1, 1)


def ean13(n: int) -> str:
    """Return a valid EAN-13 barcode built from ``n``."""
    body = f"899{n:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


@dataclass
class Catalogue:
    officer: object
    products: dict[str, Product] = field(default_factory=dict)
    hidden: dict[str, Product] = field(default_factory=dict)
    producers: dict[str, object] = field(default_factory=dict)

    def ids(self, *keys: str) -> list[int]:
        return [self.products[key].pk for key in keys]

    def id(self, key: str) -> int:
        return self.products[key].pk

    @property
    def public_ids(self) -> set[int]:
        return {p.pk for p in self.products.values()}


# key: (village, name, name_en, description, category, commodity, retail price, tiers, stock, certifications,
#       ready extras (barcode + designed packaging), min order qty)
PRODUCTS = {
    "robusta": ("35.09.30.2009", "Kopi Robusta Bubuk 250 g", "Ground robusta coffee 250 g",
                "Kopi robusta petik merah dari lereng Gunung Raung, digiling halus.", "kopi-bubuk", "kopi-robusta",
                35_000, [(10, 30_000), (50, 27_000)], 100, ["halal", "pirt"], True, 1),
    "luwak": ("35.09.30.2009", "Kopi Luwak Sidomulyo 100 g", "Civet coffee 100 g",
              "Kopi luwak liar, diproses tangan dalam jumlah terbatas.", "kopi-bubuk", "kopi-robusta",
              150_000, [], 5, ["halal", "pirt"], False, 1),
    "greenbean": ("35.09.14.2005", "Green Bean Robusta 1 kg", "Robusta green beans 1 kg",
                  "Biji kopi mentah pilihan untuk pembelian grosir roastery.", "kopi", "kopi-robusta",
                  90_000, [(10, 80_000)], 0, [], False, 5),
    "madu": ("35.09.14.2005", "Madu Hutan Argopuro 500 g", "Wild forest honey 500 g",
             "Madu murni dari petani lebah hutan Argopuro.", "makanan-minuman", "madu",
             85_000, [], 20, ["halal", "pirt"], True, 1),
    "keripik": ("35.09.20.1001", "Keripik Pisang Cokelat 150 g", "Chocolate banana chips 150 g",
                "Pisang kepok diiris tipis dengan lapisan cokelat.", "makanan-ringan", "pisang",
                15_000, [(20, 12_000)], 50, ["halal", "pirt"], True, 1),
    "suwar": ("35.09.20.1001", "Suwar-Suwir Aneka Rasa 250 g", "Assorted suwar-suwir 250 g",
              "Jajanan khas Jember dari tape singkong.", "makanan-ringan", "",
              25_000, [], 30, ["pirt"], True, 1),
    "tas": ("35.09.14.2005", "Tas Anyaman Bambu", "Woven bamboo bag",
            "Tas tangan dari anyaman bambu halus buatan ibu-ibu desa.", "anyaman", "bambu",
            120_000, [(5, 100_000)], 8, [], True, 1),
    "keranjang": ("35.09.30.2009", "Keranjang Bambu Serbaguna", "Bamboo basket",
                  "Keranjang kuat untuk parcel dan hantaran.", "anyaman", "bambu",
                  45_000, [(20, 38_000)], 0, [], False, 10),
    "batik": ("35.09.20.1001", "Batik Tulis Motif Daun Tembakau", "Hand-drawn batik, tobacco leaf motif",
              "Kain batik tulis pewarna alam, motif daun tembakau khas Jember.", "batik", "",
              350_000, [], 3, ["trademark"], True, 1),
    "sarung": ("35.09.20.1001", "Sarung HP Motif Batik", "Batik mobile phone pouch",
               "Sarung untuk ponsel dari sisa kain batik.", "batik", "",
               40_000, [(12, 32_000)], 15, [], False, 1),
    "dripbag": ("35.09.14.2005", "Kopi Robusta Drip Bag isi 10", "Robusta coffee drip bags (10)",
                "Kopi robusta dalam kantong seduh praktis.", "kopi", "kopi-robusta",
                30_000, [(24, 25_000)], 40, ["halal", "pirt"], True, 2),
    "dodol": ("35.09.30.2009", "Dodol Tape Ketan", "Sticky rice tape dodol",
              "Dodol legit dari tape ketan hitam.", "makanan-ringan", "",
              20_000, [], 0, ["halal", "pirt"], False, 1),
}

CATEGORIES = [  # slug, parent, name, name_en, food
    ("makanan-minuman", None, "Makanan & Minuman", "Food & drink", True),
    ("kopi", "makanan-minuman", "Kopi", "Coffee", True),
    ("kopi-bubuk", "kopi", "Kopi bubuk", "Ground coffee", True),
    ("makanan-ringan", "makanan-minuman", "Makanan ringan", "Snacks", True),
    ("kerajinan", None, "Kerajinan", "Crafts", False),
    ("anyaman", "kerajinan", "Anyaman", "Woven goods", False),
    ("batik", None, "Batik", "Batik", False),
]
COMMODITIES = [("kopi-robusta", "Kopi robusta", "Robusta coffee"), ("madu", "Madu", "Honey"),
               ("pisang", "Pisang", "Banana"), ("bambu", "Bambu", "Bamboo")]


def _regions() -> dict[str, Village]:
    province, _ = Province.objects.get_or_create(code="35", defaults={"name": "JAWA TIMUR"})
    regency, _ = Regency.objects.get_or_create(code="35.09", defaults={"province": province, "name": "KAB. JEMBER",
                                                                       "kind": Regency.Kind.REGENCY})
    for code, name in DISTRICTS.items():
        District.objects.get_or_create(code=code, defaults={"regency": regency, "name": name})
    return {code: Village.objects.get_or_create(code=code, defaults={
        "district_id": code[:8], "name": name, "kind": Village.Kind.KELURAHAN if code.endswith("1001")
        else Village.Kind.DESA})[0] for code, (name, *_rest) in VILLAGES.items()}


def _village_profiles(officer, villages: dict[str, Village], commodities: dict[str, Commodity]) -> None:
    for code, (_name, stage, flagship, story) in VILLAGES.items():
        profile = village_profile_get_or_create(village=villages[code])
        village_profile_update(profile=profile, officer=officer, story=story,
                               flagship_commodity=commodities.get(flagship))
        for step in Stage.values[1:Stage.index(stage) + 1]:
            village_advance_stage(profile=profile, to_stage=step, officer=officer, note="")


def _producer(officer, village: Village, name: str, *, verified: bool = True):
    producer = ProducerFactory(village=village, name=name)
    if verified:
        producer_verify(producer=producer, officer=officer)
    for kind in ("halal", "pirt", "trademark"):
        producer_permit_set(producer=producer, actor=owner_of(producer), kind=kind,
                            number=f"{kind.upper()}-{producer.pk}", expires_on=PERMIT_EXPIRY)
    return producer


def _product(officer, producer, *, n: int, name: str, name_en: str = "", description: str, category: Category,
             commodity: Commodity | None, price: int, tiers=(), stock: int = 0, certifications=(),
             ready: bool = False, moq: int = 1, approve: bool = True) -> Product:
    owner = owner_of(producer)
    product = product_create(producer=producer, actor=owner, changes=ProductChanges(
        category=category, name=name, description=description, sku=f"SKU-{n}",
        name_en=name_en, commodity=commodity, unit="pack", weight_grams=250, shelf_life_days=365,
        retail_price=price, min_order_qty=moq, certifications=list(certifications),
        barcode=ean13(n) if ready else "", packaging_status="designed" if ready else "basic"))
    if tiers:
        product_price_tiers_set(product=product, tiers=list(tiers), actor=owner)
    if stock:
        stock_restock(product=product, quantity=stock, actor=owner)
    if approve:
        product_submit_for_curation(product=product, actor=owner)
        product_approve(product=product, officer=officer)
    product.refresh_from_db()
    return product


def catalogue_build() -> Catalogue:
    officer = OfficerFactory()
    Synonym.objects.all().delete()  # the tests' own groups only, whatever the migration seeded
    for terms in SYNONYMS:
        synonym_create(terms=terms, officer=officer)
    categories: dict[str, Category] = {}
    for slug, parent, name, name_en, food in CATEGORIES:
        categories[slug] = Category.objects.create(slug=slug, parent=categories.get(parent), name=name,
                                                   name_en=name_en, requires_food_permits=food)
    commodities = {slug: Commodity.objects.create(slug=slug, name=name, name_en=name_en)
                   for slug, name, name_en in COMMODITIES}
    villages = _regions()
    _village_profiles(officer, villages, commodities)
    catalogue = Catalogue(officer=officer)
    producers = {code: _producer(officer, villages[code], f"UMKM {name.title()}")
                 for code, (name, *_rest) in VILLAGES.items()}
    catalogue.producers = producers
    for n, (key, (village, name, name_en, description, category, commodity, price, tiers, stock, certs, ready,
                  moq)) in enumerate(PRODUCTS.items(), start=1):
        catalogue.products[key] = _product(
            officer, producers[village], n=n, name=name, name_en=name_en, description=description,
            category=categories[category], commodity=commodities.get(commodity), price=price, tiers=tiers,
            stock=stock, certifications=certs, ready=ready, moq=moq)
    sidomulyo = producers["35.09.30.2009"]
    common = {"description": "Kopi robusta rahasia.", "category": categories["kopi-bubuk"],
              "commodity": commodities["kopi-robusta"], "price": 10_000, "stock": 10}
    catalogue.hidden["draft"] = _product(officer, sidomulyo, n=101, name="Kopi Draf Rahasia", approve=False,
                                         **common)
    pending = _product(officer, sidomulyo, n=102, name="Kopi Menunggu Kurasi", approve=False, **common)
    product_submit_for_curation(product=pending, actor=owner_of(sidomulyo))
    catalogue.hidden["pending"] = pending
    rejected = _product(officer, sidomulyo, n=103, name="Kopi Ditolak Kurasi", approve=False, **common)
    product_submit_for_curation(product=rejected, actor=owner_of(sidomulyo))
    product_reject(product=rejected, officer=officer, reasons=["photos"])
    catalogue.hidden["rejected"] = rejected
    unverified = _producer(officer, villages["35.09.30.2009"], "UMKM Belum Terverifikasi", verified=False)
    catalogue.hidden["unverified"] = _product(officer, unverified, n=104, name="Kopi Produsen Baru", **common)
    catalogue.hidden["precoaching"] = _product(officer, producers["35.09.31.2006"], n=105,
                                               name="Kopi Sumberjambe Pra Pembinaan", **common)
    return catalogue
