"""API: product and village search with facets, and autocomplete (read-only, public).

Pagination is bounded (``page_size`` at most 50, nothing beyond result 500) and totals are
counted up to 500 (``total_is_exact`` is false beyond), so no request ever counts or sorts an
unbounded set (``COUNT_LIMIT``, ``MAX_OFFSET`` in ``search.backends.base``).
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from catalog.models import PermitKind, Stage
from market.core.pagecache import public_data, shared_data
from search.backends.base import MAX_OFFSET, MAX_PAGE_SIZE, ProductQuery, ProductSearchFilters, VillageQuery
from search.selectors import (
    ProductSearchPage,
    VillageSearchPage,
    product_search,
    search_audience,
    search_suggest,
    village_search,
)

SORTS = [("relevance", _("Relevance")), ("price_asc", _("Price, lowest first")),
         ("price_desc", _("Price, highest first")), ("newest", _("Newest"))]


class _PageParams(serializers.Serializer):
    page = serializers.IntegerField(required=False, default=1, min_value=1)
    page_size = serializers.IntegerField(required=False, default=20, min_value=1, max_value=MAX_PAGE_SIZE)

    def validate(self, attrs):
        attrs["offset"] = (attrs["page"] - 1) * attrs["page_size"]
        if attrs["offset"] >= MAX_OFFSET:
            raise serializers.ValidationError(
                {"page": [_("Only the first %(count)s results can be paged through; narrow the search.")
                          % {"count": MAX_OFFSET}]})
        return attrs


class ProductSearchParams(_PageParams):
    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=200, trim_whitespace=True)
    category = serializers.SlugField(required=False, max_length=100)
    commodity = serializers.SlugField(required=False, max_length=100)
    district = serializers.RegexField(r"^\d{2}\.\d{2}\.\d{2}$", required=False)
    village = serializers.RegexField(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", required=False)
    certification = serializers.ListField(child=serializers.ChoiceField(choices=PermitKind.choices), required=False,
                                          max_length=len(PermitKind.values))
    retail_ready = serializers.BooleanField(required=False, allow_null=True, default=None)
    in_stock = serializers.BooleanField(required=False, allow_null=True, default=None)
    price_min = serializers.IntegerField(required=False, min_value=0)
    price_max = serializers.IntegerField(required=False, min_value=0)
    max_moq = serializers.IntegerField(required=False, min_value=1)
    sort = serializers.ChoiceField(choices=SORTS, required=False, default="relevance")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("price_min") is not None and attrs.get("price_max") is not None \
                and attrs["price_min"] > attrs["price_max"]:
            raise serializers.ValidationError({"price_max": [_("The highest price is below the lowest price.")]})
        return attrs

    def to_query(self, *, audience: str) -> ProductQuery:
        data = self.validated_data
        return ProductQuery(
            text=data["q"], sort=data["sort"], audience=audience, offset=data["offset"], limit=data["page_size"],
            filters=ProductSearchFilters(
                category=data.get("category"), commodity=data.get("commodity"), district=data.get("district"),
                village=data.get("village"), certifications=tuple(sorted(set(data.get("certification") or []))),
                retail_ready=data["retail_ready"], in_stock=data["in_stock"], price_min=data.get("price_min"),
                price_max=data.get("price_max"), max_min_order_qty=data.get("max_moq")))


class VillageSearchParams(_PageParams):
    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=200, trim_whitespace=True)
    district = serializers.RegexField(r"^\d{2}\.\d{2}\.\d{2}$", required=False)
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    commodity = serializers.SlugField(required=False, max_length=100)

    def to_query(self) -> VillageQuery:
        data = self.validated_data
        return VillageQuery(text=data["q"], district=data.get("district"), stage=data.get("stage"),
                            commodity=data.get("commodity"), offset=data["offset"], limit=data["page_size"])


class SuggestParams(serializers.Serializer):
    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=100, trim_whitespace=True)
    limit = serializers.IntegerField(required=False, default=8, min_value=1, max_value=20)


class SuggestRateThrottle(SimpleRateThrottle):
    """Autocomplete asks once per pause in typing: allow more than the general anonymous rate."""

    scope = "search_suggest"
    rate = "300/minute"

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def _facets(facets) -> dict:
    return {name: [{"value": f.value, "label": f.label, "count": f.count} for f in values]
            for name, values in facets.items()}


def _links(request, page: ProductSearchPage | VillageSearchPage, number: int) -> dict:
    url = request.build_absolute_uri()
    previous = None
    if page.has_previous:
        previous = remove_query_param(url, "page") if number == 2 else replace_query_param(url, "page", number - 1)
    return {"next": replace_query_param(url, "page", number + 1) if page.has_next else None, "previous": previous}


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


def _facets_schema() -> serializers.DictField:
    return serializers.DictField(child=serializers.ListField(child=FacetValueSerializer()))


class ProductSearchView(APIView):
    """Search the public catalogue: text (Indonesian-aware, typos, synonyms), filters, facets, sorts.

    Prices are the viewer's: retail buyers get the lowest wholesale tier (and the tiers), everyone
    else the retail price; ``price_min``/``price_max`` filter on that price.
    """

    permission_classes = [AllowAny]

    @extend_schema(parameters=[ProductSearchParams], responses=inline_serializer("ProductSearch", {
        "results": inline_serializer("ProductHit", {
            "id": serializers.IntegerField(), "name": serializers.CharField(), "price": serializers.IntegerField(),
            "audience": serializers.CharField(), "price_tiers": serializers.ListField(),
            "unit": serializers.CharField(), "min_order_qty": serializers.IntegerField(),
            "photo": serializers.CharField(allow_null=True), "village": serializers.DictField(),
            "district": serializers.DictField(), "retail_ready": serializers.BooleanField(),
            "in_stock": serializers.BooleanField()}, many=True),
        "facets": _facets_schema(), "total": serializers.IntegerField(),
        "total_is_exact": serializers.BooleanField(), "did_you_mean": serializers.CharField(allow_null=True),
        "next": serializers.URLField(allow_null=True), "previous": serializers.URLField(allow_null=True)}))
    def get(self, request):
        # Anonymous answers come from the shared cache until the index changes (market/core/pagecache.py).
        data, _cached = public_data(request, lambda: self._answer(request))
        return Response(data)

    def _answer(self, request) -> dict:
        params = ProductSearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = product_search(query=params.to_query(audience=search_audience(user=request.user)))
        return {
            "results": [{
                "id": hit.id, "name": hit.name, "price": hit.price, "audience": hit.audience,
                "price_tiers": [{"min_quantity": q, "unit_price": p} for q, p in hit.price_tiers],
                "unit": hit.unit, "min_order_qty": hit.min_order_qty,
                "photo": request.build_absolute_uri(hit.photo_url) if hit.photo_url else None,
                "village": {"code": hit.village_code, "name": hit.village_name},
                "district": {"code": hit.district_code, "name": hit.district_name},
                "retail_ready": hit.retail_ready, "in_stock": hit.in_stock,
            } for hit in page.hits],
            "facets": _facets(page.facets), "total": page.total, "total_is_exact": page.total_is_exact,
            "did_you_mean": page.did_you_mean, **_links(request, page, params.validated_data["page"]),
        }


class VillageSearchView(APIView):
    """Search village profiles (every programme stage) by name, commodity and story."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[VillageSearchParams], responses=inline_serializer("VillageSearch", {
        "results": serializers.ListField(child=serializers.DictField()),
        "facets": _facets_schema(), "total": serializers.IntegerField(),
        "total_is_exact": serializers.BooleanField(), "did_you_mean": serializers.CharField(allow_null=True),
        "next": serializers.URLField(allow_null=True), "previous": serializers.URLField(allow_null=True)}))
    def get(self, request):
        data, _cached = public_data(request, lambda: self._answer(request))
        return Response(data)

    def _answer(self, request) -> dict:
        params = VillageSearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = village_search(query=params.to_query())
        stages = dict(Stage.choices)
        return {
            "results": [{
                "code": v.code, "name": v.name, "district": {"code": v.district_code, "name": v.district_name},
                "stage": v.stage, "stage_label": str(stages.get(v.stage, v.stage)),
                "flagship_commodity": v.flagship_slug or None, "commodities": v.commodity_slugs,
                "producers": v.producers, "listed_products": v.listed_products,
                "story": v.story[:300],
            } for v in page.villages],
            "facets": _facets(page.facets), "total": page.total, "total_is_exact": page.total_is_exact,
            "did_you_mean": page.did_you_mean, **_links(request, page, params.validated_data["page"]),
        }


class SuggestView(APIView):
    """Autocomplete for the search box: categories, commodities, products and villages whose names
    start with the words typed."""

    permission_classes = [AllowAny]
    throttle_classes = [SuggestRateThrottle]

    @extend_schema(parameters=[SuggestParams], responses=inline_serializer("Suggestions", {
        "suggestions": inline_serializer("Suggestion", {
            "text": serializers.CharField(), "kind": serializers.CharField(),
            "url_hint": serializers.CharField()}, many=True)}))
    def get(self, request):
        params = SuggestParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        prefix, limit = params.validated_data["q"], params.validated_data["limit"]
        suggestions = shared_data(f"suggest|{limit}|{prefix}", lambda: search_suggest(prefix=prefix, limit=limit))
        return Response({"suggestions": [{"text": s.text, "kind": s.kind, "url_hint": s.url_hint}
                                         for s in suggestions]})
