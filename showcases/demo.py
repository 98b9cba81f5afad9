"""Demo showcases, played through the services after the demo commerce (``catalog/demo.py`` calls it).

A past showcase: the demo chain met three producers, the meetings were scheduled, their outcomes
recorded and one ended in an order placed from the meeting. Services check deadlines against the
clock, so the past one is played at future dates and then moved back by the officer (the dates, then
each meeting to the same slot of the moved dates), as an officer correcting a schedule would.
An upcoming published showcase: a line-up of four producers (one still to confirm), the demo chain
registered with two people, three meeting requests (two accepted) and a published schedule.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.utils import timezone


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def showcases_demo_load(*, officer, buyer_email: str, today: date) -> int:
    """Create the demo's past and upcoming showcases; return how many meetings they hold."""
    from catalog.selectors import product_list_public
    from market.accounts.models import Membership, User
    from showcases.models import Meeting, Outcome, Showcase
    from showcases.services import (
        AttendeeData,
        ShowcaseData,
        meeting_move,
        meeting_outcome_record,
        meeting_request,
        meeting_respond,
        participant_invite,
        participant_respond,
        registration_save,
        showcase_create,
        showcase_schedule_make,
        showcase_schedule_publish,
        showcase_status_set,
        showcase_update,
    )

    owner = User.objects.filter(email=buyer_email).first()
    organisation = owner.organisations.filter(kind="buyer").first() if owner else None
    by_producer: dict[int, list] = {}
    for product in product_list_public().order_by("pk"):
        by_producer.setdefault(product.producer_id, []).append(product)
    sellers = [(products[0].producer, products[:3]) for products in list(by_producer.values())[:4]]
    if organisation is None or len(sellers) < 3:
        return 0
    owners = {
        producer.pk: Membership.objects.select_related("user")
        .filter(organisation_id=producer.organisation_id, role=Membership.Role.OWNER)
        .first()
        .user
        for producer, _ in sellers
    }

    def line_up(showcase, *, confirm: int):
        participants = []
        for table, (producer, products) in enumerate(sellers, start=1):
            participant = participant_invite(
                showcase=showcase,
                officer=officer,
                producer=producer,
                product_ids=[p.pk for p in products],
                table_number=table,
            )
            if table <= confirm:
                participant = participant_respond(participant=participant, actor=owners[producer.pk], confirm=True)
            participants.append(participant)
        return participants

    def data(title: str, start: date, theme: str, venue: str) -> ShowcaseData:
        return ShowcaseData(
            title=title,
            starts_at=_at(start, 9),
            ends_at=_at(start, 15),
            registration_deadline=_at(start - timedelta(days=3), 17),
            capacity=60,
            slot_minutes=30,
            venue=venue,
            theme=theme,
            description="Produsen desa binaan memajang produk unggulan dan bertemu pembeli ritel "
            "modern di meja masing-masing. Daftar, pilih produsen, dapatkan jadwal temu.",
        )

    # --- the past showcase, played at future dates and moved back ------------------------------
    shift = timedelta(days=120)
    past_day = today - timedelta(days=35)
    past = showcase_create(
        officer=officer,
        data=data(
            "Gelar Produk Desa Binaan Jember",
            past_day + shift,
            "Kopi, camilan dan kerajinan untuk ritel modern",
            "Gedung Serbaguna Pemkab Jember, Jl. Sudarman 1",
        ),
    )
    showcase_status_set(showcase=past, officer=officer, to=Showcase.Status.PUBLISHED)
    participants = line_up(past, confirm=len(sellers))
    registration = registration_save(
        showcase=past,
        organisation=organisation,
        actor=owner,
        attendees=[
            AttendeeData(name="Hendra Wijaya", job_title="Pemilik"),
            AttendeeData(name="Rina Marlina", job_title="Kepala pembelian"),
        ],
    )
    meetings = [
        meeting_respond(
            meeting=meeting_request(registration=registration, participant=participant, actor=owner, note=note),
            actor=owners[participant.producer_id],
            accept=True,
        )
        for participant, note in zip(
            participants[:3],
            [
                "Cari kopi untuk rak oleh-oleh.",
                "Butuh camilan dengan izin PIRT dan halal.",
                "Minat kerajinan untuk display toko.",
            ],
            strict=False,
        )
    ]
    showcase_schedule_make(showcase=past, officer=officer)
    showcase_update(showcase=past, officer=officer, data=data(past.title, past_day, past.theme, past.venue))
    for meeting in Meeting.objects.filter(showcase=past, starts_at__isnull=False).order_by("starts_at", "pk"):
        meeting_move(meeting=meeting, officer=officer, starts_at=meeting.starts_at - shift)
    first, second, third = meetings
    _order_from(meeting=first, owner=owner, organisation=organisation)
    meeting_outcome_record(
        meeting=second,
        actor=owners[second.participant.producer_id],
        outcome=Outcome.SAMPLES_REQUESTED,
        note="Kirim 5 sampel ke Cabang Kaliwates.",
    )
    meeting_outcome_record(
        meeting=third,
        actor=officer,
        outcome=Outcome.PLACEMENT_AGREED,
        note="Rak kerajinan di dekat kasir, konsinyasi tiga bulan.",
    )
    showcase_status_set(showcase=past, officer=officer, to=Showcase.Status.CLOSED)

    # --- the upcoming showcase --------------------------------------------------------------------
    upcoming = showcase_create(
        officer=officer,
        data=data(
            "Gelar Produk Ramadan",
            today + timedelta(days=21),
            "Hampers dan oleh-oleh khas Jember",
            "Aula Kantor Bupati Jember, Jl. Sudarman 1",
        ),
    )
    showcase_status_set(showcase=upcoming, officer=officer, to=Showcase.Status.PUBLISHED)
    participants = line_up(upcoming, confirm=len(sellers) - 1)
    registration = registration_save(
        showcase=upcoming,
        organisation=organisation,
        actor=owner,
        attendees=[
            AttendeeData(name="Hendra Wijaya", job_title="Pemilik"),
            AttendeeData(name="Rina Marlina", job_title="Kepala pembelian"),
        ],
    )
    confirmed = [p for p in participants if p.status == "confirmed"]
    for index, participant in enumerate(confirmed[:3]):
        meeting = meeting_request(
            registration=registration, participant=participant, actor=owner, note="Untuk paket hampers Lebaran."
        )
        if index < 2:
            meeting_respond(
                meeting=meeting, actor=owners[participant.producer_id], accept=True, note="Siap, kami bawa sampel."
            )
    showcase_schedule_make(showcase=upcoming, officer=officer)
    showcase_schedule_publish(showcase=upcoming, officer=officer)
    return Meeting.objects.filter(showcase__in=[past, upcoming]).count()


def _order_from(*, meeting, owner, organisation) -> None:
    """The chain orders the meeting producer's first product on terms, from the meeting."""
    from orders.pricing import Destination
    from orders.selectors import cart_quote, shopper_get
    from orders.services import cart_showcase_meeting_fill, order_place

    shopper = shopper_get(user=owner, organisation=organisation)
    cart_showcase_meeting_fill(shopper=shopper, meeting=meeting)
    outlet = organisation.outlets.filter(is_active=True).order_by("pk").first()
    destination = Destination.from_code(outlet.village_id)
    quote = cart_quote(shopper=shopper, destination=destination)
    delivery = {part.producer_id: part.choices[0].option for part in quote.producers if part.choices}
    quote = cart_quote(shopper=shopper, delivery=delivery, destination=destination)
    order_place(
        shopper=shopper,
        idempotency_key=f"demo-showcase-{uuid.uuid5(uuid.NAMESPACE_URL, str(meeting.pk))}",
        payment_method="invoice",
        delivery=delivery,
        expected_total=quote.total,
        outlet_id=outlet.pk,
        note="Pesanan dari gelar produk.",
        showcase_meeting_id=meeting.pk,
    )
