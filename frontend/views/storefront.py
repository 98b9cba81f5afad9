"""The shop's findable and installable parts (issue 17): ``robots.txt``, ``sitemap.xml``, the web app
manifest, the service worker and its offline page.

Addresses in the sitemap and robots.txt are absolute on ``SITE_URL`` (frontend/seo.py). The service worker
caches nothing but the offline page and what it needs: pages are never served from a cache (issue 18 owns
performance), a visitor without a connection gets "you are offline" instead of the browser's error.
"""
from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from catalog.selectors.storefront import sitemap_entries
from frontend.seo import absolute, product_path

# Never listed for crawlers: personal, transactional or machine pages (they are refused to strangers anyway).
ROBOTS_DISALLOW = ("/accounts/", "/admin/", "/api/", "/cart/", "/checkout/", "/orders/", "/dashboard/",
                   "/addresses/", "/account/", "/payments/", "/search/suggest/")
OFFLINE_CACHE = "ki-offline-v1"


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *[f"Disallow: {prefix}" for prefix in ROBOTS_DISALLOW], "",
             f"Sitemap: {absolute(reverse('frontend:sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def sitemap_xml(request):
    """List the public pages: home, the lists, every product on sale, public village and producer."""
    entries = sitemap_entries()

    class _Named:  # what product_path reads
        def __init__(self, pk, name):
            self.pk, self.name = pk, name

    urls = [(absolute(reverse(name)), None) for name in ("frontend:home", "frontend:product-list",
                                                         "frontend:village-list")]
    urls += [(absolute(product_path(_Named(pk, name or ""))), approved_at) for pk, name, approved_at in entries["products"]]
    urls += [(absolute(reverse("frontend:village-detail", kwargs={"code": code})), updated)
             for code, updated in entries["villages"]]
    urls += [(absolute(reverse("frontend:producer-detail", kwargs={"pk": pk})), None) for pk in entries["producers"]]
    return render(request, "frontend/storefront/sitemap.xml", {"urls": urls},
                  content_type="application/xml; charset=utf-8")


@require_safe
def manifest(request):
    """The web app manifest: the shop installs on a phone's home screen with its icons and colours."""
    data = {
        "name": f"{settings.SITE_NAME} Jember", "short_name": settings.SITE_NAME,
        "description": _("Village products of Jember, direct from the makers."),
        "lang": request.LANGUAGE_CODE, "start_url": reverse("frontend:home") + "?source=app", "scope": "/",
        "display": "standalone", "background_color": "#faf6ef", "theme_color": "#1f5c3a",
        "icons": [
            {"src": static("frontend/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("frontend/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("frontend/icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
            {"src": static("frontend/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@require_safe
def service_worker(request):
    """The service worker, from the site's root so that it may answer for every page when offline."""
    response = render(request, "frontend/storefront/sw.js", {
        "cache": OFFLINE_CACHE, "offline_url": reverse("frontend:offline"),
        "assets": [static("frontend/site.css"), static("frontend/favicon.svg"), static("frontend/icons/icon-192.png")],
    }, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # a new version is picked up on the next visit
    return response


@require_safe
def offline(request):
    return render(request, "frontend/storefront/offline.html")


urlpatterns = [
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sw.js", service_worker, name="service-worker"),
    path("offline/", offline, name="offline"),
]
