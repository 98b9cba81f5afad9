"""A small public catalogue for the preference tests: two districts of Jember, food (with coffee under
it) and crafts, products retail ready or not."""
from __future__ import annotations

from datetime import date

from catalog.demo import ean13_with_check_digit
from catalog.models import Product
from catalog.services import producer_permit_set, producer_verify, product_approve, product_submit_for_curation
from market.accounts.models import Membership, Organisation, Role
from market.regions.models import District, Province, Regency
from tests.catalog.factories import (
    CategoryFactory,
    OfficerFactory,
    ProducerFactory,
    ProductFactory,
    VillageProfileFactory,
    owner_of,
    village,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

FAR = date(2030, 1, 1)
_barcodes = iter(ean13_with_check_digit(f"899{n:09d}") for n in range(1, 10_000))


def jember_district(code: str, name: str) -> District:
    province, _ = Province.objects.get_or_create(code="35", defaults={"name": "JAWA TIMUR"})
    regency, _ = Regency.objects.get_or_create(code="35.09", defaults={"province": province, "name": "KAB. JEMBER",
                                                                       "kind": Regency.Kind.REGENCY})
    district, _ = District.objects.get_or_create(code=code, defaults={"regency": regency, "name": name})
    return district


def list_product(officer, producer, *, ready: bool = True, **fields) -> Product:
    """Create ``producer``'s product with ``fields`` and approve it (retail-ready packaging unless ``ready`` is false)."""
    fields.setdefault("barcode", next(_barcodes) if ready else "")
    fields.setdefault("packaging_status", Product.Packaging.DESIGNED)
    product = ProductFactory(producer=producer, **fields)
    product_submit_for_curation(product=product, actor=owner_of(producer))
    product_approve(product=product, officer=officer)
    product.refresh_from_db()
    return product


def make_catalogue() -> dict:
    """Return the categories, districts and products (by short name) of a small public catalogue."""
    officer = OfficerFactory()
    jombang = jember_district("35.09.01", "Jombang")
    bangsalsari = jember_district("35.09.02", "Bangsalsari")
    jember_district("35.09.03", "Kencong")
    food = CategoryFactory(slug="makanan", name="Makanan", name_en="Food", requires_food_permits=True)
    coffee = CategoryFactory(slug="kopi", name="Kopi", name_en="Coffee", parent=food)
    craft = CategoryFactory(slug="kerajinan", name="Kerajinan", name_en="Crafts")
    makers = {}
    for key, code, name in (("jombang", "35.09.01.2001", "Padomasan"), ("bangsalsari", "35.09.02.2001", "Sukorejo")):
        VillageProfileFactory(village=village(code, name), stage="coaching")
        producer = ProducerFactory(village=village(code, name), name=f"UMKM {name}")
        producer_verify(producer=producer, officer=officer)
        for kind in ("pirt", "halal", "sni"):
            producer_permit_set(producer=producer, actor=owner_of(producer), kind=kind, number=f"{kind}-{key}",
                                expires_on=FAR)
        makers[key] = producer
    products = {
        "kopi_jombang": list_product(officer, makers["jombang"], name="Kopi Jombang", category=coffee,
                                     certifications=["pirt", "halal"], shelf_life_days=365),
        "keripik": list_product(officer, makers["jombang"], name="Keripik Singkong", category=food,
                                certifications=["pirt", "halal"], shelf_life_days=200),
        "tas": list_product(officer, makers["bangsalsari"], name="Tas Anyaman", category=craft,
                            certifications=["sni"], shelf_life_days=None),
        "kopi_bangsalsari": list_product(officer, makers["bangsalsari"], name="Kopi Bangsalsari", category=coffee,
                                         certifications=["pirt", "halal", "sni"], shelf_life_days=365),
        "no_barcode": list_product(officer, makers["jombang"], name="Kopi Tanpa Barcode", category=coffee,
                                   certifications=["pirt", "halal"], shelf_life_days=365, ready=False),
    }
    return {"officer": officer, "food": food, "coffee": coffee, "craft": craft, "jombang": jombang,
            "bangsalsari": bangsalsari, "makers": makers, "products": products}


def buyer_member(role=Membership.Role.OWNER, *, organisation=None, email=None):
    """Return a buyer organisation and a person with ``role`` in it."""
    organisation = organisation or OrganisationFactory(kind=Organisation.Kind.BUYER, name="Toko Jaya")
    user = UserFactory(role=Role.BUYER, **({"email": email} if email else {}))
    MembershipFactory(user=user, organisation=organisation, role=role)
    return organisation, user
