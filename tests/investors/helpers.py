"""Helpers for the investors tests: investors through the services, programme villages, opportunities."""
from __future__ import annotations

import io
import itertools

from catalog.models import Stage, VillageProfile
from catalog.services import producer_verify
from investors.models import Interest, InvestorProfile, Opportunity
from investors.selectors import CONFIDENTIALITY_TERMS_VERSION
from investors.services import (
    InterestData,
    InvestorProfileData,
    OpportunityData,
    confidentiality_accept,
    interest_express,
    investor_profile_save,
    investor_profile_submit,
    investor_profile_verify,
    opportunity_create,
    opportunity_document_add,
)
from market.accounts.models import Role
from market.regions.models import District
from tests.catalog.factories import CommodityFactory, ProducerFactory, VillageProfileFactory, village
from tests.factories import OfficerFactory, UserFactory

_numbers = itertools.count(1)

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >>"
       b" endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def profile_data(**overrides) -> InvestorProfileData:
    fields = {"display_name": "PT Modal Desa", "kind": "company", "commodity_ids": [], "district_codes": [],
              "ticket_min": None, "ticket_max": None, "involvements": [], "phone": "081234567890",
              "about": "", "alerts_enabled": True}
    return InvestorProfileData(**{**fields, **overrides})


def make_investor(*, status: str = "verified", terms: bool = False, officer=None, **profile) -> object:
    """Return an investor user whose profile is ``status`` (draft, submitted, verified)."""
    user = UserFactory(role=Role.INVESTOR)
    investor_profile_save(user=user, data=profile_data(**profile))
    if status in ("submitted", "verified"):
        investor_profile_submit(user=user)
    if status == "verified":
        investor_profile_verify(profile=InvestorProfile.objects.get(user=user), officer=officer or OfficerFactory())
    if terms:
        confidentiality_accept(user=user, version=CONFIDENTIALITY_TERMS_VERSION)
    return user


def make_village(code: str = "35.09.01.2001", name: str = "Padomasan", *, stage: str = Stage.COACHING,
                 district_code: str | None = None, district_name: str = "Jombang", commodity=None) -> VillageProfile:
    """Return a programme village (creating its region rows) at ``stage`` with ``commodity`` as flagship."""
    if district_code and not District.objects.filter(code=district_code).exists():
        village("35.09.01.2001")  # the province and regency
        District.objects.create(code=district_code, regency_id="35.09", name=district_name)
    region = village(code, name)
    profile = VillageProfileFactory(village=region)
    VillageProfile.objects.filter(pk=profile.pk).update(stage=stage, flagship_commodity=commodity)
    profile.refresh_from_db()
    return profile


def make_producer(profile: VillageProfile, **fields):
    producer = ProducerFactory(village=profile.village, phone="0331123456", whatsapp="081355500011", **fields)
    producer_verify(producer=producer, officer=OfficerFactory())
    return producer


def make_opportunity(profile: VillageProfile, *, officer=None, producer=None, amount: int = 150_000_000,
                     involvement: str = "loan", title: str | None = None) -> Opportunity:
    return opportunity_create(officer=officer or OfficerFactory(), data=OpportunityData(
        village_code=profile.village_id, producer_id=producer.pk if producer else None,
        title=title or f"Rumah pengering kopi {next(_numbers)}", purpose="drying_facility",
        description="Rumah jemur tertutup untuk 20 petani.", amount_sought=amount, involvement=involvement,
        expected_jobs=12, expected_output="2 ton kopi kering per bulan"))


def add_pdf(opportunity: Opportunity, *, officer=None):
    return opportunity_document_add(opportunity=opportunity, officer=officer or OfficerFactory(), kind="business_plan",
                                    title="Rencana usaha", upload=io.BytesIO(PDF))


def express(investor, opportunity: Opportunity, *, amount: int | None = 100_000_000) -> Interest:
    return interest_express(investor=investor, data=InterestData(
        opportunity_id=opportunity.pk, village_code=None, amount=amount, involvement="loan",
        message="Kami tertarik membiayai rumah pengering."))


def commodity(slug: str = "kopi-robusta", name: str = "Kopi robusta"):
    return CommodityFactory(slug=slug, name=name)
