"""Models of the search app: the PostgreSQL index, its vocabulary, synonyms and the dirty queue.

``ProductEntry`` and ``VillageEntry`` are a denormalised copy of the public catalogue made for
search (``search.backends.postgres``): a stored, GIN-indexed ``tsvector`` with weighted fields,
and the columns every filter, facet and sort reads, so that a search never joins the catalogue.
They carry no foreign keys on purpose: the index is derived data that ``search_reindex`` can
throw away and rebuild, and indexing must not take key-share locks on catalogue rows that
producers and officers are editing.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from market.core.models import TimeStampedModel


class ProductEntry(models.Model):
    """One public product as the database backend searches it (keyed by the product's id).

    Fixed-width columns come first and the indexed words live in ``ProductEntryWords``: a narrow
    row means fewer pages to visit when candidates are read in quality order.
    """

    product_id = models.BigIntegerField(primary_key=True)
    quality = models.FloatField(default=0)  # static part of relevance, 0..1 (ProductDocument.quality)
    retail_ready = models.BooleanField(default=False)
    in_stock = models.BooleanField(default=False)
    retail_price = models.BigIntegerField()
    wholesale_price = models.BigIntegerField()
    min_order_qty = models.IntegerField()
    producer_id = models.BigIntegerField()
    approved_at = models.DateTimeField()
    sales_score = models.FloatField(default=0)
    indexed_at = models.DateTimeField()
    # name (A) > category and commodity (B) > description (C) > producer, village, district (D)
    document = SearchVectorField()
    suggest = SearchVectorField()  # the names, 'simple' configuration, for prefix autocomplete
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    category_slug = models.CharField(max_length=100)
    category_path = ArrayField(models.CharField(max_length=100), default=list)
    commodity_slug = models.CharField(max_length=100, blank=True)
    district_code = models.CharField(max_length=8)
    village_code = models.CharField(max_length=13)
    certifications = ArrayField(models.CharField(max_length=16), default=list)

    class Meta:
        verbose_name = _("product search entry")
        verbose_name_plural = _("product search entries")
        indexes = [
            GinIndex(fields=["document"], name="search_product_document"),
            GinIndex(fields=["suggest"], name="search_product_suggest"),
            GinIndex(fields=["category_path"], name="search_product_category"),
            GinIndex(fields=["certifications"], name="search_product_certs"),
            # Candidates are the best-quality matches: walk this index and test the text on the way.
            models.Index(models.F("quality").desc(), "product_id", name="search_product_quality"),
            models.Index(fields=["district_code", "quality"], name="search_product_district"),
            models.Index(fields=["village_code"], name="search_product_village"),
            models.Index(fields=["commodity_slug"], name="search_product_commodity"),
            models.Index(fields=["retail_price", "product_id"], name="search_product_retail"),
            models.Index(fields=["wholesale_price", "product_id"], name="search_product_wholesale"),
            models.Index(models.F("approved_at").desc(), models.F("product_id").desc(), name="search_product_newest"),
            models.Index(fields=["indexed_at"], name="search_product_indexed"),
        ]

    def __str__(self) -> str:
        return self.name


class ProductEntryWords(models.Model):
    """The distinct words indexed for a product: what its entry adds to the vocabulary's counts."""

    product_id = models.BigIntegerField(primary_key=True)
    words = ArrayField(models.TextField(), default=list)

    class Meta:
        verbose_name = _("indexed words of a product")
        verbose_name_plural = _("indexed words of products")

    def __str__(self) -> str:
        return str(self.product_id)


class VillageEntry(models.Model):
    """One village profile as the database backend searches it (keyed by its Kemendagri code)."""

    village_code = models.CharField(max_length=13, primary_key=True)
    name = models.CharField(max_length=100)
    document = SearchVectorField()  # name (A) > commodities (B) > story (C) > district (D)
    suggest = SearchVectorField()
    words = ArrayField(models.TextField(), default=list)
    district_code = models.CharField(max_length=8)
    stage = models.CharField(max_length=32)
    stage_index = models.SmallIntegerField()
    commodity_slugs = ArrayField(models.CharField(max_length=100), default=list)
    producers = models.IntegerField(default=0)
    listed_products = models.IntegerField(default=0)
    quality = models.FloatField(default=0)
    indexed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("village search entry")
        verbose_name_plural = _("village search entries")
        indexes = [
            GinIndex(fields=["document"], name="search_village_document"),
            GinIndex(fields=["suggest"], name="search_village_suggest"),
            GinIndex(fields=["commodity_slugs"], name="search_village_commodities"),
            models.Index(models.F("quality").desc(), "village_code", name="search_village_quality"),
            models.Index(fields=["district_code"], name="search_village_district"),
            models.Index(fields=["indexed_at"], name="search_village_indexed"),
        ]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A word of the index (normalised, as written) and how many entries hold it.

    Typo tolerance looks for the indexed words closest to an unknown query word: by trigram
    similarity when the server has ``pg_trgm`` (a trigram GIN index on ``word`` is made by the
    migration then), else in Python (``backends.postgres.analysis``). ``stem``/``stem_en`` tell whether a
    query word is known under another form (``petani`` when the index has ``pertanian``).
    """

    word = models.TextField(primary_key=True)
    stem = models.TextField(db_index=True)
    stem_en = models.TextField(db_index=True)
    products = models.IntegerField(default=0)
    villages = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("indexed word")
        verbose_name_plural = _("indexed words")

    def __str__(self) -> str:
        return self.word


class Synonym(TimeStampedModel):
    """A group of equivalent terms (``kopi``, ``coffee``); a term may have several words (``ubi kayu``)."""

    terms = ArrayField(models.CharField(max_length=100), verbose_name=_("equivalent terms"),
                       help_text=_("Words or short phrases that mean the same to buyers, e.g. kopi, coffee."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(terms__len__gte=2), name="synonym_two_terms_or_more")]

    def __str__(self) -> str:
        return ", ".join(self.terms)


class DirtyItem(models.Model):
    """Something whose search document may be out of date (written in the changing transaction).

    ``version`` grows with every new mark, so the sync task deletes only the marks it has
    handled: a change committed while it was indexing keeps its mark for the next run.
    """

    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product")
        VILLAGE = "village", _("Village")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=32)  # product id or village code
    version = models.IntegerField(default=1)
    marked_at = models.DateTimeField(_("marked at"))
    attempts = models.IntegerField(_("failed attempts"), default=0)

    class Meta:
        verbose_name = _("item waiting for indexing")
        verbose_name_plural = _("items waiting for indexing")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="search_dirtyitem_unique"),
            models.CheckConstraint(condition=Q(kind__in=["product", "village"]), name="search_dirtyitem_kind_valid"),
        ]
        indexes = [models.Index(fields=["marked_at", "id"], name="search_dirty_marked")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
