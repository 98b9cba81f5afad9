"""Pages: the public catalogue (see frontend/urls.py).

Village directory and profiles, the product catalogue, product pages and producer profiles,
open to everyone. Products come only from ``catalog.selectors.product_list_public`` and are
shown from their approved snapshot; anything not public is a 404, never a hint that it exists.
Filters are GET forms that work without JavaScript; a bad filter value is ignored, not reported.
Visitors without a session get these pages from the shared cache (``market.core.pagecache``).
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from catalog.exceptions import ProducerNotFound, ProductNotFound
from catalog.models import DEFAULT_MIN_SHELF_LIFE_DAYS, PermitKind, Stage
from catalog.selectors import (
    PUBLIC_FROM_STAGE,
    BuyerCriteria,
    ProductFilters,
    category_choices,
    coaching_summary,
    commodity_list_in_programme,
    district_list_in_programme,
    localized,
    producer_get_public,
    producer_list_public,
    product_get_public,
    product_ids_for_buyer,
    product_list_annotate_for_buyer,
    product_list_public,
    product_public_details,
    product_public_view,
    stage_progress,
    survey_get_latest,
    user_is_producer_member,
    village_directory,
    village_list_public_catalogue,
    village_profile_get_public,
    village_stage_timeline,
)
from catalog.selectors.public import product_slug
from catalog.selectors.storefront import product_list_related
from frontend.acting import sees_wholesale
from frontend.forms.widgets import LongSelect
from frontend.recently_viewed import may_use_session, recently_viewed_add, recently_viewed_products
from frontend.seo import absolute, product_json_ld, product_path
from frontend.templatetags.photos import thumb_url
from frontend.views.buyer_preferences import acting_buyer_criteria
from frontend.views.orders import _shopper
from market.accounts.models import Role
from market.core.errors import NotFound
from market.core.pagecache import cache_public_page
from market.core.pagination import CappedPaginator
from market.regions.selectors import district_list, programme_region_codes, province_list, regency_list, region_label
from orders.models import Audience
from orders.pricing import Destination
from orders.selectors import product_delivery, shopper_destination
from reviews.selectors import PRODUCT_PAGE_REVIEWS, product_stats, review_list_for_product

VILLAGES_PER_PAGE = 24
PRODUCTS_PER_PAGE = 24
PRODUCT_LIST_CAP = 1_000
VILLAGE_PAGE_PRODUCTS = 8  # products shown on a village's page; the catalogue link shows them all
# Certifications buyers filter by (the NIB identifies a business, it certifies no product).
CERTIFICATION_CHOICES = [(kind, label) for kind, label in PermitKind.choices if kind != PermitKind.NIB]


# --- filter forms (GET; only valid values narrow the list) ----------------------------------


class PublicFilterForm(forms.Form):
    """A GET filter form: ``filters()`` returns the valid values and drops the others."""

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None, False)}

    def active(self, request) -> list[dict]:
        """Return the filters in use as ``label``, ``value`` and the URL that removes each one."""
        chips = []
        for name, value in self.filters().items():
            field = self.fields[name]
            if isinstance(field, forms.BooleanField):
                shown = ""
            else:
                shown = dict(_flat_choices(field.choices)).get(value, value)
            query = request.GET.copy()
            query.pop(name, None)
            query.pop("page", None)
            chips.append({"name": name, "label": field.label, "value": str(shown).strip("\u00a0– "),
                          "remove_url": f"?{query.urlencode()}" if query else request.path})
        return chips


def _flat_choices(choices):
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            yield from label
        else:
            yield value, label


class VillageFilterForm(PublicFilterForm):
    district = forms.ChoiceField(label=_("District (kecamatan)"), required=False, widget=LongSelect)
    stage = forms.ChoiceField(label=_("Programme stage"), required=False)
    commodity = forms.ChoiceField(label=_("Commodity"), required=False)

    def __init__(self, *args, districts=(), commodities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("All districts"))] + [(d.code, d.name) for d in districts]
        self.fields["stage"].choices = [("", _("All stages")), *Stage.choices]
        self.fields["commodity"].choices = [("", _("All commodities"))] + [(c.slug, localized(c)) for c in commodities]


class ProductFilterForm(PublicFilterForm):
    district = forms.ChoiceField(label=_("District (kecamatan)"), required=False, widget=LongSelect)
    village = forms.ChoiceField(label=_("Village"), required=False, widget=LongSelect)
    commodity = forms.ChoiceField(label=_("Commodity"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    certification = forms.ChoiceField(label=_("Certification"), required=False)
    retail_ready = forms.BooleanField(label=_("Ready for modern retail"), required=False)
    in_stock = forms.BooleanField(label=_("In stock"), required=False)

    def __init__(self, *args, districts=(), villages=(), commodities=(), categories=(),
                 buyer: BuyerCriteria | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.buyer = buyer
        if buyer is not None:  # only a buyer organisation has preferences to match
            self.fields["for_me"] = forms.BooleanField(label=_("Matches my preferences"), required=False)
        self.fields["district"].choices = [("", _("All districts"))] + [(d.code, d.name) for d in districts]
        # Only the chosen district's villages (``chosen_district``): the whole programme's would be
        # thousands of options on every request (docs/performance.md).
        village_choices = [(village.code, village.name) for village in villages]
        self.fields["village"].choices = [("", _("All villages") if village_choices
                                           else _("Choose a district first")), *village_choices]
        self.fields["commodity"].choices = [("", _("All commodities"))] + [(c.slug, localized(c)) for c in commodities]
        self.fields["category"].choices = [("", _("All categories")), *categories]
        self.fields["certification"].choices = [("", _("Any certification")), *CERTIFICATION_CHOICES]

    def product_filters(self) -> ProductFilters:
        filters = self.filters()
        for_me = filters.pop("for_me", False)
        return ProductFilters(**filters, for_buyer=self.buyer if for_me else None)


def chosen_district(data) -> str:
    """Return the district whose villages the product filter offers: the one chosen, else the chosen village's."""
    district = str(data.get("district", "")).strip()[:20]
    return district or str(data.get("village", "")).strip()[:8]


def _page(request, queryset, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# --- villages -------------------------------------------------------------------------------


@require_GET
@cache_public_page
def village_list(request):
    form = VillageFilterForm(request.GET or None, districts=list(district_list_in_programme()),
                             commodities=list(commodity_list_in_programme()))
    filters = form.filters()
    page = _page(request, village_directory(**filters), VILLAGES_PER_PAGE)
    for profile in page.object_list:
        profile.flagship_label = localized(profile.flagship_commodity) if profile.flagship_commodity else ""
        profile.stage_number = Stage.index(profile.stage) + 1
    return render(request, "frontend/catalog/village_list.html", {
        "form": form, "page": page, "active_filters": form.active(request), "stage_count": len(Stage.values),
    })


@require_GET
@cache_public_page
def village_detail(request, code: str):
    profile = village_profile_get_public(code=code)
    if profile is None:
        raise Http404(_("No such village in the programme."))
    survey = survey_get_latest(profile=profile)
    survey_lines = []
    if survey is not None:
        survey_lines = [{"name": localized(line.commodity), "production": line.estimated_production_per_month,
                         "unit": line.unit} for line in survey.commodities.all()]
    public = Stage.index(profile.stage) >= Stage.index(PUBLIC_FROM_STAGE)
    products = product_list_public(filters=ProductFilters(village=profile.village_id)) if public else None
    product_count = products.count() if products is not None else 0
    if products is not None and product_count and (buyer := acting_buyer_criteria(request)) is not None:
        products = product_list_annotate_for_buyer(products, criteria=buyer)
    wholesale = sees_wholesale(request)
    share_url = absolute(reverse("frontend:village-detail", kwargs={"code": profile.village_id}))
    shown = ([product_public_view(p) for p in products[:VILLAGE_PAGE_PRODUCTS]]
             if products is not None and product_count else [])
    return render(request, "frontend/catalog/village_detail.html", {
        "share_url": share_url,
        "whatsapp_url": whatsapp_share_url(text=profile.village.name, url=share_url),
        "profile": profile,
        "village": profile.village,
        "flagship": localized(profile.flagship_commodity) if profile.flagship_commodity else "",
        "other_commodities": [localized(c) for c in profile.other_commodities.all()],
        "photos": list(profile.photos.all()),
        "steps": stage_progress(stage=profile.stage),
        "stage_number": Stage.index(profile.stage) + 1,
        "stage_count": len(Stage.values),
        "timeline": village_stage_timeline(profile=profile),
        "survey": survey,
        "survey_lines": survey_lines,
        "coaching": coaching_summary(profile=profile),
        "producers": producer_list_public(village=profile.village_id),
        "products_public": public,
        # Only the products shown: the count says how many there are (3,000 in a big village).
        "products": shown,
        "product_stats": product_stats(product_ids=[p.pk for p in shown]),
        "product_count": product_count,
        "products_url": f"{reverse('frontend:product-list')}?village={profile.village_id}",
        "wholesale": wholesale,
    })


# --- products -------------------------------------------------------------------------------


@require_GET
@cache_public_page
def product_list(request):
    buyer = acting_buyer_criteria(request)
    form = ProductFilterForm(
        request.GET or None,
        districts=list(district_list_in_programme(stages=Stage.at_or_beyond(PUBLIC_FROM_STAGE))),
        villages=list(village_list_public_catalogue(district=district)) if (district := chosen_district(request.GET))
        else [],
        commodities=list(commodity_list_in_programme()),
        categories=category_choices(),
        buyer=buyer,
    )
    products = product_list_public(filters=form.product_filters())
    if buyer is not None:
        products = product_list_annotate_for_buyer(products, criteria=buyer)
    # At most PRODUCT_LIST_CAP counted ("more than 1,000"): filters narrow a longer list.
    page = CappedPaginator(products, PRODUCTS_PER_PAGE, cap=PRODUCT_LIST_CAP).get_page(request.GET.get("page"))
    shown = [product_public_view(product) for product in page.object_list]
    return render(request, "frontend/catalog/product_list.html", {
        "form": form,
        "page": page,
        "products": shown,
        "product_stats": product_stats(product_ids=[p.pk for p in shown]),
        "active_filters": form.active(request),
        "wholesale": sees_wholesale(request),
        "buyer": buyer is not None,
    })


@require_GET
def product_filter_villages(request):
    """The product filter's village select for one district (htmx swaps it in when the district changes)."""
    district = chosen_district(request.GET)
    form = ProductFilterForm(villages=list(village_list_public_catalogue(district=district)) if district else [])
    return HttpResponse(form["village"].as_widget())


@require_GET
@cache_public_page
def product_detail(request, pk: int, slug: str | None = None):
    """A public product at its address with a slug; the old address by id alone, or a stale slug (the
    product was renamed), answers 301 to it (issue 17). Anything not public is a 404 either way."""
    try:
        product = product_get_public(pk=pk)
    except ProductNotFound:
        raise Http404(ProductNotFound.default_message) from None
    canonical = reverse("frontend:product", kwargs={"pk": product.pk,
                                                    "slug": product_slug(product.approved_snapshot.get("name") or "")})
    if request.path != canonical:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(canonical + (f"?{query}" if query else ""))
    member = user_is_producer_member(user=request.user, producer_id=product.producer_id)
    buyer = acting_buyer_criteria(request)
    wholesale = sees_wholesale(request)
    destination, place, picked = _viewer_destination(request)
    delivery = product_delivery(product=product, audience=Audience.BUSINESS if wholesale else Audience.CONSUMER,
                                destination=destination)
    view = product_public_view(product, for_you=bool(product_ids_for_buyer(ids=[product.pk], criteria=buyer)))
    share_url = absolute(product_path(view))
    # Recently viewed (frontend/recently_viewed.py): a page the public cache may keep is the same for everyone and
    # records the view after loading (htmx); any other visitor's is rendered with their own strip.
    personal = may_use_session(request)
    recent = recently_viewed_products(request, exclude=product.pk) if personal else []
    if personal:
        recently_viewed_add(request, product.pk)
    related = [product_public_view(p) for p in product_list_related(product=product)]
    stats = product_stats(product_ids=[product.pk, *(p.pk for p in related)])  # this one's and the cards'
    reviews = list(review_list_for_product(product_id=product.pk)[:PRODUCT_PAGE_REVIEWS])
    return render(request, "frontend/catalog/product_detail.html", {
        "delivery": delivery, "delivery_place": place, "delivery_picked": picked,
        "destination_form": DestinationForm(initial={"to": request.GET.get("to", "") if picked else ""}),
        "product": view,
        "recent": recent,
        "record_view_url": "" if personal else reverse("frontend:recently-viewed"),
        "related": related,
        "product_stats": stats,
        "rating": stats.get(product.pk),
        "reviews": reviews,
        "share_url": share_url,
        "whatsapp_url": whatsapp_share_url(text=view.name, url=share_url),
        "og_image": absolute(thumb_url(view.photos[0], 960)) if view.photos else "",
        "json_ld": [product_json_ld(product=view, price=view.from_price if wholesale else view.retail_price,
                                    photo_urls=[thumb_url(photo, 960) for photo in view.photos],
                                    in_stock=view.stock["state"] != "out", rating=stats.get(product.pk),
                                    reviews=reviews)],
        "details": product_public_details(
            product=product, min_shelf_life_days=buyer.min_shelf_life_days if buyer else DEFAULT_MIN_SHELF_LIFE_DAYS),
        "buyer": buyer is not None,
        "is_member": member,
        "has_pending_changes": member and product.has_pending_changes,
        "dashboard_url": reverse("frontend:dashboard-role", kwargs={"role": Role.PRODUCER}),
        "wholesale": wholesale,
    })


def whatsapp_share_url(*, text: str, url: str) -> str:
    """Return WhatsApp's share link with ``text`` and ``url`` as the message (it opens the app on a phone)."""
    return "https://wa.me/?" + urlencode({"text": f"{text} – {url}"})


_REGION_CODE = re.compile(r"^\d{2}(\.\d{2}){0,2}$")  # a province, regency or district code


class DestinationForm(forms.Form):
    """Where a visitor wants a product delivered: a district of Jember, a regency or a province."""

    to = forms.ChoiceField(label=_("Deliver to"), required=False, widget=LongSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            ("", _("Choose a district or regency")),
            (_("Districts of the programme"), [(d.code, d.name) for d in district_list(region_codes=programme_region_codes())]),
            (_("Regencies and cities"), [(r.code, str(r)) for r in regency_list()]),
            (_("Provinces"), [(p.code, str(p)) for p in province_list()]),
        ]


def _viewer_destination(request) -> tuple[Destination | None, str | None, bool]:
    """Return ``(destination, its name, whether the visitor picked it)`` for the delivery fees of a product page.

    A place picked with ``?to=`` (district, regency or province code) comes first; else the signed-in
    shopper's first outlet (acting for an organisation) or first address; else ``None`` ("from Rp X").
    """
    wanted = request.GET.get("to", "")
    if wanted and _REGION_CODE.match(wanted) and (name := region_label(code=wanted)):
        return Destination.from_code(wanted), name, True
    destination = shopper_destination(shopper=_shopper(request))
    if destination is None:
        return None, None, False
    return destination, region_label(code=destination.village_code), False


# --- producers ------------------------------------------------------------------------------


@require_GET
@cache_public_page
def producer_detail(request, pk: int):
    try:
        producer = producer_get_public(pk=pk)
    except ProducerNotFound:
        raise Http404(NotFound.default_message) from None
    products = product_list_public(filters=ProductFilters(producer=producer.pk))
    if (buyer := acting_buyer_criteria(request)) is not None:
        products = product_list_annotate_for_buyer(products, criteria=buyer)
    page = _page(request, products, PRODUCTS_PER_PAGE)
    shown = [product_public_view(product) for product in page.object_list]
    profile = getattr(producer.village, "profile", None)
    return render(request, "frontend/catalog/producer_detail.html", {
        "producer": producer,
        "village": producer.village,
        "village_has_page": profile is not None,
        "permits": list(producer.permits.all()),
        "today": timezone.localdate(),
        "page": page,
        "products": shown,
        "product_stats": product_stats(product_ids=[p.pk for p in shown]),
        "wholesale": sees_wholesale(request),
    })


urlpatterns = [
    path("villages/", village_list, name="village-list"),
    path("villages/<str:code>/", village_detail, name="village-detail"),
    path("products/", product_list, name="product-list"),
    path("products/villages/", product_filter_villages, name="product-filter-villages"),
    path("products/<int:pk>/", product_detail, name="product-detail"),  # the old address: 301 to the one below
    path("products/<int:pk>/<slug:slug>/", product_detail, name="product"),
    path("producers/<int:pk>/", producer_detail, name="producer-detail"),
]
