"""Every public and signed-in page at 360 px in Chromium (issue 17's quality bars): axe-core finds no serious or
critical violation, nothing scrolls sideways, and the tap targets of the header, navigation, forms and footer are
44 px (tests/browser/axe.py defines the rule). A screenshot of each page is kept in
``test-artifacts/accessibility/<role>/`` (docs/testing.md).

The pages come from the URL configuration (tests/security/routes.py): every parameterless GET route of the site's
pages and of allauth's, tried by the people its access rule names, and every route with parameters either in
OBJECT_PAGES (opened with objects made by factories, as the authorization matrix makes them) or in EXCLUDED with its
reason. A new page is swept without touching this file; a new route with parameters fails
``test_every_page_route_is_swept_or_excluded`` until it is placed in one of the two.
"""
from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.test import Client
from django.urls import reverse

from market.accounts.models import Membership, Role
from orders.selectors import shopper_get
from orders.services import cart_line_set
from tests.browser.axe import NO_SIDEWAYS, artefact_folder, axe_violations, small_tap_targets
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import on_sale
from tests.security.routes import EXEMPT, OFFICER, PUBLIC, SIGNED_IN, all_routes, rule_for
from tests.security.test_authorization_matrix import _objects, people  # noqa: F401  (the matrix's people fixture)

PHONE = {"width": 360, "height": 740}
ROLES = ("visitor", "consumer", "buyer", "buyer-member", "producer", "producer-new", "investor", "officer")
# Who tries the parameterless routes of each access rule (the visitor alone for the public pages: the signed-in
# header and menu are checked on every signed-in page).
TRIED_BY = {PUBLIC: ("visitor",), SIGNED_IN: ROLES[1:], OFFICER: ("officer",), EXEMPT: ROLES}
PAGES = re.compile(r"frontend:.*|account_.*|mfa_.*")  # the site's pages and allauth's; not the API, not the admin

# Routes that are not pages to sweep, with the reason. Keys are full-match regular expressions of route names.
EXCLUDED: dict[str, str] = {
    # Downloads: CSV, calendar and JSON files, no HTML.
    r"frontend:(officer-cockpit-export|officer-cockpit-report|officer-investors-csv|officer-shelf-csv|officer-survey-template|buyer-shelf-csv"
    r"|officer-finance-batch-csv|officer-showcase-report-csv|showcase-agenda-ics|account-personal-data-download"
    r"|investor-document|order-purchase-order|checkout-invoice)|mfa_download_recovery_codes": "a download",
    # What browsers and crawlers read, not people: the manifest, the service worker, robots.txt, sitemap.xml.
    r"frontend:(manifest|service-worker|robots|sitemap)": "not a page (machine-readable)",
    # htmx fragments: parts of the search, product and address pages, swept with those pages.
    r"frontend:(search-suggest|search-villages|place-villages|product-filter-villages|recently-viewed)":
        "an htmx fragment",
    # Redirects to another page (swept there).
    r"frontend:(dashboard|dashboard-role|product-detail|checkout-pay-return|offline)|account_(email_verification_sent"
    r"|confirm_login_code|confirm_reauthentication_code|request_reauthentication_code|reauthenticate|inactive"
    r"|set_password|reset_password_from_key_done|confirm_email|reset_password_from_key)|mfa_(reauthenticate|authenticate"
    r"|generate_recovery_codes|deactivate_totp)": "a redirect, or a step that needs a one-time key or code",
    # Actions: forms on the swept pages post here; a GET is refused (405) or sent back.
    r"frontend:(cart-add|cart-line|cart-accept-prices|acting-for|checkout-summary|purchase-request-submit"
    r"|investor-watch-add|investor-watch-remove|buyer-organisation-submit|officer-assist-end|officer-assist-start"
    r"|buyer-sales-import"
    r"|address-archive|buyer-outlet-archive|buyer-outlet-range|buyer-placement-reorder|buyer-sales-report-settle"
    r"|checkout-cancel|checkout-pay-proof|order-action|order-problem|order-problem-answer|order-problem-decide"
    r"|order-reorder|organisation-invitation-resend|organisation-invitation-revoke|organisation-member-invite"
    r"|organisation-member-remove|organisation-member-role|account-api-token-revoke|placement-move"
    r"|producer-permit-set|producer-permit-delete|producer-product-(restock|stock-correct|submit|threshold|tiers"
    r"|photo-add|photo-delete)|purchase-request-(approve|reject|withdraw)|showcase-(meeting-outcome|meeting-cancel"
    r"|meeting-link-order|meeting-order|meeting-request|meeting-respond|participation-availability"
    r"|participation-respond|buyer-availability|register)|investor-(village|opportunity)-interest"
    r"|review-report|review-reply|wishlist-toggle"
    r"|officer-(buyer-refuse|buyer-verify|credit-suspend|curation-approve|curation-delist|curation-reject"
    r"|finance-batch-paid|finance-late-decide|finance-refund-credit-note|finance-consignment-pay|review-moderate"
    r"|collection-publish|collection-add|collection-remove|collection-move|interest-move|interest-note|interest-share"
    r"|investor-profile-refuse|investor-profile-verify|opportunity-document|opportunity-status|producer-unverify"
    r"|producer-verify|showcase-move|showcase-status|showcase-lineup|showcase-schedule|village-join"
    r"|village-photo-add|village-photo-remove|village-profile|village-stage))|account_logout": "an action (POST)",
    # Not swept yet: objects the factories here do not make (a payout batch, a refund, a proof of transfer,
    # an invitation's secret token, a showcase's buyer agenda). Their apps' tests render them.
    r"frontend:(officer-finance-batch|officer-finance-refund|transfer-proof|invitation-accept|showcase-agenda"
    r"|showcase-buyer)": "not swept yet: no object made here",
}

# route name -> (kind of object, the roles that open it). Kinds are the matrix's (tests/security) and SWEEP_KINDS'.
OBJECT_PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "frontend:product": ("product-page", ("visitor",)),
    "frontend:product-reviews": ("product", ("visitor",)),
    "frontend:collection": ("collection-page", ("visitor",)),
    "frontend:officer-collection": ("collection", ("officer",)),
    "frontend:review-write": ("delivered-line", ("consumer",)),
    "frontend:producer-detail": ("producer", ("visitor",)),
    "frontend:village-detail": ("village", ("visitor",)),
    "frontend:showcase-detail": ("showcase", ("visitor",)),
    "frontend:investor-village": ("programme-village", ("visitor", "investor")),
    "frontend:investor-opportunity": ("opportunity", ("investor",)),  # a visitor sees published ones only
    "frontend:order-detail": ("order", ("consumer", "producer", "officer")),
    "frontend:checkout-done": ("checkout", ("consumer",)),
    "frontend:checkout-pay": ("checkout", ("consumer",)),
    "frontend:address-edit": ("address", ("consumer",)),
    "frontend:buyer-outlet-edit": ("outlet", ("buyer",)),
    "frontend:organisation-members": ("organisation", ("buyer",)),
    "frontend:purchase-request-detail": ("purchase-request", ("buyer",)),
    "frontend:producer-product-edit": ("product", ("producer",)),
    "frontend:producer-product-stock": ("product", ("producer",)),
    "frontend:showcase-meeting": ("meeting", ("buyer", "producer")),
    "frontend:showcase-participation": ("participation", ("producer",)),
    "frontend:investor-interest": ("interest", ("investor",)),
    "frontend:buyer-placement": ("placement", ("buyer",)),
    "frontend:producer-placement": ("placement", ("producer",)),
    "frontend:placement-delivery-note": ("consignment-delivery", ("producer",)),
    "frontend:buyer-sales-report": ("sales-report", ("buyer",)),
    "frontend:buyer-sales-report-new": ("outlet", ("buyer",)),
    "frontend:officer-buyer": ("registration", ("officer",)),
    "frontend:officer-credit-detail": ("organisation", ("officer",)),
    "frontend:officer-curation-product": ("product", ("officer",)),
    "frontend:officer-producer": ("producer-pk", ("officer",)),
    "frontend:officer-village": ("village", ("officer",)),
    "frontend:officer-survey-new": ("village", ("officer",)),
    "frontend:officer-coaching-new": ("village", ("officer",)),
    "frontend:officer-showcase": ("showcase", ("officer",)),
    "frontend:officer-showcase-edit": ("showcase", ("officer",)),
    "frontend:officer-showcase-report": ("showcase", ("officer",)),
    "frontend:officer-showcase-participant": ("participation", ("officer",)),
    "frontend:officer-investor-profile": ("investor-profile", ("officer",)),
    "frontend:officer-opportunity": ("opportunity", ("officer",)),
    "frontend:officer-interest": ("interest", ("officer",)),
}


# Pages swept for more roles than the first that opens them: each shows these people different things.
ALSO_FOR: dict[str, tuple[str, ...]] = {
    "frontend:order-list": ("buyer", "producer"),
    "frontend:producer-home": ("producer-new",),
    "frontend:buyer-organisation": ("buyer-member",),
    "mfa_index": ("officer",),
}


def _excluded(key: str) -> bool:
    return any(re.fullmatch(pattern, key) for pattern in EXCLUDED)


def _page_routes():
    return [route for route in all_routes() if PAGES.fullmatch(route.key)]


def test_every_page_route_is_swept_or_excluded():
    """A route with parameters is opened with an object (OBJECT_PAGES) or excluded with its reason, never both."""
    routes = _page_routes()
    keys = {route.key for route in routes}
    unplaced = [r.key for r in routes if r.has_params and not _excluded(r.key) and r.key not in OBJECT_PAGES]
    both = [key for key in OBJECT_PAGES if _excluded(key)]
    stale = [key for key in OBJECT_PAGES if key not in keys]
    stale += [pattern for pattern in EXCLUDED if not any(re.fullmatch(pattern, key) for key in keys)]

    assert unplaced == [], f"add these routes to OBJECT_PAGES or EXCLUDED in {__name__}: {unplaced}"
    assert both == [] and stale == []


def _sweep_objects(people) -> dict[str, dict]:  # noqa: F811
    """Return {kind: url kwargs} for every kind OBJECT_PAGES names: the matrix's objects and a few more."""
    from buyers.models import BuyerRegistration
    from catalog.models import Product
    from catalog.selectors.public import product_slug
    from investors.models import InvestorProfile, Opportunity
    from showcases.models import Showcase

    kinds = {kind: kwargs for kind, (_parties, kwargs) in _objects(people).items()}
    product = Product.objects.get(pk=kinds["product"]["pk"])
    producer = people["producer_p"]
    opportunity = Opportunity.objects.get()
    from catalog.services.collections import (
        CollectionDetails,
        collection_create,
        collection_product_add,
        collection_publish,
    )

    officer = people["users"]["officer"]
    collection = collection_create(officer=officer, details=CollectionDetails(title="Kopi Jember",
                                                                              title_en="Jember coffee"))
    collection_product_add(officer=officer, collection_id=collection.pk, product_id=product.pk)
    collection_publish(officer=officer, collection_id=collection.pk, published=True)
    kinds.update({
        "collection": {"pk": collection.pk},
        "collection-page": {"slug": collection.slug},
        "product-page": {"pk": product.pk, "slug": product_slug(product.approved_snapshot["name"])},
        "producer": {"pk": producer.pk},
        "producer-pk": {"pk": producer.pk},
        "village": {"code": producer.village_id},
        "programme-village": {"code": opportunity.village.village_id},
        "opportunity": {"pk": opportunity.pk},
        "showcase": {"pk": Showcase.objects.get().pk},
        "investor-profile": {"pk": InvestorProfile.objects.get().pk},
        "registration": {"pk": BuyerRegistration.objects.get(organisation_id=kinds["organisation"]["pk"]).pk},
    })
    return kinds


def _client(user, *, officer: bool = False) -> Client:
    """Sign ``user`` in as after a password (and the officer's second factor): allauth's pages that ask for a
    recent sign-in (two-factor setup, email) are served, not sent to reauthenticate."""
    client = Client()
    if user is None:
        return client
    if officer:
        force_login_mfa(client, user)
    else:
        client.force_login(user)
        session = client.session
        session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "email": user.email}]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
    session = client.session  # a recent sign-in: allauth's pages that ask to reauthenticate are served
    session["account_authentication_methods"] = [{**record, "reauthenticated": True}
                                                 for record in session["account_authentication_methods"]]
    session.save()
    return client


def _candidates(key: str, kind: str) -> list[str]:
    """Return the roles to try for a parameterless route: the role its name mentions first, then the others."""
    roles = list(TRIED_BY.get(kind, ()))
    named = [role for role in roles if role != "visitor" and re.search(rf"\b{role.split('-')[0]}\b", key)]
    return named + [role for role in roles if role not in named]


def _plan(kinds: dict, users: dict) -> dict[str, list[tuple[str, str]]]:
    """Return {role: [(name, path), ...]}: the pages each role opens, found by asking the server as that role.

    A parameterless route is a page of the first role it answers 200 with HTML (the role its name mentions is
    asked first); ALSO_FOR lists the pages that differ enough by role to be swept for more roles.
    """
    clients = {role: _client(users[role], officer=role == "officer") for role in ROLES}
    plan: dict[str, list[tuple[str, str]]] = {role: [] for role in ROLES}
    missing: list[str] = []
    for route in _page_routes():
        if _excluded(route.key):
            continue
        if route.has_params:
            kind, roles = OBJECT_PAGES[route.key]
            path = reverse(route.key, kwargs=kinds[kind])
            for role in roles:
                plan[role].append((route.key, path))
            continue
        path = "/" + route.route
        kind = rule_for(route.key)[0][1].kind
        for role in _candidates(route.key, kind):
            response = clients[role].get(path)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                for each in (role, *ALSO_FOR.get(route.key, ())):
                    plan[each].append((route.key, path))
                break
        else:
            missing.append(f"{route.key} ({kind})")
    assert missing == [], f"page routes no role could open (exclude them with a reason in {__name__}): {missing}"
    return plan


@pytest.mark.browser
@pytest.mark.timeout(1800)  # some 150 pages, each with axe-core and a full-page screenshot
@pytest.mark.django_db(transaction=True)
def test_every_page_passes_axe_fits_360_px_and_has_44_px_tap_targets(browser, live_server, people):  # noqa: F811
    # given: a person of each role, and the objects their pages show
    users = {role: people["users"].get(role) for role in ROLES}
    users["visitor"] = None
    member = UserFactory(role=Role.BUYER)
    MembershipFactory(user=member, organisation=people["org_a"], role=Membership.Role.MEMBER)
    users["buyer-member"] = member
    users["producer-new"] = UserFactory(role=Role.PRODUCER)  # an account whose business is not registered yet
    RecoveryCodes.activate(users["officer"])  # the officer's recovery codes page
    kinds = _sweep_objects(people)
    cart_line_set(shopper=shopper_get(user=users["consumer"]), product_id=on_sale().pk, quantity=1)  # checkout
    plan = _plan(kinds, users)
    failures: list[str] = []
    counts = {"pages": 0}
    report = (artefact_folder("accessibility") / "report.txt").open("w")  # each page and its problems, as found

    # when: each role opens its pages in one phone-sized context
    for role in ROLES:
        shots = artefact_folder(f"accessibility/{role}")
        context = browser.new_context(viewport=PHONE, locale="id-ID", timezone_id="Asia/Jakarta")
        context.set_default_timeout(15_000)
        if users[role] is not None:
            client = _client(users[role], officer=role == "officer")
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                                  "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        page = context.new_page()
        for name, path in plan[role]:
            response = page.goto(live_server.url + path)
            page.wait_for_load_state()
            counts["pages"] += 1
            where = f"{role} {path} ({name})"
            found = len(failures)
            if response is None or response.status != 200 or page.url != live_server.url + path:
                failures.append(f"{where}: HTTP {response.status if response else '?'} at {page.url}")
                report.write(f"{where}\n  {failures[-1]}\n")
                continue
            page.screenshot(path=str(shots / (name.split(":")[-1] + ".png")), full_page=True)
            # then: no serious or critical violation, no sideways scroll, tap targets of 44 px
            failures += [f"{where}: {line}" for line in axe_violations(page)]
            if not page.evaluate(NO_SIDEWAYS):
                width = page.evaluate("document.documentElement.scrollWidth")
                failures.append(f"{where}: scrolls sideways ({width} px wide)")
            failures += [f"{where}: tap target {line}" for line in small_tap_targets(page)]
            report.write(f"{where}\n" + "".join(f"  {line}\n" for line in failures[found:]))
            report.flush()
        context.close()
    report.close()

    assert counts["pages"] >= 80, counts
    assert failures == [], f"{len(failures)} problems on {counts['pages']} pages:\n" + "\n".join(failures)
