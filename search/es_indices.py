"""Elasticsearch index definitions for search: analysis, mappings and the indexed documents.

Text is cleaned in Python first (``search.language.clean``: normalised, stop words dropped) so
that both backends see the same words; the analyzers repeat those steps (``kue2``, ASCII folding,
our stop list) so that the index also behaves when queried directly (Kibana, a support request).

Every text field is analysed three ways:

- the field itself: the ``indonesian`` analyzer's chain (standard tokenizer, lower case, stop
  words, the Indonesian stemmer: ``petani`` ~ ``tani``, ``pembelian`` ~ ``beli``) with our stop
  list instead of Lucene's, and at search time the officers' synonyms (``synonym_graph`` over an
  Elasticsearch synonyms set, reloaded without reindexing when officers change a group);
- ``.en``: the same with the English (Porter2) stemmer, for English names and descriptions;
- ``.plain``: words as written, for typo tolerance (fuzzy queries) and did-you-mean.

All text fields are also copied into ``words`` (plain), the vocabulary the term suggester corrects
against, and the names go into ``suggest`` (edge n-grams) for autocomplete.
"""
from __future__ import annotations

from elasticsearch.dsl import (
    Boolean,
    Date,
    Float,
    Index,
    Integer,
    Keyword,
    Long,
    Mapping,
    Short,
    Text,
    analyzer,
    char_filter,
    token_filter,
)

from search import language
from search.documents import ProductDocument, VillageDocument

SCHEMA_VERSION = 1
EDGE_NGRAM_MAX = 20

# Relevance weights: name > category and commodity > description > producer, village, district.
PRODUCT_TEXT_FIELDS = {"name": 4.0, "taxonomy": 2.0, "description": 1.0, "maker": 0.5}
VILLAGE_TEXT_FIELDS = {"name": 4.0, "commodities": 2.0, "story": 1.0, "district": 0.5}


def synonyms_set_id(prefix: str) -> str:
    return f"{prefix}-synonyms"


def synonym_rules(groups: list[list[str]]) -> list[dict[str, str]]:
    """Return the synonyms set for ``groups`` (``language.synonym_groups()``): one equivalence rule each."""
    return [{"id": f"group-{number}", "synonyms": ", ".join(terms)}
            for number, terms in enumerate(groups, start=1) if len(terms) > 1]


class Analysis:
    """The analyzers of both indices (the synonym filter names the synonyms set it reads)."""

    def __init__(self, synonyms_set: str):
        reduplication = char_filter(
            "kampung_reduplication", "pattern_replace", pattern=r"\b([A-Za-z]{2,})2\b", replacement="$1 $1")
        stop = token_filter("kampung_stop", "stop", stopwords=sorted(language.STOP_WORDS), ignore_case=True)
        stem_id = token_filter("kampung_stem_id", "stemmer", language="indonesian")
        stem_en = token_filter("kampung_stem_en", "stemmer", language="porter2")
        synonyms = token_filter("kampung_synonyms", "synonym_graph", synonyms_set=synonyms_set, updateable=True,
                                lenient=True)
        edge = token_filter("kampung_edge_ngram", "edge_ngram", min_gram=1, max_gram=EDGE_NGRAM_MAX,
                            preserve_original=True)
        base = ["lowercase", "asciifolding", stop]

        def custom(name: str, filters: list, chars: list | None = None):
            return analyzer(name, tokenizer="standard", char_filter=chars if chars is not None else [reduplication],
                            filter=filters)

        self.indonesian = custom("kampung_indonesian", [*base, stem_id])
        self.indonesian_search = custom("kampung_indonesian_search", [*base, synonyms, stem_id])
        self.english = custom("kampung_english", [*base, stem_en])
        self.english_search = custom("kampung_english_search", [*base, synonyms, stem_en])
        self.plain = custom("kampung_plain", base)
        self.autocomplete = custom("kampung_autocomplete", [*base, edge])
        # The last word typed may be a stop word's beginning ("dan" of "dangke"): keep it.
        self.autocomplete_search = custom("kampung_autocomplete_search", ["lowercase", "asciifolding"])

    def text(self) -> Text:
        return Text(analyzer=self.indonesian, search_analyzer=self.indonesian_search, copy_to="words", fields={
            "en": Text(analyzer=self.english, search_analyzer=self.english_search),
            "plain": Text(analyzer=self.plain),
        })


def _settings() -> dict:
    # One primary shard: the whole catalogue of a programme is far below the ~10-50 GB a shard holds
    # well, and a single shard keeps term statistics, suggestions and facet counts exact.
    return {"number_of_shards": 1, "auto_expand_replicas": "0-1", "refresh_interval": "1s"}


def _common(mapping: Mapping, analysis: Analysis, text_fields: dict[str, float]) -> None:
    mapping.meta("dynamic", "strict")
    mapping.meta("_meta", {"schema": SCHEMA_VERSION})
    for name in text_fields:
        mapping.field(name, analysis.text())
    mapping.field("words", Text(analyzer=analysis.plain))
    mapping.field("suggest", Text(analyzer=analysis.autocomplete, search_analyzer=analysis.autocomplete_search))
    mapping.field("title", Keyword(index=False, doc_values=False))  # the name as shown, for suggestions
    mapping.field("quality", Float())


def product_index(name: str, *, synonyms_set: str) -> Index:
    """Return the definition of a versioned product index called ``name``."""
    analysis = Analysis(synonyms_set)
    mapping = Mapping()
    _common(mapping, analysis, PRODUCT_TEXT_FIELDS)
    mapping.field("id", Long())
    mapping.field("producer_id", Long())
    for keyword in ("category_slug", "category_path", "commodity_slug", "district_code", "village_code",
                    "certifications", "stage"):
        mapping.field(keyword, Keyword())
    mapping.field("retail_ready", Boolean())
    mapping.field("in_stock", Boolean())
    mapping.field("retail_price", Long())
    mapping.field("wholesale_price", Long())
    mapping.field("min_order_qty", Integer())
    mapping.field("approved_at", Date())
    mapping.field("sales_score", Float())
    index = Index(name)
    index.settings(**_settings())
    index.mapping(mapping)
    return index


def village_index(name: str, *, synonyms_set: str) -> Index:
    """Return the definition of a versioned village index called ``name``."""
    analysis = Analysis(synonyms_set)
    mapping = Mapping()
    _common(mapping, analysis, VILLAGE_TEXT_FIELDS)
    for keyword in ("code", "district_code", "stage", "flagship_slug", "commodity_slugs"):
        mapping.field(keyword, Keyword())
    mapping.field("stage_index", Short())
    mapping.field("producers", Integer())
    mapping.field("listed_products", Integer())
    index = Index(name)
    index.settings(**_settings())
    index.mapping(mapping)
    return index


def _texts(*values: str) -> list[str]:
    return [cleaned for cleaned in (language.clean(value) for value in values) if cleaned]


def product_source(d: ProductDocument) -> dict:
    """Return what the product index stores for ``d`` (text cleaned as the database backend cleans it)."""
    return {
        "id": d.id,
        "title": d.name,
        "name": _texts(d.name, d.name_en),
        "taxonomy": _texts(*d.category_names, *d.commodity_names),
        "description": _texts(d.description, d.description_en),
        "maker": _texts(d.producer_name, d.village_name, d.district_name),
        "suggest": language.clean(f"{d.name} {d.name_en}"),
        "producer_id": d.producer_id,
        "category_slug": d.category_slug,
        "category_path": d.category_path,
        "commodity_slug": d.commodity_slug or None,
        "district_code": d.district_code,
        "village_code": d.village_code,
        "certifications": d.certifications,
        "stage": d.stage,
        "retail_ready": d.retail_ready,
        "in_stock": d.in_stock,
        "retail_price": d.retail_price,
        "wholesale_price": d.wholesale_price,
        "min_order_qty": d.min_order_qty,
        "approved_at": d.approved_at.isoformat(),
        "sales_score": d.sales_score,
        "quality": d.quality,
    }


def village_source(d: VillageDocument) -> dict:
    """Return what the village index stores for ``d``."""
    return {
        "code": d.code,
        "title": d.name,
        "name": _texts(d.name),
        "commodities": _texts(*d.commodity_names),
        "story": _texts(d.story),
        "district": _texts(d.district_name),
        "suggest": language.clean(d.name),
        "district_code": d.district_code,
        "stage": d.stage,
        "stage_index": d.stage_index,
        "flagship_slug": d.flagship_slug or None,
        "commodity_slugs": d.commodity_slugs,
        "producers": d.producers,
        "listed_products": d.listed_products,
        "quality": d.quality,
    }
