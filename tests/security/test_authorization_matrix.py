"""The authorization matrix (issue 19): every route has a declared rule, and the rule holds.

Routes come from the root URL configuration (``tests/security/routes.py``). Parameterless routes
are requested by anonymous people, one person of each role, an officer who passed the second
factor and one who did not. Object routes are requested by the object's owner (the control: the
request itself is valid), another party of the same role, the other roles, anonymous people and
an officer without the second factor. Figures are printed at the end of the run
(``tests/security/conftest.py``) and copied into ``docs/reliability.md``.
"""
from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from buyers.services import buyer_approval_limit_set
from market.accounts.members import invitation_create
from market.accounts.models import Membership, Role
from market.accounts.services import api_token_create
from orders.selectors import cart_quote, shopper_get
from orders.services import cart_line_set, checkout_mark_paid, purchase_request_submit
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import (
    OfficerFactory,
    buyer_organisation,
    consumer,
    on_sale,
    owner_of,
    place,
    verified_producer,
)
from tests.security.routes import (
    ADMIN,
    EXEMPT,
    NOT_YET_COVERED,
    OFFICER,
    OWNER_OBJECT,
    PUBLIC,
    RULES,
    SIGNED_IN,
    all_routes,
    rule_for,
)

pytestmark = pytest.mark.django_db

FIGURES: dict[str, int] = {"requests": 0, "checks": 0}  # checks: one (route, person, method) verdict each
PLACEHOLDER = {"pk": 999_999, "code": "35.09.01.2001", "product_id": 999_999, "membership_pk": 999_999,
               "invitation_pk": 999_999, "problem_pk": 999_999, "problem_id": 999_999, "photo_pk": 999_999,
               "photo_id": 999_999, "line_pk": 999_999, "organisation_id": 999_999, "producer_id": 999_999, "kind": "pirt",
               "role": "buyer", "token": "x"}
# An anonymous person's own session cart (a line is named by its product): nobody else's object.
ANONYMOUS_SESSION_ROUTES = {"frontend:cart-line"}
# The officer middleware lets an officer without the second factor reach these, to set it up or leave.
MFA_FREE_PREFIXES = ("/static/", "/media/", "/healthz", "/i18n/", "/jsi18n/", "/accounts/")


def _request(client, method: str, path: str):
    FIGURES["requests"] += 1
    if method == "GET":
        return client.get(path)
    if method in ("PATCH", "PUT", "DELETE"):
        return getattr(client, method.lower())(path, "{}", content_type="application/json")
    return client.post(path, {})


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def _is_mfa_refusal(response) -> bool:
    if response.status_code == 302:
        return "/accounts/2fa/" in response["Location"] or "/accounts/login/" in response["Location"]
    return response.status_code == 403


def _refused(response) -> bool:
    """Refused without showing anything: forbidden, not found, not allowed, or sent elsewhere to sign in."""
    return response.status_code in (401, 403, 404, 405) or _is_login_redirect(response)


def _client(django_client_class, user=None, *, mfa: bool = True):
    client = django_client_class()
    client.cookies["ki_language"] = "en"
    if user is not None:
        if mfa:
            force_login_mfa(client, user)
        else:
            client.force_login(user)
    return client


@pytest.fixture
def people(client, totp_for):
    """One signed-in client per role, plus an officer with and one without a passed second factor."""
    make = type(client)
    consumer_a, address_a = consumer()
    consumer_b, address_b = consumer()
    org_a, buyer_a, outlet_a = buyer_organisation()
    org_b, buyer_b, outlet_b = buyer_organisation()
    producer_p = verified_producer()
    producer_q = verified_producer()
    investor = UserFactory(role=Role.INVESTOR)
    officer = OfficerFactory()
    totp_for(officer)
    officer_no_mfa = OfficerFactory()
    totp_for(officer_no_mfa)
    users = {"consumer": consumer_a, "consumer-b": consumer_b, "buyer": buyer_a, "buyer-b": buyer_b,
             "producer": owner_of(producer_p), "producer-b": owner_of(producer_q), "investor": investor,
             "officer": officer}
    clients = {"anonymous": _client(make)}
    clients.update({name: _client(make, user) for name, user in users.items()})
    clients["officer-no-2fa"] = _client(make, officer_no_mfa, mfa=False)
    return {"clients": clients, "users": users, "consumer_a": (consumer_a, address_a), "address_b": address_b,
            "org_a": org_a, "outlet_a": outlet_a, "org_b": org_b, "producer_p": producer_p, "producer_q": producer_q}


def _path(route) -> str:
    """Fill a route's parameters with placeholders (for refusals that must not depend on the object)."""
    pattern = route.route
    for name, value in PLACEHOLDER.items():
        pattern = re.sub(rf"<(?:\w+:)?{name}>", str(value), pattern)
    assert "<" not in pattern, route
    return "/" + pattern


def test_every_route_has_exactly_one_rule_and_every_rule_a_route():
    routes = all_routes()
    missing = [route.key for route in routes if not rule_for(route.key)]
    ambiguous = [(route.key, [p for p, _ in rule_for(route.key)]) for route in routes if len(rule_for(route.key)) > 1]
    stale = [pattern for pattern in RULES if not any(re.fullmatch(pattern, route.key) for route in routes)]
    FIGURES["routes"] = len(routes)
    FIGURES["routes with a rule"] = len(routes) - len(missing)
    FIGURES["people per route (anonymous, 8 signed in, officer without 2FA)"] = 10
    FIGURES["object routes tried with a real object"] = len(OBJECT_ROUTES)
    for kind in (PUBLIC, SIGNED_IN, OFFICER, OWNER_OBJECT, EXEMPT, NOT_YET_COVERED, "admin"):
        FIGURES[f"rule {kind}"] = sum(1 for route in routes if rule_for(route.key)
                                      and rule_for(route.key)[0][1].kind == kind)

    assert missing == [], f"routes without a declared rule in tests/security/routes.py: {missing}"
    assert ambiguous == []
    assert stale == [], f"rules matching no route: {stale}"


def _plain_routes(kind: str):
    return [route for route in all_routes() if not route.has_params and rule_for(route.key)
            and rule_for(route.key)[0][1].kind == kind]


def _check(failures: list, route_key: str, who: str, response, ok: bool, expected: str) -> None:
    FIGURES["checks"] += 1
    if not ok or response.status_code >= 500:
        failures.append(f"{route_key} as {who}: {response.status_code} {response.get('Location', '')} "
                        f"(expected {expected})")


def test_public_routes_answer_everyone(people):
    failures: list[str] = []
    clients = people["clients"]
    for route in _plain_routes(PUBLIC):
        path = "/" + route.route
        for who, client in clients.items():
            response = _request(client, "GET", path)
            if who == "officer-no-2fa" and not path.startswith(MFA_FREE_PREFIXES):
                _check(failures, route.key, who, response, _is_mfa_refusal(response), "the second factor first")
            else:
                _check(failures, route.key, who, response, response.status_code not in (401, 403), "no refusal")

    assert failures == [], "\n".join(failures)


def test_signed_in_routes_refuse_anonymous_people_and_officers_without_second_factor(people):
    failures: list[str] = []
    clients = people["clients"]
    for route in _plain_routes(SIGNED_IN):
        path = "/" + route.route
        for who, client in clients.items():
            response = _request(client, "GET", path)
            if who == "anonymous":
                _check(failures, route.key, who, response, _refused(response), "sign in first")
            elif who == "officer-no-2fa":
                _check(failures, route.key, who, response, _is_mfa_refusal(response), "the second factor first")
            else:
                _check(failures, route.key, who, response, True, "no server error")

    assert failures == [], "\n".join(failures)


def test_officer_routes_refuse_everyone_but_officers_with_second_factor(people):
    failures: list[str] = []
    clients = people["clients"]
    for route in [route for route in all_routes() if rule_for(route.key) and rule_for(route.key)[0][1].kind == OFFICER]:
        path = _path(route)
        for method in ("GET", "POST"):
            for who, client in clients.items():
                response = _request(client, method, path)
                if who == "officer":
                    if not route.has_params and method == "GET":
                        _check(failures, route.key, who, response, response.status_code not in (401, 403, 404),
                               "served (405 for a POST-only route)")
                    continue
                if who == "officer-no-2fa":
                    _check(failures, route.key, who, response, _is_mfa_refusal(response), "the second factor first")
                else:
                    _check(failures, route.key, who, response, _refused(response), "403/404 or sign in first")

    assert failures == [], "\n".join(failures)


def test_admin_refuses_everyone_but_staff_officers_with_second_factor(people):
    failures: list[str] = []
    clients = people["clients"]
    routes = [route for route in _plain_routes(ADMIN) if route.key not in ("admin-login", "admin:login", "admin:logout")]
    for route in routes:
        path = "/" + route.route
        for who, client in clients.items():
            response = _request(client, "GET", path)
            if who == "officer":
                # Staff pass the admin login; each model needs its permission too (403 without it).
                _check(failures, route.key, who, response, response.status_code in (200, 403), "200 or 403")
            elif who == "officer-no-2fa":
                _check(failures, route.key, who, response, _is_mfa_refusal(response), "the second factor first")
            else:
                _check(failures, route.key, who, response,
                       response.status_code == 302 and "/admin/login/" in response["Location"], "the admin login")

    assert failures == [], "\n".join(failures)


def test_routes_not_yet_covered_still_refuse_anonymous_people_and_officers_without_second_factor(people):
    """The least a route not yet in the matrix must do, whatever the object."""
    failures: list[str] = []
    clients = people["clients"]
    for route in [route for route in all_routes() if route.has_params and rule_for(route.key)
                  and rule_for(route.key)[0][1].kind == NOT_YET_COVERED and route.key != "frontend:invitation-accept"]:
        path = _path(route)
        for method in ("GET", "POST"):
            if route.key not in ANONYMOUS_SESSION_ROUTES:
                response = _request(clients["anonymous"], method, path)
                _check(failures, route.key, "anonymous", response, _refused(response), "sign in first")
            response = _request(clients["officer-no-2fa"], method, path)
            _check(failures, route.key, "officer-no-2fa", response, _is_mfa_refusal(response),
                   "the second factor first")

    assert failures == [], "\n".join(failures)


# --- object routes ---------------------------------------------------------------------------


def _objects(people) -> dict[str, tuple[set[str], dict]]:
    """Build one object of each kind; return {kind: (the clients that are its parties, url kwargs)}."""
    consumer_a, address_a = people["consumer_a"]
    shopper = shopper_get(user=consumer_a)
    producer = people["producer_p"]
    product = on_sale(producer=producer, stock=20, retail_price=10000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    checkout = place(shopper, destination=address_a, method="card")
    checkout_mark_paid(checkout=checkout, reference="pi_matrix")
    order = checkout.orders.get()
    unpaid_product = on_sale(producer=producer, stock=20, retail_price=10000)
    cart_line_set(shopper=shopper, product_id=unpaid_product.pk, quantity=2)
    unpaid = place(shopper, destination=address_a)
    org_a, outlet_a = people["org_a"], people["outlet_a"]
    buyer_a = people["users"]["buyer"]
    buyer_approval_limit_set(organisation=org_a, actor=buyer_a, limit=1)
    requester = UserFactory(role=Role.BUYER)
    membership = MembershipFactory(user=requester, organisation=org_a, role=Membership.Role.MEMBER)
    business = shopper_get(user=requester, organisation=org_a)
    cart_line_set(shopper=business, product_id=product.pk, quantity=2)
    delivery = {producer.pk: "pickup"}
    request = purchase_request_submit(shopper=business, idempotency_key=uuid.uuid4().hex,
                                      payment_method="bank_transfer", delivery=delivery,
                                      expected_total=cart_quote(shopper=business, delivery=delivery).total,
                                      outlet_id=outlet_a.pk, note="")
    token = api_token_create(user=consumer_a).token
    api_token = api_token_create(user=consumer_a).token  # one to revoke on the page, one through the API
    invitation = invitation_create(organisation=org_a, email="neu@example.id", role=Membership.Role.MEMBER,
                                   invited_by=buyer_a).invitation
    meeting = _showcase_meeting(org_a=org_a, buyer=buyer_a, producer=producer)
    from investors.models import WatchItem
    from investors.services import investor_profile_save, investor_profile_submit
    from tests.investors.helpers import express, make_opportunity, make_village, profile_data

    investor = people["users"]["investor"]
    investor_profile_save(user=investor, data=profile_data())
    investor_profile_submit(user=investor)
    programme_village = make_village("35.09.01.2009", "Matriks")
    interest = express(investor, make_opportunity(programme_village))
    watch_page = WatchItem.objects.create(user=investor, village=programme_village)
    watch_api = WatchItem.objects.create(user=investor, opportunity=interest.opportunity)
    placement, consignment, report = _placement_objects(people, product=on_sale(producer=producer, stock=20))
    from buyers.services import outlet_create
    from tests.orders.factories import PLACE

    shelf_outlet = outlet_create(organisation=org_a, actor=buyer_a, **{**PLACE, "name": "Cabang Rak"})
    delivered_line, review = _review_objects(shopper=shopper, address=address_a, producer=producer)
    return {
        "delivered-line": ({"consumer"}, {"pk": delivered_line.order_id, "line_pk": delivered_line.pk}),
        "review": ({"producer"}, {"pk": review.pk}),
        "meeting": ({"buyer", "producer"}, {"pk": meeting.pk}),
        "participation": ({"producer"}, {"pk": meeting.participant_id}),
        "interest": ({"investor"}, {"pk": interest.pk}),
        "watch-item": ({"investor"}, {"pk": watch_page.pk}),
        "watch-item-api": ({"investor"}, {"pk": watch_api.pk}),
        "shelf-outlet": ({"buyer"}, {"pk": shelf_outlet.pk}),  # not archived by the outlet routes' controls
        "placement": ({"buyer", "producer"}, {"pk": placement.pk}),
        "consignment-delivery": ({"buyer", "producer"}, {"pk": consignment.pk}),
        "sales-report": ({"buyer", "producer"}, {"pk": report.pk}),
        "token": ({"consumer"}, {"pk": token.pk}),
        "api-token": ({"consumer"}, {"pk": api_token.pk}),
        "invitation": ({"buyer"}, {"pk": org_a.pk, "invitation_pk": invitation.pk}),
        "order": ({"consumer", "producer"}, {"pk": order.pk}),
        "checkout": ({"consumer"}, {"pk": unpaid.pk}),
        "address": ({"consumer"}, {"pk": address_a.pk}),
        "outlet": ({"buyer"}, {"pk": outlet_a.pk}),
        "organisation": ({"buyer"}, {"pk": org_a.pk}),
        "membership": ({"buyer"}, {"pk": org_a.pk, "membership_pk": membership.pk}),
        "buyer-organisation": ({"buyer"}, {"organisation_id": org_a.pk}),
        "purchase-request": ({"buyer"}, {"pk": request.pk}),
        "product": ({"producer"}, {"pk": product.pk}),
        "producer": ({"producer"}, {"producer_id": producer.pk}),
    }


def _review_objects(*, shopper, address, producer):
    """A consumer's delivered order line of producer P and the consumer's review of it."""
    from orders.services import order_accept, order_mark_delivered, order_pack, order_ship
    from reviews.services import review_write

    product = on_sale(producer=producer, stock=20, retail_price=10000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    checkout = place(shopper, destination=address, method="card", delivery={producer.pk: "pickup"})
    checkout_mark_paid(checkout=checkout, reference="pi_matrix_review")
    order = checkout.orders.get()
    person = owner_of(producer)
    for step in (order_accept, order_pack, order_ship, order_mark_delivered):
        step(order=order, actor=person)
    line = order.lines.get()
    return line, review_write(order_line_id=line.pk, author=shopper.user, rating=4, text="Enak")


def _showcase_meeting(*, org_a, buyer, producer):
    """A published showcase with ``producer`` confirmed and ``org_a`` registered: their accepted meeting."""
    from showcases.services import AttendeeData, meeting_request, meeting_respond, registration_save
    from tests.showcases.factories import confirmed_participant, published_showcase

    showcase = published_showcase()
    participant = confirmed_participant(showcase, producer=producer)
    registration = registration_save(showcase=showcase, organisation=org_a, actor=buyer,
                                     attendees=[AttendeeData(name="Bu Sari")])
    meeting = meeting_request(registration=registration, participant=participant, actor=buyer)
    return meeting_respond(meeting=meeting, actor=owner_of(producer), accept=True)


def _placement_objects(people, *, product):
    """A consignment placement of producer P at buyer A's outlet, agreed, delivered and reported (not settled)."""
    from datetime import date

    from placements.models import Side
    from placements.services import (
        DeliveryLineInput,
        PlacementProposal,
        SalesLineInput,
        consignment_delivery_record,
        placement_propose,
        placement_status_set,
        sales_report_submit,
    )

    buyer, producer = people["users"]["buyer"], people["users"]["producer"]
    outlet = people["outlet_a"]
    placement = placement_propose(actor=buyer, side=Side.BUYER, proposal=PlacementProposal(
        outlet_id=outlet.pk, product_id=product.pk, terms="consignment", shelf_price=15000, consignment_price=10000,
        start_date=date.today()))
    placement_status_set(placement=placement, to="agreed", actor=producer)
    delivery = consignment_delivery_record(actor=producer, outlet=outlet, delivered_on=date.today(),
                                           lines=[DeliveryLineInput(placement.pk, 10)])
    report = sales_report_submit(actor=buyer, outlet=outlet, period_end=date.today(),
                                 lines=[SalesLineInput(placement.pk, 2)])
    return placement, delivery, report


def _fingerprint(kwargs_by_kind) -> dict:
    """Return the state of every object the matrix builds, to prove refused requests changed nothing."""
    from buyers.models import Address, Outlet
    from catalog.models import Product, ProductStock
    from market.accounts.models import ApiToken, Invitation
    from orders.models import Checkout, Order, OrderProblem, PurchaseRequest
    from showcases.models import Meeting, Participant

    def rows(model, **filters):
        return sorted(tuple(sorted((k, str(v)) for k, v in row.items())) for row in model.objects.filter(**filters).values())

    from investors.models import Interest, WatchItem
    from placements.models import ConsignmentSettlement, OutletRange, Placement, SalesReport
    from reviews.models import Review, ReviewReport

    return {"interests": rows(Interest), "watch_items": rows(WatchItem),
            "placements": rows(Placement), "sales_reports": rows(SalesReport),
            "settlements": rows(ConsignmentSettlement), "outlet_ranges": rows(OutletRange),
            "orders": rows(Order), "checkouts": rows(Checkout), "problems": rows(OrderProblem),
            "addresses": rows(Address), "outlets": rows(Outlet), "products": rows(Product),
            "stock": rows(ProductStock), "requests": rows(PurchaseRequest),
            "memberships": rows(Membership), "invitations": rows(Invitation), "tokens": rows(ApiToken),
            "meetings": rows(Meeting), "participants": rows(Participant),
            "reviews": rows(Review), "review_reports": rows(ReviewReport)}


# route name -> (kind of object, method of the request; the party named first is the control)
OBJECT_ROUTES: dict[str, tuple[str, str, str]] = {
    "frontend:order-detail": ("order", "GET", "consumer"),
    "frontend:order-purchase-order": ("order", "GET", "consumer"),
    "v1:orders:order-detail": ("order", "GET", "consumer"),
    "v1:orders:order-problems": ("order", "GET", "consumer"),
    "frontend:checkout-done": ("checkout", "GET", "consumer"),
    "frontend:checkout-invoice": ("checkout", "GET", "consumer"),
    "frontend:checkout-pay": ("checkout", "GET", "consumer"),
    "frontend:checkout-pay-return": ("checkout", "GET", "consumer"),
    "v1:orders:checkout-detail": ("checkout", "GET", "consumer"),
    "frontend:address-edit": ("address", "GET", "consumer"),
    "v1:buyers:address-detail": ("address", "GET", "consumer"),
    "frontend:buyer-outlet-edit": ("outlet", "GET", "buyer"),
    "v1:buyers:outlet-detail": ("outlet", "GET", "buyer"),
    "frontend:organisation-members": ("organisation", "GET", "buyer"),
    "v1:accounts:organisation-members": ("organisation", "GET", "buyer"),
    "v1:accounts:organisation-invitations": ("organisation", "GET", "buyer"),
    "v1:buyers:registration": ("organisation", "GET", "buyer"),
    "v1:buyers:approval-limit": ("organisation", "GET", "buyer"),
    "v1:buyers:buyer-preferences": ("buyer-organisation", "GET", "buyer"),
    "v1:accounts:organisation-member": ("membership", "PATCH", "buyer"),
    "frontend:purchase-request-detail": ("purchase-request", "GET", "buyer"),
    "v1:orders:purchase-request-detail": ("purchase-request", "GET", "buyer"),
    "frontend:producer-product-edit": ("product", "GET", "producer"),
    "frontend:producer-product-stock": ("product", "GET", "producer"),
    "v1:catalog:product-working-copy": ("product", "GET", "producer"),
    "v1:catalog:product-price-tiers": ("product", "PUT", "producer"),
    "v1:catalog:product-photos": ("product", "POST", "producer"),
    "v1:payments:producer-balance": ("producer", "GET", "producer"),
    # Writes: everyone else is refused first; the owner's control runs last (it may change the object).
    "v1:orders:order-accept": ("order", "POST", "producer"),
    "v1:orders:order-decline": ("order", "POST", "producer"),
    "v1:orders:order-pack": ("order", "POST", "producer"),
    "v1:orders:order-ship": ("order", "POST", "producer"),
    "v1:orders:order-deliver": ("order", "POST", "producer"),
    "v1:orders:order-confirm": ("order", "POST", "consumer"),
    "v1:orders:order-cancel": ("order", "POST", "consumer"),
    "v1:orders:order-reorder": ("order", "POST", "consumer"),
    "frontend:order-action": ("order", "POST", "producer"),
    "frontend:order-problem": ("order", "POST", "consumer"),
    "frontend:order-reorder": ("order", "POST", "consumer"),
    "v1:orders:checkout-cancel": ("checkout", "POST", "consumer"),
    "frontend:checkout-cancel": ("checkout", "POST", "consumer"),
    "v1:payments:card-payment": ("checkout", "POST", "consumer"),
    "v1:payments:bank-transfer": ("checkout", "GET", "consumer"),
    "frontend:address-archive": ("address", "POST", "consumer"),
    "frontend:buyer-outlet-archive": ("outlet", "POST", "buyer"),
    "v1:buyers:registration-submit": ("organisation", "POST", "buyer"),
    "frontend:organisation-member-invite": ("organisation", "POST", "buyer"),
    "frontend:organisation-member-role": ("membership", "POST", "buyer"),
    "v1:accounts:organisation-invitation-resend": ("invitation", "POST", "buyer"),
    "frontend:organisation-invitation-resend": ("invitation", "POST", "buyer"),
    "frontend:organisation-invitation-revoke": ("invitation", "POST", "buyer"),
    "v1:accounts:organisation-invitation": ("invitation", "DELETE", "buyer"),
    "frontend:organisation-member-remove": ("membership", "POST", "buyer"),
    "frontend:account-api-token-revoke": ("token", "POST", "consumer"),
    "v1:accounts:token-detail": ("api-token", "DELETE", "consumer"),
    "frontend:purchase-request-approve": ("purchase-request", "POST", "buyer"),
    "frontend:purchase-request-reject": ("purchase-request", "POST", "buyer"),
    "v1:orders:purchase-request-approve": ("purchase-request", "POST", "buyer"),
    "v1:orders:purchase-request-reject": ("purchase-request", "POST", "buyer"),
    "frontend:producer-product-tiers": ("product", "POST", "producer"),
    "frontend:producer-product-submit": ("product", "POST", "producer"),
    "frontend:producer-product-restock": ("product", "POST", "producer"),
    "frontend:producer-product-stock-correct": ("product", "POST", "producer"),
    "frontend:producer-product-threshold": ("product", "POST", "producer"),
    "v1:catalog:product-submit": ("product", "POST", "producer"),
    "v1:catalog:product-restock": ("product", "POST", "producer"),
    "v1:catalog:product-stock-correct": ("product", "POST", "producer"),
    "v1:catalog:product-stock-threshold": ("product", "POST", "producer"),
    "frontend:showcase-meeting": ("meeting", "GET", "buyer"),
    "frontend:showcase-participation": ("participation", "GET", "producer"),
    "v1:showcases:meeting-detail": ("meeting", "GET", "producer"),
    "frontend:showcase-meeting-outcome": ("meeting", "POST", "buyer"),
    "v1:showcases:meeting-outcome": ("meeting", "POST", "producer"),
    "v1:showcases:meeting-accept": ("meeting", "POST", "producer"),
    "frontend:investor-interest": ("interest", "GET", "investor"),
    "v1:investors:interest-detail": ("interest", "GET", "investor"),
    "frontend:investor-watch-remove": ("watch-item", "POST", "investor"),
    "v1:investors:watch-item": ("watch-item-api", "DELETE", "investor"),
    "frontend:buyer-placement": ("placement", "GET", "buyer"),
    "frontend:producer-placement": ("placement", "GET", "producer"),
    "v1:placements:placement-detail": ("placement", "GET", "buyer"),
    "frontend:placement-delivery-note": ("consignment-delivery", "GET", "producer"),
    "v1:placements:delivery-detail": ("consignment-delivery", "GET", "buyer"),
    "frontend:buyer-sales-report": ("sales-report", "GET", "buyer"),
    "v1:placements:sales-report-detail": ("sales-report", "GET", "buyer"),
    "frontend:buyer-sales-report-new": ("outlet", "GET", "buyer"),
    "frontend:placement-move": ("placement", "POST", "producer"),
    "v1:placements:placement-transition": ("placement", "POST", "producer"),
    "frontend:buyer-placement-reorder": ("placement", "POST", "buyer"),
    "frontend:buyer-outlet-range": ("shelf-outlet", "POST", "buyer"),
    "frontend:buyer-sales-report-settle": ("sales-report", "POST", "buyer"),
    "frontend:review-write": ("delivered-line", "GET", "consumer"),
    "frontend:review-reply": ("review", "POST", "producer"),
    "v1:placements:sales-report-settle": ("sales-report", "POST", "buyer"),
}


# The controls run reads first and deletions last: a deleted object would answer the later controls 404.
WRITE_ORDER = ("GET", "PATCH", "PUT", "POST", "DELETE")


def test_every_owner_object_route_is_exercised():
    declared = {route.key for route in all_routes()
                if rule_for(route.key) and rule_for(route.key)[0][1].kind == OWNER_OBJECT}

    assert declared == set(OBJECT_ROUTES)


def test_object_routes_answer_their_parties_only(people):
    failures: list[str] = []
    clients = people["clients"]
    objects = _objects(people)
    before = _fingerprint(objects)
    for name, (kind, method, _control) in OBJECT_ROUTES.items():
        parties, kwargs = objects[kind]
        path = reverse(name, kwargs=kwargs)
        for who, client in clients.items():
            if who in parties or who == "officer":
                continue
            # when anyone else asks for the object (GET, and POST with an empty body), then it is refused
            for verb in {"GET", method}:
                response = _request(client, verb, path)
                if who == "officer-no-2fa":
                    _check(failures, name, who, response, _is_mfa_refusal(response), "the second factor first")
                else:
                    _check(failures, name, who, response, _refused(response), "403/404 or sign in first")

    # then nothing changed
    assert _fingerprint(objects) == before
    # and each party's own request is valid (the control), reads first, writes last
    for name, (kind, method, control) in sorted(OBJECT_ROUTES.items(), key=lambda item: WRITE_ORDER.index(item[1][1])):
        response = _request(clients[control], method, reverse(name, kwargs=objects[kind][1]))
        _check(failures, name, control, response, response.status_code in (200, 201, 204, 302, 400, 409),
               "the party is served (200/201/204/302, or 400/409 for an empty or late write)")

    assert failures == [], "\n".join(failures)
