"""Every list page and list endpoint of the URL configuration, and the test that holds its query budget.

A list's queries must not grow with its rows (``docs/performance.md``, "Query budgets"): each test named
here requests the list with few rows and with many and asserts the same count. ``test_list_budgets``
finds the routes that look like lists (a name ending in ``-list`` or a plural noun) and fails for any
that is in none of the three tables below, so a new list page cannot arrive without a decision.
``WITHOUT_BUDGET`` is the known gap: lists that have no budget test yet (it should only shrink).
"""
from __future__ import annotations

BUDGETS: dict[str, str] = {
    # public
    "v1:reviews:product-reviews": "tests/reviews/test_api.py::test_the_product_reviews_list_costs_the_same_queries_for_1_or_6_reviews",
    "frontend:product-list": "tests/frontend/test_catalog_pages.py::test_catalogue_costs_the_same_queries_for_2_or_20_products",
    "frontend:village-list": "tests/frontend/test_catalog_pages.py::test_village_directory_costs_the_same_queries_for_2_or_20_villages",
    "frontend:search": "tests/frontend/test_search_pages.py::test_query_budget_does_not_grow_with_the_page_size",
    "frontend:showcase-list": "tests/showcases/test_pages.py::test_the_public_list_reads_a_fixed_number_of_queries",
    "frontend:programme-results": "tests/programme/test_pages.py::test_public_results_answer_in_a_fixed_number_of_queries",
    "frontend:investor-districts": "tests/investors/test_pages.py::test_directory_and_district_pages_have_a_fixed_query_budget",
    "v1:catalog:product-list": "tests/catalog/test_api_products.py::test_public_list_costs_the_same_queries_for_2_or_20_products",
    "v1:regions:village-list": "tests/market/test_api.py::test_lists_are_paginated_with_a_fixed_number_of_queries",
    "v1:search:products": "tests/search/test_api.py::test_the_number_of_queries_does_not_grow_with_the_page",
    "v1:investors:village-list": "tests/investors/test_api.py::test_directory_api_has_a_fixed_query_budget",
    # buyers
    "frontend:order-list": "tests/frontend/test_order_pages.py::test_order_list_uses_a_fixed_number_of_queries",
    "frontend:purchase-request-list":
        "tests/frontend/test_purchase_request_pages.py::test_queue_page_queries_do_not_grow_with_the_number_of_requests",
    "v1:orders:order-list": "tests/orders/test_selectors.py::test_order_lists_take_a_fixed_number_of_queries",
    "v1:orders:purchase-request-list":
        "tests/orders/test_purchase_requests.py::test_list_queries_do_not_grow_with_the_number_of_requests",
    "v1:showcases:meeting-list": "tests/showcases/test_api.py::test_the_meeting_list_reads_a_fixed_number_of_queries",
    "v1:placements:placement-list":
        "tests/placements/test_api.py::test_the_placement_list_costs_the_same_for_2_and_12_placements",
    # producers
    "frontend:producer-orders":
        "tests/frontend/test_order_pages.py::test_producer_board_and_officer_list_use_a_fixed_number_of_queries",
    # officers
    "frontend:officer-orders":
        "tests/frontend/test_order_pages.py::test_producer_board_and_officer_list_use_a_fixed_number_of_queries",
    "frontend:officer-producers": "tests/frontend/test_officer_pages.py::test_producer_list_uses_a_fixed_number_of_queries",
    "frontend:officer-villages": "tests/frontend/test_officer_pages.py::test_village_list_uses_a_fixed_number_of_queries",
    "frontend:officer-finance-transfers":
        "tests/frontend/test_finance_pages.py::test_the_waiting_transfers_page_reads_a_fixed_number_of_queries",
    "frontend:officer-finance-payouts":
        "tests/frontend/test_finance_pages.py::test_the_balances_and_batches_pages_read_a_fixed_number_of_queries",
    "frontend:officer-showcases":
        "tests/showcases/test_pages.py::test_the_officers_showcase_page_reads_a_fixed_number_of_queries",
    "frontend:officer-investors": "tests/investors/test_pages.py::test_officer_lists_have_a_fixed_query_budget",
    "frontend:officer-investor-profiles": "tests/investors/test_pages.py::test_officer_lists_have_a_fixed_query_budget",
    "frontend:officer-opportunities": "tests/investors/test_pages.py::test_officer_lists_have_a_fixed_query_budget",
    "frontend:officer-interests": "tests/investors/test_pages.py::test_officer_lists_have_a_fixed_query_budget",
    "v1:payments:refunds":
        "tests/payments/test_refund_transfers.py::test_api_officers_list_refunds_owed_and_record_a_transfer_with_proof",
    "frontend:account-api-tokens":
        "tests/performance/test_page_list_budgets.py::test_api_tokens_cost_the_same_queries_for_2_or_6_tokens",
    "frontend:organisation-members":
        "tests/performance/test_page_list_budgets.py::test_organisation_members_cost_the_same_queries_for_2_or_6_people",
    "frontend:addresses":
        "tests/performance/test_page_list_budgets.py::test_addresses_cost_the_same_queries_for_2_or_6_addresses",
    "frontend:buyer-outlets":
        "tests/performance/test_page_list_budgets.py::test_outlets_cost_the_same_queries_for_2_or_6_outlets",
    "frontend:officer-buyers":
        "tests/performance/test_page_list_budgets.py::test_officers_buyer_queue_costs_the_same_queries_for_2_or_6_registrations",
    "frontend:search-villages":
        "tests/performance/test_page_list_budgets.py::test_village_search_costs_the_same_queries_for_2_or_6_villages",
    "frontend:product-reviews":
        "tests/performance/test_page_list_budgets.py::test_product_reviews_cost_the_same_queries_for_2_or_6_reviews",
    "frontend:producer-reviews":
        "tests/performance/test_page_list_budgets.py::test_producer_reviews_cost_the_same_queries_for_2_or_6_reviews",
    "frontend:officer-reviews":
        "tests/performance/test_page_list_budgets.py::test_officers_reported_reviews_cost_the_same_queries_for_2_or_6_reviews",
    "frontend:buyer-placements":
        "tests/performance/test_page_list_budgets.py::test_buyer_placements_cost_the_same_queries_for_2_or_6_placements",
    "frontend:producer-placements":
        "tests/performance/test_page_list_budgets.py::test_producer_placements_cost_the_same_queries_for_2_or_6_placements",
    "frontend:officer-placements":
        "tests/performance/test_page_list_budgets.py::test_officers_placements_cost_the_same_queries_for_2_or_6_placements",
    "frontend:buyer-sales":
        "tests/performance/test_page_list_budgets.py::test_buyer_sales_reports_cost_the_same_queries_for_2_or_6_reports",
    "frontend:investor-opportunities":
        "tests/performance/test_page_list_budgets.py::test_investors_opportunities_cost_the_same_queries_for_2_or_6_opportunities",
    "frontend:investor-interests":
        "tests/performance/test_page_list_budgets.py::test_investors_interests_cost_the_same_queries_for_2_or_6_interests",
    "frontend:producer-investor-interests":
        "tests/performance/test_page_list_budgets.py::test_producers_shared_interests_cost_the_same_queries_for_2_or_6_interests",
    "frontend:buyer-showcases":
        "tests/performance/test_page_list_budgets.py::test_buyer_showcases_cost_the_same_queries_for_2_or_6_registrations",
    "frontend:producer-showcases":
        "tests/performance/test_page_list_budgets.py::test_producer_showcases_cost_the_same_queries_for_2_or_6_participations",
    "frontend:officer-collections":
        "tests/performance/test_page_list_budgets.py::test_officers_collections_cost_the_same_queries_for_2_or_6_collections",
    "frontend:officer-finance-refunds":
        "tests/performance/test_page_list_budgets.py::test_officers_refunds_owed_cost_the_same_queries_for_2_or_6_refunds",
    "frontend:buyer-invoices":
        "tests/performance/test_page_list_budgets.py::test_buyer_invoices_cost_the_same_queries_for_2_or_6_invoices",
    "frontend:producer-product-tiers":
        "tests/performance/test_page_list_budgets.py::test_product_tiers_cost_the_same_queries_for_2_or_6_tiers",
    "v1:accounts:organisation-invitations":
        "tests/performance/test_api_list_budgets.py::test_organisation_invitations_cost_the_same_queries_for_2_or_6_invitations",
    "v1:accounts:organisation-members":
        "tests/performance/test_api_list_budgets.py::test_organisation_members_cost_the_same_queries_for_2_or_6_members",
    "v1:accounts:token-list":
        "tests/performance/test_api_list_budgets.py::test_api_tokens_cost_the_same_queries_for_2_or_6_tokens",
    "v1:buyers:address-list":
        "tests/performance/test_api_list_budgets.py::test_addresses_cost_the_same_queries_for_2_or_6_addresses",
    "v1:buyers:officer-registration-list":
        "tests/performance/test_api_list_budgets.py::test_buyer_registrations_cost_the_same_queries_for_2_or_6_registrations",
    "v1:buyers:outlet-list":
        "tests/performance/test_api_list_budgets.py::test_outlets_cost_the_same_queries_for_2_or_6_outlets",
    "v1:catalog:assisted-action-list":
        "tests/performance/test_api_list_budgets.py::test_assisted_actions_cost_the_same_queries_for_2_or_6_actions",
    "v1:catalog:commodity-list":
        "tests/performance/test_api_list_budgets.py::test_commodities_cost_the_same_queries_for_2_or_6_commodities",
    "v1:catalog:producer-list":
        "tests/performance/test_api_list_budgets.py::test_producers_cost_the_same_queries_for_2_or_6_producers",
    "v1:catalog:producer-products":
        "tests/performance/test_api_list_budgets.py::test_producer_products_cost_the_same_queries_for_2_or_6_products",
    "v1:catalog:village-coaching-sessions":
        "tests/performance/test_api_list_budgets.py::test_village_coaching_sessions_cost_the_same_queries_for_2_or_6_sessions",
    "v1:catalog:village-list":
        "tests/performance/test_api_list_budgets.py::test_programme_villages_cost_the_same_queries_for_2_or_6_villages",
    "v1:catalog:village-surveys":
        "tests/performance/test_api_list_budgets.py::test_village_surveys_cost_the_same_queries_for_2_or_6_surveys",
    "v1:investors:interest-list":
        "tests/performance/test_api_list_budgets.py::test_interests_cost_the_same_queries_for_2_or_6_interests",
    "v1:investors:officer-profile-list":
        "tests/performance/test_api_list_budgets.py::test_investor_profiles_cost_the_same_queries_for_2_or_6_profiles",
    "v1:investors:opportunity-list":
        "tests/performance/test_api_list_budgets.py::test_opportunities_cost_the_same_queries_for_2_or_6_opportunities",
    "v1:investors:watch-list":
        "tests/performance/test_api_list_budgets.py::test_watchlist_costs_the_same_queries_for_2_or_6_items",
    "v1:orders:delivery-options":
        "tests/performance/test_api_list_budgets.py::test_delivery_options_cost_the_same_queries_for_2_or_6_areas_and_rates",
    "v1:orders:order-problems":
        "tests/performance/test_api_list_budgets.py::test_order_problems_cost_the_same_queries_for_2_or_6_problems",
    "v1:payments:late-transfers":
        "tests/performance/test_api_list_budgets.py::test_late_transfers_cost_the_same_queries_for_2_or_6_transfers",
    "v1:payments:terms-invoices":
        "tests/performance/test_api_list_budgets.py::test_terms_invoices_cost_the_same_queries_for_2_or_6_invoices",
    "v1:placements:delivery-list":
        "tests/performance/test_api_list_budgets.py::test_consignment_deliveries_cost_the_same_queries_for_2_or_6_deliveries",
    "v1:placements:sales-report-list":
        "tests/performance/test_api_list_budgets.py::test_sales_reports_cost_the_same_queries_for_2_or_6_reports",
    "v1:placements:settlement-line-list":
        "tests/performance/test_api_list_budgets.py::test_consignment_settlements_cost_the_same_queries_for_2_or_6_lines",
    "v1:regions:district-list":
        "tests/performance/test_api_list_budgets.py::test_districts_cost_the_same_queries_for_2_or_6_districts",
    "v1:reviews:review-list":
        "tests/performance/test_api_list_budgets.py::test_own_reviews_cost_the_same_queries_for_2_or_6_reviews",
    "v1:search:villages":
        "tests/performance/test_api_list_budgets.py::test_village_search_costs_the_same_queries_for_2_or_6_villages",
    "v1:showcases:showcase-list":
        "tests/performance/test_api_list_budgets.py::test_showcases_cost_the_same_queries_for_2_or_6_showcases",
}

# Lists without a budget test yet: none since 2026-12-05 (every list above has its test). A new list route
# that is not in BUDGETS or NOT_LISTS fails test_list_budgets; add its test rather than listing it here.
WITHOUT_BUDGET: frozenset[str] = frozenset()

# Routes whose names read as lists but that are not list pages.
NOT_LISTS: dict[str, str] = {
    "frontend:robots": "robots.txt",
    "frontend:cart-accept-prices": "a form action (POST)",
    "v1:orders:cart-accept-prices": "an action (POST)",
    "frontend:buyer-preferences": "one organisation's preference form",
    "v1:buyers:buyer-preferences": "one organisation's preferences",
    "frontend:place-villages": "the villages of one district for a select (htmx), at most a few dozen",
    "frontend:product-filter-villages": "the villages of one district for the catalogue's filter (htmx)",
    "frontend:showcase-agenda-ics": "one showcase's calendar file",
    "frontend:officer-showcase-status": "an action (POST)",
    "frontend:officer-opportunity-status": "an action (POST)",
    "v1:investors:terms": "the investors' terms text",
    "v1:payments:transfer-receipts": "an action (POST: an officer records a transfer)",
    "v1:orders:cart-lines": "an action (POST: put a product in the cart)",
    "v1:catalog:product-photos": "an action (POST: upload)",
    "v1:catalog:product-price-tiers": "an action (PUT: replaces the tiers)",
    "frontend:investor-terms": "the investors' confidentiality terms and the form to accept them",
}
