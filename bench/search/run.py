"""Benchmark: product search through the database backend over a national-scale catalogue.

Usage: .venv/bin/python bench/search/run.py [products ...]    (default: 100000; BENCH_KEEP=1 keeps the database,
BENCH_COMPACT=0 measures the entries in indexing order, without the nightly compaction)

For each size it creates a throw-away database (``test_<name>`` of ``DATABASE_URL``, e.g.
``postgres://postgres@127.0.0.1:5432/kampung_bench`` gives ``test_kampung_bench``), imports the
country's regions from ``../shared/data/wilayah/base.csv``, generates that many products with
realistic Indonesian names spread over villages of the whole country, indexes them, prints the
indexing throughput and the p50/p95/p99 latency of typical queries, and drops the database.

Shortcut (documented in docs/performance.md): the products are not created through the catalogue
services (a million curated products with producers, permits, stock and events would take hours).
``search.documents.ProductDocument``s are generated directly and written by the database backend's
own write path (``search.backends.postgres.writes``: ``product_row`` + ``entries_write``, the same
upsert, tsvectors, words table and vocabulary counts as ``index_products``), batch by batch under
the index lock.
Only the catalogue read (``product_documents``) is skipped. Queries go through
``Database.search_products`` exactly as the pages and the API call it (facets on, 20 per page).
"""
from __future__ import annotations

import csv
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

from catalog.models import Category, Commodity  # noqa: E402
from market.regions.services import region_import_file  # noqa: E402
from search.backends.base import ProductQuery, ProductSearchFilters  # noqa: E402
from search.backends.database import Database  # noqa: E402
from search.backends.postgres import writes  # noqa: E402
from search.documents import ProductDocument  # noqa: E402

REGIONS = ROOT.parent / "shared" / "data" / "wilayah" / "base.csv"
BATCH = 1000
KEEP = os.environ.get("BENCH_KEEP") == "1"  # keep the generated database to look at query plans
COMPACT = os.environ.get("BENCH_COMPACT", "1") != "0"  # measure after the nightly compaction (the default)
RUNS = 20  # timed runs of each query variant (after one warm-up)

CATEGORIES = [  # slug, parent, name, name_en
    ("makanan-minuman", None, "Makanan & Minuman", "Food & drink"),
    ("kopi", "makanan-minuman", "Kopi", "Coffee"),
    ("kopi-bubuk", "kopi", "Kopi bubuk", "Ground coffee"),
    ("makanan-ringan", "makanan-minuman", "Makanan ringan", "Snacks"),
    ("bumbu", "makanan-minuman", "Bumbu & sambal", "Spices & sambal"),
    ("minuman", "makanan-minuman", "Minuman", "Drinks"),
    ("kerajinan", None, "Kerajinan", "Crafts"),
    ("anyaman", "kerajinan", "Anyaman", "Woven goods"),
    ("batik", None, "Batik & tenun", "Batik & weaving"),
    ("perawatan", None, "Perawatan tubuh", "Body care"),
]
COMMODITIES = [("kopi-robusta", "Kopi robusta", "Robusta coffee"), ("kopi-arabika", "Kopi arabika", "Arabica coffee"),
               ("madu", "Madu", "Honey"), ("pisang", "Pisang", "Banana"), ("singkong", "Singkong", "Cassava"),
               ("bambu", "Bambu", "Bamboo"), ("kelapa", "Kelapa", "Coconut"), ("cabai", "Cabai", "Chilli"),
               ("jahe", "Jahe", "Ginger"), ("tembakau", "Tembakau", "Tobacco")]
# weight, category, commodity, name patterns (the first word list is the head noun), English name, description
KINDS = [
    (10, "kopi-bubuk", "kopi-robusta", ["Kopi Robusta", "Kopi Robusta Bubuk", "Kopi Robusta Sangrai"], "Robusta coffee",
     "Kopi robusta petik merah, disangrai sedang dan digiling halus oleh petani kopi desa."),
    (4, "kopi", "kopi-arabika", ["Kopi Arabika", "Biji Kopi Arabika", "Kopi Arabika Drip Bag"], "Arabica coffee",
     "Kopi arabika dataran tinggi, proses natural dan honey, cocok untuk seduh manual."),
    (1, "kopi-bubuk", "kopi-robusta", ["Kopi Luwak"], "Civet coffee", "Kopi luwak liar diproses tangan."),
    (9, "makanan-ringan", "pisang", ["Keripik Pisang", "Sale Pisang", "Kripik Pisang Kepok"], "Banana chips",
     "Pisang kepok diiris tipis, digoreng renyah dengan minyak kelapa."),
    (8, "makanan-ringan", "singkong", ["Keripik Singkong", "Tape Singkong", "Suwar-Suwir", "Prol Tape"],
     "Cassava snack", "Olahan singkong khas Jember, tanpa pengawet."),
    (4, "makanan-ringan", "", ["Keripik Tempe", "Kerupuk Udang", "Rengginang", "Emping Melinjo", "Dodol Ketan"],
     "Traditional snack", "Jajanan tradisional buatan ibu-ibu desa."),
    (6, "makanan-minuman", "madu", ["Madu Hutan", "Madu Klanceng", "Madu Randu"], "Forest honey",
     "Madu murni dari peternak lebah hutan, dipanen tanpa campuran gula."),
    (5, "bumbu", "cabai", ["Sambal Bawang", "Sambal Terasi", "Sambal Pecel", "Bumbu Rujak"], "Chilli sambal",
     "Sambal dari cabai rawit segar dan bawang putih, pedas gurih."),
    (5, "minuman", "jahe", ["Jahe Merah Instan", "Wedang Uwuh", "Teh Rosela", "Kunyit Asam"], "Herbal drink",
     "Minuman rempah tradisional untuk menjaga daya tahan tubuh."),
    (4, "minuman", "kelapa", ["Gula Aren", "Gula Kelapa Semut", "Minyak Kelapa Murni"], "Coconut sugar",
     "Nira kelapa dimasak perlahan di tungku kayu."),
    (8, "anyaman", "bambu", ["Tas Anyaman Bambu", "Keranjang Bambu", "Tampah Bambu", "Kap Lampu Bambu"],
     "Woven bamboo goods", "Anyaman bambu halus buatan perajin desa."),
    (4, "anyaman", "", ["Tas Anyaman Pandan", "Tikar Mendong", "Topi Anyaman Lontar"], "Woven goods",
     "Anyaman daun pandan dan mendong yang dikeringkan alami."),
    (7, "batik", "tembakau", ["Batik Tulis", "Batik Cap", "Kain Tenun Ikat", "Sarung Tenun"], "Hand-drawn batik",
     "Kain batik pewarna alam dengan motif daun tembakau dan kopi."),
    (3, "perawatan", "kelapa", ["Sabun Sereh", "Lulur Kopi", "Minyak Kemiri"], "Natural soap",
     "Perawatan tubuh dari bahan alami desa."),
]
VARIANTS = ["Original", "Pedas", "Manis", "Balado", "Cokelat", "Premium", "Super", "Spesial", "Asli", "Keju",
            "Jagung Bakar", "Rumput Laut", "Motif Parang", "Motif Kawung", "Ukuran Besar", "Ukuran Kecil", "Oleh-Oleh"]
SIZES = ["100 g", "150 g", "200 g", "250 g", "500 g", "1 kg", "isi 10", "isi 20", "1 liter", "350 ml", "1 lembar"]
PRODUCER_PREFIX = ["UMKM", "UD", "KUB", "Kelompok Tani", "CV", "Koperasi", "IKM"]
CERTIFICATIONS = [["halal", "pirt"], ["halal"], ["pirt"], [], ["halal", "bpom_md"], ["trademark"]]


def _villages(rng: random.Random, count: int) -> list[tuple[str, str, str, str]]:
    """Return ``count`` villages of the whole country as (code, name, district code, district name)."""
    districts, villages = {}, []
    with REGIONS.open(newline="", encoding="utf-8") as handle:
        for code, name in csv.reader(handle):
            if len(code) == 8:
                districts[code] = name
            elif len(code) == 13:
                villages.append((code, name, code[:8]))
    chosen = rng.sample(villages, min(count, len(villages)))
    return [(code, name.title(), district, districts.get(district, district).title())
            for code, name, district in chosen]


def _reference_data() -> dict[str, tuple[list[str], list[str]]]:
    """Create the categories and commodities (labels of facets, suggestions); return the category paths."""
    rows = {}
    for slug, parent, name, name_en in CATEGORIES:
        rows[slug], _ = Category.objects.update_or_create(
            slug=slug, defaults={"parent": rows.get(parent), "name": name, "name_en": name_en})
    for slug, name, name_en in COMMODITIES:
        Commodity.objects.update_or_create(slug=slug, defaults={"name": name, "name_en": name_en})
    parents = {slug: parent for slug, parent, *_rest in CATEGORIES}
    names = {slug: (name, name_en) for slug, _parent, name, name_en in CATEGORIES}
    paths = {}
    for slug in parents:
        path, node = [], slug
        while node:
            path.insert(0, node)
            node = parents[node]
        paths[slug] = (path, [n for s in path for n in names[s]])
    return paths


def _documents(rng: random.Random, start: int, count: int, villages, paths) -> list[ProductDocument]:
    commodity_names = {slug: [name, name_en] for slug, name, name_en in COMMODITIES}
    weights = [kind[0] for kind in KINDS]
    now = timezone.now()
    documents = []
    for pk in range(start, start + count):
        _w, category, commodity, heads, name_en, description = rng.choices(KINDS, weights)[0]
        code, village, district, district_name = villages[pk % len(villages)]
        name = f"{rng.choice(heads)} {rng.choice(VARIANTS)} {village} {rng.choice(SIZES)}"
        retail = rng.randrange(10, 400) * 1000
        tiers = rng.random() < 0.6
        ready, available = rng.random() < 0.35, rng.choice([0, 0, 5, 20, 100, 500])
        documents.append(ProductDocument(
            id=pk, name=name, name_en=f"{name_en} {village}", description=f"{description} Dari desa {village}.",
            description_en="", producer_id=pk // 5 + 1,
            producer_name=f"{rng.choice(PRODUCER_PREFIX)} {rng.choice(heads).split()[0]} {village}",
            village_code=code, village_name=village, district_code=district, district_name=district_name,
            category_slug=category, category_path=paths[category][0], category_names=paths[category][1],
            commodity_slug=commodity, commodity_names=commodity_names.get(commodity, []),
            certifications=rng.choice(CERTIFICATIONS), retail_ready=ready, retail_price=retail,
            wholesale_price=int(retail * 0.85) if tiers else retail, min_order_qty=rng.choice([1, 1, 1, 5, 10, 24, 50]),
            available=available, in_stock=available > 0,
            approved_at=now - timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60)),
            sales_score=round(rng.random() ** 3, 3)))
    return documents


def _index(backend: Database, rng: random.Random, size: int, villages, paths) -> tuple[float, float]:
    """Write ``size`` generated products through the backend's write path; return (seconds, of which SQL)."""
    started, sql = time.perf_counter(), 0.0
    for start in range(1, size + 1, BATCH):
        documents = _documents(rng, start, min(BATCH, size + 1 - start), villages, paths)
        rows = [writes.product_row(d) for d in documents]
        began = time.perf_counter()
        with backend.connection.write_cursor() as cursor:
            writes.entries_write(cursor, writes.PRODUCTS, keys=[d.id for d in documents], rows=rows,
                                 config=backend.config)
        sql += time.perf_counter() - began
        if start // BATCH % 50 == 0:
            print(f"  indexed {start + len(documents) - 1:>9,} / {size:,}", flush=True)
    return time.perf_counter() - started, sql


def _busiest(column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM search_productentry GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        return cursor.fetchone()[0]


def _shapes() -> dict[str, list[ProductQuery]]:
    district = _busiest("district_code")
    snacks = ProductSearchFilters(category="makanan-ringan", certifications=("halal",))
    local = ProductSearchFilters(district=district, in_stock=True)
    ready = ProductSearchFilters(retail_ready=True, in_stock=True)
    return {
        "one common word": [ProductQuery(text="kopi"), ProductQuery(text="keripik"), ProductQuery(text="madu")],
        "two words": [ProductQuery(text="keripik pisang"), ProductQuery(text="kopi robusta"),
                      ProductQuery(text="tas bambu")],
        "a typo": [ProductQuery(text="kopu"), ProductQuery(text="kripik pisnag"), ProductQuery(text="batk tulis")],
        "with two facets": [ProductQuery(text="keripik", filters=snacks), ProductQuery(text="kopi", filters=local),
                            ProductQuery(text="madu", filters=ready)],
        "no text, price sort": [ProductQuery(sort="price_asc"), ProductQuery(text="kopi", sort="price_asc"),
                                ProductQuery(text="sambal", sort="newest")],
        "autocomplete (suggest)": ["kop", "keripik pi", "madu h"],
    }


def _describe(query: ProductQuery | str) -> str:
    if isinstance(query, str):
        return f"suggest {query!r}"
    chosen = {k: v for k, v in vars(query.filters).items() if v not in (None, ())}
    return f"{query.text!r}" + (f" {chosen}" if chosen else "") + (f" {query.sort}" if query.sort != "relevance" else "")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def run(size: int) -> None:
    rng = random.Random(20261128)
    old = setup_databases(verbosity=0, interactive=False)
    try:
        began = time.perf_counter()
        region_import_file(path=REGIONS)
        villages = _villages(rng, 20_000)
        paths = _reference_data()
        print(f"{size:,} products over {len(villages):,} villages in {len({v[2] for v in villages}):,} districts "
              f"(regions imported in {time.perf_counter() - began:.1f} s)")
        backend = Database()
        print(f"pg_trgm: {backend.trigram}")
        seconds, sql = _index(backend, rng, size, villages, paths)
        print(f"indexing: {size:,} products in {seconds:.1f} s = {size / seconds:,.0f} products/s "
              f"(SQL {sql:.1f} s, building rows in Python {seconds - sql:.1f} s)")
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_productentry")
            cursor.execute("VACUUM ANALYZE search_productentrywords")
            cursor.execute("VACUUM ANALYZE search_term")
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('search_productentry')), count(*) "
                           "FROM search_term")
            size_pretty, terms = cursor.fetchone()
        print(f"vacuum analyze: {time.perf_counter() - began:.1f} s; search_productentry {size_pretty}, "
              f"{terms:,} indexed words")
        if COMPACT:  # what the nightly task does: entries stored in quality order
            began = time.perf_counter()
            backend.compact()
            print(f"compaction (the nightly search_compact_task): {time.perf_counter() - began:.1f} s")
        else:
            print("no compaction (BENCH_COMPACT=0): entries in the order they were indexed")
        print(f"{'query shape':<24} {'p50':>8} {'p95':>8} {'p99':>8}  matches (first variant)")
        for shape, queries in _shapes().items():
            timings, matches, details = [], [], []
            for query in queries:
                call = (lambda q=query: backend.suggest(q)) if isinstance(query, str) \
                    else (lambda q=query: backend.search_products(q))
                first = call()  # warm-up (plans, caches)
                matches.append(len(first) if isinstance(first, list)
                               else f"{first.total}{'' if first.total_is_exact else '+'}")
                own = []
                for _ in range(RUNS):
                    began = time.perf_counter()
                    call()
                    own.append((time.perf_counter() - began) * 1000)
                timings += own
                details.append(f"{_describe(query)}: p50 {_percentile(own, 50):.1f} / p95 {_percentile(own, 95):.1f}")
            print(f"{shape:<24} {_percentile(timings, 50):6.1f}ms {_percentile(timings, 95):6.1f}ms "
                  f"{_percentile(timings, 99):6.1f}ms  {matches}", flush=True)
            for line in details:
                print(f"    {line} ms")
    finally:
        if KEEP:
            print(f"kept the database {connection.settings_dict['NAME']} (BENCH_KEEP=1): drop it yourself")
        else:
            teardown_databases(old, verbosity=0)


def main() -> None:
    settings.DEBUG = False  # no query log kept in memory
    sizes = [int(arg.replace("_", "")) for arg in sys.argv[1:]] or [100_000]
    for size in sizes:
        run(size)


if __name__ == "__main__":
    main()
