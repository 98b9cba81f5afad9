"""Demo data of the investor side, played through the services (called from ``catalog.demo``).

A verified investor (the demo investor account) with a profile, the confidentiality terms accepted and a
watchlist; a bank's CSR programme whose profile waits in the officers' queue; opportunities posted by the
officer for coached villages and one producer, with a business plan (PDF) and a photo; expressions of
interest at several stages, one shared with the producer and one committed.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone


@dataclass
class InvestorsDemoResult:
    opportunities: int = 0
    interests_by_status: dict[str, int] = field(default_factory=dict)


def business_plan_pdf(*, title: str, lines: list[str]) -> bytes:
    """Return a small, valid one-page PDF with ``title`` and ``lines`` of text (no scripts, no embedded files)."""

    def escape(text: str) -> str:
        return text.encode("latin-1", "replace").decode("latin-1").replace("\\", "\\\\").replace("(", "\\(") \
            .replace(")", "\\)")

    text = ["BT /F1 18 Tf 50 780 Td (" + escape(title) + ") Tj ET"]
    for index, line in enumerate(lines):
        text.append(f"BT /F1 11 Tf 50 {740 - index * 18} Td ({escape(line)}) Tj ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    output = io.BytesIO()
    output.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = output.tell()
    output.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        output.write(f"{offset:010d} 00000 n \n".encode())
    output.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return output.getvalue()


def investors_demo_load(*, officer, investor, queued_investor) -> InvestorsDemoResult:
    """Play the investor side's story for the demo (see the module's docstring); compose in the demo's transaction."""
    from catalog.demo import photo_draw
    from catalog.selectors import commodity_list_in_programme, producer_list_public, village_profile_list
    from investors.models import Interest
    from investors.selectors import CONFIDENTIALITY_TERMS_VERSION, investor_profile_get
    from investors.services import (
        InterestData,
        InvestorProfileData,
        OpportunityData,
        confidentiality_accept,
        interest_express,
        interest_share,
        interest_transition,
        investor_profile_save,
        investor_profile_submit,
        investor_profile_verify,
        opportunity_create,
        opportunity_document_add,
        opportunity_transition,
        watch_add,
    )

    result = InvestorsDemoResult()
    commodities = list(commodity_list_in_programme()[:4])
    investor_profile_save(user=investor, data=InvestorProfileData(
        display_name="PT Agro Modal Nusantara", kind="company", commodity_ids=[c.pk for c in commodities],
        district_codes=[], ticket_min=50_000_000, ticket_max=750_000_000,
        involvements=["loan", "equipment", "supply"], phone="081234560003",
        about="Pembiayaan alat dan modal kerja untuk industri desa di Jawa Timur."))
    investor_profile_submit(user=investor)
    profile = investor_profile_get(user=investor)
    assert profile is not None
    investor_profile_verify(profile=profile, officer=officer)
    confidentiality_accept(user=investor, version=CONFIDENTIALITY_TERMS_VERSION)
    investor_profile_save(user=queued_investor, data=InvestorProfileData(
        display_name="Program CSR Bank Daerah Jember", kind="bank_csr", commodity_ids=[], district_codes=[],
        ticket_min=25_000_000, ticket_max=300_000_000, involvements=["csr_grant", "equipment"],
        phone="081234560004", about="Hibah CSR untuk kemasan dan sertifikasi UMKM desa."))
    investor_profile_submit(user=queued_investor)

    producers = list(producer_list_public()[:3])
    coached = [p for p in village_profile_list() if p.stage not in ("surveyed", "socialisation")]
    if not producers or not coached:
        return result
    first = producers[0]
    plans = [
        (first.village_id, first.pk, "Rumah pengering tertutup", "drying_facility", 180_000_000, "loan", 14,
         "2 ton bahan kering per bulan",
         "Rumah pengering tertutup (solar dryer) untuk 25 petani: panen tidak lagi rusak saat hujan."),
        (coached[0].village_id, None, "Rumah kemasan bersama", "packaging_house", 120_000_000, "csr_grant", 8,
         "5.000 kemasan berlabel per bulan",
         "Rumah kemasan bersama dengan sealer, timbangan dan ruang bersih untuk izin P-IRT."),
        (coached[-1].village_id, None, "Mesin giling dan sangrai", "equipment", 75_000_000, "equipment", 5,
         "1 ton produk olahan per bulan", "Mesin giling dan sangrai kapasitas 10 kg per proses."),
    ]
    opportunities = []
    for village_code, producer_id, title, purpose, amount, involvement, jobs, output, description in plans:
        opportunities.append(opportunity_create(officer=officer, data=OpportunityData(
            village_code=village_code, producer_id=producer_id, title=title, purpose=purpose,
            description=description, amount_sought=amount, involvement=involvement, expected_jobs=jobs,
            expected_output=output)))
    result.opportunities = len(opportunities)
    drying = opportunities[0]
    opportunity_document_add(opportunity=drying, officer=officer, kind="business_plan", title="Rencana usaha 2027",
                             upload=io.BytesIO(business_plan_pdf(title=f"Rencana usaha: {drying.title}", lines=[
                                 f"Desa: {drying.village.village.name}", "Kebutuhan: Rp 180.000.000",
                                 "Pengembalian pinjaman: 36 bulan dari penjualan bahan kering.",
                                 "Tenaga kerja baru: 14 orang.", "Disusun bersama petugas pendamping."])))
    opportunity_document_add(opportunity=drying, officer=officer, kind="photo", title="Lokasi rumah pengering",
                             upload=io.BytesIO(photo_draw(title="Lokasi rumah pengering",
                                                          subtitle=drying.village.village.name, shape="leaf",
                                                          background=(196, 214, 170))))
    opportunity_transition(opportunity=opportunities[1], to="in_discussion", actor=officer,
                           note="Dua investor sedang berdiskusi.")

    def express(user, *, opportunity=None, village_code=None, amount, involvement, message):
        return interest_express(investor=user, data=InterestData(
            opportunity_id=opportunity.pk if opportunity else None, village_code=village_code, amount=amount,
            involvement=involvement, message=message))

    introduced = express(investor, opportunity=drying, amount=150_000_000, involvement="loan",
                         message="Kami siap membiayai sebagian besar rumah pengering dengan pinjaman 3 tahun.")
    for step, note in (("in_review", "Profil dan kapasitas dicek."), ("introduced", "Bertemu di balai desa.")):
        interest_transition(interest=introduced, to=step, actor=officer, note=note)
    interest_share(interest=introduced, officer=officer,
                   note="Sebuah perusahaan pembiayaan tertarik memberi pinjaman Rp 150 juta untuk rumah pengering. "
                        "Petugas akan mengatur pertemuan.")
    express(investor, opportunity=opportunities[2], amount=60_000_000, involvement="equipment",
            message="Kami bisa menyediakan mesin dengan skema sewa-beli.")
    negotiating = express(investor, village_code=coached[0].village_id, amount=300_000_000, involvement="supply",
                          message="Kami mencari pasokan tetap untuk jaringan toko kami.")
    for step in ("in_review", "introduced", "in_negotiation"):
        interest_transition(interest=negotiating, to=step, actor=officer)
    # one went all the way: equipment committed a week ago (the cockpit and the results page count it)
    committed = express(investor, village_code=coached[-1].village_id, amount=90_000_000, involvement="equipment",
                        message="Kami menyediakan mesin sangrai dengan skema sewa-beli 24 bulan.")
    today = timezone.localdate()
    for step, days_ago in (("in_review", 30), ("introduced", 21), ("in_negotiation", 14), ("committed", 7)):
        interest_transition(interest=committed, to=step, actor=officer, happened_on=today - timedelta(days=days_ago))
    reviewed = express(queued_investor, opportunity=opportunities[1], amount=100_000_000, involvement="csr_grant",
                       message="Program CSR kami dapat menghibahkan peralatan kemasan.")
    interest_transition(interest=reviewed, to="in_review", actor=officer, note="Menunggu verifikasi profil.")
    declined = express(queued_investor, opportunity=drying, amount=None, involvement="csr_grant",
                       message="Apakah bisa sebagian hibah?")
    interest_transition(interest=declined, to="not_pursued", actor=officer, note="Pinjaman, bukan hibah.")

    watch_add(user=investor, village_code=first.village_id)
    watch_add(user=investor, village_code=coached[0].village_id)
    watch_add(user=investor, opportunity_id=opportunities[2].pk)
    for status in Interest.Status.values:
        result.interests_by_status[status] = 0
    for interest in (introduced, negotiating, committed, reviewed, declined):
        interest.refresh_from_db()
        result.interests_by_status[interest.status] += 1
    result.interests_by_status["new"] += 1
    return result
