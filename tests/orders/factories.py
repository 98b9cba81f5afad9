"""Helpers for the orders tests: products on sale, buyer organisations with outlets, consumers, placing."""
from __future__ import annotations

import itertools
import uuid

from buyers.services import address_create, outlet_create
from catalog.models import Product, ProductStock
from catalog.services import producer_verify, product_approve, product_price_tiers_set, product_submit_for_curation
from market.accounts.models import Membership, Organisation, Role
from market.regions.models import District, Province, Regency, Village
from orders.models import PaymentMethod, ProducerCourierRate, ProducerDeliveryArea, ProducerDeliveryRule
from orders.selectors import cart_quote, shopper_get
from orders.services import cart_line_set, checkout_mark_paid, delivery_rule_set, order_place
from orders.states import Party
from tests.catalog.factories import (
    OfficerFactory,
    ProducerFactory,
    ProductFactory,
    VillageProfileFactory,
    owner_of,
    village,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

_names = itertools.count(1)


def in_memory_rule(*, areas=(), rates=(), **fields) -> ProducerDeliveryRule:
    """Return an unsaved delivery rule with its rows (``areas``: ``(district code, fee)``; ``rates``:
    ``(regency code, province code, max grams, fee)``) as if prefetched: pricing runs no query."""
    rule = ProducerDeliveryRule(pk=1, **fields)
    rule._prefetched_objects_cache = {
        "areas": [ProducerDeliveryArea(district_id=district, fee=fee) for district, fee in areas],
        "courier_rates": [ProducerCourierRate(regency_id=regency, province_id=province, max_grams=grams, fee=fee)
                          for regency, province, grams, fee in rates]}
    return rule


def region_village(code: str, *, province: str = "JAWA TIMUR", regency: str = "KOTA SURABAYA",
                   kind: str = Regency.Kind.CITY, district: str = "Genteng", name: str = "Ketabang") -> Village:
    """Return village ``code`` (outside Jember), creating its province, regency and district."""
    parts = code.split(".")
    prov, _ = Province.objects.get_or_create(code=parts[0], defaults={"name": province})
    reg, _ = Regency.objects.get_or_create(code=".".join(parts[:2]), defaults={"province": prov, "name": regency,
                                                                              "kind": kind})
    dist, _ = District.objects.get_or_create(code=".".join(parts[:3]), defaults={"regency": reg, "name": district})
    result, _ = Village.objects.get_or_create(code=code, defaults={"district": dist, "name": name,
                                                                    "kind": Village.Kind.KELURAHAN})
    return result


def officer():
    return OfficerFactory()


def verified_producer(name: str | None = None, **rule):
    """Return a verified producer in a coached village; ``rule`` sets its delivery rule."""
    VillageProfileFactory(village=village(), stage="coaching")
    producer = ProducerFactory(**({"name": name} if name else {}))
    producer_verify(producer=producer, officer=OfficerFactory())
    if rule:
        delivery_rule_set(producer=producer, actor=owner_of(producer), **rule)
    return producer


def on_sale(*, producer=None, stock: int = 100, retail_price: int = 35000, min_order_qty: int = 1,
            order_multiple: int = 1, tiers=(), name: str | None = None, threshold: int = 0) -> Product:
    """Return an approved, public product with ``stock`` units on hand."""
    producer = producer or verified_producer()
    product = ProductFactory(producer=producer, retail_price=retail_price, min_order_qty=min_order_qty,
                             order_multiple=order_multiple, stock=stock,
                             name=name or f"Produk {next(_names)}")
    owner = owner_of(producer)
    if tiers:
        product_price_tiers_set(product=product, tiers=list(tiers), actor=owner)
    if threshold:
        ProductStock.objects.filter(product=product).update(low_stock_threshold=threshold)
    product_submit_for_curation(product=product, actor=owner)
    product_approve(product=product, officer=OfficerFactory())
    return Product.objects.select_related("producer", "stock").get(pk=product.pk)


PLACE = {"name": "Toko Pusat", "contact_name": "Bu Sari", "phone": "081234567890",
         "street": "Jl. Gajah Mada 10, RT 01/RW 02", "village_code": "35.09.01.2001", "postal_code": "68111"}


def buyer_organisation(*, role=Membership.Role.OWNER, credit_limit: int | None = 100_000_000, net_days: int = 30,
                       verified: bool = True):
    """Return (organisation, member, outlet): a buyer organisation with one outlet.

    Its registration is verified by an officer unless ``verified=False``; it may pay by invoice on
    terms (net 30, Rp 100 juta) unless ``credit_limit=None`` (terms are for verified buyers only).
    """
    from payments.services.terms import credit_terms_set

    village()
    number = next(_names)
    organisation = OrganisationFactory(kind=Organisation.Kind.BUYER, name=f"Swalayan {number}")
    owner = UserFactory(role=Role.BUYER)
    MembershipFactory(user=owner, organisation=organisation, role=Membership.Role.OWNER)
    if verified:
        registration_verified(organisation=organisation, owner=owner, number=number)
    if credit_limit is not None:
        credit_terms_set(officer=OfficerFactory(), organisation=organisation, net_days=net_days,
                         credit_limit=credit_limit)
    outlet = outlet_create(organisation=organisation, actor=owner, **PLACE)
    if role == Membership.Role.OWNER:
        return organisation, owner, outlet
    member = UserFactory(role=Role.BUYER)
    MembershipFactory(user=member, organisation=organisation, role=role)
    return organisation, member, outlet


def registration_verified(*, organisation, owner, number: int):
    """Register the buyer organisation's legal details (unique NIB) and have an officer verify them."""
    from buyers.services import (
        BuyerRegistrationData,
        buyer_registration_save,
        buyer_registration_submit,
        buyer_registration_verify,
    )

    registration = buyer_registration_save(organisation=organisation, actor=owner, data=BuyerRegistrationData(
        legal_name=f"PT {organisation.name}", kind="modern_retail", nib=f"{9_120_000_000_000 + number}",
        npwp=f"{10_000_000_000_000_00 + number}", street="Jl. Raya 1", village_code=PLACE["village_code"],
        contact_name="Bu Sari", phone="081234567890", email="pengadaan@example.id"))
    buyer_registration_submit(organisation=organisation, actor=owner)
    return buyer_registration_verify(registration=registration, officer=OfficerFactory())


def consumer():
    """Return (user, address): a consumer with one delivery address."""
    village()
    user = UserFactory(role=Role.CONSUMER)
    return user, address_create(user=user, **{**PLACE, "name": "Rumah"})


def business_shopper():
    organisation, member, outlet = buyer_organisation()
    return shopper_get(user=member, organisation=organisation), outlet


def consumer_shopper():
    user, address = consumer()
    return shopper_get(user=user), address


def pickup_for(shopper) -> dict[int, str]:
    return {producer.producer_id: "pickup" for producer in cart_quote(shopper=shopper).producers}


def place(shopper, *, destination, key: str | None = None, method: str = PaymentMethod.BANK_TRANSFER,
          delivery: dict | None = None, expected_total: int | None = None, note: str = ""):
    """Place the shopper's cart with pickup everywhere (unless ``delivery``) at the total it costs now."""
    delivery = pickup_for(shopper) if delivery is None else delivery
    if expected_total is None:
        expected_total = cart_quote(shopper=shopper, delivery=delivery).total
    where = ({"outlet_id": destination.pk} if shopper.organisation is not None else {"address_id": destination.pk})
    return order_place(shopper=shopper, idempotency_key=key or uuid.uuid4().hex, payment_method=method,
                       delivery=delivery, expected_total=expected_total, note=note, **where)


def placed_order(*, method="card", paid=True, rule=None, quantity=4):
    """Return (order, product, people): a consumer's order of one product, paid unless told otherwise."""
    shopper, address = consumer_shopper()
    producer = verified_producer(**(rule or {}))
    product = on_sale(producer=producer, stock=20, retail_price=10000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
    option = "courier" if rule and rule.get("offers_courier") else "pickup"
    checkout = place(shopper, destination=address, method=method, delivery={producer.pk: option})
    if paid:
        checkout_mark_paid(checkout=checkout, reference="pi_1")
    order = checkout.orders.get()
    producer_member = UserFactory()
    MembershipFactory(user=producer_member, organisation=producer.organisation, role="member")
    people = {Party.BUYER: shopper.user, Party.PRODUCER: producer_member, Party.OFFICER: OfficerFactory(),
              "stranger": UserFactory(), "other producer": owner_of(verified_producer())}
    return order, product, people


__all__ = ["OfficerFactory", "UserFactory", "owner_of", "village"]
