"""The declared access rule of every route in the URL configuration (issue 19: authorization matrix).

A key is a regular expression matched in full against a route's name (``namespace:name``), or
against its route string when it has no name. Every route needs exactly one matching rule, and
every rule must match a route: a new route fails the suite until someone declares who may open it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed-in"  # any signed-in person; anonymous people sign in first
OFFICER = "officer"  # programme officers whose session passed the second factor
ADMIN = "admin"  # Django's admin: staff officers only (its own login)
OWNER_OBJECT = "owner-object"  # a URL naming one object: its owner (or party) only
EXEMPT = "exempt"  # not an authorization surface of ours (allauth's own flows, webhooks with signatures)
NOT_YET_COVERED = "not-yet-covered"  # has a rule in the code, but the matrix does not exercise it yet


@dataclass(frozen=True)
class Rule:
    kind: str
    reason: str = ""


@dataclass(frozen=True)
class Route:
    key: str  # name, or route string for an unnamed route
    route: str
    has_params: bool


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            has_params = bool(pattern.pattern.regex.groups) or "<" in route or "(?P" in route
            yield Route(key=name or route, route=route, has_params=has_params)


def all_routes() -> list[Route]:
    """Return every route of the root URL configuration, admin and allauth included."""
    return list(_walk(get_resolver().url_patterns))


ALLAUTH = Rule(EXEMPT, "allauth's own sign-in, sign-up, email, password and 2FA flows (tests/accounts)")
OBJECT_NYC = "object route: the matrix has no fixture for this object yet; covered by its app's tests"

RULES: dict[str, Rule] = {
    # --- infrastructure ----------------------------------------------------------------------
    r"healthz": Rule(PUBLIC),
    r"admin-login|admin:.*|admin/.*": Rule(ADMIN),
    r"account_.*|mfa_.*": ALLAUTH,
    r"payments:stripe-webhook": Rule(EXEMPT, "Stripe webhook: authenticated by its signature (tests/payments)"),
    r"set_language|javascript-catalog": Rule(PUBLIC),
    r"media": Rule(EXEMPT, "local media files in development only (DEBUG); served by storage in production"),
    r"schema|swagger-ui|redoc": Rule(PUBLIC),
    # --- public pages and API ----------------------------------------------------------------
    r"frontend:(home|village-list|product-list|product-filter-villages|search|search-suggest|search-villages"
    r"|place-villages|cart)": Rule(PUBLIC),
    # Issue 17: what crawlers, link previews and an installed app read (tests/frontend/test_storefront_seo.py).
    r"frontend:(robots|sitemap|manifest|service-worker|offline)": Rule(PUBLIC),
    r"v1:regions:.*|v1:catalog:(village-list|producer-list|product-list|category-tree|commodity-list)"
    r"|v1:search:.*": Rule(PUBLIC),
    r"v1:accounts:token": Rule(PUBLIC),
    r"frontend:programme-results": Rule(PUBLIC),  # public programme results (issue 18): no personal data
    # Issue 17, make it sell: a published collection; recording a viewed product in the visitor's own session.
    r"frontend:(collection|recently-viewed)": Rule(PUBLIC),
    r"frontend:wishlist|v1:catalog:wishlist": Rule(SIGNED_IN),
    r"frontend:officer-collection(s|-publish|-add|-remove|-move)?": Rule(OFFICER),
    r"frontend:wishlist-toggle|v1:catalog:wishlist-item": Rule(
        NOT_YET_COVERED, "names a public product; acts only on the requester's own favourites "
        "(tests/frontend/test_wishlist.py)"),
    # --- signed-in, parameterless ------------------------------------------------------------
    r"frontend:(dashboard|order-list|purchase-request-list|addresses|address-add|account-api-tokens"
    r"|account-personal-data|account-personal-data-download|account-close|acting-for|checkout|checkout-summary"
    r"|purchase-request-submit|approval-limit|buyer-invoices|buyer-preferences|buyer-organisation"
    r"|buyer-organisation-submit|buyer-outlets|buyer-outlet-add|producer-home|producer-register"
    r"|producer-business|producer-permit-set|producer-product-new|producer-orders|producer-finance"
    r"|producer-delivery|cart-add|cart-accept-prices)": Rule(SIGNED_IN),
    r"v1:orders:cart|v1:accounts:(token-list|me|me-data|me-close|invitation-accept)|v1:catalog:(producer-mine|product-mine"
    r"|assist-session-start|assist-session-end|assisted-action-list)|v1:orders:(cart-lines|cart-accept-prices|checkout"
    r"|purchase-request-list|order-list)|v1:buyers:(outlet-list|address-list)"
    r"|v1:payments:(transfer-receipts|refunds|terms-invoices)": Rule(SIGNED_IN),
    r"frontend:(buyer-placements|buyer-placement-new|buyer-sales|buyer-sales-import|buyer-shelf|buyer-shelf-csv"
    r"|producer-placements|producer-placement-new|producer-delivery-new)|v1:placements:(placement-list"
    r"|delivery-list|sales-report-list|sales-report-import|settlement-line-list)": Rule(SIGNED_IN),
    # --- officer-only, parameterless ---------------------------------------------------------
    r"frontend:officer-(home|orders|finance|finance-transfers|finance-payouts|finance-refunds|finance-late"
    r"|credit|buyers|villages|survey-import|survey-template|curation|producers|assist-end|placements"
    r"|shelf-csv|finance-consignment)": Rule(OFFICER),
    r"frontend:officer-(cockpit|cockpit-export|cockpit-summary|cockpit-report|audit)": Rule(OFFICER),  # programme cockpit (issue 18)
    r"v1:catalog:product-review-queue|v1:buyers:officer-registration-list"
    r"|v1:payments:late-transfers": Rule(OFFICER),
    # --- object routes exercised by the matrix (OBJECT_ROUTES in the test) ------------------
    r"frontend:(order-detail|order-purchase-order|order-action|order-problem|order-reorder|checkout-done"
    r"|checkout-invoice|checkout-pay|checkout-pay-return|checkout-cancel|purchase-request-detail"
    r"|purchase-request-approve|purchase-request-reject|address-edit|address-archive|buyer-outlet-edit"
    r"|buyer-outlet-archive|organisation-members|organisation-member-invite|organisation-member-role"
    r"|organisation-member-remove|organisation-invitation-resend|organisation-invitation-revoke"
    r"|account-api-token-revoke"
    r"|producer-product-(edit|stock|tiers|submit|restock|stock-correct|threshold))": Rule(OWNER_OBJECT),
    r"v1:orders:(order-detail|order-problems|order-accept|order-decline|order-pack|order-ship|order-deliver"
    r"|order-confirm|order-cancel|order-reorder|checkout-detail|checkout-cancel|purchase-request-detail"
    r"|purchase-request-approve|purchase-request-reject)|v1:buyers:(outlet-detail|address-detail"
    r"|registration|registration-submit|approval-limit|buyer-preferences)|v1:accounts:(organisation-members"
    r"|organisation-member|organisation-invitations|organisation-invitation|organisation-invitation-resend"
    r"|token-detail)|v1:catalog:(product-working-copy|product-price-tiers"
    r"|product-photos|product-submit|product-restock|product-stock-correct|product-stock-threshold)"
    r"|v1:payments:(card-payment|bank-transfer|producer-balance)": Rule(OWNER_OBJECT),
    r"frontend:(buyer-placement|buyer-placement-reorder|buyer-sales-report-new|buyer-sales-report"
    r"|buyer-sales-report-settle|buyer-outlet-range|placement-move|placement-delivery-note|producer-placement)"
    r"|v1:placements:(placement-detail|placement-transition|delivery-detail|sales-report-detail"
    r"|sales-report-settle)": Rule(OWNER_OBJECT),
    r"frontend:officer-(finance-batch|finance-batch-csv|finance-refund|credit-detail|buyer|village"
    r"|curation-product|producer)": Rule(OFFICER),
    r"frontend:officer-(finance-batch-paid|finance-refund-credit-note|finance-late-decide|credit-suspend"
    r"|buyer-verify|buyer-refuse|village-join|village-profile|village-photo-add|village-photo-remove"
    r"|village-stage|survey-new|coaching-new|curation-approve|curation-reject|curation-delist|producer-verify"
    r"|producer-unverify|assist-start)": Rule(OFFICER),
    r"v1:catalog:(village-stage|village-surveys|village-coaching-sessions|producer-verify|producer-unverify"
    r"|product-approve|product-reject|product-delist)|v1:buyers:officer-registration-(detail|verify|refuse)"
    r"|v1:payments:(refund-transfer|refund-credit-note|late-transfer-decide)": Rule(OFFICER),
    r"frontend:officer-finance-consignment-pay|v1:placements:settlement-pay": Rule(OFFICER),
    # --- public object routes ----------------------------------------------------------------
    r"frontend:(village-detail|product-detail|product|producer-detail)|v1:catalog:(village-detail|producer-detail"
    r"|producer-products|product-detail)|v1:orders:(delivery-options|delivery-quote)": Rule(PUBLIC),
    # --- reviews (issue 17) ----------------------------------------------------------------------
    r"frontend:product-reviews|v1:reviews:product-reviews": Rule(PUBLIC),
    r"frontend:producer-reviews|v1:reviews:review-list": Rule(SIGNED_IN),
    r"frontend:officer-review(s|-moderate)": Rule(OFFICER),
    r"frontend:review-(write|reply)": Rule(OWNER_OBJECT),
    r"frontend:review-report": Rule(NOT_YET_COVERED, "any signed-in person may report a visible review, once "
                                                      "(tests/reviews/test_pages.py)"),
    # --- object routes not yet exercised -----------------------------------------------------
    r"v1:catalog:(producer-permit|product-photo)|frontend:(producer-permit-delete"
    r"|producer-product-(photo-add|photo-delete))": Rule(NOT_YET_COVERED, OBJECT_NYC + " (tests/catalog)"),
    r"v1:orders:(cart-line|purchase-request-withdraw|order-problem-answer|order-problem-decide)"
    r"|frontend:(cart-line|order-problem-answer|order-problem-decide|purchase-request-withdraw)":
        Rule(NOT_YET_COVERED, OBJECT_NYC + " (tests/orders)"),
    # --- showcases (gelar produk) ----------------------------------------------------------------
    r"frontend:showcase-(list|detail)|v1:showcases:showcase-(list|detail)": Rule(PUBLIC),
    r"frontend:(buyer|producer)-showcases|v1:showcases:meeting-list": Rule(SIGNED_IN),
    r"frontend:officer-showcase(s|-new|-edit|-status|-lineup|-schedule|-report|-report-csv|-participant|-move)?":
        Rule(OFFICER),
    r"frontend:showcase-(meeting|meeting-outcome|participation)|v1:showcases:meeting-(detail|outcome|accept)":
        Rule(OWNER_OBJECT),
    r"frontend:showcase-(buyer|register|buyer-availability|meeting-request|agenda|agenda-ics|meeting-respond"
    r"|meeting-cancel|meeting-order|meeting-link-order|participation-respond|participation-availability)"
    r"|v1:showcases:(registration|agenda|meeting-decline)": Rule(NOT_YET_COVERED, OBJECT_NYC + " (tests/showcases)"),
    # --- investors (issue 16) ------------------------------------------------------------------
    r"frontend:investor-(directory|districts|opportunities)|v1:investors:village-list": Rule(PUBLIC),
    r"frontend:investor-(village|opportunity)|v1:investors:village-detail":
        Rule(PUBLIC, "what each person sees is decided by investors.selectors.Viewer (tests/investors/test_visibility)"),
    r"frontend:(investor-(dashboard|profile|terms|interests|watchlist|watch-add)|producer-investor-interests)"
    r"|v1:investors:(profile|profile-submit|terms|opportunity-list|watch-list|interest-list)": Rule(SIGNED_IN),
    r"frontend:officer-(investors|investors-csv|investor-profiles|opportunities|opportunity-new|interests)"
    r"|v1:investors:officer-profile-list": Rule(OFFICER),
    r"frontend:officer-(investor-profile|investor-profile-verify|investor-profile-refuse|opportunity"
    r"|opportunity-status|opportunity-document|interest|interest-move|interest-note|interest-share)"
    r"|v1:investors:(officer-profile-verify|officer-profile-refuse|interest-move|interest-share)": Rule(OFFICER),
    r"frontend:investor-(interest|watch-remove)|v1:investors:(interest-detail|watch-item)": Rule(OWNER_OBJECT),
    r"frontend:investor-(village-interest|opportunity-interest|document)"
    r"|v1:investors:(village-interest|opportunity-detail|opportunity-interest)":
        Rule(NOT_YET_COVERED, OBJECT_NYC + " (tests/investors/test_visibility.py, test_api.py)"),
    r"frontend:(checkout-pay-proof|transfer-proof)":
        Rule(NOT_YET_COVERED, OBJECT_NYC + " (tests/frontend/test_storefront_proofs.py)"),
    r"frontend:dashboard-role": Rule(NOT_YET_COVERED, "redirects to the dashboard of a role; no object"),
    r"frontend:invitation-accept": Rule(NOT_YET_COVERED, "the token is the secret; tests/accounts/test_invitations"),
}


def rule_for(key: str) -> list[tuple[str, Rule]]:
    return [(pattern, rule) for pattern, rule in RULES.items() if re.fullmatch(pattern, key)]
