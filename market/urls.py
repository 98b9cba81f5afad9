"""Root URLs: pages, accounts (allauth), admin, API v1, schema and docs, health."""
import sys

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from market.accounts.views import admin_login
from market.core import api as core_api
from market.core.health import healthz
from market.core.media import media_urlpatterns

api_v1 = [
    path("", include("market.accounts.urls")),
    path("regions/", include("market.regions.urls")),
    path("", include("catalog.urls")),
    path("", include("orders.urls")),
    path("", include("buyers.urls")),
    path("", include("showcases.urls")),
    path("investors/", include("investors.urls")),
    path("search/", include("search.urls")),
    path("payments/", include("payments.api_urls")),
    path("", include("placements.urls")),
    path("", include("reviews.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/login/", admin_login, name="admin-login"),  # allauth's sign-in: lockout and second factor
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("payments/", include("payments.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (docs/security.md).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("", include("frontend.urls")),
]

if settings.BENCH_CEILING:  # bench/http/run.py: the bare-view ceiling, never in a deployment
    from market.core.bench import ceiling

    urlpatterns.insert(0, path("bench/ceiling", ceiling, name="bench-ceiling"))

# Uploaded media, with safe headers, unless a bucket, a proxy or a media domain serves them (MEDIA_SERVE).
urlpatterns += media_urlpatterns()


def handler400(request, exception):
    if request.path.startswith("/api/"):
        return core_api.api_bad_request(request, exception)
    from django.views.defaults import bad_request

    return bad_request(request, exception)


def handler404(request, exception):
    if request.path.startswith("/api/"):
        return core_api.api_not_found(request, exception)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    if core_api.database_unavailable(sys.exc_info()[1]):
        return core_api.service_unavailable(request)
    if request.path.startswith("/api/"):
        return core_api.api_server_error(request)
    from django.views.defaults import server_error

    return server_error(request)
