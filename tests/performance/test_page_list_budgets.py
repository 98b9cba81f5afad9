"""Query budgets of the list pages that had none (tests/performance/list_routes.py, ``WITHOUT_BUDGET``).

Each test builds a page's rows through the services or the factories its app's tests use, requests the
page once to warm the per-process caches, then with a few rows and with about three times as many, and
asserts that the page shows every row and that both requests cost the same number of queries.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from market.accounts.models import Membership, Organisation, Role
from tests.catalog.factories import village
from tests.factories import MembershipFactory, OfficerFactory, OrganisationFactory, UserFactory
from tests.fixtures import force_login_mfa

pytestmark = pytest.mark.django_db


def rows_in(response, marker: str | re.Pattern) -> int:
    page = response.content.decode()
    return len(marker.findall(page)) if isinstance(marker, re.Pattern) else page.count(marker)


def assert_fixed_budget(client, url: str, *, add: Callable[[int], object], marker: str | re.Pattern, few: int,
                        many: int, params: dict | None = None) -> None:
    """Assert that ``url`` shows ``few`` then ``many`` rows (``marker`` once a row) for the same queries.

    ``add(count)`` creates ``count`` more rows of the page.
    """
    add(few)
    assert client.get(url, params).status_code == 200  # warm the per-process caches
    with CaptureQueriesContext(connection) as with_few:
        response = client.get(url, params)
    assert response.status_code == 200
    assert rows_in(response, marker) == few
    add(many - few)
    with CaptureQueriesContext(connection) as with_many:
        response = client.get(url, params)
    assert response.status_code == 200
    assert rows_in(response, marker) == many
    assert len(with_many) == len(with_few), (len(with_few), len(with_many))


def signed_in_officer(client, totp_for):
    officer = OfficerFactory()
    totp_for(officer)  # officers must have two-factor authentication (OfficerMfaRequiredMiddleware)
    force_login_mfa(client, officer)
    return officer


def counter():
    """Return a function that gives 1, 2, 3, ... (unique names and numbers across the rows of a test)."""
    state = {"n": 0}

    def next_number() -> int:
        state["n"] += 1
        return state["n"]

    return next_number


PLACE = {"contact_name": "Pak Budi", "phone": "0812 3456 7890", "street": "Jl. Raya Tanggul 5",
         "village_code": "35.09.01.2001", "postal_code": "68155"}


# --- accounts ---------------------------------------------------------------------------------------


def test_api_tokens_cost_the_same_queries_for_2_or_6_tokens(client):
    from market.accounts.services import api_token_create

    person = UserFactory()
    client.force_login(person)

    def add(count):
        for _ in range(count):
            api_token_create(user=person, name="Kasir toko")

    assert_fixed_budget(client, "/account/api-tokens/", add=add, marker='class="card token-card"', few=2, many=6)


def test_organisation_members_cost_the_same_queries_for_2_or_6_people(client):
    from market.accounts.members import invitation_create

    organisation = OrganisationFactory(kind=Organisation.Kind.BUYER)
    owner = UserFactory(role=Role.BUYER)
    MembershipFactory(user=owner, organisation=organisation, role=Membership.Role.OWNER)
    client.force_login(owner)
    number = counter()

    def add(count):
        # a member and an open invitation for each row: both lists grow
        for _ in range(count):
            MembershipFactory(user=UserFactory(role=Role.BUYER), organisation=organisation,
                              role=Membership.Role.MEMBER)
            invitation_create(organisation=organisation, email=f"tamu{number()}@example.id",
                              role=Membership.Role.MEMBER, invited_by=owner)

    # the owner's own card is one more member card; every row adds a member card and an invitation card
    assert_fixed_budget(client, f"/account/organisations/{organisation.pk}/members/", add=add,
                        marker="data-invitation=", few=2, many=6)
    page = client.get(f"/account/organisations/{organisation.pk}/members/").content.decode()
    assert page.count("data-membership=") == 1 + 6


# --- buyers -------------------------------------------------------------------------------------------


def buyer_owner(name: str = "Swalayan Makmur"):
    village()
    organisation = OrganisationFactory(kind=Organisation.Kind.BUYER, name=name)
    owner = UserFactory(role=Role.BUYER)
    MembershipFactory(user=owner, organisation=organisation, role=Membership.Role.OWNER)
    return organisation, owner


def test_addresses_cost_the_same_queries_for_2_or_6_addresses(client):
    from buyers.services import address_create

    village()
    person = UserFactory(role=Role.CONSUMER)
    client.force_login(person)

    def add(count):
        for _ in range(count):
            address_create(user=person, name="Rumah", **PLACE)

    assert_fixed_budget(client, "/addresses/", add=add, marker='id="address-', few=2, many=6)


def test_outlets_cost_the_same_queries_for_2_or_6_outlets(client):
    from buyers.services import outlet_create

    organisation, owner = buyer_owner()
    client.force_login(owner)
    number = counter()

    def add(count):
        for _ in range(count):
            outlet_create(organisation=organisation, actor=owner, name=f"Toko Tanggul {number()}",
                          receiving_hours="Sen–Sab 08.00–16.00", **PLACE)

    assert_fixed_budget(client, "/dashboard/buyer/outlets/", add=add, marker='id="outlet-', few=2, many=6)


def test_officers_buyer_queue_costs_the_same_queries_for_2_or_6_registrations(client, totp_for):
    from buyers.services import BuyerRegistrationData, buyer_registration_save, buyer_registration_submit

    signed_in_officer(client, totp_for)
    number = counter()

    def add(count):
        for _ in range(count):
            n = number()
            organisation, owner = buyer_owner(f"Swalayan {n}")
            data = BuyerRegistrationData(
                legal_name=f"PT Swalayan Jember {n}", kind="modern_retail", nib=f"{1234567890000 + n}",
                npwp="01.234.567.8-901.000", street="Jl. Gajah Mada 10", village_code="35.09.01.2001",
                contact_name="Bu Sari", phone="081234567890", email=f"sari{n}@swalayan.co.id")
            buyer_registration_save(organisation=organisation, actor=owner, data=data)
            buyer_registration_submit(organisation=organisation, actor=owner)

    assert_fixed_budget(client, "/dashboard/officer/buyers/", add=add, marker="PT Swalayan Jember ", few=2, many=6)


# --- search -----------------------------------------------------------------------------------------


def test_village_search_costs_the_same_queries_for_2_or_6_villages(client):
    from search.backends import backend_reset
    from search.backends.database import Database
    from tests.catalog.factories import VillageProfileFactory

    backend_reset()
    number = counter()

    def add(count):
        for _ in range(count):
            n = number()
            VillageProfileFactory(village=village(f"35.09.01.{2000 + n}", f"Desa {n}"))
        Database().rebuild()

    try:
        assert_fixed_budget(client, "/search/villages/", add=add, marker='class="village-result"', few=2, many=6)
    finally:
        backend_reset()


# --- reviews ----------------------------------------------------------------------------------------


def reviews_of(product, *, reported: bool = False) -> Callable[[int], None]:
    """Return ``add(count)``: ``count`` more reviews of ``product`` by buyers of delivered orders."""
    from reviews.services import review_report, review_write
    from tests.reviews.helpers import another_delivered_line

    def add(count):
        for _ in range(count):
            line, buyer = another_delivered_line(product)
            review = review_write(order_line_id=line.pk, author=buyer, rating=4, text="Kopinya harum")
            if reported:
                review_report(review=review, reporter=UserFactory(), reason="Kata kasar")

    return add


def test_product_reviews_cost_the_same_queries_for_2_or_6_reviews(client):
    from tests.reviews.helpers import on_sale

    product = on_sale()
    assert_fixed_budget(client, f"/products/{product.pk}/reviews/", add=reviews_of(product),
                        marker='<li class="review" id="review-', few=2, many=6)


def test_producer_reviews_cost_the_same_queries_for_2_or_6_reviews(client):
    from tests.reviews.helpers import on_sale, owner_of

    product = on_sale()
    client.force_login(owner_of(product.producer))
    assert_fixed_budget(client, "/dashboard/producer/reviews/", add=reviews_of(product),
                        marker='<li class="review card" id="review-', few=2, many=6,
                        params={"producer": product.producer_id})


def test_officers_reported_reviews_cost_the_same_queries_for_2_or_6_reviews(client, totp_for):
    from tests.reviews.helpers import on_sale

    product = on_sale()
    signed_in_officer(client, totp_for)
    assert_fixed_budget(client, "/dashboard/officer/reviews/", add=reviews_of(product, reported=True),
                        marker='<li class="review card" id="review-', few=2, many=6, params={"queue": "reported"})


# --- placements -------------------------------------------------------------------------------------


def placements_on_shelf(*, outlet, owner, producer) -> Callable[[int], None]:
    """Return ``add(count)``: ``count`` more consignment placements of ``producer`` on the shelf of ``outlet``."""
    from tests.placements.factories import on_shelf_with_stock, product_of

    def add(count):
        for _ in range(count):
            on_shelf_with_stock(5, outlet=outlet, owner=owner, product=product_of(producer))

    return add


def test_buyer_placements_cost_the_same_queries_for_2_or_6_placements(client):
    from tests.placements.factories import chain, product_of

    _organisation, owner, outlet = chain()
    client.force_login(owner)
    assert_fixed_budget(client, "/dashboard/buyer/placements/", marker='id="placement-', few=2, many=6,
                        add=placements_on_shelf(outlet=outlet, owner=owner, producer=product_of().producer))


def test_producer_placements_cost_the_same_queries_for_2_or_6_placements(client):
    from tests.placements.factories import chain, owner_of, product_of

    _organisation, owner, outlet = chain()
    producer = product_of().producer
    client.force_login(owner_of(producer))
    # each placement also brings its delivery note to the page's list of deliveries
    assert_fixed_budget(client, "/dashboard/producer/placements/", marker='id="placement-', few=2, many=6,
                        add=placements_on_shelf(outlet=outlet, owner=owner, producer=producer))


def test_officers_placements_cost_the_same_queries_for_2_or_6_placements(client, totp_for):
    from tests.placements.factories import agreed_placement

    signed_in_officer(client, totp_for)

    def add(count):
        for _ in range(count):
            agreed_placement()  # each of another chain and another producer

    assert_fixed_budget(client, "/dashboard/officer/placements/", add=add, marker='id="placement-', few=2, many=6)


def test_buyer_sales_reports_cost_the_same_queries_for_2_or_6_reports(client):
    from datetime import date, timedelta

    from placements.services import SalesLineInput, consignment_settle, sales_report_submit
    from tests.placements.factories import chain, on_shelf_with_stock

    _organisation, owner, outlet = chain()
    placement = on_shelf_with_stock(50, outlet=outlet, owner=owner)
    client.force_login(owner)
    day = counter()

    def add(count):
        # one unit sold a day; every other report settled (its gross on the row)
        for _ in range(count):
            n = day()
            report = sales_report_submit(actor=owner, outlet=outlet, period_end=date.today() - timedelta(days=50 - n),
                                         lines=[SalesLineInput(placement.pk, 1)])
            if n % 2:
                consignment_settle(report=report, actor=owner)

    assert_fixed_budget(client, "/dashboard/buyer/placements/sales/", add=add, few=2, many=6,
                        marker=re.compile(r'href="/dashboard/buyer/placements/sales/\d+/"'))


# --- investors --------------------------------------------------------------------------------------


def opportunities_in_villages() -> Callable[[], object]:
    """Return ``make()``: an opportunity in a new programme village each time (its own name in the list)."""
    from tests.investors.helpers import make_opportunity, make_village

    number = counter()

    def make():
        n = number()
        return make_opportunity(make_village(f"35.09.01.{2000 + n}", f"Desa {n}"))

    return make


def test_investors_opportunities_cost_the_same_queries_for_2_or_6_opportunities(client):
    from tests.investors.helpers import make_investor

    client.force_login(make_investor(terms=True))
    make = opportunities_in_villages()

    def add(count):
        for _ in range(count):
            make()

    assert_fixed_budget(client, "/investors/opportunities/", add=add, few=2, many=6,
                        marker=re.compile(r'<h3><a href="/investors/opportunities/\d+/"'))


def test_investors_interests_cost_the_same_queries_for_2_or_6_interests(client):
    from tests.investors.helpers import express, make_investor

    investor = make_investor(terms=True)
    client.force_login(investor)
    make = opportunities_in_villages()

    def add(count):
        for _ in range(count):
            express(investor, make())

    assert_fixed_budget(client, "/dashboard/investor/interests/", add=add, few=2, many=6,
                        marker=re.compile(r'<li class="card"><a href="/dashboard/investor/interests/\d+/"'))


def test_producers_shared_interests_cost_the_same_queries_for_2_or_6_interests(client):
    from investors.services import interest_share
    from tests.catalog.factories import owner_of
    from tests.investors.helpers import express, make_investor, make_opportunity, make_producer, make_village

    profile = make_village()
    producer = make_producer(profile)
    officer = OfficerFactory()
    client.force_login(owner_of(producer))

    def add(count):
        # each interest of another investor in another opportunity of the producer, shared by an officer
        for _ in range(count):
            interest = express(make_investor(), make_opportunity(profile, producer=producer))
            interest_share(interest=interest, officer=officer, note="Investor koperasi, tertarik pinjaman.")

    assert_fixed_budget(client, "/dashboard/producer/investors/", add=add, marker="data-interest=", few=2, many=6)


# --- showcases --------------------------------------------------------------------------------------

CARD_WITH_LINK_ON_ITS_OWN_LINE = re.compile(r'<li class="card">\s+<a href="[^"]+"><strong>')


def test_buyer_showcases_cost_the_same_queries_for_2_or_6_registrations(client):
    from showcases.services import AttendeeData, registration_save
    from tests.orders.factories import buyer_organisation
    from tests.showcases.factories import published_showcase

    organisation, owner, _outlet = buyer_organisation(credit_limit=None)
    client.force_login(owner)
    number = counter()

    def add(count):
        # each a published showcase the organisation registered for (also in the upcoming list)
        for _ in range(count):
            showcase = published_showcase(title=f"Gelar Produk {number()}")
            registration_save(showcase=showcase, organisation=organisation, actor=owner,
                              attendees=[AttendeeData(name="Bu Sari", job_title="Pembeli")])

    assert_fixed_budget(client, "/dashboard/buyer/showcases/", add=add, marker=CARD_WITH_LINK_ON_ITS_OWN_LINE,
                        few=2, many=6)
    page = client.get("/dashboard/buyer/showcases/").content.decode()
    assert page.count("Gelar Produk ") == 2 * 6  # the registrations and the upcoming showcases


def test_producer_showcases_cost_the_same_queries_for_2_or_6_participations(client):
    from tests.orders.factories import owner_of, verified_producer
    from tests.showcases.factories import confirmed_participant, published_showcase

    producer = verified_producer()
    client.force_login(owner_of(producer))
    number = counter()

    def add(count):
        for _ in range(count):
            confirmed_participant(published_showcase(title=f"Gelar Produk {number()}"), producer=producer)

    assert_fixed_budget(client, "/dashboard/producer/showcases/", add=add, marker=CARD_WITH_LINK_ON_ITS_OWN_LINE,
                        few=2, many=6)


# --- officers: collections and finance -------------------------------------------------------------


def test_officers_collections_cost_the_same_queries_for_2_or_6_collections(client, totp_for):
    from catalog.services.collections import (
        CollectionDetails,
        collection_create,
        collection_product_add,
        collection_publish,
    )
    from tests.orders.factories import on_sale

    officer = signed_in_officer(client, totp_for)
    number = counter()

    def add(count):
        # curated collections of one product each, every other one published
        for _ in range(count):
            n = number()
            collection = collection_create(officer=officer, details=CollectionDetails(title=f"Oleh-oleh {n}"))
            collection_product_add(officer=officer, collection_id=collection.pk, product_id=on_sale().pk)
            if n % 2:
                collection_publish(officer=officer, collection_id=collection.pk, published=True)

    assert_fixed_budget(client, "/dashboard/officer/collections/", add=add, marker='<li class="panel">', few=2, many=6)


def test_officers_refunds_owed_cost_the_same_queries_for_2_or_6_refunds(client, totp_for,
                                                                         django_capture_on_commit_callbacks):
    from django.utils import timezone

    from orders.models import Order
    from orders.services import order_decline
    from payments.services import bank_transfer_record, bank_transfer_start
    from tests.catalog.factories import owner_of
    from tests.payments.conftest import checkout_of

    signed_in_officer(client, totp_for)
    number = counter()

    def add(count):
        # consumer orders paid by transfer and declined by their producer: a refund owed for each
        for _ in range(count):
            checkout, (product,) = checkout_of()
            bank_transfer_record(officer=OfficerFactory(), reference=bank_transfer_start(checkout=checkout).reference,
                                 amount=40000, bank_reference=f"IN-{number()}", received_on=timezone.localdate())
            with django_capture_on_commit_callbacks(execute=True):
                order_decline(order=Order.objects.get(checkout=checkout), actor=owner_of(product.producer),
                              reason="Bahan baku habis")

    assert_fixed_budget(client, "/dashboard/officer/finance/refunds/", add=add, marker="<tr data-refund=",
                        few=2, many=6)


def test_buyer_invoices_cost_the_same_queries_for_2_or_6_invoices(client):
    from django.utils import timezone

    from orders.selectors import shopper_get
    from orders.services import cart_line_set
    from payments.services import bank_reference_for, bank_transfer_record
    from tests.orders.factories import buyer_organisation, on_sale, place

    organisation, member, outlet = buyer_organisation(credit_limit=10_000_000)
    shopper = shopper_get(user=member, organisation=organisation)
    client.force_login(member)
    number = counter()

    def add(count):
        # checkouts on terms of a product each (Rp 100.000), every other one paid in part
        for _ in range(count):
            n = number()
            cart_line_set(shopper=shopper, product_id=on_sale(stock=50, retail_price=50_000).pk, quantity=2)
            checkout = place(shopper, destination=outlet, method="invoice")
            if n % 2:
                bank_transfer_record(officer=OfficerFactory(), reference=bank_reference_for(checkout.pk),
                                     amount=50_000, bank_reference=f"BJ-{n}", received_on=timezone.localdate())

    assert_fixed_budget(client, "/dashboard/buyer/invoices/", add=add, marker='<li class="card order-card">',
                        few=2, many=6)


# --- producers: price tiers -------------------------------------------------------------------------


def test_product_tiers_cost_the_same_queries_for_2_or_6_tiers(client):
    """The tiers route answers a POST; "add a row" (without JavaScript) shows the tiers as typed plus one."""
    from catalog.services import product_price_tiers_set
    from tests.catalog.factories import ProductFactory, owner_of

    product = ProductFactory(min_order_qty=1, retail_price=100_000)
    client.force_login(owner_of(product.producer))
    url = f"/dashboard/producer/products/{product.pk}/tiers/"
    row = re.compile(r'name="tiers-\d+-min_quantity"')

    def tiers(count) -> list[tuple[int, int]]:
        return [(10 * (i + 1), 90_000 - 1_000 * i) for i in range(count)]

    def add_row(count):
        data = {"tiers-TOTAL_FORMS": str(count), "tiers-INITIAL_FORMS": str(count), "tiers-MIN_NUM_FORMS": "0",
                "tiers-MAX_NUM_FORMS": "20", "add_row": "1"}
        for index, (quantity, price) in enumerate(tiers(count)):
            data |= {f"tiers-{index}-min_quantity": str(quantity), f"tiers-{index}-unit_price": str(price)}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        assert response.status_code == 200
        assert len(row.findall(response.content.decode())) == count + 1
        return len(queries)

    product_price_tiers_set(product=product, tiers=tiers(2), actor=owner_of(product.producer))
    add_row(2)  # warm the per-process caches
    few = add_row(2)
    product_price_tiers_set(product=product, tiers=tiers(6), actor=owner_of(product.producer))
    many = add_row(6)
    assert many == few, (few, many)
