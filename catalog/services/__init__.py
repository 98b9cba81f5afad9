"""Writes of the catalog app, one function per use case (split by subject into modules)."""
from catalog.services.assist import ASSIST_SESSION_DURATION, assist_session_end, assist_session_start
from catalog.services.coaching import coaching_session_record
from catalog.services.curation import (
    CURATION_DECISIONS,
    product_curation_decide,
    product_curation_decisions_available,
)
from catalog.services.photos import (
    product_photo_add,
    product_photo_remove,
    village_photo_add,
    village_photo_remove,
)
from catalog.services.producers import (
    permit_expiry_notify,
    producer_create,
    producer_permit_delete,
    producer_permit_set,
    producer_unverify,
    producer_update,
    producer_verify,
)
from catalog.services.products import (
    ProductChanges,
    product_approve,
    product_create,
    product_delist,
    product_price_tiers_set,
    product_reject,
    product_submit_for_curation,
    product_update,
)
from catalog.services.reference import category_create, category_food_permits_set, commodity_create
from catalog.services.stock import (
    stock_correct,
    stock_release,
    stock_reserve,
    stock_restock,
    stock_ship,
    stock_threshold_set,
)
from catalog.services.surveys import survey_import_csv, survey_record
from catalog.services.villages import village_advance_stage, village_profile_get_or_create, village_profile_update

__all__ = [
    "ASSIST_SESSION_DURATION", "assist_session_end", "assist_session_start",
    "CURATION_DECISIONS", "product_curation_decide", "product_curation_decisions_available",
    "ProductChanges",
    "category_create", "category_food_permits_set", "coaching_session_record", "commodity_create",
    "permit_expiry_notify", "producer_create", "producer_permit_delete", "producer_permit_set", "producer_unverify",
    "producer_update", "producer_verify", "product_approve", "product_create", "product_delist", "product_photo_add",
    "product_photo_remove", "product_price_tiers_set", "product_reject", "product_submit_for_curation",
    "product_update", "stock_correct", "stock_release", "stock_reserve", "stock_restock", "stock_ship",
    "stock_threshold_set", "survey_import_csv", "survey_record", "village_advance_stage",
    "village_photo_add", "village_photo_remove", "village_profile_get_or_create",
    "village_profile_update",
]
