"""The demo Jember's commerce: a retail chain and a consumer buying from the demo producers.

Called at the end of ``catalog.demo._Loader.run`` (inside its one transaction), once the
producers and their products are on sale. It plays every part through the services, as the
pages would: the chain's owner adds three outlets and two colleagues (a manager and a member),
the officer sets the chain's credit terms, the consumer adds a delivery address, a few producers
set how they deliver, and then orders are placed (``order_place``), paid (the officer records
bank transfers, invoices run on terms), accepted, declined, packed, shipped, delivered,
completed, cancelled or left to expire; one delivered order has a problem that is answered and
decided with a refund, and one declined bank-transfer order leaves a refund owed.

The services stamp their own time, so every order, payment and event of the story happens on the
day of the load; only the expired checkout's clock is moved on (``checkout_expire_due(now=...)``,
the periodic task's own parameter). Everything is deterministic: the loader's seeded ``rng`` and
products chosen in primary-key order.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date

from catalog.demo import (
    BUYER_EMAIL,
    CHAIN_MANAGER_EMAIL,
    CHAIN_MEMBER_EMAIL,
    CONSUMER_EMAIL,
    PRODUCER_EMAIL,
    QUEUED_BUYER_EMAIL,
    photo_draw,
)

CREDIT_NET_DAYS = 30
PENDING_INVITE_EMAIL = "staf.gudang@contoh.id"
APPROVAL_LIMIT = 250_000  # rupiah: the chain's members need a manager's approval above it
CREDIT_LIMIT = 50_000_000  # rupiah

# name, contact, phone, street, village code (Kemendagri), postal code: three districts of the town of Jember
OUTLETS = [
    ("Cabang Kaliwates", "Sri Wahyuni", "081234560011", "Jl. Gajah Mada No. 88", "35.09.19.1004", "68131"),
    ("Cabang Sumbersari", "Dimas Saputra", "081234560012", "Jl. Jawa No. 21, Tegalgede", "35.09.21.1005", "68121"),
    ("Cabang Patrang", "Nur Hasanah", "081234560013", "Jl. Slamet Riyadi No. 140", "35.09.20.1007", "68111"),
]
# email, full name, phone, membership role
CHAIN_COLLEAGUES = [
    (CHAIN_MANAGER_EMAIL, "Rina Marlina", "081234560004", "manager"),
    (CHAIN_MEMBER_EMAIL, "Agus Prasetyo", "081234560005", "member"),
]
CONSUMER_ADDRESS = {"name": "Rumah", "contact_name": "Ayu Lestari", "phone": "081234560002",
                    "street": "Jl. Mastrip No. 12, RT 02 RW 05", "village_code": "35.09.21.1002",
                    "postal_code": "68121"}


@dataclass
class CommerceResult:
    checkouts: int = 0
    orders_by_status: dict[str, int] = field(default_factory=dict)


@dataclass(eq=False)  # hashed by identity: a key of the delivery choices
class _Seller:
    producer: object
    owner: object
    products: list  # approved products on sale, in primary-key order
    turn: int = 0


def demo_commerce_load(*, officer, rng: random.Random, password_hash: str, today: date,
                       photos: bool = True) -> CommerceResult:
    """Create the chain, the consumer's address, delivery options and the story of past orders."""
    return _Commerce(officer=officer, rng=rng, password_hash=password_hash, today=today, photos=photos).run()


class _Commerce:
    def __init__(self, *, officer, rng: random.Random, password_hash: str, today: date, photos: bool):
        self.officer = officer
        self.rng = rng
        self.password_hash = password_hash
        self.today = today
        self.photos = photos
        self.key_no = 0
        self.result = CommerceResult()

    # people and places ----------------------------------------------------------------------

    def account(self, *, email: str, full_name: str, phone: str):
        """Create a person invited to the chain: a verified email and the demo password (as ``_Loader.user``)."""
        from allauth.account.models import EmailAddress

        from market.accounts.models import Role, User

        user = User.objects.create_user(email=email, password=None, full_name=full_name, phone=phone,
                                        role=Role.BUYER)
        user.password = self.password_hash
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    def chain(self) -> None:
        from buyers.services import outlet_create
        from market.accounts.members import invitation_accept, invitation_create
        from market.accounts.models import User
        from payments.services.terms import credit_terms_set

        self.owner = User.objects.get(email=BUYER_EMAIL)
        self.organisation = self.owner.organisations.get()
        self.outlets = [outlet_create(organisation=self.organisation, actor=self.owner, name=name, contact_name=contact,
                                      phone=phone, street=street, village_code=code, postal_code=postal)
                        for name, contact, phone, street, code, postal in OUTLETS]
        people = {}
        for email, full_name, phone, role in CHAIN_COLLEAGUES:
            person = self.account(email=email, full_name=full_name, phone=phone)
            # joined through the owner's invitation, as on the members page (its history shows it)
            issued = invitation_create(organisation=self.organisation, email=email, role=role, invited_by=self.owner)
            invitation_accept(token=issued.token, user=person)
            people[role] = person
        self.manager = people["manager"]
        self.member = people["member"]
        # one invitation still open: a warehouse clerk who has not signed up yet
        invitation_create(organisation=self.organisation, email=PENDING_INVITE_EMAIL, role="member",
                          invited_by=self.owner)
        self.registration()  # verified first: payment terms are for verified buyers only
        credit_terms_set(officer=self.officer, organisation=self.organisation, net_days=CREDIT_NET_DAYS,
                         credit_limit=CREDIT_LIMIT)

    def consumer(self) -> None:
        from buyers.services import address_create
        from market.accounts.models import User

        self.consumer_user = User.objects.get(email=CONSUMER_EMAIL)
        self.address = address_create(user=self.consumer_user, **CONSUMER_ADDRESS)

    def sellers(self) -> list[_Seller]:
        """Return up to four producers with two products on sale or more, of four villages if there are (the demo
        producer first)."""
        from catalog.selectors import product_list_public
        from market.accounts.models import Membership

        by_producer: dict[int, list] = {}
        for product in product_list_public().order_by("pk"):
            if hasattr(product, "stock") and product.stock.available > 0:
                by_producer.setdefault(product.producer_id, []).append(product)
        candidates = []
        for products in by_producer.values():
            if len(products) >= 2:
                owner = (Membership.objects.select_related("user")
                         .get(organisation_id=products[0].producer.organisation_id, role=Membership.Role.OWNER).user)
                candidates.append(_Seller(producer=products[0].producer, owner=owner, products=products))
        candidates.sort(key=lambda s: (s.owner.email != PRODUCER_EMAIL, s.producer.pk))
        sellers, villages = [], set()
        for seller in candidates:  # one producer per village: the orders travel across the regency
            if seller.producer.village_id not in villages:
                sellers.append(seller)
                villages.add(seller.producer.village_id)
        # A very small scale may have fewer villages on sale: then neighbours of the same village.
        sellers += [seller for seller in candidates if seller not in sellers]
        return sellers[:4]

    # the story -------------------------------------------------------------------------------

    def run(self) -> CommerceResult:
        from orders.models import DeliveryOption as D
        from orders.models import Order, PaymentMethod
        from orders.selectors import shopper_get
        from orders.services import (
            checkout_expire_due,
            order_accept,
            order_cancel,
            order_complete,
            order_decline,
            order_mark_delivered,
            order_pack,
        )

        self.chain()
        self.consumer()
        sellers = self.sellers()
        if len(sellers) < 4:  # only at a tiny --scale: the chain and the address are there, without orders
            return self.result
        a, b, c, d = sellers
        delivery_options_set(a=a, b=b, c=c)
        chain_owner = shopper_get(user=self.owner, organisation=self.organisation)
        chain_manager = shopper_get(user=self.manager, organisation=self.organisation)
        consumer = shopper_get(user=self.consumer_user)
        kaliwates, sumbersari, patrang = self.outlets

        # The chain. An invoice on terms from two producers, delivered to Kaliwates, paid and completed.
        checkout = self.place(chain_owner, {a: D.PRODUCER, b: D.COURIER}, PaymentMethod.INVOICE,
                              outlet=kaliwates, note="Stok Lebaran untuk Cabang Kaliwates.")
        for order in self.orders(checkout):
            self.ship(order)
            order_mark_delivered(order=order, actor=self.owner, note="Barang diterima lengkap.")
            order_complete(order=order, actor=self.owner)
        self.transfer(checkout)
        # On terms, shipped by courier to Sumbersari; the invoice is still open.
        checkout = self.place(chain_manager, {b: D.COURIER}, PaymentMethod.INVOICE, outlet=sumbersari)
        for order in self.orders(checkout):
            self.ship(order)
        # On terms from two producers to Patrang: one accepted, one packed.
        checkout = self.place(chain_manager, {c: D.PRODUCER, d: D.PICKUP}, PaymentMethod.INVOICE, outlet=patrang)
        first, second = self.orders(checkout)
        order_accept(order=first, actor=self.owner_of(first))
        order_accept(order=second, actor=self.owner_of(second))
        order_pack(order=second, actor=self.owner_of(second), note="Dikemas dalam kardus, siap diambil.")
        # Paid by bank transfer, then declined by the producer: the refund is owed to the chain.
        checkout = self.place(chain_owner, {a: D.PRODUCER}, PaymentMethod.BANK_TRANSFER, outlet=patrang)
        self.transfer(checkout)
        for order in self.orders(checkout):
            order_decline(order=order, actor=self.owner_of(order),
                          reason="Maaf, bahan baku sedang kosong karena gagal panen; stok baru bulan depan.")
        # A transfer that never came: the reservation ran out (the periodic task's clock moved on).
        checkout = self.place(chain_manager, {d: D.PICKUP}, PaymentMethod.BANK_TRANSFER, outlet=kaliwates)
        self.transfer_instructions(checkout)
        checkout_expire_due(now=checkout.reservation_expires_at)
        expired_checkout = checkout
        # Waiting for the chain's transfer.
        checkout = self.place(chain_owner, {c: D.PRODUCER}, PaymentMethod.BANK_TRANSFER, outlet=sumbersari)
        self.transfer_instructions(checkout)

        # The consumer. Paid, delivered, a damaged pack reported, answered and refunded in part.
        checkout = self.place(consumer, {a: D.COURIER}, PaymentMethod.BANK_TRANSFER, address=self.address)
        self.transfer(checkout)
        (order,) = self.orders(checkout)
        self.ship(order)
        order_mark_delivered(order=order, actor=self.consumer_user)
        self.problem(order)
        # Paid and completed.
        checkout = self.place(consumer, {b: D.COURIER}, PaymentMethod.BANK_TRANSFER, address=self.address)
        self.transfer(checkout)
        for order in self.orders(checkout):
            self.ship(order)
            order_mark_delivered(order=order, actor=self.owner_of(order))
            order_complete(order=order, actor=self.consumer_user, note="Enak, terima kasih!")
        # Paid, then cancelled before the producer accepted: refunded by transfer.
        checkout = self.place(consumer, {c: D.PICKUP}, PaymentMethod.BANK_TRANSFER, address=self.address)
        self.transfer(checkout)
        for order in self.orders(checkout):
            order_cancel(order=order, actor=self.consumer_user, reason="Salah pilih varian.")
            refund_transfer_record(order=order, officer=self.officer, bank_reference=self.bank_line("RF"))
        # Paid, waiting for the producer to accept.
        checkout = self.place(consumer, {d: D.PICKUP}, PaymentMethod.BANK_TRANSFER, address=self.address)
        self.transfer(checkout)

        self.late_transfer(expired_checkout)
        self.preferences()
        self.purchase_requests(sellers)
        self.assisted(d)

        for status in Order.objects.filter(checkout__placed_by__in=[self.owner, self.manager, self.consumer_user]
                                           ).values_list("status", flat=True):
            self.result.orders_by_status[status] = self.result.orders_by_status.get(status, 0) + 1
        return self.result

    # the wholesale side: who the chain is, what it buys, who approves, and an officer's help ----------

    def late_transfer(self, checkout) -> None:
        """The chain's transfer for the expired checkout arrives after all: kept for an officer to decide."""
        from payments.services.bank_transfer import bank_reference_for, bank_transfer_record

        bank_transfer_record(officer=self.officer, reference=bank_reference_for(checkout.pk), amount=checkout.total,
                             bank_reference=self.bank_line("TRF"), received_on=self.today)

    def registration(self) -> None:
        """The chain registers its legal details and the officer verifies them; a second buyer waits in the queue."""
        from buyers.services import (
            BuyerRegistrationData,
            buyer_registration_save,
            buyer_registration_submit,
            buyer_registration_verify,
        )
        from market.accounts.models import Organisation
        from market.accounts.services import organisation_create

        registration = buyer_registration_save(organisation=self.organisation, actor=self.owner, data=BuyerRegistrationData(
            legal_name="CV Suwar-Suwir Jember Asli", kind="modern_retail", nib="9120001234567",
            npwp="01.234.567.8-626.000", street="Jl. Gajah Mada No. 88", village_code=OUTLETS[0][4],
            contact_name="Hendra Wijaya", phone="081234560001", email=BUYER_EMAIL))
        buyer_registration_submit(organisation=self.organisation, actor=self.owner)
        buyer_registration_verify(registration=registration, officer=self.officer)

        owner = self.account(email=QUEUED_BUYER_EMAIL, full_name="Yusuf Hidayat", phone="081234560006")
        hotel = organisation_create(name="Hotel Rembangan Indah", kind=Organisation.Kind.BUYER, owner=owner)
        buyer_registration_save(organisation=hotel, actor=owner, data=BuyerRegistrationData(
            legal_name="PT Rembangan Wisata Indah", kind="hospitality", nib="9120007654321",
            npwp="02.345.678.9-626.000", street="Jl. Rembangan No. 1", village_code=OUTLETS[2][4],
            contact_name="Yusuf Hidayat", phone="081234560006", email=QUEUED_BUYER_EMAIL))
        buyer_registration_submit(organisation=hotel, actor=owner)

    def preferences(self) -> None:
        """The chain buys coffee, snacks and crafts, halal for food, with at least six months of shelf life."""
        from buyers.services import buyer_preferences_set
        from catalog.models import Category

        buyer_preferences_set(
            organisation=self.organisation, actor=self.owner,
            category_ids=list(Category.objects.filter(slug__in=["kopi", "camilan-keripik", "kerajinan"])
                              .order_by("pk").values_list("pk", flat=True)),
            district_codes=[], certifications=["halal"], min_shelf_life_days=180, digest_enabled=True)

    def purchase_requests(self, sellers: list[_Seller]) -> None:
        """Members' carts above the approval limit: one approved by the manager, one rejected, one waiting."""
        from buyers.services import buyer_approval_limit_set
        from orders.models import DeliveryOption
        from orders.pricing import Destination
        from orders.selectors import cart_quote, purchase_request_review, shopper_get
        from orders.services import (
            cart_clear,
            cart_line_set,
            purchase_request_approve,
            purchase_request_reject,
            purchase_request_submit,
        )

        buyer_approval_limit_set(organisation=self.organisation, actor=self.owner, limit=APPROVAL_LIMIT)
        member = shopper_get(user=self.member, organisation=self.organisation)
        requests = []
        for number, seller in enumerate(sellers[:3], start=1):
            # the second seller sends by courier only (``delivery_options_set``); the others' goods are picked up
            delivery = {seller.producer.pk: DeliveryOption.COURIER if number == 2 else DeliveryOption.PICKUP}
            to = Destination.from_code(self.outlets[number - 1].village_id)
            for product, quantity in self.pick(seller, count=len(seller.products), business=True):
                cart_line_set(shopper=member, product_id=product.pk, quantity=quantity)
                if cart_quote(shopper=member, delivery=delivery, destination=to).total > APPROVAL_LIMIT:
                    break
            quote = cart_quote(shopper=member, delivery=delivery, destination=to)
            if quote.total <= APPROVAL_LIMIT:  # a tiny --scale without enough stock: a member orders directly
                cart_clear(shopper=member)
                continue
            requests.append(purchase_request_submit(
                shopper=member, idempotency_key=f"demo-request-{number:04d}", payment_method="invoice",
                delivery=delivery, expected_total=quote.total, outlet_id=self.outlets[number - 1].pk,
                note="Untuk rak produk lokal bulan depan."))
        if len(requests) == 3:
            approved, rejected, _waiting = requests
            purchase_request_approve(purchase_request=approved, actor=self.manager,
                                     expected_total=purchase_request_review(purchase_request=approved).quote.total)
            purchase_request_reject(purchase_request=rejected, actor=self.manager,
                                    reason="Stok gudang masih cukup sampai akhir bulan; ajukan lagi bulan depan.")

    def assisted(self, seller: _Seller) -> None:
        """The officer restocks for a producer who has no smartphone, on a coaching visit, and ends the session."""
        from catalog.services import assist_session_end, assist_session_start, stock_restock

        session = assist_session_start(officer=self.officer, producer=seller.producer,
                                       reason="Diminta pemilik saat kunjungan pendampingan: belum bisa memakai ponsel.")
        stock_restock(product=seller.products[0], quantity=24, actor=self.officer, reference="Hasil produksi minggu ini")
        assist_session_end(officer=self.officer, session=session)

    # steps -----------------------------------------------------------------------------------

    def place(self, shopper, parts: dict[_Seller, str], method: str, *, outlet=None, address=None, note: str = ""):
        """Fill the shopper's cart with one or two products of each seller and place it."""
        from orders.pricing import Destination
        from orders.selectors import cart_quote
        from orders.services import cart_line_set, order_place

        business = shopper.organisation is not None
        for seller in parts:
            for product, quantity in self.pick(seller, count=self.rng.randint(1, 2), business=business):
                cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
        delivery = {seller.producer.pk: option for seller, option in parts.items()}
        place = outlet or address
        quote = cart_quote(shopper=shopper, delivery=delivery, destination=Destination.from_code(place.village_id))
        self.key_no += 1
        checkout = order_place(shopper=shopper, idempotency_key=f"demo-checkout-{self.key_no:04d}",
                               payment_method=method, delivery=delivery, expected_total=quote.total,
                               outlet_id=outlet.pk if outlet else None, address_id=address.pk if address else None,
                               note=note)
        self.result.checkouts += 1
        return checkout

    def pick(self, seller: _Seller, *, count: int, business: bool) -> list[tuple[object, int]]:
        """Return the seller's next products in turn (each order shows others), with quantities in stock."""
        chosen: list[tuple[object, int]] = []
        for _i in range(len(seller.products)):
            if len(chosen) == count:
                break
            product = seller.products[seller.turn % len(seller.products)]
            seller.turn += 1
            quantity = self.quantity(product, business=business)
            if quantity:
                chosen.append((product, quantity))
        if not chosen:
            raise RuntimeError(f"No stock left at {seller.producer} for the demo orders.")
        return chosen

    def quantity(self, product, *, business: bool) -> int:
        """Return a quantity in stock (0: none): a consumer's few units, or a business's first or second tier."""
        from catalog.selectors import product_get_public

        available = product_get_public(pk=product.pk).stock.available
        if not business:
            return min(available, self.rng.randint(1, 3))
        tiers = [quantity for quantity, _price in product.approved_snapshot.get("price_tiers") or []]
        wanted = [quantity for quantity in tiers[:2] if quantity <= available]
        return self.rng.choice(wanted) if wanted else 0

    def orders(self, checkout) -> list:
        from orders.models import Order

        return list(Order.objects.filter(checkout=checkout).select_related("producer").order_by("pk"))

    def owner_of(self, order):
        from market.accounts.models import Membership

        return (Membership.objects.select_related("user")
                .get(organisation_id=order.producer.organisation_id, role=Membership.Role.OWNER).user)

    def ship(self, order) -> None:
        """The producer accepts, packs and ships (by courier with a tracking number, or its own delivery)."""
        from orders.models import DeliveryOption
        from orders.services import order_accept, order_pack, order_ship

        producer = self.owner_of(order)
        order_accept(order=order, actor=producer)
        order_pack(order=order, actor=producer)
        if order.delivery_option == DeliveryOption.COURIER:
            courier = self.rng.choice(["JNE", "J&T Express", "SiCepat", "Pos Indonesia"])
            order_ship(order=order, actor=producer, courier=courier,
                       tracking_number=f"JB{self.rng.randint(10**10, 10**11 - 1)}")
        else:
            order_ship(order=order, actor=producer, note="Diantar dengan mobil bak terbuka."
                       if order.delivery_option == DeliveryOption.PRODUCER else "Diambil di rumah produksi.")

    def bank_line(self, prefix: str) -> str:
        return f"{prefix}{self.today:%y%m%d}{self.rng.randint(100_000, 999_999)}"

    def transfer_instructions(self, checkout):
        """What the buyer sees on the payment page (the reference to write on the transfer)."""
        from payments.services.bank_transfer import bank_transfer_start

        return bank_transfer_start(checkout=checkout)

    def transfer(self, checkout) -> None:
        """The money arrives in full and the officer records the bank statement line."""
        from orders.models import PaymentMethod
        from payments.services.bank_transfer import bank_reference_for, bank_transfer_record

        if checkout.payment_method == PaymentMethod.BANK_TRANSFER:
            reference = self.transfer_instructions(checkout).reference
        else:  # an invoice on terms has its reference from the placing
            reference = bank_reference_for(checkout.pk)
        bank_transfer_record(officer=self.officer, reference=reference, amount=checkout.total,
                             bank_reference=self.bank_line("TRF"), received_on=self.today)

    def problem(self, order) -> None:
        """A damaged pack: the consumer reports it with a photo, the producer answers, the officer refunds part."""
        from orders.models import OrderProblem
        from orders.services import order_problem_answer, order_problem_decide, order_problem_report

        photos = []
        if self.photos:
            photos = [io.BytesIO(photo_draw(title="Kemasan sobek saat diterima", subtitle="Foto pembeli",
                                            shape="pack", background=(210, 200, 190)))]
        line = order.lines.order_by("pk").first()
        problem = order_problem_report(order=order, actor=self.consumer_user, kind=OrderProblem.Kind.DAMAGED,
                                       description=f"Satu kemasan {line.product_name} sobek dan isinya tumpah.",
                                       photos=photos)
        order_problem_answer(problem=problem, actor=self.owner_of(order),
                             answer="Mohon maaf, kemasan rusak di perjalanan. Kami setuju mengganti satu kemasan.")
        refund = min(line.unit_price, order.total - 1)
        order_problem_decide(problem=problem, officer=self.officer, decision=OrderProblem.Decision.PARTIAL_REFUND,
                             refund_amount=refund, note="Foto menunjukkan satu kemasan rusak: dikembalikan satu unit.")
        refund_transfer_record(order=order, officer=self.officer, bank_reference=self.bank_line("RF"))


def delivery_options_set(*, a: _Seller, b: _Seller, c: _Seller) -> None:
    """Set how three producers deliver (the others offer pickup at the village only).

    The demo producer does it all: pickup with hours, its own delivery priced by district (the town's
    three districts, then anywhere else), free from an amount, three days a week, and courier rates
    by weight for Jember, East Java and anywhere. Another sends by courier only; a third delivers
    itself at one fee.
    """
    from orders.services import delivery_options_set as options_set
    from orders.services.delivery import AreaFee, CourierRate, DeliveryOptions

    town = [code[:8] for _name, _contact, _phone, _street, code, _postal in OUTLETS]  # Kaliwates, Sumbersari, Patrang
    options_set(producer=a.producer, actor=a.owner, options=DeliveryOptions(
        offers_pickup=True, pickup_hours="Senin–Sabtu 08.00–15.00",
        offers_delivery=True, free_delivery_from=750_000, delivery_days=(0, 2, 4),
        delivery_areas=(*(AreaFee(code, 15_000) for code in town), AreaFee(None, 25_000)),
        offers_courier=True, courier_lead_days=2,
        courier_rates=(CourierRate(fee=12_000, regency_code="35.09", max_grams=1_000),
                       CourierRate(fee=20_000, regency_code="35.09"),
                       CourierRate(fee=28_000, province_code="35", max_grams=5_000),
                       CourierRate(fee=45_000))))
    options_set(producer=b.producer, actor=b.owner, options=DeliveryOptions(
        offers_pickup=False, offers_courier=True, courier_lead_days=3, courier_rates=(CourierRate(fee=25_000),)))
    options_set(producer=c.producer, actor=c.owner, options=DeliveryOptions(
        offers_pickup=True, pickup_hours="Setiap hari 07.00–17.00", offers_delivery=True,
        delivery_areas=(AreaFee(None, 10_000),), delivery_days=(1, 3, 5)))


def refund_transfer_record(*, order, officer, bank_reference: str) -> None:
    """The officer pays the order's refunds owed back by bank transfer and records it with a receipt photo."""
    from django.utils import timezone

    from orders.models import OrderRefund
    from payments.services.refunds import refund_record_transfer

    for refund in OrderRefund.objects.filter(order=order, status=OrderRefund.Status.REQUESTED).order_by("pk"):
        refund_record_transfer(refund=refund, officer=officer, bank_reference=bank_reference,
                               transferred_on=timezone.localdate(), proof=_receipt_image(bank_reference, refund.amount))


def _receipt_image(reference: str, amount: int):
    """Return a small JPEG standing for the bank's transfer receipt (the demo has no real one)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (246, 246, 240))
    draw = ImageDraw.Draw(image)
    draw.text((24, 24), "BUKTI TRANSFER", fill=(20, 60, 40))
    draw.text((24, 80), f"Ref: {reference}", fill=(30, 30, 30))
    draw.text((24, 120), f"Rp {amount:,}".replace(",", "."), fill=(30, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    buffer.seek(0)
    return buffer

