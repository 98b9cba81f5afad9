"""Errors of the catalog app; each has a stable ``code`` (see ``market.core.errors``)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from market.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class OfficerRequired(PermissionDenied):
    code = "officer_required"
    default_message = _("Only programme officers can do this.")


class ProducerMemberRequired(PermissionDenied):
    code = "producer_member_required"
    default_message = _("Only the people of this producer or a programme officer can do this.")


class DemoDataNotAllowed(PermissionDenied):
    code = "demo_data_not_allowed"
    default_message = _("Demo data cannot be loaded with production settings: its accounts have a published "
                        "password.")


class ProductNotFound(NotFound):
    code = "product_not_found"
    default_message = _("Product not found.")


class ProducerNotFound(NotFound):
    code = "producer_not_found"
    default_message = _("Producer not found.")


class CatalogInvalid(ValidationFailed):
    """Bad input for a catalog service; ``fields`` says which field is wrong and why."""

    code = "catalog_invalid"


class StageUnchanged(Conflict):
    code = "stage_unchanged"
    default_message = _("The village is already at this stage.")


class StageSkipped(ValidationFailed):
    code = "stage_skipped"
    default_message = _("A village moves forward one stage at a time.")


class StageReasonRequired(ValidationFailed):
    code = "stage_reason_required"
    default_message = _("Give a reason for moving the village back to an earlier stage.")


class SurveyInvalid(ValidationFailed):
    code = "survey_invalid"
    default_message = _("The survey has errors.")


class SurveyFileInvalid(ValidationFailed):
    """The survey file has bad rows; ``fields`` maps ``"line N"`` to what is wrong there."""

    code = "survey_file_invalid"
    default_message = _("The survey file has errors; nothing was imported.")


class ProductStatusInvalid(Conflict):
    code = "product_status_invalid"
    default_message = _("This product cannot make that change in its current status.")


class ProductIncomplete(ValidationFailed):
    code = "product_incomplete"
    default_message = _("Complete the product before submitting it for curation.")


class RejectionReasonRequired(ValidationFailed):
    code = "rejection_reason_required"
    default_message = _("Choose at least one reason for the rejection.")


class PriceTiersInvalid(ValidationFailed):
    code = "price_tiers_invalid"
    default_message = _("The price tiers are not valid.")


class StockQuantityInvalid(ValidationFailed):
    code = "stock_quantity_invalid"
    default_message = _("Quantities must be whole numbers greater than zero.")


class InsufficientStock(Conflict):
    """Not enough available units; ``available`` maps product id to the units still available."""

    code = "insufficient_stock"

    def __init__(self, *, available: dict[int, int], names: dict[int, str]):
        self.available = available
        fields = {
            str(product_id): [str(_("Only %(count)s left.") % {"count": count})]
            for product_id, count in available.items()
        }
        if len(available) == 1:
            ((product_id, count),) = available.items()
            message = _("Only %(count)s left of %(product)s.") % {"count": count, "product": names[product_id]}
        else:
            message = _("Some products do not have enough stock left.")
        super().__init__(message, fields=fields)


class VillageNotFound(NotFound):
    code = "village_not_found"
    default_message = _("Village not found in the programme.")


class PhotoNotFound(NotFound):
    code = "photo_not_found"
    default_message = _("Photo not found.")


class PermitNotFound(NotFound):
    code = "permit_not_found"
    default_message = _("Permit not found.")


class AssistSessionRequired(PermissionDenied):
    code = "assist_session_required"
    default_message = _("Start assisted mode for this producer first (from the producer's page for officers).")


class AssistSessionNotFound(NotFound):
    code = "assist_session_not_found"
    default_message = _("Assist session not found.")


class CurationOfOwnAssistedWork(PermissionDenied):
    code = "curation_of_own_assisted_work"
    default_message = _("You prepared or submitted this product on behalf of the producer: another officer must "
                        "review it.")


class CollectionNotFound(NotFound):
    code = "collection_not_found"
    default_message = _("Collection not found.")


class CollectionProductNotListed(ValidationFailed):
    code = "collection_product_not_listed"
    default_message = _("Only products on sale can be put in a collection.")


class CollectionIsRuleBased(Conflict):
    code = "collection_rule_based"
    default_message = _("This collection lists every retail-ready product by itself: products are not added by hand.")


class CollectionProductMissing(NotFound):
    code = "collection_product_missing"
    default_message = _("This product is not in the collection.")


class WishlistNotForRole(PermissionDenied):
    code = "wishlist_not_for_role"
    default_message = _("Only consumers and retail buyers keep favourites.")


class WishlistFull(Conflict):
    code = "wishlist_full"
    default_message = _("Your favourites are full: remove some before saving more.")
