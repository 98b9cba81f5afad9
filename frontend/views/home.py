"""Page views: validate input, call one selector or service, render."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.selectors import localized, product_public_view, programme_area_summary
from catalog.selectors.collections import collection_list_home
from catalog.selectors.storefront import (
    commodity_list_on_sale,
    product_list_by_ids,
    product_list_new,
    village_list_featured,
)
from frontend.acting import sees_wholesale
from frontend.recently_viewed import recently_viewed_products
from frontend.seo import organisation_json_ld
from market.accounts.models import Role
from market.accounts.selectors import membership_list
from market.core.pagecache import cache_public_page

DASHBOARD_COPY = {
    Role.PRODUCER: {
        "title": _("Producer dashboard"),
        "intro": _("Manage your products, stock and incoming orders."),
        "links": [],
    },
    Role.BUYER: {
        "title": _("Retail buyer dashboard"),
        "intro": _("Order village products wholesale for your outlets."),
        "links": [
            ("frontend:search", _("Search the curated catalogue"), _("Wholesale prices by quantity tier.")),
            ("frontend:cart", _("Cart"), _("One cart for every producer; check out once to an outlet.")),
            ("frontend:order-list", _("My orders"), _("Follow each producer's order, confirm delivery, reorder.")),
            ("frontend:buyer-invoices", _("Invoices"), _("Invoices on terms: due dates, credit left, how to pay.")),
            ("frontend:purchase-request-list", _("Purchase requests"),
             _("Members' carts above the approval limit, waiting for a manager's approval.")),
            ("frontend:approval-limit", _("Approval limit"),
             _("The amount above which a member's order needs approval (owners set it).")),
            ("frontend:buyer-showcases", _("Showcases"),
             _("Register for a product showcase, meet the producers that fit you, see your agenda.")),
            ("frontend:buyer-preferences", _("Buying preferences"),
             _("Categories, districts, certifications and shelf life: products that match are marked "
               "“Retail-ready for you”; a daily digest of new ones.")),
        ],
    },
    Role.CONSUMER: {
        "title": _("My shopping"),
        "intro": _("Buy products made in Jember's industrial villages."),
        "links": [
            ("frontend:product-list", _("Browse village products"), _("Curated products from coached villages.")),
            ("frontend:wishlist", _("Favourites"), _("The products you saved with the heart.")),
            ("frontend:cart", _("Cart"), _("Check out once, whatever the number of producers.")),
            ("frontend:order-list", _("My orders"), _("Track your orders and report a problem.")),
        ],
    },
    Role.INVESTOR: {
        "title": _("Investor dashboard"),
        "intro": _("Discover villages and investment opportunities."),
        "links": [
            ("frontend:village-list", _("Browse village profiles"), _("Flagship products and programme stages.")),
            ("frontend:search", _("Search"), _("Find villages and their products.")),
        ],
    },
    Role.OFFICER: {
        "title": _("Programme officer dashboard"),
        "intro": _("Survey villages, coach producers, curate products and report results."),
        "links": [
            ("frontend:officer-collections", _("Collections"), _("Shelves of the shop on the home page.")),
        ],
    },
}


HOME_QUICK_COMMODITIES = 8


@cache_public_page
def home(request):
    """The shop window: search, villages with their flagship products, new and best-selling products."""
    from orders.selectors import product_ids_best_selling
    from reviews.selectors import product_stats
    from showcases.selectors import showcase_list_public

    featured = [{"profile": f.profile, "products": [product_public_view(p) for p in f.products]}
                for f in village_list_featured()]
    new_products = [product_public_view(p) for p in product_list_new()]
    popular_products = [product_public_view(p) for p in product_list_by_ids(ids=product_ids_best_selling())]
    shown = [p.pk for f in featured for p in f["products"]] + [p.pk for p in new_products + popular_products]
    return render(request, "frontend/home.html", {
        "collections": [{"collection": shelf.collection, "title": localized(shelf.collection, "title"),
                         "products": [product_public_view(p) for p in shelf.products]}
                        for shelf in collection_list_home()],
        "next_showcase": showcase_list_public(past=False).first(),
        # Read from the visitor's own session only when the page is theirs alone (frontend/recently_viewed.py).
        "recent": recently_viewed_products(request),
        "area": programme_area_summary(),
        "featured": featured,
        "new_products": new_products,
        "popular_products": popular_products,
        "product_stats": product_stats(product_ids=shown),  # stars and sold counts: one query
        "commodities": list(commodity_list_on_sale()[:HOME_QUICK_COMMODITIES]),
        "wholesale": sees_wholesale(request),
        "json_ld": [organisation_json_ld()],
    })


@login_required
def dashboard(request):
    """Send each person to their own dashboard."""
    return redirect("frontend:dashboard-role", role=request.user.role)


@login_required
def dashboard_role(request, role: str):
    if role not in DASHBOARD_COPY:
        raise PermissionDenied
    if request.user.role != role or (role == Role.OFFICER and not request.user.is_staff):
        raise PermissionDenied(_("This dashboard belongs to another role."))
    return render(request, "frontend/dashboard/role.html", {
        "role": role,
        "copy": DASHBOARD_COPY[role],
        "links": [{"url": reverse(name), "label": label, "help": help_text}
                  for name, label, help_text in DASHBOARD_COPY[role]["links"]],
        "memberships": membership_list(user=request.user),
    })
