import pytest

from catalog.exceptions import (
    CatalogInvalid,
    OfficerRequired,
    ProducerMemberRequired,
    ProductIncomplete,
    ProductStatusInvalid,
    RejectionReasonRequired,
)
from catalog.models import Product, ProductCurationEvent
from catalog.selectors import product_list_for_curation, product_unit_price
from catalog.services import (
    ProductChanges,
    product_approve,
    product_curation_decide,
    product_curation_decisions_available,
    product_price_tiers_set,
    product_reject,
    product_submit_for_curation,
    product_update,
)
from tests.catalog.factories import CategoryFactory, OfficerFactory, ProductFactory, UserFactory, owner_of

pytestmark = pytest.mark.django_db


def events(product):
    return list(ProductCurationEvent.objects.filter(product=product).order_by("pk")
                .values_list("from_status", "to_status", "reasons", "note"))


def approved(**kwargs) -> Product:
    product = ProductFactory(**kwargs)
    product_submit_for_curation(product=product, actor=owner_of(product.producer))
    product_approve(product=product, officer=OfficerFactory())
    product.refresh_from_db()
    return product


def test_submit_approve_lists_the_product_with_a_snapshot():
    product = ProductFactory(name="Kopi Bubuk", retail_price=35000, min_order_qty=5)
    owner, officer = owner_of(product.producer), OfficerFactory()
    product_price_tiers_set(product=product, tiers=[(10, 33000), (50, 30000)], actor=owner)

    product_submit_for_curation(product=product, actor=owner)
    product_approve(product=product, officer=officer, note=" ok ")

    product.refresh_from_db()
    assert (product.status, product.listed, product.has_pending_changes, product.approved_by) == (
        "approved", True, False, officer)
    assert product.approved_snapshot == {
        "producer_id": product.producer_id, "category_id": product.category_id, "commodity_id": None,
        "name": "Kopi Bubuk",
        "description": "Kopi robusta bubuk dari lereng Argopuro.", "name_en": "", "description_en": "",
        "unit": "pack", "pack_size": "1.000", "weight_grams": 250, "shelf_life_days": None, "certifications": [],
        "packaging_status": "none", "sku": product.sku, "barcode": "", "retail_price": 35000, "min_order_qty": 5,
        "order_multiple": 1, "price_tiers": [[10, 33000], [50, 30000]], "photos": [],
    }
    assert events(product) == [("draft", "submitted", [], ""), ("submitted", "approved", [], "ok")]
    assert [product_unit_price(product=product, quantity=q) for q in (5, 10, 49, 50, 500)] == [
        35000, 33000, 33000, 30000, 30000]


def test_reject_needs_reasons_then_resubmit():
    product = ProductFactory()
    owner, officer = owner_of(product.producer), OfficerFactory()
    product_submit_for_curation(product=product, actor=owner)

    with pytest.raises(RejectionReasonRequired):
        product_reject(product=product, officer=officer, reasons=[])
    with pytest.raises(CatalogInvalid) as unknown:
        product_reject(product=product, officer=officer, reasons=["ugly"])
    with pytest.raises(CatalogInvalid) as other:
        product_reject(product=product, officer=officer, reasons=["other"], note=" ")
    product_reject(product=product, officer=officer, reasons=["photos", "price", "photos"], note="Foto buram")
    product_submit_for_curation(product=product, actor=owner)

    assert unknown.value.fields == {"reasons": ["Unknown reason: ugly."]}
    assert other.value.fields == {"note": ["Explain the other reason in the note."]}
    product.refresh_from_db()
    assert (product.status, product.listed) == ("submitted", False)
    assert events(product) == [
        ("draft", "submitted", [], ""),
        ("submitted", "rejected", ["photos", "price"], "Foto buram"),
        ("rejected", "submitted", [], ""),
    ]


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_submit_refused_unless_draft_or_rejected(status):
    product = ProductFactory()
    product.status = status
    product.save()

    with pytest.raises(ProductStatusInvalid):
        product_submit_for_curation(product=product, actor=owner_of(product.producer))

    assert events(product) == []


@pytest.mark.parametrize("status", ["draft", "approved", "rejected"])
def test_approve_and_reject_only_submitted(status):
    product = ProductFactory()
    Product.objects.filter(pk=product.pk).update(status=status)
    officer = OfficerFactory()

    with pytest.raises(ProductStatusInvalid):
        product_approve(product=product, officer=officer)
    with pytest.raises(ProductStatusInvalid):
        product_reject(product=product, officer=officer, reasons=["price"])

    product.refresh_from_db()
    assert (product.status, product.listed, events(product)) == (status, False, [])


def test_submission_checks_required_fields():
    food = CategoryFactory(requires_food_permits=True)
    product = ProductFactory(category=food, retail_price=0, weight_grams=None, shelf_life_days=None)

    with pytest.raises(ProductIncomplete) as excinfo:
        product_submit_for_curation(product=product, actor=owner_of(product.producer))

    assert excinfo.value.fields == {
        "retail_price": ["Set a retail price."],
        "weight_grams": ["This field is required for curation."],
        "shelf_life_days": ["Food and drink need a shelf life."],
    }
    product.refresh_from_db()
    assert (product.status, events(product)) == ("draft", [])


def test_only_members_submit_and_only_officers_curate():
    product = ProductFactory()

    with pytest.raises(ProducerMemberRequired):
        product_submit_for_curation(product=product, actor=UserFactory())
    product_submit_for_curation(product=product, actor=owner_of(product.producer))
    with pytest.raises(OfficerRequired):
        product_approve(product=product, officer=owner_of(product.producer))
    with pytest.raises(OfficerRequired):
        product_reject(product=product, officer=owner_of(product.producer), reasons=["price"])

    product.refresh_from_db()
    assert (product.status, product.listed) == ("submitted", False)


@pytest.mark.parametrize(("field", "value"), [
    ("retail_price", 40000), ("description", "Baru"), ("name", "Kopi Baru"), ("certifications", []),
    ("barcode", "4006381333931"), ("packaging_status", "designed"), ("min_order_qty", 2),
])
def test_buyer_relevant_edit_of_an_approved_product_goes_back_to_review_but_stays_listed(field, value):
    product = approved(retail_price=35000, certifications=[] if field != "certifications" else [])
    if field == "certifications":
        from tests.catalog.factories import PermitFactory

        PermitFactory(producer=product.producer, kind="halal")
        product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(
            certifications=["halal"]))
        product_approve(product=product, officer=OfficerFactory())
        product.refresh_from_db()
    snapshot = dict(product.approved_snapshot)

    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(**{field: value}))

    product.refresh_from_db()
    assert (product.status, product.listed, product.has_pending_changes) == ("submitted", True, True)
    assert product.approved_snapshot == snapshot
    assert getattr(product, field) == value
    assert events(product)[-1] == ("approved", "submitted", [], "Changes to an approved product.")


def test_sku_or_unchanged_values_do_not_need_review():
    product = approved(retail_price=35000)
    owner = owner_of(product.producer)

    product_update(product=product, actor=owner, changes=ProductChanges(sku="NEW-SKU", retail_price=35000))

    product.refresh_from_db()
    assert (product.status, product.has_pending_changes, product.sku, len(events(product))) == (
        "approved", False, "NEW-SKU", 2)


def test_tier_change_on_an_approved_product_goes_to_review():
    product = approved()

    product_price_tiers_set(product=product, tiers=[(5, 30000)], actor=owner_of(product.producer))

    product.refresh_from_db()
    assert (product.status, product.listed, product.has_pending_changes) == ("submitted", True, True)
    assert product.approved_snapshot["price_tiers"] == []
    assert product_unit_price(product=product, quantity=10) == 35000


def test_approving_pending_changes_publishes_them():
    product = approved(retail_price=35000)
    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(retail_price=40000))

    product_approve(product=product, officer=OfficerFactory())

    product.refresh_from_db()
    assert (product.status, product.has_pending_changes, product.approved_snapshot["retail_price"]) == (
        "approved", False, 40000)


def test_rejecting_pending_changes_keeps_the_approved_version_on_sale():
    product = approved(retail_price=35000)
    owner = owner_of(product.producer)
    product_update(product=product, actor=owner, changes=ProductChanges(retail_price=99000))

    product_reject(product=product, officer=OfficerFactory(), reasons=["price"])

    product.refresh_from_db()
    assert (product.status, product.listed, product.has_pending_changes) == ("rejected", True, True)
    assert (product.retail_price, product.approved_snapshot["retail_price"]) == (99000, 35000)

    # the producer fixes the price and resubmits; the old version is still what buyers see
    product_update(product=product, actor=owner, changes=ProductChanges(retail_price=38000))
    product_submit_for_curation(product=product, actor=owner)
    product.refresh_from_db()
    assert (product.status, product.listed, product.has_pending_changes) == ("submitted", True, True)
    assert product.approved_snapshot["retail_price"] == 35000


def test_curation_queue():
    waiting = ProductFactory()
    ProductFactory()
    product_submit_for_curation(product=waiting, actor=owner_of(waiting.producer))

    assert list(product_list_for_curation()) == [waiting]


def test_curation_decisions_available_follow_the_table():
    draft = ProductFactory()
    submitted = ProductFactory()
    product_submit_for_curation(product=submitted, actor=owner_of(submitted.producer))
    listed = approved()

    assert product_curation_decisions_available(product=draft) == set()
    assert product_curation_decisions_available(product=submitted) == {"approve", "reject"}
    assert product_curation_decisions_available(product=listed) == {"delist"}


def test_curation_decide_runs_the_decisions_service_with_its_reasons():
    product = approved()
    officer = OfficerFactory()

    with pytest.raises(RejectionReasonRequired):
        product_curation_decide(product=product, officer=officer, decision="delist")
    product_curation_decide(product=product, officer=officer, decision="delist", reasons=["other"], note="Recall")

    product.refresh_from_db()
    assert (product.status, product.listed) == ("rejected", False)
    assert events(product)[-1] == ("approved", "rejected", ["other"], "Recall")
