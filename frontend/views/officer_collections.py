"""Pages: collections curated by programme officers (issue 17; see frontend/views/shop.py for the public page).

Officers create a collection, fill it with products on sale (a search among them), put them in order,
choose the cover and publish it to the home page. Only active officers who passed the second factor
(``officer_required`` and ``OfficerMfaRequiredMiddleware``); every change is one service call.
"""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.exceptions import CollectionNotFound
from catalog.models import Collection
from catalog.selectors import localized, product_public_view
from catalog.selectors.collections import (
    collection_event_list,
    collection_get_for_officers,
    collection_item_list_for_officers,
    collection_list_for_officers,
    collection_product_candidates,
    collection_products_public,
)
from catalog.services.collections import (
    collection_create,
    collection_product_add,
    collection_product_move,
    collection_product_remove,
    collection_publish,
    collection_update,
)
from frontend.forms.collections import CollectionForm
from frontend.views.officer import officer_required
from market.core.errors import ApplicationError

COVER_CHOICES = 50


def _collection_or_404(pk: int) -> Collection:
    try:
        return collection_get_for_officers(pk=pk)
    except CollectionNotFound:
        raise Http404(CollectionNotFound.default_message) from None


def _cover_choices(collection: Collection) -> list[tuple[int, str]]:
    products = collection_products_public(collection=collection)[:COVER_CHOICES]
    return [(p.pk, localized(p.approved_snapshot)) for p in products if p.approved_snapshot.get("photos")]


def _initial(collection: Collection) -> dict:
    return {"title": collection.title, "title_en": collection.title_en, "slug": collection.slug,
            "description": collection.description, "description_en": collection.description_en,
            "kind": collection.kind, "position": collection.position, "cover_product": collection.cover_product_id}


@officer_required
def collections(request):
    form = CollectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            collection = collection_create(officer=request.user, details=form.details())
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Collection created. Add products, then publish it."))
            return redirect("frontend:officer-collection", pk=collection.pk)
    return render(request, "frontend/officer/collections.html", {
        "section": "collections", "collections": collection_list_for_officers(), "form": form,
    }, status=400 if form.errors else 200)


def _render_collection(request, collection: Collection, *, form=None, status: int = 200):
    query = request.GET.get("q", "").strip()
    return render(request, "frontend/officer/collection.html", {
        "section": "collections",
        "collection": collection,
        "form": form or CollectionForm(initial=_initial(collection), cover_choices=_cover_choices(collection)),
        "items": list(collection_item_list_for_officers(collection=collection)),
        "query": query,
        "candidates": [product_public_view(p) for p in collection_product_candidates(collection=collection, query=query)]
        if collection.kind == Collection.Kind.CURATED else [],
        "events": collection_event_list(collection=collection),
        "public_url": reverse("frontend:collection", kwargs={"slug": collection.slug}),
    }, status=status)


@officer_required
def collection(request, pk: int):
    found = _collection_or_404(pk)
    if request.method != "POST":
        return _render_collection(request, found)
    form = CollectionForm(request.POST, cover_choices=_cover_choices(found))
    if form.is_valid():
        try:
            collection_update(officer=request.user, collection_id=found.pk, details=form.details())
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Collection saved."))
            return redirect("frontend:officer-collection", pk=found.pk)
    return _render_collection(request, found, form=form, status=400)


def _back(found: Collection):
    return redirect(reverse("frontend:officer-collection", kwargs={"pk": found.pk}) + "#products")


def _act(request, found: Collection, action, success: str):
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return _back(found)


@officer_required
@require_POST
def collection_publish_view(request, pk: int):
    found = _collection_or_404(pk)
    publish = request.POST.get("publish") == "1"
    return _act(request, found, lambda: collection_publish(officer=request.user, collection_id=found.pk,
                                                           published=publish),
                _("Published: the collection is on the home page.") if publish
                else _("Unpublished: the public no longer sees the collection."))


def _product_id(request) -> int:
    try:
        return int(request.POST.get("product", ""))
    except ValueError:
        raise Http404 from None


@officer_required
@require_POST
def collection_item_add(request, pk: int):
    found = _collection_or_404(pk)
    product_id = _product_id(request)
    return _act(request, found, lambda: collection_product_add(officer=request.user, collection_id=found.pk,
                                                               product_id=product_id), _("Product added."))


@officer_required
@require_POST
def collection_item_remove(request, pk: int, product_id: int):
    found = _collection_or_404(pk)
    return _act(request, found, lambda: collection_product_remove(officer=request.user, collection_id=found.pk,
                                                                  product_id=product_id), _("Product removed."))


@officer_required
@require_POST
def collection_item_move(request, pk: int, product_id: int):
    found = _collection_or_404(pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    return _act(request, found, lambda: collection_product_move(officer=request.user, collection_id=found.pk,
                                                                product_id=product_id, offset=offset),
                _("Order changed."))


urlpatterns = [
    path("dashboard/officer/collections/", collections, name="officer-collections"),
    path("dashboard/officer/collections/<int:pk>/", collection, name="officer-collection"),
    path("dashboard/officer/collections/<int:pk>/publish/", collection_publish_view, name="officer-collection-publish"),
    path("dashboard/officer/collections/<int:pk>/products/", collection_item_add, name="officer-collection-add"),
    path("dashboard/officer/collections/<int:pk>/products/<int:product_id>/remove/", collection_item_remove,
         name="officer-collection-remove"),
    path("dashboard/officer/collections/<int:pk>/products/<int:product_id>/move/", collection_item_move,
         name="officer-collection-move"),
]
