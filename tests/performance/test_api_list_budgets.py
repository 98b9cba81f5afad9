"""Query budgets of the REST API's list endpoints: the queries of a list do not grow with its rows.

Each test fills a list with a few rows through the apps' services (or the factories their own tests use),
requests it once to warm the per-process caches, counts the queries of a second request, adds twice as
many rows again and counts once more: the two counts must be equal and each response must hold every row.
Throttling reads the cache, which is the database in tests, so its queries are left out of the counts
(``tests.catalog.test_api.counted_queries``).
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from buyers.services import address_create, buyer_registration_save, buyer_registration_submit, outlet_create
from catalog.services import (
    assist_session_start,
    coaching_session_record,
    producer_permit_set,
    stock_restock,
    survey_record,
    village_photo_add,
    village_profile_update,
)
from investors.services import watch_add
from market.accounts.members import invitation_create
from market.accounts.models import Membership, Organisation, Role
from market.accounts.services import api_token_create
from orders.services import (
    cart_line_set,
    checkout_mark_paid,
    delivery_options_set,
    order_problem_answer,
    order_problem_report,
)
from orders.services.delivery import AreaFee, CourierRate, DeliveryOptions
from orders.states import Party
from payments.models import TermsInvoice
from payments.services import bank_transfer_record
from placements.services import (
    DeliveryLineInput,
    SalesLineInput,
    consignment_delivery_record,
    consignment_settle,
    sales_report_submit,
)
from reviews.services import review_write
from search.backends import backend_reset
from search.backends.database import Database
from tests.buyers.test_outlets import PLACE
from tests.buyers.test_registration import buyer, data
from tests.catalog.factories import (
    CommodityFactory,
    OfficerFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
    owner_of,
    village,
)
from tests.catalog.test_api import client_fixture, counted_queries, in_village, jpeg, listed  # noqa: F401 - the client
from tests.factories import MembershipFactory, OrganisationFactory
from tests.investors.helpers import express, make_investor, make_opportunity, make_producer, make_village
from tests.orders.factories import consumer_shopper, on_sale, place, verified_producer
from tests.orders.factories import officer as payments_officer
from tests.orders.test_problems import delivered, photo
from tests.payments.test_late_transfers import expired_checkout
from tests.payments.test_terms import pay, terms_shopper
from tests.placements.factories import agreed_placement, chain, product_of
from tests.reviews.helpers import deliver
from tests.reviews.helpers import jpeg as review_jpeg
from tests.showcases.factories import jakarta, published_showcase

pytestmark = pytest.mark.django_db


def rows_of(body):
    """Return the rows of a list response, paginated (``results``) or not."""
    return body["results"] if isinstance(body, dict) else body


def queries_and_rows(client: APIClient, url: str, params=None, rows=rows_of) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return counted_queries(queries), rows(response.json())


def assert_fixed_budget(client: APIClient, url: str, *, add, few: int, many: int, params=None, rows=rows_of):
    """Add ``few`` rows, then ``many - few`` more, with ``add(count)``; the list must cost the same both times."""
    add(few)
    client.get(url, params or {})  # warm the per-process caches (content types, site, settings rows)
    few_queries, few_rows = queries_and_rows(client, url, params, rows)
    add(many - few)
    many_queries, many_rows = queries_and_rows(client, url, params, rows)
    assert (len(few_rows), len(many_rows)) == (few, many)
    assert many_queries == few_queries


# --- accounts ------------------------------------------------------------------------------


def test_api_tokens_cost_the_same_queries_for_2_or_6_tokens(client):
    user = UserFactory()
    client.force_authenticate(user)

    def add(count):
        for number in range(count):
            api_token_create(user=user, name=f"Kasir {number}")

    assert_fixed_budget(client, "/api/v1/auth/tokens/", add=add, few=2, many=6)


def test_organisation_members_cost_the_same_queries_for_2_or_6_members(client):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    organisation = owner.organisation
    client.force_authenticate(owner.user)

    def add(count):
        # the owner is the first row
        for _ in range(count - (1 if organisation.memberships.count() == 1 else 0)):
            MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)

    assert_fixed_budget(client, f"/api/v1/organisations/{organisation.pk}/members/", add=add, few=2, many=6)


def test_organisation_invitations_cost_the_same_queries_for_2_or_6_invitations(client):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    organisation = owner.organisation
    client.force_authenticate(owner.user)
    sent = iter(range(100))

    def add(count):
        for _ in range(count):
            invitation_create(organisation=organisation, invited_by=owner.user, email=f"teman{next(sent)}@example.id",
                              role="member")

    assert_fixed_budget(client, f"/api/v1/organisations/{organisation.pk}/invitations/", add=add, few=2, many=6)


# --- regions -------------------------------------------------------------------------------


def test_districts_cost_the_same_queries_for_2_or_6_districts(client):
    made = iter(range(1, 100))

    def add(count):
        for _ in range(count):
            village(f"35.09.{next(made):02d}.2001", "Padomasan")

    assert_fixed_budget(client, "/api/v1/regions/districts/", add=add, few=2, many=6, params={"regency": "35.09"})


# --- catalog -------------------------------------------------------------------------------


def rich_village(code: str, officer) -> None:
    """A programme village with a flagship and another commodity, a contact officer and a photo."""
    profile = in_village(code, f"Desa {code}", stage="coaching").profile
    village_profile_update(profile=profile, officer=officer, story="Desa kopi.",
                           flagship_commodity=CommodityFactory(), other_commodities=[CommodityFactory()],
                           contact_officer=OfficerFactory())
    village_photo_add(profile=profile, officer=officer, image=jpeg((64, 48)), alt_text="Kebun kopi")


def test_programme_villages_cost_the_same_queries_for_2_or_6_villages(client):
    officer = OfficerFactory()
    made = iter(range(2001, 2100))

    def add(count):
        for _ in range(count):
            rich_village(f"35.09.01.{next(made)}", officer)

    assert_fixed_budget(client, "/api/v1/villages/", add=add, few=2, many=6)


def test_village_surveys_cost_the_same_queries_for_2_or_6_surveys(client):
    officer = OfficerFactory()
    profile = in_village().profile
    client.force_authenticate(officer)
    days = iter(range(1, 100))

    def add(count):
        for _ in range(count):
            survey_record(profile=profile, officer=OfficerFactory(), surveyed_on=date(2026, 1, 1) + timedelta(
                days=next(days)), workforce_total=30, workforce_women=10, workforce_youth=5, existing_businesses=3,
                road="poor", electricity="good", internet="none", water="fair", commodities=[
                    {"commodity": CommodityFactory(), "estimated_production_per_month": 100, "unit": "kg"}])

    assert_fixed_budget(client, f"/api/v1/villages/{profile.village_id}/surveys/", add=add, few=2, many=6)


def test_village_coaching_sessions_cost_the_same_queries_for_2_or_6_sessions(client):
    officer = OfficerFactory()
    profile = in_village().profile
    client.force_authenticate(officer)
    days = iter(range(1, 100))

    def add(count):
        for _ in range(count):
            coaching_session_record(profile=profile, officer=OfficerFactory(), held_on=date(2026, 1, 1) + timedelta(
                days=next(days)), stage="coaching", topic="Pengemasan", trainer="Bu Ratna",
                attendees=[ProducerFactory()])

    assert_fixed_budget(client, f"/api/v1/villages/{profile.village_id}/coaching-sessions/", add=add, few=2,
                        many=6)


def test_producers_cost_the_same_queries_for_2_or_6_producers(client):
    officer = OfficerFactory()

    def add(count):
        for _ in range(count):
            product = listed(officer)
            producer_permit_set(producer=product.producer, actor=owner_of(product.producer), kind="pirt", number="P-1",
                                expires_on=date(2030, 1, 1))

    assert_fixed_budget(client, "/api/v1/producers/", add=add, few=2, many=6)


def test_producer_products_cost_the_same_queries_for_2_or_6_products(client):
    producer = ProducerFactory()
    client.force_authenticate(owner_of(producer))

    def add(count):
        for _ in range(count):
            ProductFactory(producer=producer, stock=5)

    assert_fixed_budget(client, f"/api/v1/producers/{producer.pk}/products/", add=add, few=2, many=6)


def test_assisted_actions_cost_the_same_queries_for_2_or_6_actions(client):
    client.force_authenticate(OfficerFactory())

    def add(count):
        for _ in range(count):
            officer = OfficerFactory()
            product = ProductFactory()
            assist_session_start(officer=officer, producer=product.producer, reason="Tidak punya ponsel pintar")
            stock_restock(product=product, quantity=3, actor=officer)

    assert_fixed_budget(client, "/api/v1/assisted-actions/", add=add, few=2, many=6)


def test_commodities_cost_the_same_queries_for_2_or_6_commodities(client):
    assert_fixed_budget(client, "/api/v1/commodities/", add=lambda count: CommodityFactory.create_batch(count),
                        few=2, many=6)


# --- buyers --------------------------------------------------------------------------------


def test_outlets_cost_the_same_queries_for_2_or_6_outlets(client):
    village()
    user = UserFactory(role=Role.BUYER)
    client.force_authenticate(user)
    made = iter(range(100))

    def add(count):
        for _ in range(count):
            # each outlet in an organisation of its own: the list spans every buyer organisation of the member
            organisation = OrganisationFactory(kind=Organisation.Kind.BUYER)
            MembershipFactory(user=user, organisation=organisation, role=Membership.Role.OWNER)
            outlet_create(organisation=organisation, actor=user, **{**PLACE, "name": f"Toko {next(made)}"})

    assert_fixed_budget(client, "/api/v1/outlets/", add=add, few=2, many=6)


def test_addresses_cost_the_same_queries_for_2_or_6_addresses(client):
    village()
    user = UserFactory()
    client.force_authenticate(user)
    made = iter(range(100))

    def add(count):
        for _ in range(count):
            address_create(user=user, **{**PLACE, "name": f"Rumah {next(made)}"})

    assert_fixed_budget(client, "/api/v1/addresses/", add=add, few=2, many=6)


def test_buyer_registrations_cost_the_same_queries_for_2_or_6_registrations(client):
    client.force_authenticate(OfficerFactory())
    nib = iter(range(1000000000000, 1000000000100))

    def add(count):
        for _ in range(count):
            organisation, owner = buyer()
            buyer_registration_save(organisation=organisation, actor=owner, data=data(nib=str(next(nib))))
            buyer_registration_submit(organisation=organisation, actor=owner)

    assert_fixed_budget(client, "/api/v1/buyer-registrations/", add=add, few=2, many=6)


# --- investors -----------------------------------------------------------------------------

_village_codes = iter(range(2001, 2999))


def programme_village():
    return make_village(f"35.09.01.{next(_village_codes)}", "Padomasan", commodity=CommodityFactory())


def test_opportunities_cost_the_same_queries_for_2_or_6_opportunities(client):
    client.force_authenticate(OfficerFactory())

    def add(count):
        for _ in range(count):
            profile = programme_village()
            make_opportunity(profile, producer=make_producer(profile))

    assert_fixed_budget(client, "/api/v1/investors/opportunities/", add=add, few=2, many=6)


def test_watchlist_costs_the_same_queries_for_2_or_6_items(client):
    investor = make_investor(terms=True)
    client.force_authenticate(investor)

    def add(count):
        for number in range(count):
            profile = programme_village()
            if number % 2:
                watch_add(user=investor, village_code=profile.village_id)
            else:
                watch_add(user=investor, opportunity_id=make_opportunity(profile).pk)

    assert_fixed_budget(client, "/api/v1/investors/watchlist/", add=add, few=2, many=6)


def test_interests_cost_the_same_queries_for_2_or_6_interests(client):
    client.force_authenticate(OfficerFactory())

    def add(count):
        for _ in range(count):
            express(make_investor(terms=True), make_opportunity(programme_village()))

    assert_fixed_budget(client, "/api/v1/investors/interests/", add=add, few=2, many=6)


def test_investor_profiles_cost_the_same_queries_for_2_or_6_profiles(client):
    client.force_authenticate(OfficerFactory())

    def add(count):
        for _ in range(count):
            make_investor(status="submitted", commodity_ids=[CommodityFactory().pk],
                          district_codes=["35.09.01"])

    village()
    assert_fixed_budget(client, "/api/v1/investors/profiles/", add=add, few=2, many=6)


# --- showcases and reviews -----------------------------------------------------------------


def test_showcases_cost_the_same_queries_for_2_or_6_showcases(client):
    days = iter(range(10, 100))

    def add(count):
        for _ in range(count):
            day = next(days)
            published_showcase(starts_at=jakarta(day, 9), ends_at=jakarta(day, 12),
                               registration_deadline=jakarta(day - 2, 17))

    assert_fixed_budget(client, "/api/v1/showcases/", add=add, few=2, many=6)


def test_own_reviews_cost_the_same_queries_for_2_or_6_reviews(client):
    shopper, address = consumer_shopper()
    client.force_authenticate(shopper.user)

    def add(count):
        for _ in range(count):
            producer = verified_producer()
            product = on_sale(producer=producer, stock=20, retail_price=10000)
            cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
            checkout = place(shopper, destination=address, method="card", delivery={producer.pk: "pickup"})
            checkout_mark_paid(checkout=checkout, reference=f"pi_{checkout.pk}")
            order = checkout.orders.get()
            deliver(order, owner_of(producer))
            review_write(order_line_id=order.lines.get().pk, author=shopper.user, rating=4, text="Enak.",
                         photos=[review_jpeg()])

    assert_fixed_budget(client, "/api/v1/reviews/", add=add, few=2, many=6)


# --- placements ----------------------------------------------------------------------------


def shelved(*, outlet, chain_owner, producer):
    """Return a new product of ``producer`` placed at ``outlet`` and delivered there (10 units)."""
    placement = agreed_placement(outlet=outlet, owner=chain_owner, product=product_of(producer))
    consignment_delivery_record(actor=owner_of(producer), outlet=outlet,
                                lines=[DeliveryLineInput(placement.pk, 10)],
                                delivered_on=date.today() - timedelta(days=60))
    return placement


def test_consignment_deliveries_cost_the_same_queries_for_2_or_6_deliveries(client):
    _organisation, chain_owner, outlet = chain()
    producer = verified_producer()
    client.force_authenticate(owner_of(producer))

    def add(count):
        for _ in range(count):
            shelved(outlet=outlet, chain_owner=chain_owner, producer=producer)

    assert_fixed_budget(client, "/api/v1/consignment-deliveries/", add=add, few=2, many=6)


_periods = iter(range(50))


def reported(*, outlet, chain_owner, producer):
    """Return a sales report of a new shelved product, for a period of its own (one report per outlet and period)."""
    placement = shelved(outlet=outlet, chain_owner=chain_owner, producer=producer)
    return sales_report_submit(actor=chain_owner, outlet=outlet, period_end=date.today() - timedelta(days=next(_periods)),
                               lines=[SalesLineInput(placement.pk, 2)])


def test_sales_reports_cost_the_same_queries_for_2_or_6_reports(client):
    _organisation, chain_owner, outlet = chain()
    producer = verified_producer()
    client.force_authenticate(chain_owner)

    def add(count):
        for _ in range(count):
            reported(outlet=outlet, chain_owner=chain_owner, producer=producer)

    assert_fixed_budget(client, "/api/v1/sales-reports/", add=add, few=2, many=6)


def test_consignment_settlements_cost_the_same_queries_for_2_or_6_lines(client):
    _organisation, chain_owner, outlet = chain()
    producer = verified_producer()
    client.force_authenticate(owner_of(producer))

    def add(count):
        for _ in range(count):
            consignment_settle(report=reported(outlet=outlet, chain_owner=chain_owner, producer=producer),
                               actor=chain_owner)

    assert_fixed_budget(client, "/api/v1/consignment-settlements/", add=add, few=2, many=6)


# --- orders and payments -------------------------------------------------------------------


def test_order_problems_cost_the_same_queries_for_2_or_6_problems(client):
    order, people = delivered()
    client.force_authenticate(people[Party.BUYER])

    def add(count):
        for _ in range(count):
            problem = order_problem_report(order=order, actor=people[Party.BUYER], kind="damaged",
                                           description="Dua bungkus sobek", photos=[photo(), photo((20, 20))])
            order_problem_answer(problem=problem, actor=people[Party.PRODUCER], answer="Maaf, kami ganti")

    assert_fixed_budget(client, f"/api/v1/orders/{order.pk}/problems/", add=add, few=2, many=6)


def test_late_transfers_cost_the_same_queries_for_2_or_6_transfers(client):
    finance = payments_officer()
    client.force_authenticate(finance)
    lines = iter(range(100))

    def add(count):
        for _ in range(count):
            _checkout, _products, reference = expired_checkout()
            bank_transfer_record(officer=finance, reference=reference, amount=75000,
                                 bank_reference=f"LATE-{next(lines)}", received_on=timezone.localdate())

    assert_fixed_budget(client, "/api/v1/payments/late-transfers/", add=add, few=2, many=6)


def test_terms_invoices_cost_the_same_queries_for_2_or_6_invoices(client):
    shopper, outlet, _product = terms_shopper(credit_limit=10_000_000, price=100_000)
    client.force_authenticate(shopper.user)
    lines = iter(range(100))

    def add(count):
        for _ in range(count):
            if TermsInvoice.objects.exists():  # the first order's line is in the cart already
                cart_line_set(shopper=shopper, product_id=on_sale(stock=5, retail_price=100_000).pk, quantity=1)
            checkout = place(shopper, destination=outlet, method="invoice")
            pay(TermsInvoice.objects.select_related("payment").get(checkout=checkout), 50_000, f"BJ-{next(lines)}")

    assert_fixed_budget(client, "/api/v1/payments/invoices/", add=add, few=2, many=6)


def test_delivery_options_cost_the_same_queries_for_2_or_6_areas_and_rates(client):
    producer = ProducerFactory()
    client.force_authenticate(owner_of(producer))
    areas, rates = [], []

    def add(count):
        for _ in range(count):
            district_code = village(f"35.09.{len(areas) + 1:02d}.2001").district_id
            areas.append(AreaFee(district_code=district_code, fee=5000 + len(areas)))
            rates.append(CourierRate(fee=20000, regency_code="35.09", max_grams=1000 * (len(rates) + 1)))
        delivery_options_set(producer=producer, actor=owner_of(producer), options=DeliveryOptions(
            offers_delivery=True, delivery_areas=tuple(areas), offers_courier=True, courier_rates=tuple(rates)))

    # the rows are the district fees and the courier rates, one of each per step
    assert_fixed_budget(client, f"/api/v1/producers/{producer.pk}/delivery-options/", add=add, few=2, many=6,
                        rows=lambda body: list(zip(body["delivery_areas"], body["courier_rates"], strict=True)))


# --- search --------------------------------------------------------------------------------


@pytest.fixture(name="fresh_search_backend")
def fresh_search_backend_fixture():
    """Build the configured search backend anew (as tests/search does): no vocabulary of another test."""
    backend_reset()
    yield
    backend_reset()


def test_village_search_costs_the_same_queries_for_2_or_6_villages(client, fresh_search_backend):
    officer = OfficerFactory()
    made = iter(range(2001, 2100))

    def add(count):
        for _ in range(count):
            code = f"35.09.01.{next(made)}"
            rich_village(code, officer)
            ProducerFactory(village=village(code))
        Database().rebuild()

    assert_fixed_budget(client, "/api/v1/search/villages", add=add, few=2, many=6)
