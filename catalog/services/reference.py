"""Reference data: commodities and the category tree."""
from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalog.exceptions import CatalogInvalid
from catalog.hooks import catalog_changed
from catalog.models import Category, Commodity, Product
from catalog.services._auth import require_officer
from market.accounts.models import User
from market.core.pagecache import public_pages_changed


@transaction.atomic
def commodity_create(*, name: str, officer: User, name_en: str = "", slug: str = "") -> Commodity:
    require_officer(officer)
    slug = slug or slugify(name)
    if not name.strip() or not slug:
        raise CatalogInvalid(fields={"name": [str(_("This field is required."))]})
    if Commodity.objects.filter(slug=slug).exists():
        raise CatalogInvalid(fields={"slug": [str(_("This slug is taken."))]})
    public_pages_changed()  # the filters of the public lists offer it
    return Commodity.objects.create(name=name.strip(), name_en=name_en.strip(), slug=slug)


@transaction.atomic
def category_create(*, name: str, officer: User, name_en: str = "", slug: str = "", parent: Category | None = None,
                    requires_food_permits: bool = False) -> Category:
    """Create a category; a child takes ``requires_food_permits`` from its root whatever is passed."""
    require_officer(officer)
    slug = slug or slugify(name)
    if not name.strip() or not slug:
        raise CatalogInvalid(fields={"name": [str(_("This field is required."))]})
    if Category.objects.filter(slug=slug).exists():
        raise CatalogInvalid(fields={"slug": [str(_("This slug is taken."))]})
    if parent is not None:
        requires_food_permits = parent.requires_food_permits  # the parent already holds its root's value
    public_pages_changed()  # the filters of the public lists offer it
    return Category.objects.create(name=name.strip(), name_en=name_en.strip(), slug=slug, parent=parent,
                                   requires_food_permits=requires_food_permits)


@transaction.atomic
def category_food_permits_set(*, root: Category, requires_food_permits: bool, officer: User) -> int:
    """Set the food flag on a root category and every category under it; return how many changed."""
    require_officer(officer)
    if root.parent_id is not None:
        raise CatalogInvalid(fields={"root": [str(_("The food flag is set on a top-level category."))]})
    ids, frontier = [root.pk], [root.pk]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    changed = Category.objects.filter(pk__in=ids).exclude(requires_food_permits=requires_food_permits).update(
        requires_food_permits=requires_food_permits)
    catalog_changed(product_ids=Product.objects.filter(listed=True, approved_snapshot__category_id__in=ids)
                      .values_list("pk", flat=True))  # retail readiness depends on the food flag
    return changed
