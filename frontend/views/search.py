"""Pages: search of products and villages (see frontend/urls.py).

The search box works as a plain GET form; with JavaScript, htmx asks ``search-suggest`` for
suggestions as the visitor types (debounced) and ``frontend/js/search.js`` makes the list keyboard
accessible. Results come from the configured search backend through ``search.selectors`` (ids in
rank order, loaded from ``catalog.selectors.product_list_public``) and are shown with the catalogue's
product card. Facets are links that add or remove one filter; a bad parameter is ignored, not
reported. A search backend that is down gives a message, never an error page.
"""
from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from catalog.models import PermitKind, Stage
from catalog.selectors import product_ids_for_buyer, product_public_view
from frontend.acting import acting_audience, sees_wholesale
from frontend.views.buyer_preferences import acting_buyer_criteria
from market.core.pagecache import cache_public_page, shared_data
from search.backends.base import MAX_OFFSET, ProductQuery, ProductSearchFilters, VillageQuery
from search.exceptions import SearchUnavailableError
from search.selectors import product_search, search_suggest, village_search

PER_PAGE = 24
VILLAGES_PER_PAGE = 20
SUGGESTIONS = 8
SORTS = [("relevance", _("Relevance")), ("price_asc", _("Price, lowest first")),
         ("price_desc", _("Price, highest first")), ("newest", _("Newest"))]
FACET_TITLES = {"category": _("Category"), "commodity": _("Commodity"), "district": _("District (kecamatan)"),
                "village": _("Village"), "certification": _("Certification"),
                "retail_ready": _("Ready for modern retail"), "in_stock": _("In stock")}
BOOLEAN_LABELS = {"retail_ready": {"true": _("Ready for modern retail"), "false": _("Not yet ready for retail")},
                  "in_stock": {"true": _("In stock"), "false": _("Out of stock")}}
SUGGESTION_KINDS = {"product": _("Product"), "category": _("Category"), "commodity": _("Commodity"),
                    "village": _("Village")}
BOOLEAN_CHOICES = [("", ""), ("true", "true"), ("false", "false")]


class ProductSearchForm(forms.Form):
    """The search parameters (GET). Invalid values are dropped: the rest still narrows the search."""

    q = forms.CharField(label=_("Search products"), required=False, max_length=200)
    category = forms.SlugField(required=False, max_length=100)
    commodity = forms.SlugField(required=False, max_length=100)
    district = forms.RegexField(r"^\d{2}\.\d{2}\.\d{2}$", required=False)
    village = forms.RegexField(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", required=False)
    certification = forms.MultipleChoiceField(choices=PermitKind.choices, required=False)
    retail_ready = forms.ChoiceField(choices=BOOLEAN_CHOICES, required=False)
    in_stock = forms.ChoiceField(choices=BOOLEAN_CHOICES, required=False)
    price_min = forms.IntegerField(label=_("Lowest price (Rp)"), required=False, min_value=0, max_value=10**12)
    price_max = forms.IntegerField(label=_("Highest price (Rp)"), required=False, min_value=0, max_value=10**12)
    max_moq = forms.IntegerField(label=_("Minimum order up to"), required=False, min_value=1, max_value=10**9)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_OFFSET // PER_PAGE + 1)

    def values(self) -> dict:
        """Return the valid parameters; each invalid one is left out on its own."""
        self.is_valid()
        data = dict(self.cleaned_data)
        for name in self.errors:
            data.pop(name, None)
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            data["price_min"], data["price_max"] = high, low
        return data

    def query(self, *, audience: str) -> ProductQuery:
        data = self.values()
        boolean = {"true": True, "false": False}
        page = data.get("page") or 1
        return ProductQuery(
            text=(data.get("q") or "").strip(), sort=data.get("sort") or "relevance", audience=audience,
            offset=(page - 1) * PER_PAGE, limit=PER_PAGE,
            filters=ProductSearchFilters(
                category=data.get("category") or None, commodity=data.get("commodity") or None,
                district=data.get("district") or None, village=data.get("village") or None,
                certifications=tuple(sorted(set(data.get("certification") or []))),
                retail_ready=boolean.get(data.get("retail_ready") or ""),
                in_stock=boolean.get(data.get("in_stock") or ""),
                price_min=data.get("price_min"), price_max=data.get("price_max"),
                max_min_order_qty=data.get("max_moq")))


def _url(params: QueryDict) -> str:
    return f"?{params.urlencode()}" if params else "?"


def _facet_groups(request, facets: dict, query: ProductQuery) -> list[dict]:
    """Return each facet as a titled list of links that toggle one value (the page goes back to 1)."""
    chosen = {"category": query.filters.category, "commodity": query.filters.commodity,
              "district": query.filters.district, "village": query.filters.village,
              "retail_ready": {True: "true", False: "false"}.get(query.filters.retail_ready),
              "in_stock": {True: "true", False: "false"}.get(query.filters.in_stock)}
    permits = dict(PermitKind.choices)
    groups = []
    for name, title in FACET_TITLES.items():
        values = facets.get(name) or []
        if not values:
            continue
        items = []
        for facet in values:
            params = request.GET.copy()
            params.pop("page", None)
            if name == "certification":
                held = params.getlist(name)
                selected = facet.value in query.filters.certifications
                params.setlist(name, [v for v in held if v != facet.value] if selected else [*held, facet.value])
            else:
                selected = chosen.get(name) == facet.value
                if selected:
                    params.pop(name, None)
                else:
                    params[name] = facet.value
            if name == "certification":
                label = permits.get(facet.value, facet.label)
            elif name in BOOLEAN_LABELS:
                label = BOOLEAN_LABELS[name].get(facet.value, facet.label)
            else:
                label = facet.label
            items.append({"value": facet.value, "label": label, "count": facet.count, "selected": selected,
                          "url": _url(params)})
        groups.append({"name": name, "title": title, "items": items, "multiple": name == "certification"})
    return groups


def _active_filters(request, groups: list[dict], form_values: dict) -> list[dict]:
    """Return the filters in use as chips (label, value, the URL that removes it)."""
    chips = []
    for group in groups:
        for item in group["items"]:
            if item["selected"]:
                chips.append({"label": group["title"], "value": item["label"], "remove_url": item["url"]})
    for name, label in (("price_min", _("Lowest price (Rp)")), ("price_max", _("Highest price (Rp)")),
                        ("max_moq", _("Minimum order up to"))):
        if form_values.get(name) is not None:
            params = request.GET.copy()
            params.pop(name, None)
            params.pop("page", None)
            chips.append({"label": label, "value": str(form_values[name]), "remove_url": _url(params)})
    return chips


def _page_links(request, page) -> dict:
    number = page.query.offset // PER_PAGE + 1
    links = {"number": number, "previous": None, "next": None}
    if page.has_previous:
        params = request.GET.copy()
        if number == 2:
            params.pop("page", None)
        else:
            params["page"] = number - 1
        links["previous"] = _url(params)
    if page.has_next and page.query.offset + PER_PAGE < MAX_OFFSET:
        params = request.GET.copy()
        params["page"] = number + 1
        links["next"] = _url(params)
    return links


@require_GET
@cache_public_page
def search(request):
    form = ProductSearchForm(request.GET or None)
    query = form.query(audience=acting_audience(request)) if form.is_bound else ProductQuery()
    filters = query.filters
    context = {"form": form, "query": query, "sorts": SORTS, "wholesale": sees_wholesale(request),
               "unavailable": False, "tab": "products", "options_open": query.sort != "relevance" or any(
                   v is not None for v in (filters.price_min, filters.price_max, filters.max_min_order_qty))}
    try:
        page = product_search(query=query)
    except SearchUnavailableError as exc:
        context.update(unavailable=True, unavailable_message=exc.message)
        return render(request, "frontend/search/search.html", context, status=503)
    groups = _facet_groups(request, page.facets, query)
    did_you_mean_url = None
    if page.did_you_mean:
        params = request.GET.copy()
        params["q"] = page.did_you_mean
        params.pop("page", None)
        did_you_mean_url = _url(params)
    values = form.values() if form.is_bound else {}
    for_you = product_ids_for_buyer(ids=[hit.product.pk for hit in page.hits], criteria=acting_buyer_criteria(request))
    from reviews.selectors import product_stats

    context.update(
        page=page, products=[product_public_view(hit.product, for_you=hit.product.pk in for_you)
                             for hit in page.hits], facet_groups=groups,
        product_stats=product_stats(product_ids=[hit.product.pk for hit in page.hits]),
        active_filters=_active_filters(request, groups, values), did_you_mean=page.did_you_mean,
        did_you_mean_url=did_you_mean_url, pages=_page_links(request, page),
        hidden_filters=[(name, value) for name in ("category", "commodity", "district", "village", "retail_ready",
                                                   "in_stock") if (value := values.get(name))]
        + [("certification", kind) for kind in values.get("certification") or []])
    return render(request, "frontend/search/search.html", context)


@require_GET
def suggest(request):
    """Return the suggestions partial for the search box (htmx); empty when nothing fits."""
    text = (request.GET.get("q") or "").strip()[:100]
    # The same for everyone who typed these letters: from the shared cache until the index changes.
    suggestions = shared_data(f"suggest|{SUGGESTIONS}|{text}",
                              lambda: search_suggest(prefix=text, limit=SUGGESTIONS)) if text else []
    return render(request, "frontend/search/suggestions.html", {
        "suggestions": [{"text": s.text, "kind": s.kind, "kind_label": SUGGESTION_KINDS.get(s.kind, s.kind)}
                        for s in suggestions]})


class VillageSearchForm(forms.Form):
    q = forms.CharField(label=_("Search villages"), required=False, max_length=200)
    district = forms.RegexField(r"^\d{2}\.\d{2}\.\d{2}$", required=False)
    stage = forms.ChoiceField(choices=Stage.choices, required=False)
    commodity = forms.SlugField(required=False, max_length=100)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_OFFSET // VILLAGES_PER_PAGE + 1)


@require_GET
@cache_public_page
def villages(request):
    form = VillageSearchForm(request.GET or None)
    data = {}
    if form.is_bound:
        form.is_valid()
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    number = data.get("page") or 1
    query = VillageQuery(text=(data.get("q") or "").strip(), district=data.get("district") or None,
                         stage=data.get("stage") or None, commodity=data.get("commodity") or None,
                         offset=(number - 1) * VILLAGES_PER_PAGE, limit=VILLAGES_PER_PAGE)
    context = {"form": form, "query": query, "tab": "villages", "unavailable": False}
    try:
        page = village_search(query=query)
    except SearchUnavailableError as exc:
        context.update(unavailable=True, unavailable_message=exc.message)
        return render(request, "frontend/search/villages.html", context, status=503)
    stages = dict(Stage.choices)
    chosen = {"district": query.district, "stage": query.stage, "commodity": query.commodity}
    titles = {"district": _("District (kecamatan)"), "stage": _("Programme stage"), "commodity": _("Commodity")}
    groups = []
    for name, title in titles.items():
        items = []
        for facet in page.facets.get(name) or []:
            params = request.GET.copy()
            params.pop("page", None)
            selected = chosen[name] == facet.value
            if selected:
                params.pop(name, None)
            else:
                params[name] = facet.value
            label = str(stages.get(facet.value, facet.label)) if name == "stage" else facet.label
            items.append({"label": label, "count": facet.count, "selected": selected, "url": _url(params)})
        if items:
            groups.append({"name": name, "title": title, "items": items})
    did_you_mean_url = None
    if page.did_you_mean:
        params = request.GET.copy()
        params["q"] = page.did_you_mean
        params.pop("page", None)
        did_you_mean_url = _url(params)
    links = {"number": number, "previous": None, "next": None}
    if page.has_previous:
        params = request.GET.copy()
        params["page"] = number - 1
        links["previous"] = _url(params)
    if page.has_next and page.query.offset + VILLAGES_PER_PAGE < MAX_OFFSET:
        params = request.GET.copy()
        params["page"] = number + 1
        links["next"] = _url(params)
    context.update(page=page, villages=[{"doc": v, "stage_label": stages.get(v.stage, v.stage)} for v in page.villages],
                   facet_groups=groups, did_you_mean=page.did_you_mean, did_you_mean_url=did_you_mean_url,
                   pages=links)
    return render(request, "frontend/search/villages.html", context)


urlpatterns = [
    path("search/", search, name="search"),
    path("search/suggest/", suggest, name="search-suggest"),
    path("search/villages/", villages, name="search-villages"),
]
