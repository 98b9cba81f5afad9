"""Pages: the producer's own dashboard (see frontend/urls.py).

A producer's people see their business (village, verification, permits, capacity), their
products (the working copies, with curation status, stock and why a product was rejected),
and edit them: product details, price tiers, photos taken with the phone, curation requests
and stock. Programme officers may open a producer's pages too (``?producer=<id>``); they change
something only in officer-assisted mode (an active assist session for that producer, started
from the officer's producer page), where these pages act for the session's producer. Everything
else gets 403, other producers' products 404. Every change goes through one ``catalog.services`` function; its
``ApplicationError`` is shown beside the input it concerns and nothing typed is lost.
"""
from __future__ import annotations

from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog.exceptions import PhotoNotFound, PriceTiersInvalid, ProductIncomplete
from catalog.models import PermitKind, Product, RejectionReason, Stage
from catalog.selectors import (
    PUBLIC_FROM_STAGE,
    access_producer,
    access_product,
    assist_action_list,
    assist_session_active,
    producer_list_for_user,
    producer_organisation_list_unregistered,
    producer_permit_list,
    product_curation_history,
    product_is_retail_ready,
    product_list_for_producer_dashboard,
    product_photo_get,
    product_retail_readiness,
    stock_movement_list,
)
from catalog.services import (
    producer_create,
    producer_permit_delete,
    producer_permit_set,
    producer_update,
    product_create,
    product_photo_add,
    product_photo_remove,
    product_price_tiers_set,
    product_submit_for_curation,
    product_update,
    stock_correct,
    stock_restock,
    stock_threshold_set,
)
from frontend.forms.producer import (
    PermitForm,
    PhotoForm,
    PriceTierFormSet,
    ProducerContactForm,
    ProducerRegisterForm,
    ProductForm,
    RestockForm,
    StockCorrectForm,
    ThresholdForm,
)
from investors.selectors import interest_list_shared_for_producer
from market.accounts.models import Organisation, Role
from market.accounts.services import organisation_create
from market.core.errors import ApplicationError, NotFound
from market.regions.selectors import programme_region_codes, village_list
from placements.selectors import placement_low_stock_list

EXPIRY_WARNING_DAYS = 30
MOVEMENTS_SHOWN = 20
ASSISTED_ACTIONS_SHOWN = 20
TIERS_PREFIX = "tiers"


def producer_area(view):
    """Let in producers (and programme officers, who assist them); others get 403, unknown objects 404.

    An officer only looks unless an assist session is active (``request.assist_session``): a change
    without one is refused here with 403, and the services refuse it again for any producer but the
    session's.
    """

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_active or not (user.role == Role.PRODUCER or user.is_officer):
            raise PermissionDenied(_("This dashboard belongs to another role."))
        request.assist_session = assist_session_active(officer=user) if user.is_officer else None
        if user.is_officer and request.method == "POST" and request.assist_session is None:
            raise PermissionDenied(_("Start assisted mode from the producer's page before changing anything."))
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc

    return wrapper


def _current_producer(request):
    """Return ``(producer or None, the user's producers)``: the one asked for by ``?producer=``, else the first.

    Officers must say which producer (``?producer=``); a producer id the user may not edit is a 404.
    """
    producers = list(producer_list_for_user(user=request.user))
    wanted = request.GET.get("producer", "")
    assisting = getattr(request, "assist_session", None)
    if wanted:
        if not wanted.isdigit():
            raise Http404(_("Producer not found."))
        chosen = next((p for p in producers if p.pk == int(wanted)), None)
        chosen = chosen or access_producer(user=request.user, pk=int(wanted))
        _refuse_unassisted_change(request, chosen)
        return chosen, producers
    if assisting is not None:
        return assisting.producer, producers
    if request.user.role != Role.PRODUCER:
        raise PermissionDenied(_("This dashboard belongs to another role."))
    return (producers[0] if producers else None), producers


def _refuse_unassisted_change(request, producer) -> None:
    """An officer changes only the producer of their assist session (the services check it again)."""
    assisting = getattr(request, "assist_session", None)
    if (request.user.is_officer and request.method == "POST"
            and (assisting is None or assisting.producer_id != producer.pk)):
        raise PermissionDenied(_("Your assisted mode is for another producer."))


def _access_product(request, pk: int) -> Product:
    """Return the product to show or change (``access_product``); an officer changes only the assisted producer's."""
    product = access_product(user=request.user, pk=pk)
    _refuse_unassisted_change(request, product.producer)
    return product


def _producer_or_404(request):
    producer, _producers = _current_producer(request)
    if producer is None:
        raise Http404(_("Producer not found."))
    return producer


def _with_producer(url_name: str, producer, anchor: str = "", **kwargs) -> str:
    url = f"{reverse(f'frontend:{url_name}', kwargs=kwargs or None)}?producer={producer.pk}"
    return f"{url}#{anchor}" if anchor else url


def _product_url(product, anchor: str = "", name: str = "producer-product-edit") -> str:
    url = reverse(f"frontend:{name}", kwargs={"pk": product.pk})
    return f"{url}#{anchor}" if anchor else url


def _context(request, producer, **extra) -> dict:
    assisting = getattr(request, "assist_session", None)
    return {"producer": producer, "as_officer": request.user.is_officer,
            "assisting": assisting is not None and producer is not None and assisting.producer_id == producer.pk,
            **extra}


# --- status, stock and permits as the pages show them ----------------------------------------


def product_badges(product: Product) -> list[tuple[str, str]]:
    """Return ``[(css class, label), ...]`` saying where the product is in curation and on sale."""
    status = Product.Status
    if product.listed:
        if product.status == status.SUBMITTED:
            return [("listed", _("On sale (approved version)")), ("pending", _("Changes waiting for review"))]
        if product.status == status.REJECTED:
            return [("listed", _("On sale (approved version)")), ("rejected", _("Changes rejected"))]
        return [("approved", _("Approved · on sale"))]
    return [{
        status.DRAFT: ("draft", _("Draft")),
        status.SUBMITTED: ("submitted", _("Submitted for review")),
        status.APPROVED: ("approved", _("Approved")),
        status.REJECTED: ("rejected", _("Rejected")),
    }[product.status]]


def stock_summary(product: Product) -> dict | None:
    stock = getattr(product, "stock", None)
    if stock is None:
        return None
    return {"available": stock.available, "on_hand": stock.on_hand, "reserved": stock.reserved,
            "threshold": stock.low_stock_threshold, "low": stock.available <= stock.low_stock_threshold,
            "out": stock.available <= 0}


def _reason_labels(reasons) -> list[str]:
    labels = dict(RejectionReason.choices)
    return [str(labels.get(reason, reason)) for reason in reasons or []]


def _product_row(product: Product) -> dict:
    photos = list(product.photos.all())
    rejected = product.status == Product.Status.REJECTED
    return {
        "product": product, "badges": product_badges(product), "stock": stock_summary(product),
        "photo": photos[0] if photos else None,
        "reasons": _reason_labels(product.last_rejection_reasons) if rejected else [],
        "note": (product.last_rejection_note or "") if rejected else "",
        "rejected": rejected,
    }


def _permit_rows(producer, today) -> list[dict]:
    soon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    return [{"permit": permit,
             "expired": permit.expires_on is not None and permit.expires_on < today,
             "expiring": permit.expires_on is not None and today <= permit.expires_on <= soon,
             "days_left": (permit.expires_on - today).days if permit.expires_on else None}
            for permit in producer_permit_list(producer=producer)]


def _village_stage(producer):
    profile = getattr(producer.village, "profile", None)
    if profile is None:
        return None
    return {"label": profile.get_stage_display(),
            "public": profile.stage in Stage.at_or_beyond(PUBLIC_FROM_STAGE)}


# --- dashboard -------------------------------------------------------------------------------


@producer_area
@require_safe
def home(request):
    producer, producers = _current_producer(request)
    if producer is None:
        return _render_register(request, organisations=producer_organisation_list_unregistered(user=request.user))
    today = timezone.localdate()
    rows = [_product_row(product) for product in product_list_for_producer_dashboard(producer=producer)]
    permits = _permit_rows(producer, today)
    return render(request, "frontend/producer/home.html", _context(
        request, producer, section="home", producers=producers, rows=rows, permits=permits,
        assisted_actions=list(assist_action_list(producer=producer)[:ASSISTED_ACTIONS_SHOWN]),
        shelf_low_stock=list(placement_low_stock_list(producer=producer)[:10]),
        shared_interests=list(interest_list_shared_for_producer(user=request.user, producer_id=producer.pk)[:5]),
        stage=_village_stage(producer), expiry_days=EXPIRY_WARNING_DAYS,
        attention={
            "low": sum(1 for row in rows if row["stock"] and row["stock"]["low"]),
            "rejected": sum(1 for row in rows if row["rejected"]),
            "permits": sum(1 for row in permits if row["expired"] or row["expiring"]),
        },
    ))


def _render_register(request, *, organisations, form=None):
    """The dashboard of a producer account without a registered business: the form to register it."""
    first = organisations.first()
    form = form or ProducerRegisterForm(organisations=organisations, initial={"name": first.name if first else ""},
                                        villages=village_list(region_codes=programme_region_codes()))
    return render(request, "frontend/producer/register.html", {
        "section": "home", "form": form, "organisation": first, "has_organisation": first is not None,
    }, status=400 if form.errors else 200)


@producer_area
@require_http_methods(["GET", "HEAD", "POST"])
def register(request):
    """Register the business of a producer account: an organisation's catalogue details."""
    if request.user.role != Role.PRODUCER:
        raise PermissionDenied(_("Only producer accounts can register a business."))
    organisations = producer_organisation_list_unregistered(user=request.user)
    if producer_list_for_user(user=request.user).exists() and not organisations.exists():
        messages.info(request, _("Your business is already registered."))
        return redirect("frontend:producer-home")
    if request.method != "POST":
        return _render_register(request, organisations=organisations)
    form = ProducerRegisterForm(request.POST, organisations=organisations,
                                villages=village_list(region_codes=programme_region_codes()))
    if form.is_valid():
        organisation = form.cleaned_data.get("organisation") or organisations.first()
        try:
            if organisation is None:
                # A producer account without its organisation (e.g. made by staff): the business is it.
                organisation = organisation_create(name=form.cleaned_data["name"], kind=Organisation.Kind.PRODUCER,
                                                   owner=request.user)
            producer = producer_create(organisation=organisation, actor=request.user, **form.service_kwargs())
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Your business is registered. A programme officer will verify it; "
                                        "meanwhile you can add your products."))
            return redirect(_with_producer("producer-home", producer))
    return _render_register(request, organisations=organisations, form=form)


# --- business details and permits ------------------------------------------------------------


def _render_business(request, producer, *, status: int = 200, contact_form=None, permit_form=None):
    today = timezone.localdate()
    return render(request, "frontend/producer/business.html", _context(
        request, producer, section="business", permits=_permit_rows(producer, today),
        contact_form=contact_form or ProducerContactForm(producer=producer),
        permit_form=permit_form or PermitForm(), stage=_village_stage(producer), expiry_days=EXPIRY_WARNING_DAYS,
    ), status=status)


@producer_area
@require_http_methods(["GET", "HEAD", "POST"])
def business(request):
    producer = _producer_or_404(request)
    if request.method != "POST":
        return _render_business(request, producer)
    form = ProducerContactForm(request.POST, producer=producer)
    if form.is_valid():
        try:
            producer_update(producer=producer, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Your business details are saved."))
            return redirect(_with_producer("producer-business", producer))
    return _render_business(request, producer, status=400, contact_form=form)


@producer_area
@require_POST
def permit_set(request):
    producer = _producer_or_404(request)
    form = PermitForm(request.POST)
    if form.is_valid():
        try:
            permit = producer_permit_set(producer=producer, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("%(permit)s is saved.") % {"permit": permit.get_kind_display()})
            return redirect(_with_producer("producer-business", producer, anchor="permits"))
    return _render_business(request, producer, status=400, permit_form=form)


@producer_area
@require_POST
def permit_delete(request, pk: int):
    producer = _producer_or_404(request)
    permit = next((permit for permit in producer_permit_list(producer=producer) if permit.pk == pk), None)
    if permit is None:
        raise Http404(_("Permit not found."))
    try:
        producer_permit_delete(permit=permit, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(permit)s is removed.") % {"permit": PermitKind(permit.kind).label})
    return redirect(_with_producer("producer-business", producer, anchor="permits"))


# --- products --------------------------------------------------------------------------------


def _held_kinds(producer) -> set[str]:
    return {permit.kind for permit in producer_permit_list(producer=producer)}


@producer_area
@require_http_methods(["GET", "HEAD", "POST"])
def product_new(request):
    producer = _producer_or_404(request)
    form = ProductForm(request.POST or None, held_kinds=_held_kinds(producer))
    if request.method == "POST" and form.is_valid():
        try:
            product = product_create(producer=producer, actor=request.user, changes=form.changes())
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("%(name)s is saved as a draft. Add photos and price tiers, then submit it "
                                        "for review.") % {"name": product.name})
            return redirect(_product_url(product))
    return render(request, "frontend/producer/product_new.html", _context(
        request, producer, section="new", form=form,
    ), status=400 if form.errors else 200)


def _tier_formset(product, data=None):
    initial = [{"min_quantity": tier.min_quantity, "unit_price": tier.unit_price}
               for tier in product.price_tiers.all()]
    return PriceTierFormSet(data, initial=initial, prefix=TIERS_PREFIX)


def _last_rejection(product):
    if product.status != Product.Status.REJECTED:
        return None
    events = [event for event in product_curation_history(product=product)
              if event.to_status == Product.Status.REJECTED]
    if not events:
        return None
    event = events[-1]
    return {"reasons": _reason_labels(event.reasons), "note": event.note, "at": event.created_at}


def _render_product(request, product, *, status: int = 200, form=None, tiers=None, photo_form=None,
                    incomplete=None):
    producer = product.producer
    permits = list(producer_permit_list(producer=producer))
    readiness = product_retail_readiness(product=product, permits=permits, category=product.category)
    form = form or ProductForm(product=product, held_kinds={permit.kind for permit in permits})
    return render(request, "frontend/producer/product_edit.html", _context(
        request, producer, section="products", product=product, form=form,
        tiers=tiers or _tier_formset(product), photo_form=photo_form or PhotoForm(),
        photos=list(product.photos.all()), badges=product_badges(product), stock=stock_summary(product),
        readiness=readiness, ready=product_is_retail_ready(readiness), rejection=_last_rejection(product),
        can_submit=product.status in (Product.Status.DRAFT, Product.Status.REJECTED), incomplete=incomplete,
    ), status=status)


@producer_area
@require_http_methods(["GET", "HEAD", "POST"])
def product_edit(request, pk: int):
    product = _access_product(request, pk)
    if request.method != "POST":
        return _render_product(request, product)
    form = ProductForm(request.POST, product=product, held_kinds=_held_kinds(product.producer))
    if form.is_valid():
        was = (product.status, product.listed)
        try:
            updated = product_update(product=product, actor=request.user, changes=form.changes())
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            if was[0] == Product.Status.APPROVED and updated.status == Product.Status.SUBMITTED:
                messages.success(request, _("Saved. An officer reviews the changes; until then buyers see the "
                                            "approved version."))
            else:
                messages.success(request, _("Saved."))
            return redirect(_product_url(updated))
    return _render_product(request, product, status=400, form=form)


@producer_area
@require_POST
def product_tiers(request, pk: int):
    product = _access_product(request, pk)
    data = request.POST.copy()
    if "add_row" in data:
        # Without JavaScript: show the rows as typed plus one empty row; nothing is saved.
        total = f"{TIERS_PREFIX}-TOTAL_FORMS"
        data[total] = str(int(data.get(total, "0") or 0) + 1)
        return _render_product(request, product, tiers=_tier_formset(product, data))
    formset = _tier_formset(product, data)
    if formset.is_valid():
        rows = sorted(((form, form.tier()) for form in formset.forms if form.tier() is not None),
                      key=lambda row: row[1][0])
        try:
            product_price_tiers_set(product=product, actor=request.user, tiers=[tier for _form, tier in rows])
        except PriceTiersInvalid as exc:
            for key, errors in exc.fields.items():
                index = int(key.split()[-1]) - 1 if key.startswith("tier ") else -1
                target = rows[index][0] if 0 <= index < len(rows) else None
                (target or formset.forms[0]).add_error(None, errors)
            formset.non_form_errors().append(str(exc.message))
        except ApplicationError as exc:
            formset.non_form_errors().append(str(exc.message))
        else:
            messages.success(request, _("Price tiers are saved."))
            return redirect(_product_url(product, "tiers"))
    return _render_product(request, product, status=400, tiers=formset)


@producer_area
@require_POST
def product_photo_upload(request, pk: int):
    product = _access_product(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            product_photo_add(product=product, actor=request.user, image=form.cleaned_data["image"],
                              alt_text=form.cleaned_data["alt_text"])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("The photo is added."))
            return redirect(_product_url(product, "photos"))
    return _render_product(request, product, status=400, photo_form=form)


@producer_area
@require_POST
def product_photo_delete(request, pk: int, photo_pk: int):
    product = _access_product(request, pk)
    try:
        photo = product_photo_get(product=product, pk=photo_pk)  # the service checks the editor on its product
    except PhotoNotFound:
        raise Http404(_("Photo not found.")) from None
    try:
        product_photo_remove(photo=photo, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The photo is removed."))
    return redirect(_product_url(product, "photos"))


@producer_area
@require_POST
def product_submit(request, pk: int):
    product = _access_product(request, pk)
    try:
        product_submit_for_curation(product=product, actor=request.user)
    except ProductIncomplete as exc:
        form = ProductForm(product=product)
        labels = {name: field.label for name, field in form.fields.items()}
        incomplete = {"message": str(exc.message),
                      "fields": [{"name": name, "label": labels.get(name, name), "errors": errors}
                                 for name, errors in exc.fields.items()]}
        return _render_product(request, product, status=400, incomplete=incomplete)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(_product_url(product))
    messages.success(request, _("%(name)s is sent to the programme officers for review.") % {"name": product.name})
    return redirect(_with_producer("producer-home", product.producer))


# --- stock -----------------------------------------------------------------------------------


def _render_stock(request, product, *, status: int = 200, restock_form=None, correct_form=None,
                  threshold_form=None):
    stock = stock_summary(product)
    return render(request, "frontend/producer/stock.html", _context(
        request, product.producer, section="products", product=product, stock=stock,
        movements=list(stock_movement_list(product=product, limit=MOVEMENTS_SHOWN)),
        restock_form=restock_form or RestockForm(),
        correct_form=correct_form or StockCorrectForm(initial={"on_hand": stock["on_hand"] if stock else 0}),
        threshold_form=threshold_form or ThresholdForm(initial={"low_stock_threshold": stock["threshold"]
                                                                if stock else 0}),
    ), status=status)


@producer_area
@require_safe
def product_stock(request, pk: int):
    return _render_stock(request, _access_product(request, pk))


@producer_area
@require_POST
def product_restock(request, pk: int):
    product = _access_product(request, pk)
    form = RestockForm(request.POST)
    if form.is_valid():
        try:
            stock = stock_restock(product=product, quantity=form.cleaned_data["quantity"], actor=request.user,
                                  reference=form.cleaned_data["note"])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("%(quantity)s added; %(available)s available now.") % {
                "quantity": form.cleaned_data["quantity"], "available": stock.available})
            return redirect(_product_url(product, name="producer-product-stock"))
    return _render_stock(request, product, status=400, restock_form=form)


@producer_area
@require_POST
def product_stock_correct(request, pk: int):
    product = _access_product(request, pk)
    form = StockCorrectForm(request.POST)
    if form.is_valid():
        before = product.stock.on_hand
        try:
            stock = stock_correct(product=product, on_hand=form.cleaned_data["on_hand"], actor=request.user,
                                  reference=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            if stock.on_hand == before:
                messages.info(request, _("The count matches the stock; nothing changed."))
            else:
                messages.success(request, _("Stock corrected to %(count)s on hand.") % {"count": stock.on_hand})
            return redirect(_product_url(product, name="producer-product-stock"))
    return _render_stock(request, product, status=400, correct_form=form)


@producer_area
@require_POST
def product_threshold(request, pk: int):
    product = _access_product(request, pk)
    form = ThresholdForm(request.POST)
    if form.is_valid():
        try:
            stock_threshold_set(product=product, low_stock_threshold=form.cleaned_data["low_stock_threshold"],
                                actor=request.user)
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("The low-stock warning level is saved."))
            return redirect(_product_url(product, name="producer-product-stock"))
    return _render_stock(request, product, status=400, threshold_form=form)


urlpatterns = [
    path("dashboard/producer/", home, name="producer-home"),
    path("dashboard/producer/register/", register, name="producer-register"),
    path("dashboard/producer/business/", business, name="producer-business"),
    path("dashboard/producer/business/permits/", permit_set, name="producer-permit-set"),
    path("dashboard/producer/business/permits/<int:pk>/delete/", permit_delete, name="producer-permit-delete"),
    path("dashboard/producer/products/new/", product_new, name="producer-product-new"),
    path("dashboard/producer/products/<int:pk>/", product_edit, name="producer-product-edit"),
    path("dashboard/producer/products/<int:pk>/tiers/", product_tiers, name="producer-product-tiers"),
    path("dashboard/producer/products/<int:pk>/photos/", product_photo_upload, name="producer-product-photo-add"),
    path("dashboard/producer/products/<int:pk>/photos/<int:photo_pk>/delete/", product_photo_delete,
         name="producer-product-photo-delete"),
    path("dashboard/producer/products/<int:pk>/submit/", product_submit, name="producer-product-submit"),
    path("dashboard/producer/products/<int:pk>/stock/", product_stock, name="producer-product-stock"),
    path("dashboard/producer/products/<int:pk>/stock/restock/", product_restock, name="producer-product-restock"),
    path("dashboard/producer/products/<int:pk>/stock/correct/", product_stock_correct,
         name="producer-product-stock-correct"),
    path("dashboard/producer/products/<int:pk>/stock/threshold/", product_threshold,
         name="producer-product-threshold"),
]
