"""Villages in the programme, producers, curated products, prices and stock.

Writes go through ``catalog.services``; reads through ``catalog.selectors``. The database
keeps the invariants that matter for money and stock (``CheckConstraint``), services keep
the rest and write an event row for every change of status.
"""
from __future__ import annotations

import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from market.core.models import TimeStampedModel

_EAN13 = re.compile(r"^\d{13}$")
# Retail readiness: the shortest shelf life modern retail in the regency accepts by default (six months);
# a buyer organisation may ask for more (buyers.BuyerProfile).
DEFAULT_MIN_SHELF_LIFE_DAYS = 180


def ean13_is_valid(code: str) -> bool:
    """Return whether ``code`` is 13 digits with a correct EAN-13 check digit."""
    if not _EAN13.match(code or ""):
        return False
    digits = [int(c) for c in code]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == digits[12]


def validate_ean13(value: str) -> None:
    if value and not ean13_is_valid(value):
        raise ValidationError(_("%(value)s is not a valid EAN-13 barcode."), params={"value": value}, code="ean13")


# --- reference data -------------------------------------------------------------------------


def localised_name(name: str, name_en: str) -> str:
    """Return the English name to English readers when there is one, else the Indonesian name.

    Commodities and categories are shown as ``str()`` in forms, officer pages and the admin: in the reader's
    language, like the public pages' labels.
    """
    from django.utils import translation

    return name_en if name_en and (translation.get_language() or "").startswith("en") else name


class Commodity(models.Model):
    """A village commodity (komoditas), e.g. ``Kopi robusta``."""

    name = models.CharField(_("name (Indonesian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("commodity")
        verbose_name_plural = _("commodities")
        ordering = ["name"]

    def __str__(self) -> str:
        return localised_name(self.name, self.name_en)


class Category(models.Model):
    """A product category in a tree; ``requires_food_permits`` is set on roots and inherited."""

    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent"))
    name = models.CharField(_("name (Indonesian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    requires_food_permits = models.BooleanField(
        _("requires food permits"), default=False,
        help_text=_("Food and drink: products need P-IRT or BPOM and halal to be retail ready. Inherited from the root."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(parent=F("pk")), name="category_not_own_parent")]

    def __str__(self) -> str:
        return localised_name(self.name, self.name_en)


# --- villages -------------------------------------------------------------------------------


class Stage(models.TextChoices):
    """The programme's stages, in order (the order of declaration is the order of the programme)."""

    SURVEYED = "surveyed", _("Surveyed")
    SOCIALISATION = "socialisation", _("Socialisation")
    COACHING = "coaching", _("Coaching (incl. industrial management)")
    COMMODITY_MANAGEMENT = "commodity_management", _("Commodity management")
    PACKAGING_DESIGN = "packaging_design", _("Packaging design")
    SHOWCASE_READY = "showcase_ready", _("Showcase ready")

    @classmethod
    def index(cls, value: str) -> int:
        return cls.values.index(value)

    @classmethod
    def at_or_beyond(cls, value: str) -> list[str]:
        """Return the stages from ``value`` onwards."""
        return cls.values[cls.index(value):]


class VillageProfile(TimeStampedModel):
    """A village in the programme; created on demand for a ``regions.Village``."""

    village = models.OneToOneField("regions.Village", on_delete=models.PROTECT, related_name="profile",
                                   verbose_name=_("village"))
    flagship_commodity = models.ForeignKey(Commodity, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="flagship_of", verbose_name=_("flagship commodity"))
    other_commodities = models.ManyToManyField(Commodity, blank=True, related_name="villages",
                                               verbose_name=_("other commodities"))
    story = models.TextField(_("story"), blank=True)
    contact_officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="contact_for_villages", limit_choices_to={"role": "officer"},
                                        verbose_name=_("contact officer"))
    stage = models.CharField(_("programme stage"), max_length=32, choices=Stage.choices, default=Stage.SURVEYED,
                             editable=False)

    class Meta:
        verbose_name = _("village profile")
        verbose_name_plural = _("village profiles")
        ordering = ["village_id"]
        constraints = [models.CheckConstraint(condition=Q(stage__in=Stage.values), name="villageprofile_stage_valid")]

    def __str__(self) -> str:
        return str(self.village)


class VillageStageEvent(models.Model):
    """One change of a village's programme stage (the history is data)."""

    profile = models.ForeignKey(VillageProfile, on_delete=models.CASCADE, related_name="stage_events")
    from_stage = models.CharField(_("from stage"), max_length=32, choices=Stage.choices)
    to_stage = models.CharField(_("to stage"), max_length=32, choices=Stage.choices)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    reason = models.TextField(_("reason for moving back"), blank=True)
    happened_on = models.DateField(_("happened on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("village stage event")
        verbose_name_plural = _("village stage events")
        ordering = ["happened_on", "created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(from_stage=F("to_stage")), name="villagestageevent_changes")]

    def __str__(self) -> str:
        return f"{self.profile}: {self.from_stage} → {self.to_stage}"


# --- surveys --------------------------------------------------------------------------------


class Infrastructure(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
    NONE = "none", _("None")


class Survey(TimeStampedModel):
    """One survey (pendataan) of a village; a re-survey is a new row, the latest by date counts."""

    profile = models.ForeignKey(VillageProfile, on_delete=models.CASCADE, related_name="surveys")
    surveyed_on = models.DateField(_("surveyed on"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workforce_total = models.PositiveIntegerField(_("workforce (total)"))
    workforce_women = models.PositiveIntegerField(_("workforce (women)"))
    workforce_youth = models.PositiveIntegerField(_("workforce (youth)"))
    existing_businesses = models.PositiveIntegerField(_("existing businesses"))
    road = models.CharField(_("road"), max_length=8, choices=Infrastructure.choices)
    electricity = models.CharField(_("electricity"), max_length=8, choices=Infrastructure.choices)
    internet = models.CharField(_("internet"), max_length=8, choices=Infrastructure.choices)
    water = models.CharField(_("water"), max_length=8, choices=Infrastructure.choices)
    problems = models.TextField(_("problems"), blank=True)
    needs = models.TextField(_("needs"), blank=True)
    raw_materials = models.TextField(_("raw materials"), blank=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-surveyed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "surveyed_on"], name="survey_profile_date_unique"),
            models.CheckConstraint(condition=Q(workforce_women__lte=F("workforce_total")), name="survey_women_lte_total"),
            models.CheckConstraint(condition=Q(workforce_youth__lte=F("workforce_total")), name="survey_youth_lte_total"),
        ] + [
            models.CheckConstraint(condition=Q(**{f"{name}__in": Infrastructure.values}), name=f"survey_{name}_valid")
            for name in ("road", "electricity", "internet", "water")
        ]

    def __str__(self) -> str:
        return f"{self.profile} ({self.surveyed_on})"


class SurveyCommodity(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="commodities")
    commodity = models.ForeignKey(Commodity, on_delete=models.PROTECT, related_name="+")
    estimated_production_per_month = models.DecimalField(_("estimated production per month"), max_digits=12,
                                                         decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20)

    class Meta:
        verbose_name = _("surveyed commodity")
        verbose_name_plural = _("surveyed commodities")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "commodity"], name="surveycommodity_unique"),
            models.CheckConstraint(condition=Q(estimated_production_per_month__gte=0),
                                   name="surveycommodity_production_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.commodity}: {self.estimated_production_per_month} {self.unit}"


# --- producers ------------------------------------------------------------------------------


class Unit(models.TextChoices):
    KG = "kg", _("kg")
    PCS = "pcs", _("pieces")
    PACK = "pack", _("packs")
    BOX = "box", _("boxes")


# One of a unit, for prices: "Rp 35.000 / pack" (the choices' labels count: "minimum order 5 packs").
UNIT_ONE = {Unit.KG: _("kg"), Unit.PCS: pgettext_lazy("one unit", "piece"),
            Unit.PACK: pgettext_lazy("one unit", "pack"), Unit.BOX: pgettext_lazy("one unit", "box")}


class Producer(TimeStampedModel):
    """A village industry: the catalogue details of a producer ``Organisation``."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.PROTECT, related_name="producer",
                                        limit_choices_to={"kind": "producer"}, verbose_name=_("organisation"))
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="producers",
                                verbose_name=_("village"))
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    whatsapp = models.CharField(_("WhatsApp"), max_length=20, blank=True)
    capacity_per_month = models.PositiveIntegerField(_("capacity per month"), default=0)
    capacity_unit = models.CharField(_("capacity unit"), max_length=8, choices=Unit.choices, default=Unit.KG)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", editable=False, verbose_name=_("verified by"))

    class Meta:
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(verified_at__isnull=True, verified_by__isnull=True)
                                   | Q(verified_at__isnull=False, verified_by__isnull=False),
                                   name="producer_verified_at_and_by"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class ProducerEvent(models.Model):
    """A change of a producer's verification."""

    class Kind(models.TextChoices):
        VERIFIED = "verified", _("Verified")
        UNVERIFIED = "unverified", _("Verification withdrawn")

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("producer event")
        verbose_name_plural = _("producer events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.producer}: {self.get_kind_display()}"


class PermitKind(models.TextChoices):
    NIB = "nib", _("NIB (business identification number)")
    PIRT = "pirt", _("P-IRT (home-industry food permit)")
    HALAL = "halal", _("Halal certificate")
    BPOM_MD = "bpom_md", _("BPOM MD (domestic processed food)")
    BPOM_ML = "bpom_ml", _("BPOM ML (imported processed food)")
    SNI = "sni", _("SNI (Indonesian national standard)")
    TRADEMARK = "trademark", _("Registered trademark")


class ProducerPermit(TimeStampedModel):
    """A licence or certificate a producer holds; only the NIB never expires."""

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="permits")
    kind = models.CharField(_("kind"), max_length=16, choices=PermitKind.choices)
    number = models.CharField(_("number"), max_length=64)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("producer permit")
        verbose_name_plural = _("producer permits")
        ordering = ["producer_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["producer", "kind"], name="producerpermit_producer_kind_unique"),
            models.CheckConstraint(condition=Q(kind=PermitKind.NIB) | Q(expires_on__isnull=False),
                                   name="producerpermit_expiry_required"),
            models.CheckConstraint(condition=Q(kind__in=PermitKind.values), name="producerpermit_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class PermitExpiryNotice(models.Model):
    """Natural key of a sent expiry reminder, so a retried daily task never mails twice."""

    permit = models.ForeignKey(ProducerPermit, on_delete=models.CASCADE, related_name="expiry_notices")
    expires_on = models.DateField()
    sent_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["permit", "expires_on"], name="permitexpirynotice_unique")]

    def __str__(self) -> str:
        return f"{self.permit} ({self.expires_on})"


# --- officer-assisted mode -------------------------------------------------------------------


class AssistSession(models.Model):
    """A programme officer acting on behalf of a producer who cannot work the site themself.

    Started from the officer's producer page with a reason, it lasts until the officer ends it or
    ``expires_at`` passes; while it is active the producer services accept the officer as actor for
    this producer (``catalog.services._auth.require_producer_editor``). An officer has at most one
    open session at a time.
    """

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assist_sessions",
                                verbose_name=_("officer"))
    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="assist_sessions",
                                 verbose_name=_("producer"))
    reason = models.CharField(_("reason"), max_length=300)
    started_at = models.DateTimeField(_("started at"))
    expires_at = models.DateTimeField(_("expires at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assist session")
        verbose_name_plural = _("assist sessions")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["officer"], condition=Q(ended_at__isnull=True),
                                    name="assist_session_one_open_per_officer"),
            models.CheckConstraint(condition=Q(expires_at__gt=F("started_at")), name="assist_session_expires_later"),
        ]

    def __str__(self) -> str:
        return f"{self.officer} → {self.producer}"


class AssistAction(models.Model):
    """One thing an officer did on behalf of a producer in an assist session (what the producer is shown)."""

    class Kind(models.TextChoices):
        PRODUCT_CREATED = "product_created", _("Product created")
        PRODUCT_UPDATED = "product_updated", _("Product details changed")
        PRICE_TIERS_SET = "price_tiers_set", _("Wholesale prices changed")
        PHOTO_ADDED = "photo_added", _("Photo added")
        PHOTO_REMOVED = "photo_removed", _("Photo removed")
        PRODUCT_SUBMITTED = "product_submitted", _("Product sent for review")
        STOCK_RESTOCKED = "stock_restocked", _("Stock added")
        STOCK_CORRECTED = "stock_corrected", _("Stock corrected after a count")
        STOCK_THRESHOLD_SET = "stock_threshold_set", _("Low-stock warning level changed")
        BUSINESS_UPDATED = "business_updated", _("Business details changed")
        PERMIT_SET = "permit_set", _("Permit recorded")
        PERMIT_REMOVED = "permit_removed", _("Permit removed")
        DELIVERY_OPTIONS_SET = "delivery_options_set", _("Delivery options changed")
        ORDER_ACCEPTED = "order_accepted", _("Order accepted")
        ORDER_DECLINED = "order_declined", _("Order declined")
        ORDER_PACKED = "order_packed", _("Order packed")
        ORDER_SHIPPED = "order_shipped", _("Order shipped")
        ORDER_DELIVERED = "order_delivered", _("Order marked delivered")

    session = models.ForeignKey(AssistSession, on_delete=models.CASCADE, related_name="actions",
                                verbose_name=_("assist session"))
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=300, blank=True)  # a product's name, an order's number
    product = models.ForeignKey("Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("product"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("assisted action")
        verbose_name_plural = _("assisted actions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.session}: {self.kind} {self.subject}"


# --- products -------------------------------------------------------------------------------


class Product(TimeStampedModel):
    """A product a producer sells.

    The fields are the producer's working copy. Once approved, ``approved_snapshot`` holds the
    public data buyers see and ``listed`` is true; a later buyer-relevant edit puts the working
    copy back into review (``status=submitted``, ``has_pending_changes``) while the snapshot
    stays on sale, until an officer approves (new snapshot) or rejects (old snapshot kept).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for curation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Packaging(models.TextChoices):
        NONE = "none", _("No packaging")
        BASIC = "basic", _("Basic")
        DESIGNED = "designed", _("Designed")
        RETAIL_READY = "retail_ready", _("Retail ready")

    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("category"))
    commodity = models.ForeignKey(Commodity, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="products", verbose_name=_("commodity"),
                                  help_text=_("The village commodity the product is made from."))
    name = models.CharField(_("name (Indonesian)"), max_length=200)
    description = models.TextField(_("description (Indonesian)"))
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.PCS)
    pack_size = models.DecimalField(_("pack size"), max_digits=10, decimal_places=3, default=1)
    weight_grams = models.PositiveIntegerField(_("weight (grams)"), null=True, blank=True)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    certifications = ArrayField(models.CharField(max_length=16, choices=PermitKind.choices), default=list, blank=True,
                                verbose_name=_("certifications"))
    packaging_status = models.CharField(_("packaging"), max_length=16, choices=Packaging.choices,
                                        default=Packaging.NONE)
    sku = models.CharField(_("SKU"), max_length=64)
    barcode = models.CharField(_("barcode (EAN-13)"), max_length=13, blank=True, validators=[validate_ean13])
    retail_price = models.PositiveBigIntegerField(_("retail price (rupiah)"), default=0)
    min_order_qty = models.PositiveIntegerField(_("minimum order quantity"), default=1)
    order_multiple = models.PositiveIntegerField(_("order multiple"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False)
    listed = models.BooleanField(_("listed"), default=False, editable=False)
    has_pending_changes = models.BooleanField(_("has pending changes"), default=False, editable=False)
    approved_snapshot = models.JSONField(_("approved public data"), default=dict, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", editable=False)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["producer", "sku"], name="product_producer_sku_unique"),
            models.UniqueConstraint(fields=["barcode"], condition=~Q(barcode=""), name="product_barcode_unique"),
            models.CheckConstraint(condition=Q(barcode="") | Q(barcode__regex=r"^[0-9]{13}$"),
                                   name="product_barcode_13_digits"),
            models.CheckConstraint(condition=Q(min_order_qty__gte=1), name="product_moq_gte_1"),
            models.CheckConstraint(condition=Q(order_multiple__gte=1), name="product_order_multiple_gte_1"),
            models.CheckConstraint(condition=Q(pack_size__gt=0), name="product_pack_size_gt_0"),
            models.CheckConstraint(condition=Q(status__in=["draft", "submitted", "approved", "rejected"]),
                                   name="product_status_valid"),
            # Something is on sale only if an officer approved it once.
            models.CheckConstraint(condition=Q(listed=False) | Q(approved_at__isnull=False),
                                   name="product_listed_was_approved"),
        ]
        indexes = [
            models.Index(fields=["listed", "producer"], name="product_listed_idx"),
            # The public catalogue's order (product_list_public: name, pk) over listed products: the first
            # page reads 24 index entries instead of sorting every product on sale.
            models.Index(fields=["name", "id"], condition=Q(listed=True), name="product_listed_name_idx"),
            # The newest products on sale (home page, related products): the first eight are eight index entries.
            models.Index(F("approved_at").desc(nulls_last=True), F("id").desc(), condition=Q(listed=True),
                         name="product_listed_newest_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class PhotoBase(TimeStampedModel):
    """A photo stored normalised (see ``catalog.images``), with thumbnails made by a task.

    ``thumbnails`` maps a size in pixels (as a string) to the stored file's name; until the task
    has run it is empty and pages fall back to the photo itself.
    """

    image = models.ImageField(_("image"), upload_to="photos/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    alt_text = models.CharField(_("description of the photo"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    thumbnails = models.JSONField(_("thumbnails"), default=dict, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text or self.image.name

    def thumbnail_name(self, size: int) -> str:
        """Return the stored name of the smallest thumbnail at least ``size`` wide, else the photo's."""
        return photo_thumbnail_name(image=self.image.name, thumbnails=self.thumbnails, size=size)


def photo_thumbnail_name(*, image: str, thumbnails: dict, size: int) -> str:
    """Return the name of the smallest thumbnail of at least ``size`` pixels, else ``image``."""
    fitting = sorted(int(key) for key in thumbnails if int(key) >= size)
    return thumbnails[str(fitting[0])] if fitting else image


class ProductPhoto(PhotoBase):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to="products/%Y/%m/", width_field="width", height_field="height")

    class Meta(PhotoBase.Meta):
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")


class VillagePhoto(PhotoBase):
    profile = models.ForeignKey(VillageProfile, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to="villages/%Y/%m/", width_field="width", height_field="height")

    class Meta(PhotoBase.Meta):
        verbose_name = _("village photo")
        verbose_name_plural = _("village photos")


class RejectionReason(models.TextChoices):
    PHOTOS = "photos", _("Photos are missing or unclear")
    DESCRIPTION = "description", _("The description is incomplete or misleading")
    PRICE = "price", _("The price or price tiers are not realistic")
    PERMITS = "permits", _("Required permits or certificates are missing")
    PACKAGING = "packaging", _("The packaging is not adequate")
    OTHER = "other", _("Other (see the note)")


class ProductCurationEvent(models.Model):
    """One change of a product's curation status."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="curation_events")
    from_status = models.CharField(_("from status"), max_length=16, choices=Product.Status.choices)
    to_status = models.CharField(_("to status"), max_length=16, choices=Product.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reasons = ArrayField(models.CharField(max_length=16, choices=RejectionReason.choices), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Set when a programme officer (``actor``) made the change in an assist session for this producer.
    on_behalf_of = models.ForeignKey(Producer, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                     verbose_name=_("on behalf of"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("product curation event")
        verbose_name_plural = _("product curation events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.product}: {self.from_status} → {self.to_status}"


class ProductPriceTier(models.Model):
    """Unit price (rupiah) from ``min_quantity`` units upwards."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_tiers")
    min_quantity = models.PositiveIntegerField(_("from quantity"))
    unit_price = models.PositiveBigIntegerField(_("unit price (rupiah)"))

    class Meta:
        verbose_name = _("price tier")
        verbose_name_plural = _("price tiers")
        ordering = ["product_id", "min_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["product", "min_quantity"], name="productpricetier_unique"),
            models.CheckConstraint(condition=Q(min_quantity__gte=1), name="productpricetier_min_quantity_gte_1"),
            models.CheckConstraint(condition=Q(unit_price__gte=1), name="productpricetier_unit_price_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.min_quantity}+ @ {self.unit_price}"


# --- stock ----------------------------------------------------------------------------------


class ProductStock(models.Model):
    """Units on hand and reserved by open orders; available = on_hand - reserved."""

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="stock")
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    low_stock_threshold = models.PositiveIntegerField(_("low-stock threshold"), default=0)

    class Meta:
        verbose_name = _("product stock")
        verbose_name_plural = _("product stock")
        constraints = [
            models.CheckConstraint(condition=Q(reserved__gte=0), name="productstock_reserved_gte_0"),
            models.CheckConstraint(condition=Q(on_hand__gte=F("reserved")), name="productstock_on_hand_gte_reserved"),
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.on_hand} ({self.reserved} reserved)"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMovement(models.Model):
    class Reason(models.TextChoices):
        RESTOCK = "restock", _("Restock")
        ORDER_RESERVED = "order_reserved", _("Reserved for an order")
        ORDER_SHIPPED = "order_shipped", _("Shipped")
        ORDER_CANCELLED = "order_cancelled", _("Order cancelled")
        CORRECTION = "correction", _("Correction after a count")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock_movements")
    delta_on_hand = models.IntegerField(_("change on hand"))
    delta_reserved = models.IntegerField(_("change reserved"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    # Set when a programme officer (``actor``) moved the stock in an assist session for this producer.
    on_behalf_of = models.ForeignKey(Producer, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                     verbose_name=_("on behalf of"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.product}: {self.delta_on_hand:+d}/{self.delta_reserved:+d} ({self.reason})"


# --- coaching -------------------------------------------------------------------------------


class CoachingSession(TimeStampedModel):
    profile = models.ForeignKey(VillageProfile, on_delete=models.CASCADE, related_name="coaching_sessions")
    held_on = models.DateField(_("held on"))
    stage = models.CharField(_("programme stage"), max_length=32, choices=Stage.choices)
    topic = models.CharField(_("topic"), max_length=200)
    trainer = models.CharField(_("trainer"), max_length=200)
    materials = models.TextField(_("materials"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attendees = models.ManyToManyField(Producer, through="CoachingAttendance", related_name="coaching_sessions")
    # Everyone in the room, not only registered businesses (the programme reports people coached).
    people_attending = models.PositiveIntegerField(_("people attending"), default=0)
    women_attending = models.PositiveIntegerField(_("of whom women"), default=0)
    youth_attending = models.PositiveIntegerField(_("of whom youth"), default=0)

    class Meta:
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(women_attending__lte=models.F("people_attending"))
                                   & models.Q(youth_attending__lte=models.F("people_attending")),
                                   name="coachingsession_headcount_parts"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.held_on})"


class CoachingAttendance(models.Model):
    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="attendances")
    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="coaching_attendances")

    class Meta:
        verbose_name = _("coaching attendance")
        verbose_name_plural = _("coaching attendances")
        constraints = [models.UniqueConstraint(fields=["session", "producer"], name="coachingattendance_unique")]

    def __str__(self) -> str:
        return f"{self.producer} @ {self.session}"


# --- storefront: collections and wishlists (issue 17) ---------------------------------------


class Collection(TimeStampedModel):
    """A shelf of the shop curated by programme officers ("Kopi Jember", "Oleh-oleh khas Jember").

    A curated collection lists the products officers put in it, in their order; a rule-based one
    (``Kind.RETAIL_READY``) lists whatever products on sale are ready for modern retail. Either way the
    public sees only products on sale (``catalog.selectors.collections``): a product that stops being
    listed drops out by itself and comes back when it is listed again.
    """

    class Kind(models.TextChoices):
        CURATED = "curated", _("Chosen by officers")
        RETAIL_READY = "retail_ready", _("Every product ready for modern retail")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title (Indonesian)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    description = models.TextField(_("description (Indonesian)"), blank=True, max_length=2000)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=2000)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CURATED)
    cover_product = models.ForeignKey("Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                      verbose_name=_("cover photo from"))
    position = models.PositiveSmallIntegerField(_("position on the home page"), default=0)
    published = models.BooleanField(_("published"), default=False, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["curated", "retail_ready"]), name="collection_kind_valid"),
            models.CheckConstraint(condition=Q(published=False) | Q(published_at__isnull=False),
                                   name="collection_published_at"),
        ]

    def __str__(self) -> str:
        return localised_name(self.title, self.title_en)


class CollectionItem(models.Model):
    """A product in a curated collection, at ``position`` (smallest first)."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("Product", on_delete=models.CASCADE, related_name="collection_items")
    position = models.PositiveIntegerField(_("position"), default=0)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("collection item")
        verbose_name_plural = _("collection items")
        ordering = ["collection_id", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["collection", "product"], name="collectionitem_unique")]

    def __str__(self) -> str:
        return f"{self.collection}: {self.product}"


class CollectionEvent(models.Model):
    """One change of a collection by an officer (the history is data)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        PRODUCT_ADDED = "product_added", _("Product added")
        PRODUCT_REMOVED = "product_removed", _("Product removed")
        PRODUCT_MOVED = "product_moved", _("Product moved")

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    product = models.ForeignKey("Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("collection event")
        verbose_name_plural = _("collection events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.collection}: {self.kind}"


class WishlistItem(models.Model):
    """A product a shopper saved to their favourites ("Favorit")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist_items")
    product = models.ForeignKey("Product", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("favourite")
        verbose_name_plural = _("favourites")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="wishlistitem_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.product}"
