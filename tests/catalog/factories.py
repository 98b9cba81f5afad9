"""Factories for the catalog tests (regions are created here, not imported from the big file)."""
from __future__ import annotations

import factory

from catalog.models import (
    Category,
    Commodity,
    Producer,
    ProducerPermit,
    Product,
    ProductStock,
    Stage,
    VillageProfile,
)
from market.accounts.models import Membership, Organisation, Role
from market.regions.models import District, Province, Regency, Village
from tests.factories import MembershipFactory, OfficerFactory, OrganisationFactory, UserFactory


def village(code: str = "35.09.01.2001", name: str = "Padomasan") -> Village:
    """Return the village ``code`` (Jember), creating it and its parents."""
    province, _ = Province.objects.get_or_create(code="35", defaults={"name": "JAWA TIMUR"})
    regency, _ = Regency.objects.get_or_create(code="35.09", defaults={"province": province, "name": "KAB. JEMBER",
                                                                       "kind": Regency.Kind.REGENCY})
    district, _ = District.objects.get_or_create(code=code[:8], defaults={"regency": regency, "name": "Jombang"})
    result, _ = Village.objects.get_or_create(code=code, defaults={"district": district, "name": name,
                                                                   "kind": Village.Kind.DESA})
    return result


class CommodityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commodity
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Komoditas {n}")
    name_en = factory.Sequence(lambda n: f"Commodity {n}")
    slug = factory.Sequence(lambda n: f"komoditas-{n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Kategori {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    parent = None
    requires_food_permits = factory.LazyAttribute(lambda o: o.parent.requires_food_permits if o.parent else False)


class VillageProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VillageProfile
        django_get_or_create = ["village"]

    village = factory.LazyFunction(village)
    stage = Stage.SURVEYED


class ProducerFactory(factory.django.DjangoModelFactory):
    """A producer with an owner (``producer.organisation.memberships``) in village 35.09.01.2001."""

    class Meta:
        model = Producer
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.PRODUCER)
    village = factory.LazyFunction(village)
    name = factory.Sequence(lambda n: f"UMKM Kopi {n}")
    capacity_per_month = 500
    capacity_unit = "kg"

    @factory.post_generation
    def owner(self, create, extracted, **kwargs):
        if create:
            user = extracted or UserFactory(role=Role.PRODUCER)
            Membership.objects.create(user=user, organisation=self.organisation, role=Membership.Role.OWNER)


class PermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProducerPermit

    producer = factory.SubFactory(ProducerFactory)
    kind = "pirt"
    number = factory.Sequence(lambda n: f"P-{n:06d}")
    expires_on = factory.LazyFunction(lambda: __import__("datetime").date(2030, 1, 1))


class ProductFactory(factory.django.DjangoModelFactory):
    """A complete draft product with an empty stock row."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    producer = factory.SubFactory(ProducerFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Kopi bubuk {n}")
    description = "Kopi robusta bubuk dari lereng Argopuro."
    unit = "pack"
    pack_size = 1
    weight_grams = 250
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    retail_price = 35000

    @factory.post_generation
    def stock(self, create, extracted, **kwargs):
        if create:
            ProductStock.objects.create(product=self, on_hand=extracted or 0)


def owner_of(producer: Producer):
    return producer.organisation.memberships.get(role=Membership.Role.OWNER).user


__all__ = ["MembershipFactory", "OfficerFactory", "UserFactory", "village", "owner_of"]
