"""Fill a separate database with the whole country's regions and a national-scale marketplace.

Usage: .venv/bin/python bench/seed.py [--products 1000000] [--producers 100000] [--orders 200000]
                                      [--db NAME] [--replace] [--no-index] [--seed 20261205]

The database is ``kampung_bench_seed_<products>`` (or ``--db``, which must start with that prefix
too) on the server of ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432``). It is
created fresh: an existing database is refused, unless it carries this script's marker table
(``bench_seed_run``, written first into every database the script creates) and ``--replace`` is given.

What it writes, in phases that each print their rows/s:

1. ``migrate`` and the country's regions (``../shared/data/wilayah/base.csv`` through
   ``market.regions.services.region_import_file``), the categories and commodities of
   ``bench/search/run.py`` and one programme officer (through the ORM).
2. Producers: an owner user, a producer organisation with the owner's membership, the
   ``Producer`` (verified), its permits (NIB, halal and P-IRT valid for a year or two) and delivery
   rule; village profiles at the public stages (coaching and beyond) spread over the whole country,
   with one stage event per step, as ``village_advance_stage`` writes them.
3. Products: listed, approved, with the approved snapshot in exactly the shape of
   ``catalog.selectors.product_public_snapshot`` (which ``product_approve`` freezes), price tiers as
   ``product_price_tiers_set`` keeps them (quantities rising, prices falling, from the minimum order
   up), photo records pointing at three small shared images written once to ``MEDIA_ROOT`` (with
   their thumbnails), and the two curation events (submitted by the owner, approved by the officer).
4. Shoppers: consumers with an address each, buyer organisations (an owner's membership, a buyer
   profile, outlets).
5. Orders: checkouts of one or two producers' orders with their lines, numbers (``INV/…``, ``PO/…``
   per year, counters set), events per status change, card and bank-transfer payments with their
   events (and transfer receipts), refunds of declined or cancelled paid orders; statuses follow the
   state table of ``orders.states`` and are spread by age (old orders completed, recent ones open).
6. Stock: on hand and reserved (open orders hold their units, as ``stock_reserve`` left them).
7. Sequences set past the written ids, ``ANALYZE``.
8. The search index rebuilt from the catalogue through the backend's own ``rebuild`` and
   ``compact`` (what ``manage.py search_reindex`` calls), timed on its own.

Rows are written with PostgreSQL ``COPY`` (psycopg's ``cursor.copy``) in batches, with ids given by
the script. Not written (left to the services when someone uses them): stock movements, the payments
ledger (``payments.LedgerEntry``), buyer registrations, carts, surveys and coaching.

A consumer with a known password is printed at the end (``konsumen1@seed.example.id``).
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import itertools
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PREFIX = "kampung_bench_seed_"
MARKER = "bench_seed_run"
BATCH = 20_000
SEED_PASSWORD = "Seed-Jember-2026"
SEED_CONSUMER = "konsumen1@seed.example.id"
UNUSABLE_PASSWORD = "!seeded-no-password"  # Django treats a hash starting with "!" as unusable

FIRST_NAMES = ["Siti", "Sri", "Dewi", "Nur", "Wahyu", "Agus", "Budi", "Eko", "Rina", "Yuli", "Ahmad", "Muhammad",
               "Slamet", "Suparmi", "Hendra", "Rudi", "Lestari", "Ayu", "Fitri", "Dian", "Bambang", "Joko", "Tri",
               "Putu", "Made", "Ketut", "Nyoman", "Ratna", "Yusuf", "Hasan", "Aminah", "Fatimah", "Iwan", "Dedi"]
LAST_NAMES = ["Rahayu", "Susanti", "Wulandari", "Santoso", "Hidayat", "Saputra", "Pratama", "Setiawan",
              "Kurniawan", "Handayani", "Sari", "Lestari", "Wijaya", "Nugroho", "Purnomo", "Utami", "Siregar",
              "Nasution", "Harahap", "Simanjuntak", "Pangaribuan", "Manurung", "Tanjung", "Daulay"]
BUYER_PREFIX = ["Toko", "Swalayan", "Minimarket", "Koperasi Karyawan", "CV", "PT", "Pusat Oleh-Oleh"]
STREETS = ["Jl. Merdeka", "Jl. Sudirman", "Jl. Diponegoro", "Jl. Gajah Mada", "Jl. Ahmad Yani", "Jl. Kartini",
           "Jl. Pahlawan", "Jl. Raya Desa", "Dusun Krajan", "Jl. Mastrip"]
PUBLIC_STAGES = [("coaching", 20), ("commodity_management", 20), ("packaging_design", 25), ("showcase_ready", 35)]
STAGE_ORDER = ["surveyed", "socialisation", "coaching", "commodity_management", "packaging_design", "showcase_ready"]
PHOTO_FILES = ["products/seed/kopi.webp", "products/seed/keripik.webp", "products/seed/anyaman.webp"]
PHOTO_COLOURS = [(111, 78, 55), (222, 184, 95), (176, 140, 90)]
PHOTO_SIZE = 1200  # the stored photo's long side; thumbnails at catalog.images.THUMBNAIL_SIZES
CARD_MINUTES, TRANSFER_HOURS = 30, 24
DECLINE_REASONS = ["Stok bahan baku sedang kosong.", "Tidak bisa mengirim ke alamat tersebut minggu ini.",
                   "Kapasitas produksi penuh."]


class Refused(SystemExit):
    pass


# --- the database ---------------------------------------------------------------------------


def server_url() -> str:
    return os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0]


def database_prepare(*, name: str, replace: bool, template: str | None = None) -> None:
    """Create ``name`` fresh with the marker table; refuse any database this script did not create."""
    import psycopg

    if not name.startswith(PREFIX) or not name[len(PREFIX):].replace("_", "").isalnum():
        raise Refused(f"refusing database {name!r}: seeded databases are named {PREFIX}<something>")
    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            with psycopg.connect(f"{server_url()}/{name}", autocommit=True) as existing:
                marked = existing.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER]).fetchone()[0]
            if not marked:
                raise Refused(f"refusing database {name!r}: it exists and was not created by bench/seed.py")
            if not replace:
                raise Refused(f"database {name!r} exists (an earlier seed): pass --replace to drop and seed again")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    with psycopg.connect(f"{server_url()}/{name}", autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {MARKER} (started_at timestamptz NOT NULL DEFAULT now(), args jsonb)")
        conn.execute(f"INSERT INTO {MARKER} (args) VALUES (%s)", [json.dumps(sys.argv[1:])])


# --- writing with COPY ----------------------------------------------------------------------


class Phase:
    """Time one phase and print its rows per second."""

    totals: list[tuple[str, int, float]] = []

    def __init__(self, name: str) -> None:
        self.name, self.rows = name, 0

    def __enter__(self) -> Phase:
        self.began = time.perf_counter()
        print(f"{self.name}...", flush=True)
        return self

    def __exit__(self, *exc) -> None:
        seconds = time.perf_counter() - self.began
        if exc[0] is None:
            Phase.totals.append((self.name, self.rows, seconds))
            rate = f"{self.rows / seconds:,.0f} rows/s" if self.rows and seconds else ""
            print(f"  {self.name}: {self.rows:,} rows in {seconds:.1f} s  {rate}", flush=True)


class Table:
    """COPY rows (dicts keyed by field attnames) into a model's table; absent fields take the model's default."""

    def __init__(self, model, phase: Phase, now: datetime) -> None:
        from django.contrib.postgres.fields import ArrayField
        from django.db.models import JSONField

        self.model, self.phase, self.rows = model, phase, []
        self.columns, self.defaults, self.kinds = [], [], []
        for field in model._meta.concrete_fields:
            self.columns.append(field.column)
            if field.name in ("created_at", "updated_at") or getattr(field, "auto_now_add", False):
                default = now
            else:  # the model's default, "" for a text field without one, else None
                default = field.get_default()
            self.defaults.append((field.attname, default))
            self.kinds.append("json" if isinstance(field, JSONField) else "array" if isinstance(field, ArrayField)
                              else "")
        self.special = [(i, kind) for i, kind in enumerate(self.kinds) if kind]
        self.pk_index = self.columns.index(model._meta.pk.column)
        self.next_pk = next_id(model)

    def add(self, row: dict) -> None:
        values = [row.get(name, default) for name, default in self.defaults]
        if values[self.pk_index] is None:  # ids are given here, sequences set at the end
            values[self.pk_index] = self.next_pk
            self.next_pk += 1
        else:
            self.next_pk = max(self.next_pk, values[self.pk_index] + 1)
        for i, kind in self.special:
            value = values[i]
            if kind == "json":
                values[i] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            else:
                values[i] = "{" + ",".join(value) + "}"
        self.rows.append(values)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        from django.db import connection

        sql = f'COPY {self.model._meta.db_table} ({", ".join(self.columns)}) FROM STDIN'
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for values in self.rows:
                copy.write_row(values)
        self.phase.rows += len(self.rows)
        self.rows = []


# Bulk tables whose secondary indexes and foreign keys are dropped while COPY fills them and built again
# afterwards (one sort per index, one join per foreign key, instead of a lookup per row).
BULK_TABLES = [
    "accounts_user", "accounts_organisation", "accounts_membership", "catalog_producer", "catalog_producerpermit",
    "catalog_product", "catalog_productpricetier", "catalog_productphoto", "catalog_productcurationevent",
    "catalog_productstock", "orders_checkout", "orders_order", "orders_orderline", "orders_orderevent",
    "payments_payment", "payments_paymentevent", "orders_producerdeliveryrule", "orders_producerdeliveryarea",
]


def constraints_defer(tables: list[str]) -> list[str]:
    """Drop the tables' foreign keys and the indexes that back no constraint; return the SQL that restores them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT format('ALTER TABLE %%I ADD CONSTRAINT %%I %%s', c.conrelid::regclass::text, c.conname,
                          pg_get_constraintdef(c.oid)),
                   format('ALTER TABLE %%I DROP CONSTRAINT %%I', c.conrelid::regclass::text, c.conname)
            FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)""", [tables])
        foreign_keys = cursor.fetchall()
        cursor.execute("""
            SELECT i.indexdef, format('DROP INDEX %%I', i.indexname) FROM pg_indexes i
            WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname
                              AND c.conrelid::regclass::text = i.tablename)""", [tables])
        indexes = cursor.fetchall()
        for _restore, drop in foreign_keys + indexes:
            cursor.execute(drop)
    return [restore for restore, _drop in indexes + foreign_keys]


def constraints_restore(statements: list[str], phase: Phase) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for sql in statements:
            cursor.execute(sql)
            phase.rows += 1


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


# --- the story ------------------------------------------------------------------------------


def _search_bench():
    spec = importlib.util.spec_from_file_location("bench_search_run", ROOT / "bench" / "search" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _phone(rng: random.Random) -> str:
    return "08" + str(rng.randrange(10**9, 10**10))


def ean13(number: int) -> str:
    """Return a valid EAN-13 under Indonesia's GS1 prefix 899 for ``number`` (unique per number)."""
    body = f"899{number:09d}"
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return body + str((10 - total % 10) % 10)


def villages_sample(rng: random.Random, count: int) -> list[tuple[str, str, str, str]]:
    """Return ``count`` imported villages spread over the country: (code, name, district code, district name)."""
    from market.regions.models import Village

    rows = list(Village.objects.order_by("code").values_list("code", "name", "district_id", "district__name"))
    chosen = rng.sample(rows, min(count, len(rows)))
    return [(code, name.title(), district, district_name.title()) for code, name, district, district_name in chosen]


def photos_write() -> list[dict]:
    """Write the shared photo files and their thumbnails once; return their snapshot records."""
    from django.core.files.storage import default_storage
    from PIL import Image

    records = []
    for name, colour in zip(PHOTO_FILES, PHOTO_COLOURS, strict=True):
        thumbnails = {}
        for size in (PHOTO_SIZE, 960, 480, 160):
            stored = name if size == PHOTO_SIZE else name.replace(".webp", f"_{size}.webp")
            if not default_storage.exists(stored):
                buffer = io.BytesIO()
                Image.new("RGB", (size, size * 3 // 4), colour).save(buffer, "WEBP", quality=80)
                default_storage.save(stored, buffer)
            if size != PHOTO_SIZE:
                thumbnails[str(size)] = stored
        records.append({"image": name, "width": PHOTO_SIZE, "height": PHOTO_SIZE * 3 // 4, "thumbnails": thumbnails})
    return records


def seed(args: argparse.Namespace) -> None:  # noqa: C901, PLR0912, PLR0915 - one story, told in order
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from buyers.models import Address, BuyerProfile, Outlet
    from catalog.models import (
        Category,
        Commodity,
        Producer,
        ProducerPermit,
        Product,
        ProductCurationEvent,
        ProductPhoto,
        ProductPriceTier,
        ProductStock,
        VillageProfile,
        VillageStageEvent,
    )
    from market.accounts.models import Membership, Organisation, User
    from market.regions.models import Village
    from market.regions.services import region_import_file
    from orders.documents import document_number_format
    from orders.models import (
        Checkout,
        DocumentCounter,
        Order,
        OrderEvent,
        OrderLine,
        OrderRefund,
        ProducerDeliveryArea,
        ProducerDeliveryRule,
    )
    from payments.models import BankTransferReceipt, Payment, PaymentEvent

    rng = random.Random(args.seed)
    now = timezone.now()
    search_bench = _search_bench()
    n_products, n_producers, n_orders = args.products, min(args.producers, args.products), args.orders
    started = time.perf_counter()

    with Phase("migrate"):
        call_command("migrate", verbosity=0)
    with Phase("regions (the whole country)") as phase:
        region_import_file(path=args.regions or search_bench.REGIONS)
        phase.rows = Village.objects.count()
        search_bench._reference_data()
        officer = User.objects.create_user(email="petugas@seed.example.id", role="officer", full_name="Petugas Seed")
        photo_records = photos_write()
    categories = {c.slug: c for c in Category.objects.all()}
    food_slugs = {"makanan-minuman"}  # the food root and its descendants need food permits (catalog.services.reference)
    while True:
        more = {c.slug for c in categories.values() if c.parent_id and
                Category.objects.get(pk=c.parent_id).slug in food_slugs} - food_slugs
        if not more:
            break
        food_slugs |= more
    Category.objects.filter(slug__in=food_slugs).update(requires_food_permits=True)

    def is_food(category) -> bool:
        return category.slug in food_slugs

    commodity_ids = dict(Commodity.objects.values_list("slug", "pk"))

    deferred = constraints_defer(BULK_TABLES)
    # --- producers and villages ---
    n_villages = max(1, min(n_producers // 5, 80_000))
    villages = villages_sample(rng, n_villages)  # (code, name, district code, district name)
    user_id, org_id, producer_id = next_id(User), next_id(Organisation), next_id(Producer)
    owners: list[int] = []  # producer index → owner user id
    producer_ids: list[int] = []
    producer_kinds: list[tuple] = []  # producer index → the kind of product it mostly makes
    delivery: list[tuple[bool, int, int | None]] = []  # producer index → (delivers, fee, free from)
    with transaction.atomic(), Phase("producers, organisations, owners, villages") as phase:
        users, orgs = Table(User, phase, now), Table(Organisation, phase, now)
        members, producers = Table(Membership, phase, now), Table(Producer, phase, now)
        permits, rules = Table(ProducerPermit, phase, now), Table(ProducerDeliveryRule, phase, now)
        areas = Table(ProducerDeliveryArea, phase, now)
        profiles, stage_events = Table(VillageProfile, phase, now), Table(VillageStageEvent, phase, now)
        stages, weights = zip(*PUBLIC_STAGES, strict=True)
        profile_id, rule_id = next_id(VillageProfile), next_id(ProducerDeliveryRule)
        for code, name, _district, _district_name in villages:
            stage = rng.choices(stages, weights)[0]
            joined = now - timedelta(days=rng.randrange(200, 900))
            profiles.add({"id": profile_id, "village_id": code, "stage": stage, "contact_officer_id": officer.pk,
                          "story": f"Desa {name} dikenal dengan industri rumahan yang dikelola warga.",
                          "created_at": joined, "updated_at": joined})
            for step, (frm, to) in enumerate(zip(STAGE_ORDER, STAGE_ORDER[1:STAGE_ORDER.index(stage) + 1], strict=False)):
                day = (joined + timedelta(days=40 * (step + 1))).date()
                stage_events.add({"profile_id": profile_id, "from_stage": frm, "to_stage": to,
                                  "officer_id": officer.pk, "happened_on": day, "created_at": joined})
            profile_id += 1
        for j in range(n_producers):
            code, village, _d, _dn = villages[j % n_villages]
            kind = rng.choices(search_bench.KINDS, [k[0] for k in search_bench.KINDS])[0]
            producer_kinds.append(kind)
            title = f"{rng.choice(search_bench.PRODUCER_PREFIX)} {kind[3][0].split()[0]} {village}"
            owner = _person(rng)
            joined = now - timedelta(days=rng.randrange(120, 800))
            uid, oid, pid = user_id + j, org_id + j, producer_id + j
            users.add({"id": uid, "password": UNUSABLE_PASSWORD, "email": f"pemilik{j + 1}@produsen.seed.example.id",
                       "full_name": owner, "phone": _phone(rng), "role": "producer", "date_joined": joined})
            orgs.add({"id": oid, "name": title, "kind": "producer", "created_at": joined, "updated_at": joined})
            members.add({"user_id": uid, "organisation_id": oid, "role": "owner", "created_at": joined})
            producers.add({"id": pid, "organisation_id": oid, "village_id": code, "name": title,
                           "phone": _phone(rng), "whatsapp": _phone(rng), "capacity_per_month": rng.randrange(50, 2000),
                           "capacity_unit": "kg", "verified_at": joined + timedelta(days=14),
                           "verified_by_id": officer.pk, "created_at": joined})
            permits.add({"producer_id": pid, "kind": "nib", "number": str(rng.randrange(10**12, 10**13))})
            for kind_name in ("halal", "pirt"):
                if rng.random() < 0.8:
                    permits.add({"producer_id": pid, "kind": kind_name, "number": f"{kind_name.upper()}-{pid:07d}",
                                 "expires_on": (now + timedelta(days=rng.randrange(60, 900))).date()})
            delivers = rng.random() < 0.5
            fee = rng.randrange(5, 30) * 1000
            free_from = rng.choice([None, 250_000, 500_000]) if delivers else None
            rules.add({"id": rule_id, "producer_id": pid, "offers_pickup": True,
                       "pickup_hours": "Senin–Sabtu 08.00–16.00", "offers_delivery": delivers,
                       "free_delivery_from": free_from, "delivery_days": []})
            if delivers:
                areas.add({"rule_id": rule_id, "district_id": None, "fee": fee})
            rule_id += 1
            owners.append(uid)
            producer_ids.append(pid)
            delivery.append((delivers, fee, free_from))
        for table in (users, orgs, members, producers, permits, rules, areas, profiles, stage_events):
            table.flush()

    # --- products ---
    names: list[str] = []
    prices: list[int] = []
    tiers_of: dict[int, list[list[int]]] = {}
    moqs: list[int] = []
    units: list[str] = []
    product_base = next_id(Product)
    with transaction.atomic(), Phase("products, price tiers, photos, curation events") as phase:
        products, tiers = Table(Product, phase, now), Table(ProductPriceTier, phase, now)
        photos, events = Table(ProductPhoto, phase, now), Table(ProductCurationEvent, phase, now)
        kinds = search_bench.KINDS
        kind_weights = list(itertools.accumulate(k[0] for k in kinds))
        for i in range(n_products):
            pid = product_base + i
            j = i * n_producers // n_products
            kind = producer_kinds[j] if rng.random() < 0.7 else rng.choices(kinds, cum_weights=kind_weights)[0]
            _w, category_slug, commodity_slug, heads, name_en, description = kind
            category = categories[category_slug]
            food = is_food(category)
            village = villages[j % n_villages][1]
            name = f"{rng.choice(heads)} {rng.choice(search_bench.VARIANTS)} {rng.choice(search_bench.SIZES)}"
            if rng.random() < 0.3:
                name += f" Khas {village}"
            retail = rng.randrange(10, 400) * 1000
            moq = rng.choice([1, 1, 1, 5, 10, 24])
            tier_rows = []
            if rng.random() < 0.6:
                first = max(moq, rng.choice([10, 12, 20, 24]))
                tier_rows.append([first, retail * rng.choice([85, 88, 90]) // 100 // 100 * 100])
                if rng.random() < 0.5:
                    tier_rows.append([first * 5, retail * rng.choice([75, 78, 80]) // 100 // 100 * 100])
            unit = rng.choice(["pcs", "pcs", "pack", "kg"])
            certifications = rng.choice(search_bench.CERTIFICATIONS) if food else rng.choice([[], [], ["trademark"]])
            approved_at = now - timedelta(minutes=rng.randrange(60, 2 * 365 * 24 * 60))
            created = approved_at - timedelta(days=rng.randrange(1, 30))
            shown = []
            if rng.random() < 0.8:
                for position in range(rng.choice([1, 1, 2])):
                    record = photo_records[(pid + position) % len(photo_records)]
                    alt = f"{name}, foto {position + 1}"
                    photos.add({"product_id": pid, "image": record["image"], "width": record["width"],
                                "height": record["height"], "alt_text": alt, "position": position,
                                "thumbnails": record["thumbnails"], "created_at": created, "updated_at": created})
                    shown.append({"image": record["image"], "alt": alt, "width": record["width"],
                                  "height": record["height"], "thumbnails": dict(record["thumbnails"])})
            fields = {
                "producer_id": producer_ids[j], "category_id": category.pk,
                "commodity_id": commodity_ids.get(commodity_slug), "name": name,
                "description": f"{description} Dari desa {village}.", "name_en": f"{name_en} from {village}",
                "description_en": "", "unit": unit, "pack_size": "1.000", "weight_grams": rng.randrange(1, 40) * 50,
                "shelf_life_days": rng.choice([90, 180, 270, 365]) if food else None,
                "certifications": list(certifications),
                "packaging_status": rng.choice(["basic", "designed", "designed", "retail_ready"]),
                "sku": f"SKU-{pid}", "barcode": ean13(pid) if rng.random() < 0.5 else "", "retail_price": retail, "min_order_qty": moq, "order_multiple": 1,
            }
            # product_public_snapshot's shape and order (pack_size as str(Decimal) of a 3-place field)
            snapshot = {**fields, "price_tiers": tier_rows, "photos": shown}
            products.add({**fields, "id": pid, "status": "approved", "listed": True, "has_pending_changes": False,
                          "approved_snapshot": snapshot, "approved_at": approved_at, "approved_by_id": officer.pk,
                          "created_at": created, "updated_at": approved_at})
            for quantity, price in tier_rows:
                tiers.add({"product_id": pid, "min_quantity": quantity, "unit_price": price})
                tiers_of[pid] = tier_rows
            events.add({"product_id": pid, "from_status": "draft", "to_status": "submitted", "actor_id": owners[j],
                        "reasons": [], "created_at": approved_at - timedelta(hours=20)})
            events.add({"product_id": pid, "from_status": "submitted", "to_status": "approved",
                        "actor_id": officer.pk, "reasons": [], "created_at": approved_at})
            names.append(name)
            prices.append(retail)
            moqs.append(moq)
            units.append(unit)
            if (i + 1) % 100_000 == 0:
                print(f"  {i + 1:,} / {n_products:,} products ({time.perf_counter() - phase.began:.0f} s)", flush=True)
        for table in (products, tiers, photos, events):
            table.flush()

    # --- shoppers ---
    n_consumers = max(5, n_orders // 4)
    n_buyers = max(2, n_orders // 200)
    consumers: list[tuple[int, int, dict, str]] = []  # (user, address, snapshot, name)
    buyers: list[tuple[int, int, list[tuple[int, dict]], str]] = []  # (owner, org, [(outlet, snapshot)], name)
    all_villages = villages_sample(rng, 5_000)
    with transaction.atomic(), Phase("consumers, buyer organisations, addresses, outlets") as phase:
        users, orgs = Table(User, phase, now), Table(Organisation, phase, now)
        members, profiles_b = Table(Membership, phase, now), Table(BuyerProfile, phase, now)
        addresses, outlets = Table(Address, phase, now), Table(Outlet, phase, now)
        uid, oid, aid, outlet_id = next_id(User), next_id(Organisation), next_id(Address), next_id(Outlet)
        for c in range(n_consumers):
            person = _person(rng)
            code, village, _d, district = rng.choice(all_villages)
            place = {"name": "Rumah", "contact_name": person, "phone": _phone(rng),
                     "street": f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}", "village_code": code,
                     "village": village.upper(), "district": district.upper(), "postal_code": str(rng.randrange(10000, 99999))}
            users.add({"id": uid, "password": UNUSABLE_PASSWORD, "email": f"konsumen{c + 1}@seed.example.id",
                       "full_name": person, "phone": place["phone"], "role": "consumer"})
            addresses.add({"id": aid, "user_id": uid, "name": place["name"], "contact_name": person,
                           "phone": place["phone"], "street": place["street"], "village_id": code,
                           "postal_code": place["postal_code"], "is_active": True})
            consumers.append((uid, aid, place, person))
            uid, aid = uid + 1, aid + 1
        for b in range(n_buyers):
            person = _person(rng)
            code, village, _d, district = rng.choice(all_villages)
            title = f"{rng.choice(BUYER_PREFIX)} {village} {b + 1}"
            users.add({"id": uid, "password": UNUSABLE_PASSWORD, "email": f"pembeli{b + 1}@seed.example.id",
                       "full_name": person, "phone": _phone(rng), "role": "buyer"})
            orgs.add({"id": oid, "name": title, "kind": "buyer"})
            members.add({"user_id": uid, "organisation_id": oid, "role": "owner"})
            profiles_b.add({"organisation_id": oid, "approval_limit": None, "required_certifications": [],
                            "digest_enabled": False})
            places = []
            for k in range(rng.choice([1, 1, 2, 3])):
                code, village, _d, district = rng.choice(all_villages)
                place = {"name": f"Gerai {k + 1}", "contact_name": person, "phone": _phone(rng),
                         "street": f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}", "village_code": code,
                         "village": village.upper(), "district": district.upper(), "postal_code": "",
                         "receiving_hours": "Senin–Sabtu 08.00–16.00"}
                outlets.add({"id": outlet_id, "organisation_id": oid, "name": place["name"], "contact_name": person,
                             "phone": place["phone"], "street": place["street"], "village_id": code,
                             "postal_code": "", "is_active": True, "receiving_hours": place["receiving_hours"]})
                places.append((outlet_id, place))
                outlet_id += 1
            buyers.append((uid, oid, places, title))
            uid, oid = uid + 1, oid + 1
        for table in (users, orgs, members, profiles_b, addresses, outlets):
            table.flush()

    # --- orders ---
    reserved: dict[int, int] = {}
    shipped: dict[int, int] = {}
    with transaction.atomic(), Phase("checkouts, orders, lines, events, payments, refunds") as phase:
        checkouts, orders = Table(Checkout, phase, now), Table(Order, phase, now)
        lines, order_events = Table(OrderLine, phase, now), Table(OrderEvent, phase, now)
        payments, payment_events = Table(Payment, phase, now), Table(PaymentEvent, phase, now)
        receipts, refunds = Table(BankTransferReceipt, phase, now), Table(OrderRefund, phase, now)
        checkout_id, order_id, payment_id, refund_id = (next_id(Checkout), next_id(Order), next_id(Payment),
                                                        next_id(OrderRefund))
        counters: dict[tuple[str, int], int] = {}
        span = timedelta(days=365)
        begin = now - span
        written = 0
        while written < n_orders:
            at = begin + span * min(written / n_orders, 0.9999) + timedelta(seconds=rng.randrange(0, 60))
            age = (now - at).total_seconds() / 86400
            business = rng.random() < 0.25
            if business:
                user, organisation, places, buyer_name = rng.choice(buyers)
                outlet, place = rng.choice(places)
                address = None
                method = rng.choices(["invoice", "bank_transfer", "card"], [50, 30, 20])[0]
            else:
                user, address, place, buyer_name = rng.choice(consumers)
                organisation, outlet = None, None
                method = rng.choices(["card", "bank_transfer"], [60, 40])[0]
            parts = []
            for _ in range(min(1 if rng.random() < 0.85 else 2, n_orders - written)):
                j = rng.randrange(n_producers)
                if any(part[0] == j for part in parts):
                    continue
                first, last = -(-j * n_products // n_producers), -(-(j + 1) * n_products // n_producers)
                if first >= last:
                    continue
                chosen = rng.sample(range(first, last), min(last - first, rng.choice([1, 1, 2, 3])))
                items = []
                for index in chosen:
                    pid = product_base + index
                    quantity = moqs[index] + rng.randrange(0, 3)
                    price = prices[index]
                    if business:
                        product_tiers = tiers_of.get(pid, [])
                        if product_tiers:
                            quantity = max(quantity, product_tiers[0][0] * rng.choice([1, 1, 2]))
                        fitting = [p for q, p in product_tiers if q <= quantity]
                        price = fitting[-1] if fitting else price
                    items.append((pid, index, quantity, price))
                subtotal = sum(q * p for _pid, _i, q, p in items)
                delivers, fee, free_from = delivery[j]
                option = "producer" if delivers and rng.random() < 0.6 else "pickup"
                fee = 0 if option == "pickup" or (free_from is not None and subtotal >= free_from) else fee
                parts.append((j, items, subtotal, option, fee))
            if not parts:
                continue
            subtotal = sum(part[2] for part in parts)
            delivery_total = sum(part[4] for part in parts)
            total = subtotal + delivery_total
            # The checkout's payment story.
            roll = rng.random()
            if method == "invoice":
                checkout_status, paid = "on_terms", True
            elif age < 1 and roll < 0.3:
                checkout_status, paid = "awaiting_payment", False
            elif roll < 0.06:
                checkout_status, paid = "expired", False
            elif roll < 0.08:
                checkout_status, paid = "cancelled", False
            else:
                checkout_status, paid = "paid", True
            window = timedelta(minutes=CARD_MINUTES) if method == "card" else timedelta(hours=TRANSFER_HOURS)
            expires = None if method == "invoice" else at + window
            if checkout_status == "awaiting_payment":
                expires = now + window
            paid_at = at + timedelta(minutes=rng.randrange(2, 25) if method == "card" else rng.randrange(30, 600)) \
                if checkout_status == "paid" else None
            year = timezone.localtime(at).year
            counters[("INV", year)] = counters.get(("INV", year), 0) + 1
            number = document_number_format(series="INV", year=year, number=counters[("INV", year)])
            reference = ""
            if method in ("card", "bank_transfer"):
                provider = "stripe" if method == "card" else "bank_transfer"
                reference = f"pi_seed{checkout_id:010d}" if method == "card" else f"KI{checkout_id:08d}"
                status = {"paid": "succeeded", "awaiting_payment": "pending"}.get(checkout_status, "cancelled")
                payments.add({"id": payment_id, "checkout_id": checkout_id, "provider": provider, "attempt": 1,
                              "amount": total, "received": total if paid else 0, "status": status,
                              "idempotency_key": f"kampung:checkout:{checkout_id}:card:1" if method == "card"
                              else f"bank_transfer:checkout:{checkout_id}", "reference": reference,
                              "succeeded_at": paid_at, "applied": paid, "created_at": at,
                              "updated_at": paid_at or at})
                if paid:
                    source = "webhook" if method == "card" else "transfer"
                    payment_events.add({"payment_id": payment_id, "from_status": "pending", "to_status": "succeeded",
                                        "source": source, "actor_id": None if method == "card" else officer.pk,
                                        "provider_event_id": f"evt_seed{payment_id}" if method == "card" else "",
                                        "at": paid_at})
                    if method == "bank_transfer":
                        receipts.add({"payment_id": payment_id, "amount": total, "bank_reference": f"BRI{payment_id:09d}",
                                      "received_on": timezone.localtime(paid_at).date(),
                                      "recorded_by_id": officer.pk, "created_at": paid_at})
                elif status == "cancelled":
                    payment_events.add({"payment_id": payment_id, "from_status": "pending", "to_status": "cancelled",
                                        "source": "cancel", "at": expires})
                payment_id += 1
            checkouts.add({"id": checkout_id, "number": number, "placed_by_id": user, "organisation_id": organisation,
                           "audience": "business" if business else "consumer",
                           "idempotency_key": f"seed-{checkout_id}",
                           "request_fingerprint": hashlib.sha256(f"seed-{checkout_id}".encode()).hexdigest(),
                           "status": checkout_status, "payment_method": method, "reservation_expires_at": expires,
                           "paid_at": paid_at, "payment_reference": reference if paid and method != "invoice" else "",
                           "outlet_id": outlet, "address_id": address, "delivery_address": place, "note": "",
                           "subtotal": subtotal, "delivery_total": delivery_total, "total": total,
                           "created_at": at, "updated_at": paid_at or at})
            for j, items, part_subtotal, option, fee in parts:
                counters[("PO", year)] = counters.get(("PO", year), 0) + 1
                po = document_number_format(series="PO", year=year, number=counters[("PO", year)])
                owner = owners[j]
                history = []  # (from, to, actor, at, note, data, kind)
                first_status = "placed" if method == "invoice" else "awaiting_payment"
                history.append(("", first_status, user, at, "", {}, "status"))
                clock = at
                status, decline_reason = first_status, ""
                if first_status == "awaiting_payment":
                    if paid:
                        history.append(("", "", None, paid_at, "", {"reference": reference, "amount": total}, "payment"))
                        history.append(("awaiting_payment", "placed", None, paid_at, "", {}, "status"))
                        clock, status = paid_at, "placed"
                    elif checkout_status in ("expired", "cancelled"):
                        by = None if checkout_status == "expired" else user
                        history.append(("awaiting_payment", "cancelled", by, expires if by is None else
                                        at + timedelta(minutes=5), "", {}, "status"))
                        status = "cancelled"
                if status == "placed":
                    if age >= 10:
                        target = rng.choices(["completed", "declined", "cancelled"], [93, 4, 3])[0]
                    elif age >= 3:
                        target = rng.choices(["packed", "shipped", "delivered", "completed", "declined", "cancelled"],
                                             [8, 15, 35, 35, 4, 3])[0]
                    else:
                        target = rng.choices(["placed", "accepted", "packed", "shipped", "delivered", "declined",
                                              "cancelled"], [30, 25, 15, 15, 8, 4, 3])[0]
                    if target in ("declined", "cancelled"):
                        clock += timedelta(hours=rng.randrange(1, 20))
                        actor = owner if target == "declined" else user
                        decline_reason = rng.choice(DECLINE_REASONS) if target == "declined" else ""
                        history.append(("placed", target, actor, clock, decline_reason, {}, "status"))
                        history.append(("", "", None, clock, "", {"refund": refund_id, "amount": part_subtotal + fee,
                                                                  "reason": target}, "refund_decided"))
                        done = age > 3
                        settlement = {"card": "provider", "bank_transfer": "transfer", "invoice": "credit_note"}[method]
                        refunds.add({"id": refund_id, "order_id": order_id, "reason": target,
                                     "amount": part_subtotal + fee, "payment_method": method,
                                     "status": "done" if done else "requested",
                                     "reference": f"re_seed{refund_id}" if done and method == "card" else "",
                                     "refunded_at": clock + timedelta(days=1) if done else None,
                                     "settlement": settlement if done else "",
                                     "transferred_on": (clock + timedelta(days=1)).date()
                                     if done and settlement == "transfer" else None,
                                     "recorded_by_id": officer.pk if done and settlement == "transfer" else None,
                                     "created_at": clock, "updated_at": clock})
                        if done:
                            history.append(("", "", None, clock + timedelta(days=1), "",
                                            {"refund": refund_id, "amount": part_subtotal + fee}, "refund_done"))
                        refund_id += 1
                        status = target
                    else:
                        steps = ["placed", "accepted", "packed", "shipped", "delivered", "completed"]
                        for frm, to in zip(steps, steps[1:steps.index(target) + 1], strict=False):
                            clock += timedelta(hours=rng.randrange(2, 30)) if to != "completed" else timedelta(days=7)
                            actor = None if to == "completed" else owner
                            data = {"courier": "", "tracking_number": ""} if to == "shipped" else {}
                            history.append((frm, to, actor, clock, "", data, "status"))
                        status = target
                delivered_at = next((h[3] for h in history if h[1] == "delivered"), None)
                orders.add({"id": order_id, "checkout_id": checkout_id, "producer_id": producer_ids[j], "number": po,
                            "status": status, "status_changed_at": max(h[3] for h in history if h[6] == "status"),
                            "delivery_option": option, "buyer_name": buyer_name, "delivery_address": place,
                            "note": "", "subtotal": part_subtotal, "delivery_fee": fee, "total": part_subtotal + fee,
                            "decline_reason": decline_reason, "delivered_at": delivered_at,
                            "created_at": at, "updated_at": history[-1][3]})
                for pid, index, quantity, price in items:
                    lines.add({"order_id": order_id, "product_id": pid, "product_name": names[index],
                               "sku": f"SKU-{pid}", "unit": units[index], "quantity": quantity, "unit_price": price,
                               "line_total": quantity * price})
                    if status in ("awaiting_payment", "placed", "accepted", "packed"):
                        reserved[pid] = reserved.get(pid, 0) + quantity
                    elif status in ("shipped", "delivered", "completed"):
                        shipped[pid] = shipped.get(pid, 0) + quantity
                for frm, to, actor, when, note, data, kind in history:
                    order_events.add({"order_id": order_id, "kind": kind, "from_status": frm, "to_status": to,
                                      "actor_id": actor, "note": note, "data": data, "created_at": when})
                order_id += 1
                written += 1
            checkout_id += 1
        for table in (checkouts, orders, lines, order_events, payments, payment_events, receipts, refunds):
            table.flush()
        for (series, year), last in counters.items():
            DocumentCounter.objects.update_or_create(series=series, year=year, defaults={"last_number": last})

    with transaction.atomic(), Phase("stock") as phase:
        stock = Table(ProductStock, phase, now)
        for i in range(n_products):
            pid = product_base + i
            held = reserved.get(pid, 0)
            stock.add({"product_id": pid, "on_hand": rng.choice([0, 0, 5, 20, 100, 500]) + held, "reserved": held,
                       "low_stock_threshold": rng.choice([0, 5, 10])})
        stock.flush()

    with Phase("indexes and foreign keys built again") as phase:
        constraints_restore(deferred, phase)

    with Phase("sequences, analyze"):
        from django.apps import apps

        models = [m for m in apps.get_models() if m._meta.app_label in
                  {"accounts", "catalog", "orders", "payments", "buyers"}]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            cursor.execute("ANALYZE")

    with Phase("a consumer with a known password"):
        from allauth.account.models import EmailAddress

        consumer = User.objects.get(email=SEED_CONSUMER)
        consumer.set_password(SEED_PASSWORD)
        consumer.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=consumer, email=SEED_CONSUMER,
                                              defaults={"verified": True, "primary": True})
    seeded = time.perf_counter() - started

    if args.index:
        search_index()
    total = time.perf_counter() - started
    print(f"\n{'phase':<52} {'rows':>12} {'seconds':>9} {'rows/s':>10}")
    for name, rows, seconds in Phase.totals:
        rate = f"{rows / seconds:10,.0f}" if rows and seconds else f"{'':>10}"
        print(f"{name:<52} {rows:12,} {seconds:9.1f} {rate}")
    print(f"seed without the search index: {seeded:.1f} s; total: {total:.1f} s")
    print(f"signed-in consumer: {SEED_CONSUMER} / {SEED_PASSWORD}")


def search_index() -> None:
    """Rebuild the search index from the catalogue as ``manage.py search_reindex`` does, timed."""
    from catalog.models import Product
    from search.backends import get_backend

    backend = get_backend()
    listed = Product.objects.filter(listed=True).count()
    with Phase(f"search index rebuild ({backend.name}, from the catalogue)") as phase:
        report = backend.rebuild()
        phase.rows = report.indexed
    print(f"  products indexed: {listed / (time.perf_counter() - phase.began):,.0f} products/s (with the villages)")
    if not getattr(backend, "rebuild_compacts", False):  # the database backend's rebuild leaves it compact
        with Phase("search index compaction") as phase:
            phase.rows = backend.compact() or 0


def search_index_profile(count: int) -> None:
    """Profile indexing ``count`` public products in the rebuild's batches; print where the time goes."""
    import cProfile
    import pstats

    from search.backends import get_backend
    from search.backends.postgres import tuning, writes
    from search.documents import public_product_ids

    backend = get_backend()
    ids = [pk for pk, _ in zip(public_product_ids(), range(count), strict=False)]
    profile = cProfile.Profile()
    began = time.perf_counter()
    profile.enable()
    for batch in writes.batches(ids, tuning.BATCH_SIZE):
        backend.index_products(batch)
    profile.disable()
    seconds = time.perf_counter() - began
    print(f"indexed {len(ids):,} products in {seconds:.1f} s = {len(ids) / seconds:,.0f} products/s (under cProfile)")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(35)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--producers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--db", help=f"database name (default {PREFIX}<products>)")
    parser.add_argument("--replace", action="store_true", help="drop an earlier seed of the same name first")
    parser.add_argument("--no-index", dest="index", action="store_false", help="skip the search index step")
    parser.add_argument("--template", help="create the database as a copy of this migrated, empty database "
                        "(the tests pass their own test database: migrate then has nothing to do)")
    parser.add_argument("--regions", type=Path, help="region CSV (default: the whole country, "
                        "../shared/data/wilayah/base.csv)")
    parser.add_argument("--profile-index", type=int, metavar="N", help="do not seed: profile indexing the first N "
                        "public products of an existing seed (cProfile), as the rebuild does it")
    parser.add_argument("--seed", type=int, default=20261205, help="random seed")
    args = parser.parse_args(argv)
    if args.products < 1 or args.producers < 1 or args.orders < 0:
        parser.error("--products and --producers must be at least 1, --orders at least 0")
    name = args.db or f"{PREFIX}{args.products}"
    if not args.profile_index:
        database_prepare(name=name, replace=args.replace, template=args.template)
    os.environ["DATABASE_URL"] = f"{server_url()}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings.local")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    if args.profile_index:
        search_index_profile(args.profile_index)
        return
    print(f"seeding {name}: {args.products:,} products, {args.producers:,} producers, {args.orders:,} orders",
          flush=True)
    seed(args)


if __name__ == "__main__":
    main()
