"""What search engines and link previews read (issue 17): canonical addresses on ``SITE_URL``, Open Graph
cards and schema.org data (``Organization``, ``Product`` with its ``Offer``, and its ``aggregateRating`` and
``review`` once it has visible reviews) as JSON-LD.

Every address is absolute on ``SITE_URL`` (never the request's Host header), like the links in emails.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from catalog.selectors.public import product_slug

# json.dumps leaves these alone; inside a <script> element they could end it or start a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def absolute(path: str) -> str:
    """Return ``path`` (or an address that already is absolute) on the configured site."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


def site(request) -> dict[str, str]:
    """Context processor: the site's name and its canonical address for this page (no query string)."""
    return {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL,
            "canonical_url": absolute(getattr(request, "path", "/"))}


def json_ld_script(data: dict | list) -> SafeString:
    """Return ``data`` as a ``<script type="application/ld+json">`` element, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))


def organisation_json_ld() -> dict[str, Any]:
    """Return the programme as a schema.org ``Organization``."""
    return {
        "@context": "https://schema.org", "@type": "Organization",
        "name": settings.SITE_NAME, "url": absolute("/"),
        "logo": absolute(static("frontend/icons/icon-512.png")),
        "parentOrganization": {"@type": "GovernmentOrganization",
                               "name": "Dinas Perindustrian dan Perdagangan Kabupaten Jember"},
        "areaServed": {"@type": "AdministrativeArea", "name": "Kabupaten Jember, Jawa Timur"},
    }


def product_path(product) -> str:
    """Return the canonical address of a public product: a ``PublicProduct`` (its ``slug``) or anything with
    ``pk`` (or ``product_id``) and its Indonesian ``name`` (a cart line, a sitemap row)."""
    pk = getattr(product, "product_id", None) or product.pk
    slug = getattr(product, "slug", "") or product_slug(getattr(product, "name", "") or "")
    return reverse("frontend:product", kwargs={"pk": pk, "slug": slug})


def product_json_ld(*, product, price: int, photo_urls: list[str], in_stock: bool, rating=None,
                    reviews: Sequence = ()) -> dict[str, Any]:
    """Return a public product as a schema.org ``Product`` with one ``Offer`` at the viewer's price in IDR;
    with visible reviews, their ``aggregateRating`` (``rating``: a ``reviews.selectors.RatingSummary``) and
    the ``review`` items shown on the page."""
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Product",
        "name": product.name, "description": product.description[:5000],
        "url": absolute(product_path(product)),
        "brand": {"@type": "Brand", "name": product.producer.name},
        "manufacturer": {"@type": "Organization", "name": product.producer.name},
        "countryOfOrigin": "ID",
        "offers": {
            "@type": "Offer", "url": absolute(product_path(product)), "priceCurrency": "IDR", "price": str(price),
            "availability": "https://schema.org/InStock" if in_stock else "https://schema.org/OutOfStock",
            "seller": {"@type": "Organization", "name": product.producer.name},
        },
    }
    if photo_urls:
        data["image"] = [absolute(url) for url in photo_urls]
    if getattr(product, "barcode", ""):
        data["gtin13"] = product.barcode
    if rating is not None and rating.count:
        data["aggregateRating"] = {"@type": "AggregateRating", "ratingValue": str(rating.average),
                                   "reviewCount": rating.count, "bestRating": "5", "worstRating": "1"}
        data["review"] = [{
            "@type": "Review",
            "reviewRating": {"@type": "Rating", "ratingValue": str(review.rating), "bestRating": "5",
                             "worstRating": "1"},
            "author": {"@type": "Person", "name": review.author_name or "Pembeli"},
            "datePublished": timezone.localtime(review.created_at).date().isoformat(),
            **({"reviewBody": review.text[:5000]} if review.text else {}),
        } for review in reviews]
    return data
