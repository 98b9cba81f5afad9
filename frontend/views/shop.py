"""Pages: collections, favourites ("Favorit") and recently viewed products (issue 17).

- ``/collections/<slug>/``: a published collection's products on sale, capped pagination like the
  catalogue; cached for visitors without a session like the other public pages.
- ``/favorites/``: the signed-in consumer's or buyer's saved products, each with "add to cart".
  ``/favorites/<product>/`` (POST ``action=add|remove``) saves or removes one: a plain form that
  comes back to ``next``, or, for htmx, the button in its new state (and the header's count).
  Anonymous visitors are sent to sign in and come back to the page they were on.
- ``/recently-viewed/`` (POST ``product``): records a product page viewed by a visitor whose page came
  from the public cache, and answers the strip of their other recently viewed products
  (see ``frontend.recently_viewed``).
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog.exceptions import CollectionNotFound
from catalog.selectors import localized, product_public_view
from catalog.selectors.collections import (
    collection_cover_get,
    collection_get_public,
    collection_products_public,
    user_keeps_wishlist,
    wishlist_list,
)
from catalog.services.collections import wishlist_add, wishlist_remove
from frontend.acting import sees_wholesale
from frontend.recently_viewed import recently_viewed_add, recently_viewed_products
from frontend.views.common import next_url
from market.core.errors import ApplicationError
from market.core.pagecache import cache_public_page
from market.core.pagination import CappedPaginator

COLLECTION_PER_PAGE = 24
COLLECTION_CAP = 1_000


# --- collections ----------------------------------------------------------------------------


@require_GET
@cache_public_page
def collection_detail(request, slug: str):
    try:
        collection = collection_get_public(slug=slug)
    except CollectionNotFound:
        raise Http404(CollectionNotFound.default_message) from None
    products = collection_products_public(collection=collection)
    page = CappedPaginator(products, COLLECTION_PER_PAGE, cap=COLLECTION_CAP).get_page(request.GET.get("page"))
    shown = [product_public_view(product) for product in page.object_list]
    cover = collection_cover_get(collection=collection)
    cover_view = product_public_view(cover) if cover is not None else next((p for p in shown if p.photos), None)
    return render(request, "frontend/shop/collection_detail.html", {
        "collection": collection,
        "title": localized(collection, "title"),
        "description": localized(collection, "description"),
        "cover": cover_view,
        "page": page,
        "products": shown,
        "wholesale": sees_wholesale(request),
    })


# --- favourites -----------------------------------------------------------------------------


def _wishlist_user(request):
    if not user_keeps_wishlist(request.user):
        raise PermissionDenied(_("Only consumers and retail buyers keep favourites."))
    return request.user


@login_required
@require_GET
def wishlist(request):
    user = _wishlist_user(request)
    return render(request, "frontend/shop/wishlist.html", {
        "products": [product_public_view(product) for product in wishlist_list(user=user)],
        "wholesale": sees_wholesale(request),
    })


@require_POST
def wishlist_toggle(request, product_id: int):
    """Save (``action=add``) or remove (``action=remove``) a product; anonymous people sign in first."""
    back = next_url(request, reverse("frontend:wishlist"))
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    user = _wishlist_user(request)
    adding = request.POST.get("action") != "remove"
    try:
        if adding:
            wishlist_add(user=user, product_id=product_id)
        else:
            wishlist_remove(user=user, product_id=product_id)
    except ApplicationError as exc:
        if request.htmx:
            return HttpResponse(str(exc.message), status=exc.http_status, content_type="text/plain; charset=utf-8")
        messages.error(request, str(exc.message))
        return redirect(back)
    if request.htmx:
        return render(request, "frontend/shop/_wishlist_toggle.html", {
            "product_id": product_id, "saved": adding, "next": back, "large": request.POST.get("large") == "1",
            "oob_count": True,
        })
    messages.success(request, _("Saved to your favourites.") if adding else _("Removed from your favourites."))
    return redirect(back)


# --- recently viewed ------------------------------------------------------------------------


@require_POST
def recently_viewed(request):
    """Record a product page the visitor viewed, and answer the strip of the others they viewed (htmx)."""
    try:
        product_id = int(request.POST.get("product", ""))
    except ValueError:
        return HttpResponse(status=400)
    if product_id <= 0:
        return HttpResponse(status=400)
    recent = recently_viewed_products(request, exclude=product_id)
    recently_viewed_add(request, product_id)
    return render(request, "frontend/shop/_recently_viewed.html", {
        "recent": recent,
        "wholesale": sees_wholesale(request),
    })


urlpatterns = [
    path("collections/<slug:slug>/", collection_detail, name="collection"),
    path("favorites/", wishlist, name="wishlist"),
    path("favorites/<int:product_id>/", wishlist_toggle, name="wishlist-toggle"),
    path("recently-viewed/", recently_viewed, name="recently-viewed"),
]
