"""Buyer organisations (retail chains): their registration and verification, purchasing preferences and
approval limit, the daily digest of new matching products, their outlets; consumers' delivery addresses."""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import DEFAULT_MIN_SHELF_LIFE_DAYS, PermitKind
from market.core.models import TimeStampedModel

# Certifications a buyer can require of a product (the NIB identifies a business, it certifies no product).
REQUIRED_CERTIFICATION_KINDS = [kind for kind in PermitKind.values if kind != PermitKind.NIB]


class BuyerProfile(TimeStampedModel):
    """A buyer organisation's preferences; created on first use with the defaults.

    Empty ``categories`` or ``districts`` mean "any". A product is "retail-ready for you" when it is
    retail ready by the organisation's ``min_shelf_life_days`` and matches the rest
    (``buyers.selectors.buyer_criteria_get``, ``catalog.selectors.product_for_buyer_q``).
    """

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE, related_name="buyer_profile",
                                        limit_choices_to={"kind": "buyer"}, verbose_name=_("organisation"))
    min_shelf_life_days = models.PositiveIntegerField(
        _("minimum shelf life (days)"), default=DEFAULT_MIN_SHELF_LIFE_DAYS,
        help_text=_("Food and drink with a shorter shelf life are not retail ready for this buyer."))
    approval_limit = models.PositiveBigIntegerField(
        _("approval limit (rupiah)"), null=True, blank=True,
        help_text=_("Orders of members above this total need a manager's approval; empty: no approval needed."))
    categories = models.ManyToManyField("catalog.Category", blank=True, related_name="+",
                                        verbose_name=_("categories of interest"))
    districts = models.ManyToManyField("regions.District", blank=True, related_name="+",
                                       verbose_name=_("districts sourced from"))
    required_certifications = ArrayField(
        models.CharField(max_length=16, choices=PermitKind.choices), default=list, blank=True,
        verbose_name=_("required certifications"))
    digest_enabled = models.BooleanField(
        _("daily digest"), default=True,
        help_text=_("Email owners and managers every morning the newly listed products that match."))
    digest_checked_until = models.DateTimeField(
        _("digest checked until"), null=True, blank=True, editable=False,
        help_text=_("Products listed up to this time have been considered for the digest."))

    class Meta:
        verbose_name = _("buyer profile")
        verbose_name_plural = _("buyer profiles")
        constraints = [
            models.CheckConstraint(condition=Q(min_shelf_life_days__gte=1, min_shelf_life_days__lte=3650),
                                   name="buyerprofile_min_shelf_life_range"),
            models.CheckConstraint(condition=Q(approval_limit__isnull=True) | Q(approval_limit__gte=1),
                                   name="buyerprofile_approval_limit_positive"),
            models.CheckConstraint(condition=Q(required_certifications__contained_by=REQUIRED_CERTIFICATION_KINDS),
                                   name="buyerprofile_certifications_valid"),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


# --- registration: who the buyer organisation is, checked by a programme officer ---------------------

NIB_PATTERN = r"^[0-9]{13}$"
NPWP_PATTERN = r"^[0-9]{15,16}$"


class BuyerKind(models.TextChoices):
    MODERN_RETAIL = "modern_retail", _("Modern retail chain")
    SHOP = "shop", _("Shop")
    HOSPITALITY = "hospitality", _("Hotel, restaurant or café")
    DISTRIBUTOR = "distributor", _("Distributor")
    COOPERATIVE = "cooperative", _("Cooperative")


class BuyerRegistration(TimeStampedModel):
    """A buyer organisation's legal details, as registered by its people and verified by an officer.

    Statuses (``buyers.services.buyer_registration_transition`` is the one place that moves them):
    draft → submitted → verified or refused (with a reason); a refused registration is corrected and
    submitted again; a verified one whose legal name, NIB or NPWP changes goes back to submitted.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        REFUSED = "refused", _("Refused")

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="buyer_registration", limit_choices_to={"kind": "buyer"},
                                        verbose_name=_("organisation"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT,
                              editable=False)
    legal_name = models.CharField(_("legal name"), max_length=200)
    kind = models.CharField(_("kind of business"), max_length=16, choices=BuyerKind.choices)
    nib = models.CharField(_("NIB"), max_length=13, help_text=_("Business identification number: 13 digits."))
    npwp = models.CharField(_("NPWP"), max_length=16, help_text=_("Tax number: 15 or 16 digits."))
    street = models.TextField(_("head office street address"), max_length=500)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("head office village"))
    contact_name = models.CharField(_("contact person"), max_length=150)
    phone = models.CharField(_("phone / WhatsApp"), max_length=16)
    email = models.EmailField(_("email"), max_length=254)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("buyer registration")
        verbose_name_plural = _("buyer registrations")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(nib__regex=NIB_PATTERN), name="buyerregistration_nib_format"),
            models.CheckConstraint(condition=Q(npwp__regex=NPWP_PATTERN), name="buyerregistration_npwp_format"),
            models.CheckConstraint(condition=Q(phone__regex=r"^\+?[0-9]{8,15}$"),
                                   name="buyerregistration_phone_format"),
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(refusal_reason=""),
                                   name="buyerregistration_refusal_has_reason"),
            models.CheckConstraint(condition=~Q(status="verified") | Q(verified_at__isnull=False),
                                   name="buyerregistration_verified_has_time"),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="buyerreg_status_submitted")]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class BuyerRegistrationEvent(models.Model):
    """A change of a registration's status: who, when, from what to what and why."""

    registration = models.ForeignKey(BuyerRegistration, on_delete=models.CASCADE, related_name="events",
                                     verbose_name=_("registration"))
    from_status = models.CharField(_("from"), max_length=16, choices=BuyerRegistration.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=BuyerRegistration.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("buyer registration event")
        verbose_name_plural = _("buyer registration events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.registration}: {self.from_status or '-'} → {self.to_status}"


class BuyerDigestItem(models.Model):
    """A product announced to a buyer organisation in a digest: the natural key that keeps a retried
    or repeated digest from announcing it twice."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organisation"))
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("product"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("buyer digest item")
        verbose_name_plural = _("buyer digest items")
        constraints = [models.UniqueConstraint(fields=["organisation", "product"], name="buyerdigestitem_once")]

    def __str__(self) -> str:
        return f"{self.organisation_id} ← {self.product_id}"


# --- delivery places: a buyer organisation's outlets and a consumer's addresses ---------------------
#
# Both live here, on the buying side, as the buyer's own address book. ``orders`` copies the
# chosen place into the checkout when an order is placed (a snapshot), so editing or archiving an
# outlet or address later never changes what a producer was asked to deliver.

PHONE_PATTERN = r"^\+?[0-9]{8,15}$"
POSTAL_CODE_PATTERN = r"^[0-9]{5}$"


class DeliveryPlace(TimeStampedModel):
    """Where goods are delivered: a name, a contact person with a phone, a street address in a village."""

    name = models.CharField(_("name"), max_length=100)
    contact_name = models.CharField(_("contact person"), max_length=150)
    phone = models.CharField(_("phone / WhatsApp"), max_length=16)
    street = models.TextField(_("street address"), max_length=500,
                              help_text=_("Street, house number, RT/RW, landmarks."))
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("village"))
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    is_active = models.BooleanField(_("active"), default=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def delivery_snapshot(self) -> dict:
        """Return the place as the plain data an order keeps (the village with its district)."""
        return {
            "name": self.name,
            "contact_name": self.contact_name,
            "phone": self.phone,
            "street": self.street,
            "village_code": self.village_id,
            "village": self.village.name,
            "district": self.village.district.name,
            "postal_code": self.postal_code,
        }


class Outlet(DeliveryPlace):
    """A store or warehouse of a buyer organisation; orders for the organisation are delivered to one."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="outlets",
                                     limit_choices_to={"kind": "buyer"}, verbose_name=_("organisation"))
    receiving_hours = models.CharField(
        _("receiving hours"), max_length=100, blank=True,
        help_text=_("When the outlet takes deliveries, in your own words, e.g. \"Mon–Sat 08.00–16.00\"."))

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["organisation_id", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], condition=Q(is_active=True),
                                    name="outlet_active_name_unique"),
            models.CheckConstraint(condition=Q(phone__regex=PHONE_PATTERN), name="outlet_phone_format"),
            models.CheckConstraint(condition=Q(postal_code="") | Q(postal_code__regex=POSTAL_CODE_PATTERN),
                                   name="outlet_postal_code_format"),
        ]

    def delivery_snapshot(self) -> dict:
        """Return the place as an order keeps it, with the hours the outlet receives goods."""
        return {**super().delivery_snapshot(), "receiving_hours": self.receiving_hours}


class Address(DeliveryPlace):
    """A consumer's delivery address (home, office...)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="addresses",
                             verbose_name=_("user"))

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["user_id", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(phone__regex=PHONE_PATTERN), name="address_phone_format"),
            models.CheckConstraint(condition=Q(postal_code="") | Q(postal_code__regex=POSTAL_CODE_PATTERN),
                                   name="address_postal_code_format"),
        ]
