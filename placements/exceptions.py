"""Errors of the placements app."""
from django.utils.translation import gettext_lazy as _

from market.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class PlacementNotFound(NotFound):
    code = "placement_not_found"
    default_message = _("Placement not found.")


class DeliveryNotFound(NotFound):
    code = "consignment_delivery_not_found"
    default_message = _("Delivery not found.")


class SalesReportNotFound(NotFound):
    code = "sales_report_not_found"
    default_message = _("Sales report not found.")


class PlacementSideRequired(PermissionDenied):
    code = "placement_side_required"
    default_message = _("Only the other side of this placement can do this.")


class PlacementInvalid(ValidationFailed):
    code = "placement_invalid"


class PlacementTransitionInvalid(Conflict):
    code = "placement_transition_invalid"
    default_message = _("The placement cannot move to this status from its current one.")


class PlacementDuplicate(Conflict):
    code = "placement_duplicate"
    default_message = _("This product already has an open placement at this outlet.")


class ConsignmentInvalid(ValidationFailed):
    code = "consignment_invalid"


class SalesReportDuplicate(Conflict):
    code = "sales_report_duplicate"
    default_message = _("This outlet has already reported this period.")


class SalesImportInvalid(ValidationFailed):
    """A CSV of sales with bad rows: ``rows`` holds ``(line number, reason)``; nothing was written."""

    code = "sales_import_invalid"
    default_message = _("The file has errors; nothing was saved. Correct the rows below and upload it again.")

    def __init__(self, rows: list[tuple[int, str]], **kwargs) -> None:
        self.rows = rows
        fields = {"file": [f"{_('Line')} {line}: {reason}" if line else str(reason) for line, reason in rows]}
        super().__init__(fields=fields, **kwargs)


class SettlementInvalid(Conflict):
    code = "consignment_settlement_invalid"
    default_message = _("This report cannot be settled.")


class SettlementPaymentInvalid(ValidationFailed):
    code = "consignment_payment_invalid"
    default_message = _("The chain's payment could not be recorded.")


class SettlementNotFound(NotFound):
    code = "consignment_settlement_not_found"
    default_message = _("Settlement not found.")
